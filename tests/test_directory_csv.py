"""CSV files as people have them (French Excel: `;`, Windows-1252 or UTF-8 with BOM, French headers),
the column choice, the model file and an export Excel opens — on a real encrypted store."""

from __future__ import annotations

from pathlib import Path

import pytest

from milpj_desktop.directory import repository
from milpj_desktop.directory.csvio import import_file, write_csv
from milpj_desktop.directory.csvmap import ColumnMapping, ImportFileError, preview, write_model
from milpj_desktop.directory.search import search
from milpj_desktop.store import Store

EXCEL_HEADER = "Nom;Adresse;Code postal;Ville;Téléphone;Courriel;Remarque\r\n"
EXCEL_ROWS = (
    "Crèche Les Écureuils;2 rue Mégevand;25000;Besançon;381615050;creche@exemple.fr;porte bleue\r\n"
    "Halte-garderie Pomme d'Api;;1000;Bourg-en-Bresse;04 74 00 00 01;;\r\n"  # Excel dropped the postcode's 0
    "Sans commune;;;;;;\r\n"
)


def _excel_file(tmp_path: Path, *, encoding: str) -> Path:
    path = tmp_path / "mes-partenaires.csv"
    data = (EXCEL_HEADER + EXCEL_ROWS).encode(encoding)
    path.write_bytes(b"\xef\xbb\xbf" + data if encoding == "utf-8" else data)
    return path


def _counts(store: Store) -> dict[str, int]:
    return repository.counts(store.conn)


@pytest.mark.parametrize(("encoding", "shown"), [("cp1252", "Windows-1252"), ("utf-8", "UTF-8")])
def test_a_french_excel_file_is_previewed_then_imported_with_the_chosen_columns(
    store: Store, tmp_path: Path, encoding: str, shown: str
) -> None:
    path = _excel_file(tmp_path, encoding=encoding)
    seen = preview(path)
    assert (seen.encoding, seen.delimiter_name, seen.row_count) == (shown, "point-virgule", 3)
    assert seen.header[0] == "Nom" and seen.rows[0][1][0] == "Crèche Les Écureuils"
    assert seen.guessed == ["nom", "adresse", "code_postal", "commune", "telephone", "courriel", None]
    with pytest.raises(ImportFileError, match="ou un type pour toutes les lignes"), store.transaction() as conn:
        import_file(conn, path)  # no « Type » column and no type chosen: nothing written
    assert _counts(store) == {"national": 0, "local": 0}
    mapping = ColumnMapping(tuple(seen.guessed), default_type="creche")
    with store.transaction() as conn:
        report = import_file(conn, path, mapping=mapping)
    assert (report.local_added, report.rows) == (2, 3)
    read_as = [(1, "fichier lu en Windows-1252 (il n'était pas en UTF-8)")] if encoding == "cp1252" else []
    assert report.warnings == [*read_as, (1, "colonne(s) ignorée(s) : Remarque")]
    assert [line for line, _ in report.errors] == [4]
    assert "commune manquante" in report.errors[0][1]
    hits = {h.entry.name: h.entry for h in search(store.conn, text="besancon")}
    assert hits["Crèche Les Écureuils"].phone == "+33381615050"  # the leading 0 Excel dropped
    assert hits["Crèche Les Écureuils"].type == "creche"
    bourg = search(store.conn, text="pomme api")
    assert [(h.entry.commune, h.entry.postcode) for h in bourg] == [("Bourg-en-Bresse", "01000")]


def test_a_column_chosen_twice_or_no_name_is_refused_in_french() -> None:
    with pytest.raises(ImportFileError, match="« Téléphone » est choisi pour plusieurs colonnes"):
        ColumnMapping(("nom", "telephone", "telephone", "commune"), default_type="pmi").check()
    with pytest.raises(ImportFileError, match="colonne qui donne le nom"):
        ColumnMapping((None, "commune"), default_type="pmi").check()
    with pytest.raises(ImportFileError, match="colonne de la commune"):
        ColumnMapping(("nom", "telephone"), default_type="pmi").check()


def test_the_model_file_opens_in_excel_and_imports_as_it_is(store: Store, tmp_path: Path) -> None:
    model = tmp_path / "modele.csv"
    write_model(model)
    data = model.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    first = data[3:].decode("utf-8").splitlines()[0]
    assert first.startswith("Nom;Type;Adresse;Code postal;Commune;Téléphone;Courriel")
    with store.transaction() as conn:
        report = import_file(conn, model)
    assert (report.local_added, report.errors) == (2, [])


def test_export_is_read_by_french_excel_and_back_by_the_import(store: Store, tmp_path: Path) -> None:
    path = _excel_file(tmp_path, encoding="cp1252")
    with store.transaction() as conn:
        import_file(conn, path, mapping=ColumnMapping(tuple(preview(path).guessed), default_type="creche"))
    entries = [h.entry for h in search(store.conn, types=["creche"])]
    exported = tmp_path / "export.csv"
    assert write_csv(exported, entries) == 2
    data = exported.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].decode("utf-8").splitlines()[0]
    assert header.split(";")[:4] == ["identifiant_national", "nature", "type", "nom"]
    assert "Crèche Les Écureuils" in data.decode("utf-8-sig")
    with store.transaction() as conn:
        again = import_file(conn, exported)
    assert (again.local_updated, again.local_added, again.errors) == (2, 0, [])
