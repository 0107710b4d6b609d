"""The demonstration dataset: the embedded content pack, the handout templates of modeles_docs/,
a few pictograms, and the national-size directory (real town halls + fictitious entries)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from milpj_desktop import paths
from milpj_desktop.content.pack import ContentPack, load_pack
from sync.protocol import Collection, TemplateRecord
from sync.server.db import ServerDB

DEMO_TOKEN = "jeton-demo-1000pj"
_TEXT_SUFFIXES = {".json", ".j2", ".html", ".css", ".md", ".txt"}
_COLOURS = ("#000091", "#6A6AF4", "#CE0500", "#18753C", "#B34000", "#695240", "#A558A0", "#009081", "#C3992A")


@cache
def _pack() -> ContentPack:
    """The embedded content pack, read and checked once per process."""
    return load_pack(paths.resources_dir() / "contenus")


def load_content(db: ServerDB) -> dict[str, int]:
    """Publish the embedded pack (stages, thématiques, articles, événements)."""
    pack = _pack()
    return {
        "stages": db.publish(Collection.STAGES, pack.stages),
        "themes": db.publish(Collection.THEMES, pack.themes),
        "articles": db.publish(Collection.ARTICLES, pack.articles),
        "events": db.publish(Collection.EVENTS, pack.events),
    }


def template_records(folder: Path) -> list[TemplateRecord]:
    """Each folder of modeles_docs/ with a manifest becomes one template record (its text files)."""
    records: list[TemplateRecord] = []
    if not folder.is_dir():
        return records
    for manifest in sorted(folder.glob("*/manifeste.json")):
        base = manifest.parent
        data = json.loads(manifest.read_text(encoding="utf-8"))
        files = {
            str(p.relative_to(base)): p.read_text(encoding="utf-8")
            for p in sorted(base.rglob("*"))
            if p.is_file() and p.suffix in _TEXT_SUFFIXES
        }
        records.append(
            TemplateRecord(id=str(data["id"]), version=1, title=str(data.get("title", data["id"])), files=files)
        )
    return records


def pictogram(number: int, label: str) -> bytes:
    colour = _COLOURS[number % len(_COLOURS)]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
        f'<circle cx="48" cy="48" r="44" fill="{colour}"/>'
        f'<text x="48" y="58" font-size="28" text-anchor="middle" fill="#fff" font-family="sans-serif">{label}</text>'
        "</svg>"
    ).encode()


def load_assets(db: ServerDB) -> int:
    pack = _pack()
    for number, stage in enumerate(pack.stages):
        db.add_asset(pictogram(number, str(stage.order)), name=f"etape-{stage.id}.svg", media_type="image/svg+xml")
    return len(pack.stages)


def load_directory(db: ServerDB, size: int) -> int:
    from milpj_desktop.directory.generate import national_dataset

    entries = national_dataset(size)
    count = 0
    for start in range(0, len(entries), 10_000):
        count += db.publish(Collection.DIRECTORY, entries[start : start + 10_000])
    return count


def load_demo(db: ServerDB, *, directory_size: int = 100_000, token: str = DEMO_TOKEN) -> dict[str, int]:
    """Fill an empty database once; a database that already holds data is left as it is."""
    db.add_token(token, "démonstration")
    if db.head() > 0:
        return {}
    counts = load_content(db)
    counts["templates"] = db.publish(Collection.TEMPLATES, template_records(paths.templates_dir()))
    counts["assets"] = load_assets(db)
    counts["directory"] = load_directory(db, directory_size)
    return counts
