"""Spreadsheet files as people have them: which column is the name, the postcode, the phone…

A French Excel « CSV (séparateur : point-virgule) » comes with `;`, Windows-1252 or UTF-8 with a
BOM, and headers such as « Nom », « Code postal », « Ville », « Téléphone », « Courriel ». Each
header is matched to one of our columns (the person can change the choice before importing); the
model file is written the way Excel reads it back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from milpj_desktop.directory.communes import fold
from milpj_desktop.errors import KnownError
from milpj_desktop.files import replacing

# Our columns with the French label the mapping step and the model file show.
FIELD_LABELS: dict[str, str] = {
    "nom": "Nom",
    "type": "Type",
    "nature": "Nature",
    "adresse": "Adresse",
    "code_postal": "Code postal",
    "commune": "Commune",
    "code_insee": "Code INSEE",
    "telephone": "Téléphone",
    "courriel": "Courriel",
    "site_web": "Site web",
    "horaires": "Horaires",
    "accessibilite": "Accessibilité",
    "langues": "Langues",
    "etapes": "Étapes",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "identifiant_national": "Identifiant national",
    "source": "Source",
    "mis_a_jour": "Mis à jour",
}
_MORE_NAMES: dict[str, tuple[str, ...]] = {
    "nom": ("raison sociale", "nom de la structure", "structure", "denomination", "libelle", "etablissement"),
    "type": ("type de structure", "categorie", "type de lieu"),
    "adresse": ("adresse postale", "rue", "voie", "adresse 1"),
    "code_postal": ("cp", "code postale", "postcode"),
    "commune": ("ville", "localite", "commune ville"),
    "code_insee": ("insee", "code commune", "code officiel geographique", "cog"),
    "telephone": ("tel", "tel fixe", "telephone fixe", "numero de telephone", "phone", "portable"),
    "courriel": ("email", "e mail", "mail", "adresse mail", "adresse electronique", "adresse e mail"),
    "site_web": ("site internet", "site", "url", "web"),
    "horaires": ("horaires d ouverture", "heures d ouverture", "ouverture"),
    "accessibilite": ("accessibilite pmr", "acces pmr", "pmr"),
    "langues": ("langues parlees",),
    "latitude": ("lat",),
    "longitude": ("lon", "lng", "long"),
}
_ALIASES: dict[str, str] = {}
for _column, _label in FIELD_LABELS.items():
    for _name in (_column, _label, *_MORE_NAMES.get(_column, ())):
        _ALIASES.setdefault(fold(_name), _column)

PLACE_COLUMNS = ("commune", "code_postal", "code_insee")
MODEL_COLUMNS = (
    "nom",
    "type",
    "adresse",
    "code_postal",
    "commune",
    "telephone",
    "courriel",
    "site_web",
    "horaires",
    "accessibilite",
    "langues",
)
MODEL_ROWS = (
    (
        "Crèche Les Petits Pas",
        "Crèche / EAJE",
        "12 rue des Écoles",
        "25000",
        "Besançon",
        "03 81 00 00 00",
        "contact@exemple.fr",
        "https://exemple.fr",
        "lundi-vendredi 7h30-18h30",
        "accessible",
        "anglais, arabe",
    ),
    ("Dr Anne Exemple", "Pédiatre", "3 place du Marché", "39100", "Dole", "03 84 00 00 00", "", "", "", "", ""),
)


class ImportFileError(KnownError):
    """The file as a whole cannot be read (missing, not a CSV, no usable columns)."""


@dataclass(frozen=True)
class Table:
    """A CSV file read as text: how it was encoded and separated, its header and its records."""

    encoding: str  # as people name it: « UTF-8 » or « Windows-1252 »
    delimiter: str
    header: list[str]
    records: list[tuple[int, list[str]]]  # (first line number, fields); blank records left out


def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): strict UTF-8 first; Windows-1252 only for a file with no UTF-8 in it at all.

    A UTF-8 file with one bad line is refused with that line's number rather than read whole as
    Windows-1252 (which would turn every accent of the other lines into mojibake without a word).
    """
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        bad_line = data.count(b"\n", 0, exc.start) + 1
    if _has_utf8_text(data):
        raise ImportFileError(
            f"Ligne {bad_line} : caractère illisible en UTF-8 alors que le reste de {name} est en UTF-8 ; "
            "corrigez cette ligne (ou réenregistrez le fichier en UTF-8) : le fichier n'a pas été importé."
        )
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            f"Ligne {line} : {name} n'est ni en UTF-8 ni en Windows-1252 ; réenregistrez-le en UTF-8 : "
            "le fichier n'a pas été importé."
        ) from None


def _has_utf8_text(data: bytes) -> bool:
    """Whether some line holds accented text that is valid UTF-8 (so the file is meant as UTF-8)."""
    for raw in data.split(b"\n"):
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False


def read_table(path: Path) -> Table:
    """Decode (UTF-8 with or without BOM, else Windows-1252), find the separator, split the records."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"Fichier introuvable : {path}") from None
    except OSError as exc:
        raise ImportFileError(f"Lecture impossible de {path} : {exc.strerror}") from None
    if b"\x00" in data[:4096]:
        raise ImportFileError(f"{path.name} n'est pas un fichier CSV (contenu binaire, peut-être un classeur .xlsx).")
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise ImportFileError(f"Ligne {line} : caractère nul (NUL) dans le fichier ; le fichier n'a pas été importé.")
    text, encoding = decode(data, path.name)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    line = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field over csv's limit (128 Ko), a stray NUL, a quote never closed
            limit = csv.field_size_limit() >> 10
            why = f"un champ dépasse {limit} Ko" if "field limit" in str(exc) else "ligne CSV illisible"
            raise ImportFileError(f"Ligne {line} : {why} ; le fichier n'a pas été importé.") from None
        records.append((line, fields))
        line = reader.line_num + 1
    if not records:
        raise ImportFileError(f"{path.name} est vide.")
    header = [h.strip().lstrip("\ufeff") for h in records[0][1]]
    body = [(n, fields) for n, fields in records[1:] if any(f.strip() for f in fields)]
    return Table(encoding, delimiter, header, body)


def guess_columns(header: list[str]) -> list[str | None]:
    """Our column for each header (None: not recognised); a column is given to its first header only."""
    taken: set[str] = set()
    out: list[str | None] = []
    for name in header:
        column = _ALIASES.get(fold(name))
        if column in taken:
            column = None
        if column is not None:
            taken.add(column)
        out.append(column)
    return out


@dataclass(frozen=True)
class ColumnMapping:
    """Which of our columns each column of the file fills (None: ignored), and the type given to
    rows that have none (a file of crèches has no « Type » column)."""

    columns: tuple[str | None, ...]
    default_type: str | None = None

    def check(self) -> None:
        """A French sentence (ImportFileError) when the choice cannot make entries."""
        chosen = [c for c in self.columns if c is not None]
        for column in set(chosen):
            if chosen.count(column) > 1:
                raise ImportFileError(f"« {FIELD_LABELS[column]} » est choisi pour plusieurs colonnes.")
        if "nom" not in chosen:
            raise ImportFileError("Choisissez la colonne qui donne le nom.")
        if "type" not in chosen and self.default_type is None:
            raise ImportFileError("Choisissez la colonne du type, ou un type pour toutes les lignes.")
        if not any(c in chosen for c in PLACE_COLUMNS):
            raise ImportFileError("Choisissez la colonne de la commune (ou du code postal, ou du code INSEE).")


@dataclass(frozen=True)
class FilePreview:
    """What the mapping step shows before anything is written."""

    name: str
    encoding: str
    delimiter: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # the first records, with their line numbers
    row_count: int
    guessed: list[str | None]
    town_halls: bool  # the town-hall file, read as it is (no choice to make)

    @property
    def delimiter_name(self) -> str:
        return {";": "point-virgule", ",": "virgule", "\t": "tabulation"}[self.delimiter]


def preview(path: Path, *, rows: int = 5, town_hall_columns: tuple[str, ...] = ()) -> FilePreview:
    """The file's header, first rows and the guessed columns, for the mapping step."""
    table = read_table(path)
    lowered = {h.lower() for h in table.header}
    return FilePreview(
        name=path.name,
        encoding=table.encoding,
        delimiter=table.delimiter,
        header=table.header,
        rows=table.records[:rows],
        row_count=len(table.records),
        guessed=guess_columns(table.header),
        town_halls=bool(town_hall_columns) and set(town_hall_columns) <= lowered,
    )


def mapped_rows(table: Table, mapping: ColumnMapping) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line, our column → value) for each record, or (line, French reason) when it cannot be split."""
    width = len(mapping.columns)
    for line, fields in table.records:
        if len(fields) != width:
            extra = fields[width:]
            if len(fields) > width and not any(f.strip() for f in extra):
                fields = fields[:width]  # empty cells after the last column (spreadsheets add them)
            elif len(fields) < width:
                fields = fields + [""] * (width - len(fields))
            else:
                yield line, f"{len(fields)} colonnes au lieu de {width}"
                continue
        row = {c: f for c, f in zip(mapping.columns, fields, strict=True) if c is not None}
        if mapping.default_type and not row.get("type", "").strip():
            row["type"] = mapping.default_type
        yield line, row


def write_model(path: Path) -> None:
    """The model file to fill in a spreadsheet: French headers, `;`, UTF-8 with BOM, two examples."""
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([FIELD_LABELS[c] for c in MODEL_COLUMNS])
        writer.writerows(MODEL_ROWS)
