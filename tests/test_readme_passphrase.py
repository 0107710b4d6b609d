"""The README teaches typing the passphrase; `MILPJ_PASSPHRASE` only for scripts and tests."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_command_line_section_asks_first_and_keeps_the_variable_for_scripts() -> None:
    section = README.read_text(encoding="utf-8").split("## Ligne de commande", 1)[1].split("\n## ", 1)[0]
    first_paragraph = " ".join(section.strip().split("\n\n", 1)[0].split())
    assert first_paragraph.startswith("Les commandes sans fenêtre demandent la phrase secrète")
    assert "scripts et les tests seulement" in first_paragraph and "au quotidien" in first_paragraph


def test_every_mention_of_the_variable_outside_tables_says_it_is_not_for_daily_use() -> None:
    text = README.read_text(encoding="utf-8")
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if "`MILPJ_PASSPHRASE`" in p]
    prose = [p for p in paragraphs if not p.startswith(("|", "-", "```"))]
    assert prose and all("au quotidien" in p for p in prose), prose
