"""milpj-desktop annuaire importer / exporter / rechercher, run in-process on a real encrypted store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from milpj_desktop import paths
from milpj_desktop.directory import repository
from milpj_desktop.store import Store
from tests.conftest import PASSPHRASE
from ui.cli import main

MAIRIES = Path("/work/shared/data/mairies.csv")


def _mairies_slice(tmp_path: Path, departements: tuple[str, ...], extra_lines: list[str] | None = None) -> Path:
    """The town-hall file, header and columns as they are, cut to a few départements."""
    lines = MAIRIES.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [lines[0]] + [line for line in lines[1:] if line[:2] in departements]
    target = tmp_path / "mairies-extrait.csv"
    target.write_text("".join(kept + (extra_lines or [])), encoding="utf-8")
    return target


@pytest.fixture
def cli_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty store, closed so the commands open it; the passphrase in the environment."""
    store.close()
    monkeypatch.setenv("MILPJ_PASSPHRASE", PASSPHRASE)
    return paths.store_path()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _count(kind: str = "national") -> int:
    store = Store.open(paths.store_path(), PASSPHRASE)
    try:
        return repository.counts(store.conn)[kind]
    finally:
        store.close()


def test_import_town_halls_then_besancon_first_and_no_name_in_the_data_folder(
    cli_store: Path, tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _mairies_slice(tmp_path, ("25", "39"))
    names = [row["nom"] for row in csv.DictReader(source.open(encoding="utf-8"))]
    assert len(names) > 500
    code, out, _ = _run(capsys, "annuaire", "importer", str(source))
    assert code == 0
    assert f"{len(names)} structures importées" in out
    code, out, _ = _run(capsys, "annuaire", "rechercher", "--autour", "25000", "--rayon", "10", "--json")
    assert code == 0
    hits = json.loads(out)
    assert hits[0]["nom"] == "Mairie de Besançon"
    assert hits[0]["id"] == "mairie-25056" and hits[0]["type"] == "mairie" and hits[0]["commune"] == "Besançon"
    assert hits[0]["distance_km"] == 0.0
    distances = [h["distance_km"] for h in hits]
    assert distances == sorted(distances) and len(hits) > 5 and max(distances) <= 10
    # every file of the data folder, with the store closed: no town-hall name in clear
    blob = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    assert blob
    found = [n for n in names if n.encode("utf-8") in blob or n.encode("utf-16-le") in blob]
    assert found == []
    assert b"Besan" not in blob


def test_bad_rows_are_reported_by_line_and_the_rest_goes_in(
    cli_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = [
        "99999,Mairie de Nulle-Part,1 place,99999,Nulle-Part,,,,,NAC,45.0,5.0\n",
        ",Mairie sans code,1 place,25000,Besançon,,,,,NAC,47.2,6.0\n",
        '25056,Mairie de Besançon bis,2 rue,25000,Besançon,03 81 6,,,"[]",NAC,47.2,6.0\n',
    ]
    source = _mairies_slice(tmp_path, ("90",), bad)
    good = sum(1 for _ in csv.DictReader(source.open(encoding="utf-8"))) - 2
    total_lines = len(source.read_text(encoding="utf-8").splitlines())
    code, out, _ = _run(capsys, "annuaire", "importer", str(source), "--essai")
    assert code == 0
    assert out.startswith("Essai (rien n'a été écrit)")
    assert f"ligne {total_lines - 2} : code commune INSEE « 99999 » inconnu" in out
    assert f"ligne {total_lines - 1} : code_insee manquant" in out
    assert f"ligne {total_lines} : téléphone ignoré(e)" in out
    assert _count() == 0
    code, out, _ = _run(capsys, "annuaire", "importer", str(source))
    assert code == 0 and "2 lignes refusées" in out
    assert _count() == good


def test_our_csv_format_round_trips_and_vcard_export(
    cli_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = tmp_path / "partenaires.csv"
    ours.write_text(
        "nom;type;code_postal;commune;telephone;horaires;langues;courriel\n"
        "Crèche Les Écureuils;Crèche / EAJE;25000;Besançon;03 81 00 00 00;lu-ve 7h30-18h30;anglais, arabe;a@b.fr\n"
        "Dr Anne Roux;pediatre;39100;Dole;;;;\n"
        "Sans type;;25000;;;;;\n"
        "Mauvaises heures;pmi;25000;;;lundi 9h-8h;;\n",
        encoding="cp1252",
    )
    code, out, _ = _run(capsys, "annuaire", "importer", str(ours))
    assert code == 0
    assert "structures de ce poste : 3 nouvelles" in out
    assert "ligne 4 : type manquant" in out
    assert "ligne 5 : horaires ignoré(e)" in out and "la fermeture doit suivre" in out
    # importing again updates rather than duplicates
    code, out, _ = _run(capsys, "annuaire", "importer", str(ours))
    assert "structures de ce poste : 0 nouvelle, 3 mises à jour" in out
    assert _count("local") == 3

    exported = tmp_path / "export.csv"
    code, out, _ = _run(capsys, "annuaire", "exporter", "--csv", str(exported), "--type", "creche")
    assert code == 0 and "1 structure exportée(s)" in out
    rows = list(csv.DictReader(exported.open(encoding="utf-8-sig"), delimiter=";"))
    assert rows[0]["nom"] == "Crèche Les Écureuils"
    assert rows[0]["telephone"] == "03 81 00 00 00"
    assert rows[0]["horaires"] == "lundi-vendredi 07:30-18:30"
    assert rows[0]["langues"] == "en, ar"
    assert rows[0]["code_insee"] == "25056"

    card = tmp_path / "fiches.vcf"
    code, out, _ = _run(capsys, "annuaire", "exporter", "--vcard", str(card), "--autour", "Dole", "--rayon", "5")
    assert code == 0 and "1 structure exportée(s) en vCard" in out
    text = card.read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "FN:Dr Anne Roux\r\n" in text and "TITLE:Pédiatre\r\n" in text
    assert "ADR;TYPE=WORK:;;;Dole;;39100;France\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_expected_errors_are_one_french_line(
    cli_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "annuaire", "importer", str(tmp_path / "absent.csv"))
    assert code == 2 and err.startswith("milpj-desktop : Fichier introuvable")
    weird = tmp_path / "autre.csv"
    weird.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = _run(capsys, "annuaire", "importer", str(weird))
    assert code == 2 and "en-tête non reconnu" in err and err.count("\n") == 1
    code, _, err = _run(capsys, "annuaire", "rechercher", "--autour", "Atlantide")
    assert code == 2 and "« Atlantide » introuvable" in err
    code, _, err = _run(capsys, "annuaire", "rechercher", "--rayon", "5")
    assert code == 2 and "--autour" in err


def test_a_french_excel_file_imports_from_the_command_line_with_a_type_for_all(
    cli_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "creches.csv"
    source.write_bytes(
        "Nom;Adresse;Code postal;Ville;Téléphone\r\nCrèche Les Lutins;1 rue Haute;39100;Dole;384000000\r\n".encode(
            "cp1252"
        )
    )
    code, _, err = _run(capsys, "annuaire", "importer", str(source))
    assert code == 2 and "ou un type pour toutes les lignes" in err
    code, out, _ = _run(capsys, "annuaire", "importer", str(source), "--type", "Crèche / EAJE")
    assert code == 0 and "1 structure importée sur 1 ligne" in out
    assert _count("local") == 1
