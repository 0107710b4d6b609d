"""Exports and imports neutralised (issue 16 item 5): formulas in CSV cells, vCard properties, e-mail and
website checked as a whole, invisible characters, NUL, and a file's encoding — real files, real store."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from milpj_desktop.directory import repository
from milpj_desktop.directory.csvio import COLUMNS, import_file, write_csv
from milpj_desktop.directory.csvmap import ImportFileError
from milpj_desktop.directory.models import DirectoryEntry, check_email, check_website
from milpj_desktop.directory.search import search
from milpj_desktop.directory.vcard import write_vcards
from milpj_desktop.store import Store

WHEN = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _entry(**changes: object) -> DirectoryEntry:
    values: dict[str, object] = {
        "national_id": "essai-1",
        "kind": "structure",
        "type": "creche",
        "name": "Crèche Les Écureuils",
        "address": "2 rue Mégevand",
        "postcode": "25000",
        "commune_insee": "25056",
        "commune": "Besançon",
        "phone": "+33381615050",
        "latitude": 47.24,
        "longitude": 6.02,
        "updated_at": WHEN,
    }
    values.update(changes)
    return DirectoryEntry.model_validate(values)


def _our_file(tmp_path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "partenaires.csv"
    lines = [";".join(COLUMNS)]
    for row in rows:
        lines.append(";".join(row.get(c, "") for c in COLUMNS))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def _row(**cells: str) -> dict[str, str]:
    base = {"type": "creche", "nom": "Crèche Les Écureuils", "code_postal": "25000", "commune": "Besançon"}
    return base | cells


def test_csv_export_neutralises_formulas_keeps_phones_and_numbers_and_reads_back(store: Store, tmp_path: Path) -> None:
    reunion = _entry(
        name='=HYPERLINK("http://x.example/";"clic")',
        address="+1+cmd|' /C calc'!A0",
        source="@SUM(1+1)",
        latitude=-21.115141,
        longitude=55.536384,
    )
    path = tmp_path / "export.csv"
    write_csv(path, [reunion])
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, cells = list(csv.reader(handle, delimiter=";"))
    row = dict(zip(header, cells, strict=True))
    assert row["nom"] == '\'=HYPERLINK("http://x.example/";"clic")'
    assert row["adresse"] == "'+1+cmd|' /C calc'!A0"
    assert row["source"] == "'@SUM(1+1)"
    assert row["telephone"] == "03 81 61 50 50"  # national form: a digit first, readable, no apostrophe
    assert row["latitude"] == "-21.115141"  # a plain number is harmless
    with store.transaction() as conn:
        report = import_file(conn, path)
    assert report.errors == []
    read = repository.get_national(store.conn, "essai-1")
    assert read is not None
    assert (read.name, read.address, read.source) == (reunion.name, reunion.address, reunion.source)


def _vcard_properties(path: Path) -> list[tuple[str, str]]:
    """The vCard read back as a client does: unfold, then one property per line."""
    text = path.read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "\r" not in text.replace("\r\n", "")
    lines = [line for line in text.split("\r\n") if line]
    return [(line.split(":", 1)[0], line.split(":", 1)[1]) for line in lines]


def test_vcard_escapes_every_property_so_nothing_is_injected(tmp_path: Path) -> None:
    # model_copy skips validation: a value that would get past it must still not inject a property
    hostile = _entry().model_copy(
        update={
            "website": "https://a.example/\r\nEMAIL;TYPE=INTERNET:pirate@x.example\nTEL:0899",
            "phone": "+33381615050\r\nNOTE:injecté",
            "name": "Crèche; Les, Écureuils\\",
        }
    )
    path = tmp_path / "export.vcf"
    write_vcards(path, [hostile])
    props = _vcard_properties(path)
    names = [name.split(";")[0] for name, _ in props]
    assert names.count("EMAIL") == 0 and names.count("NOTE") == 0 and names.count("TEL") == 1
    values = dict(props)
    assert values["URL"] == "https://a.example/\\nEMAIL\\;TYPE=INTERNET:pirate@x.example\\nTEL:0899"
    assert values["FN"] == "Crèche\\; Les\\, Écureuils\\\\"


@pytest.mark.parametrize(
    "website",
    [
        "https://a.example/\r\nEMAIL:pirate@x.example",
        "https://a.example/x\ty",
        "javascript:alert(1)",
        "ftp://a.example/",
        'https://a.example/"onclick',
        "https://user@a.example/",
    ],
)
def test_website_is_checked_as_a_whole(website: str) -> None:
    with pytest.raises(ValueError):
        check_website(website)
    with pytest.raises(ValidationError):
        _entry(website=website)


@pytest.mark.parametrize(
    "email",
    ["mailto:a@b.example?attach=/etc/passwd", "a@b.example?body=x", "a%40b@c.example", "a@b.example\r\nBcc:x@y.fr"],
)
def test_email_with_parameters_or_controls_is_refused(email: str) -> None:
    with pytest.raises(ValueError):
        check_email(email)
    assert check_email("mailto:contact@creche.example") == "contact@creche.example"


def test_email_with_attach_in_an_import_is_dropped_with_a_warning(store: Store, tmp_path: Path) -> None:
    path = _our_file(tmp_path, [_row(courriel="mailto:a@b.example?attach=/home/x/.ssh/id_rsa")])
    with store.transaction() as conn:
        report = import_file(conn, path)
    assert report.local_added == 1
    assert any("courriel ignoré" in w for _, w in report.warnings)


def test_bidi_and_zero_width_characters_are_stripped_at_import_and_sync(store: Store, tmp_path: Path) -> None:
    path = _our_file(
        tmp_path, [_row(nom="Crèche \u202eLes\u202c Écu\u200breuils\ufeff", adresse="2 rue\u2066 X\u2069")]
    )
    with store.transaction() as conn:
        report = import_file(conn, path)
    assert report.local_added == 1 and report.errors == []
    hits = search(store.conn, text="ecureuils")
    assert [(h.entry.name, h.entry.address) for h in hits] == [("Crèche Les Écureuils", "2 rue X")]
    # the sync wire format is the same model, validated from JSON
    wire = _entry().model_dump(mode="json") | {"name": "P\u200dMI \u202eTours", "commune": "Be\u200csançon"}
    synced = DirectoryEntry.model_validate_json(DirectoryEntry.model_validate(wire).model_dump_json())
    assert (synced.name, synced.commune) == ("PMI Tours", "Besançon")
    assert _entry(name="Crèche\r\nLes Écureuils").name == "Crèche Les Écureuils"


@pytest.mark.parametrize("text", ["Crèche\x00", "Crèche\x1b[31m", "Cr\x85èche"])
def test_control_characters_are_refused_in_an_entry(text: str) -> None:
    with pytest.raises(ValidationError):
        _entry(name=text)
    with pytest.raises(ValidationError):
        _entry(address=text)


def test_a_nul_after_the_first_4_kb_is_refused_with_its_line(store: Store, tmp_path: Path) -> None:
    rows = [_row(nom=f"Crèche numéro {i}", adresse="x" * 60) for i in range(80)]
    rows.append(_row(nom="Crèche\x00cachée"))
    path = _our_file(tmp_path, rows)
    assert path.read_bytes().index(b"\x00") > 4096
    with pytest.raises(ImportFileError, match=r"^Ligne 82 : caractère nul"), store.transaction() as conn:
        import_file(conn, path)
    assert repository.counts(store.conn) == {"national": 0, "local": 0}


def test_one_bad_byte_in_a_utf8_file_is_reported_with_its_line(store: Store, tmp_path: Path) -> None:
    path = _our_file(tmp_path, [_row(), _row(nom="Halte-garderie Pomme d'Api"), _row(nom="Crèche Bleue")])
    data = path.read_bytes().replace("Crèche Bleue".encode(), "Crèche Bleue".encode("cp1252"))
    path.write_bytes(data)
    with pytest.raises(ImportFileError, match=r"^Ligne 4 : caractère illisible en UTF-8"), store.transaction() as conn:
        import_file(conn, path)
    assert repository.counts(store.conn) == {"national": 0, "local": 0}


def test_a_windows_1252_file_is_read_as_such_and_the_report_says_so(store: Store, tmp_path: Path) -> None:
    path = _our_file(tmp_path, [_row(), _row(nom="Halte-garderie Pomme d'Api")], encoding="cp1252")
    with store.transaction() as conn:
        report = import_file(conn, path)
    assert report.local_added == 2
    assert (1, "fichier lu en Windows-1252 (il n'était pas en UTF-8)") in report.warnings


def test_an_entry_stored_with_control_characters_before_they_were_refused_still_reads() -> None:
    stored = _entry().model_dump(mode="json") | {"name": "Crèche\x1b[31m Les Écureuils\x00", "address": "2 rue\x07 X"}
    entry = repository.stored_entry(json.dumps(stored))
    assert (entry.name, entry.address) == ("Crèche[31m Les Écureuils", "")
