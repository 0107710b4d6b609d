"""The command lines speak French from the first line of their help to their last error, and read
the dates people write (JJ/MM/AAAA as well as AAAA-MM-JJ)."""

from __future__ import annotations

import argparse
import gettext
import re
import subprocess

import pytest

from milpj_desktop.store import Store
from tests.conftest import SERVER_CLI, run_cli

# argparse's own English, as it would show through: none of it may reach a person.
ENGLISH = re.compile(
    r"usage:|show this help|show program's version|positional arguments|^options:|^optional arguments"
    r"|error:|the following arguments|unrecognized arguments|invalid choice|expected one argument"
    r"|not allowed with|is required|invalid \w+ value",
    re.MULTILINE | re.IGNORECASE,
)
DESKTOP_HELPS = [
    [],
    ["init"],
    ["verifier"],
    ["phrase-secrete"],
    ["rechercher"],
    ["etape"],
    ["fiche"],
    ["annuaire"],
    ["annuaire", "importer"],
    ["annuaire", "exporter"],
    ["annuaire", "rechercher"],
    ["synchroniser"],
]
SERVER_HELPS = [[], ["admin"], ["admin", "publier"], ["admin", "panne"], ["admin", "etat"]]


def _assert_french(result: subprocess.CompletedProcess[str]) -> str:
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    english = ENGLISH.findall(text)
    assert english == [], f"anglais d'argparse dans :\n{text}"
    return text


@pytest.mark.parametrize("words", DESKTOP_HELPS, ids=lambda w: " ".join(w) or "milpj-desktop")
def test_every_desktop_help_is_french(words: list[str]) -> None:
    result = run_cli(*words, "--help", passphrase=None)
    assert result.returncode == 0, result.stderr
    text = _assert_french(result)
    assert text.startswith("utilisation\u00a0: milpj-desktop")
    assert "-h, --help" in text and "afficher cette aide et quitter" in text
    assert "options\u00a0:" in text


@pytest.mark.parametrize("words", SERVER_HELPS, ids=lambda w: " ".join(w) or "milpj-serveur")
def test_every_server_help_is_french(words: list[str]) -> None:
    result = run_cli(*words, "--help", passphrase=None, command=SERVER_CLI)
    assert result.returncode == 0, result.stderr
    text = _assert_french(result)
    assert text.startswith("utilisation\u00a0: milpj-serveur")
    assert "afficher cette aide et quitter" in text


def test_version_and_its_help_line() -> None:
    version = run_cli("--version", passphrase=None)
    assert version.returncode == 0
    assert re.fullmatch(r"milpj-desktop \d+\.\d+\.\d+\n", version.stdout)
    assert "--version       afficher la version et quitter" in run_cli("--help", passphrase=None).stdout


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["zz"], "argument COMMANDE\u00a0: choix invalide\u00a0: 'zz' (choix possibles\u00a0: 'init'"),
        (["etape"], "l'un des arguments --terme --naissance"),
        (
            ["etape", "--terme", "2026-01-01", "--nombre", "x"],
            "argument --nombre\u00a0: valeur invalide\u00a0: «\u00a0x\u00a0»",
        ),
        (["etape", "--terme", "2026-01-01", "--naissance", "2026-01-01"], "incompatible avec l'argument --terme"),
        (["etape", "--terme"], "argument --terme\u00a0: une valeur est attendue"),
        (["rechercher"], "arguments obligatoires manquants\u00a0: TEXTE"),
        (["init", "--inconnue"], "arguments non reconnus\u00a0: --inconnue"),
        (["annuaire"], "arguments obligatoires manquants\u00a0: ACTION"),
    ],
)
def test_usage_errors_are_french_with_code_2(words: list[str], expected: str) -> None:
    result = run_cli(*words, passphrase=None)
    assert result.returncode == 2
    _assert_french(result)
    assert result.stderr.startswith("utilisation\u00a0: milpj-desktop")
    last = result.stderr.splitlines()[-1]
    assert "\u00a0: erreur\u00a0: " in last
    assert expected in last


def test_server_usage_error_is_french() -> None:
    result = run_cli("admin", "publier", "pas-une-collection", "f.json", passphrase=None, command=SERVER_CLI)
    assert result.returncode == 2
    _assert_french(result)
    assert "milpj-serveur admin publier\u00a0: erreur\u00a0: argument collection\u00a0: choix invalide" in result.stderr


def test_importing_the_french_parser_changes_nothing_global() -> None:
    import milpj_desktop.frenchargs  # noqa: F401

    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]
    plain = argparse.ArgumentParser(prog="autre")
    assert plain.format_usage().startswith("usage: autre")
    assert "show this help message and exit" in plain.format_help()


def test_stage_reads_french_dates_like_iso_dates(content_store: Store) -> None:
    content_store.close()
    french = run_cli("etape", "--naissance", "15/01/2026", "--aujourdhui", "16/04/2026")
    iso = run_cli("etape", "--naissance", "2026-01-15", "--aujourdhui", "2026-04-16")
    assert french.returncode == 0, french.stderr
    assert french.stdout.startswith("Étape au 16/04/2026 : De ses 4 mois à 1 an (")
    assert french.stdout == iso.stdout
    bad = run_cli("etape", "--naissance", "31/02/2026")
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "milpj-desktop : Date de naissance : « 31/02/2026 » n'est pas une date : "
        "écrivez-la JJ/MM/AAAA, par exemple 15/03/2027."
    )
