"""CSV import and export of the directory: our documented format and the town-hall file as it is.

Every row is validated. A row that cannot make an entry is refused with its line number and
reason; an optional value that cannot be read (a malformed phone number, a web site that is an
e-mail address…) is dropped with a warning and the row goes in. The caller owns the transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from milpj_desktop.content.models import DIRECTORY_TYPE_IDS, STAGE_IDS
from milpj_desktop.directory import repository
from milpj_desktop.directory.communes import Commune, Gazetteer, fold, gazetteer
from milpj_desktop.directory.csvmap import ColumnMapping, ImportFileError, guess_columns, mapped_rows, read_table
from milpj_desktop.directory.hours import HoursError, format_hours, parse_hours
from milpj_desktop.directory.models import (
    LANGUAGE_NAMES,
    TYPE_KINDS,
    TYPE_LABELS,
    DayRange,
    DirectoryEntry,
    check_email,
    check_website,
)
from milpj_desktop.directory.phone import PhoneError, format_phone, normalize_phone
from milpj_desktop.files import replacing
from milpj_desktop.validation import first_error

# Our format, in this order (documented in the README, section Annuaire).
COLUMNS: tuple[str, ...] = (
    "identifiant_national",
    "nature",
    "type",
    "nom",
    "adresse",
    "code_postal",
    "code_insee",
    "commune",
    "telephone",
    "courriel",
    "site_web",
    "horaires",
    "accessibilite",
    "langues",
    "etapes",
    "latitude",
    "longitude",
    "source",
    "mis_a_jour",
)
MAIRIES_COLUMNS: tuple[str, ...] = (
    "code_insee",
    "nom",
    "adresse",
    "code_postal",
    "commune",
    "telephone",
    "email",
    "site_web",
    "horaires",
    "accessibilite",
    "latitude",
    "longitude",
)
MAIRIES_SOURCE = "Annuaire de l'administration (Service-public.fr) — mairies"

_ACCESSIBILITY = {
    "acc": "accessible",
    "accessible": "accessible",
    "oui": "accessible",
    "nac": "non-accessible",
    "non-accessible": "non-accessible",
    "non accessible": "non-accessible",
    "non": "non-accessible",
    "dem": "sur-demande",
    "sur-demande": "sur-demande",
    "sur demande": "sur-demande",
}
_TYPES_BY_LABEL = {fold(label): type_id for type_id, label in TYPE_LABELS.items()} | {
    fold(type_id): type_id for type_id in DIRECTORY_TYPE_IDS
}
_LANGUAGES_BY_NAME = {fold(name): code for code, name in LANGUAGE_NAMES.items()}
_FORMULA_STARTS = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


@dataclass
class ParsedRow:
    line: int
    entry: DirectoryEntry | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did (or, with --essai, would do)."""

    file_format: str
    rows: int = 0
    national_added: int = 0
    national_updated: int = 0
    local_added: int = 0
    local_updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def accepted(self) -> int:
        return self.national_added + self.national_updated + self.local_added + self.local_updated

    def summary(self) -> str:
        many = self.accepted > 1
        verb = ("seraient importées" if many else "serait importée") if self.dry_run else ("importée" + "s" * many)
        parts = [f"{_count(self.accepted, 'structure')} {verb} sur {_count(self.rows, 'ligne')}"]
        details = []
        if self.national_added or self.national_updated:
            details.append(
                f"annuaire national : {_count(self.national_added, 'nouvelle')}, "
                f"{_count(self.national_updated, 'mise')} à jour"
            )
        if self.local_added or self.local_updated:
            details.append(
                f"structures de ce poste : {_count(self.local_added, 'nouvelle')}, "
                f"{_count(self.local_updated, 'mise')} à jour"
            )
        if details:
            parts.append(" ; ".join(details))
        parts.append(
            f"{_count(len(self.errors), 'ligne')} refusée{'s' if len(self.errors) > 1 else ''}, {_count(len(self.warnings), 'avertissement')}"
        )
        return " — ".join(parts) + "."


def _count(number: int, word: str) -> str:
    """« 0 ligne », « 1 ligne », « 2 lignes » (French: plural from 2)."""
    return f"{number} {word}{'s' if number > 1 else ''}"


# -- reading -----------------------------------------------------------------------------------
def _cell(row: dict[str, str], name: str) -> str:
    value = (row.get(name) or "").strip()
    if value[:1] == "'" and value[1:2] in _FORMULA_STARTS:
        return value[1:].strip()  # the apostrophe our export put before a would-be formula
    return value


def _float(text: str) -> float | None:
    if not text:
        return None
    return float(text.replace(",", "."))


def _place(
    gaz: Gazetteer, *, insee: str, postcode: str, commune: str, errors: list[str], warnings: list[str]
) -> Commune | None:
    """The commune a row names by INSEE code, else postcode + name, else name."""
    if insee:
        found = gaz.get(insee)
        if found is None:
            errors.append(f"code commune INSEE « {insee} » inconnu")
        return found
    if postcode:
        found = gaz.resolve(f"{postcode} {commune}".strip())
        if found is not None:
            return found
    if commune:
        looked = gaz.lookup(commune)
        if looked.ambiguous:  # never settled in silence: the row says which one
            choices = ", ".join(c.label for c in looked.communes[:6])
            errors.append(f"commune « {commune} » ambiguë ({choices}) : ajoutez le code postal ou le code INSEE")
            return None
        if looked.communes:
            if looked.note:
                warnings.append(looked.note)
            return looked.communes[0]
    if postcode or commune:
        errors.append(f"commune introuvable (code postal « {postcode} », commune « {commune} »)")
    else:
        errors.append("commune manquante : donnez le code INSEE, le code postal ou le nom de la commune")
    return None


def _optional(
    values: dict[str, Any], key: str, raw: str, convert: Callable[[str], Any], warnings: list[str], what: str
) -> None:
    if not raw:
        return
    try:
        values[key] = convert(raw)
    except (ValueError, HoursError, PhoneError) as exc:
        warnings.append(f"{what} ignoré(e) : {_reason(exc)}")


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        where, msg = first_error(exc)
        return f"{where} : {msg}" if where else msg
    return str(exc)


def _type(text: str) -> str:
    found = _TYPES_BY_LABEL.get(fold(text))
    if found is None:
        raise ValueError(f"type « {text} » inconnu")
    return found


def parse_languages(text: str) -> list[str]:
    codes = []
    for word in re.split(r"[,;/]+", text):
        word = word.strip()
        if not word:
            continue
        code = _LANGUAGES_BY_NAME.get(fold(word), word.lower())
        if not re.fullmatch(r"[a-z]{2,3}", code):
            raise ValueError(f"langue « {word} » inconnue")
        codes.append(code)
    return codes


def _stages(text: str) -> list[str]:
    stages = [s.strip() for s in re.split(r"[,;\s]+", text) if s.strip()]
    unknown = [s for s in stages if s not in STAGE_IDS]
    if unknown:
        raise ValueError(f"étape(s) inconnue(s) : {', '.join(unknown)}")
    return stages


def _accessibility(text: str) -> str:
    found = _ACCESSIBILITY.get(text.strip().lower())
    if found is None:
        raise ValueError(f"accessibilité « {text} » inconnue (accessible, non-accessible, sur-demande)")
    return found


def _hours(text: str) -> list[DayRange]:
    try:
        return parse_hours(text)
    except HoursError as exc:
        if not text.strip().startswith("["):
            raise
        # the town-hall file: keep the readable groups, drop an empty or inverted one
        import json

        kept = []
        for item in json.loads(text):
            try:
                kept += parse_hours(json.dumps([item]))
            except HoursError:
                continue
        if not kept:
            raise exc from None
        return kept


def _contact_fields(values: dict[str, Any], row: dict[str, str], *, email_column: str, warnings: list[str]) -> None:
    """Phone, e-mail, website, hours and accessibility: shared by our format and the town-hall file."""
    _optional(values, "phone", _cell(row, "telephone"), normalize_phone, warnings, "téléphone")
    _optional(values, "email", _cell(row, email_column), check_email, warnings, "courriel")
    _optional(values, "website", _cell(row, "site_web"), check_website, warnings, "site web")
    _optional(values, "hours", _cell(row, "horaires"), _hours, warnings, "horaires")
    _optional(values, "accessibility", _cell(row, "accessibilite"), _accessibility, warnings, "accessibilité")


def _coordinates(row: dict[str, str], warnings: list[str]) -> tuple[float | None, float | None]:
    """The row's own coordinates; unreadable ones are dropped (the commune's are used) with a warning."""
    try:
        return _float(_cell(row, "latitude")), _float(_cell(row, "longitude"))
    except ValueError:
        warnings.append("coordonnées illisibles : celles de la commune sont utilisées")
        return None, None


def parse_our_row(row: dict[str, str], line: int, gaz: Gazetteer, now: dt.datetime) -> ParsedRow:
    """One row of our documented format."""
    errors: list[str] = []
    warnings: list[str] = []
    values: dict[str, Any] = {}
    try:
        values["type"] = _type(_cell(row, "type"))
    except ValueError as exc:
        errors.append(str(exc) if _cell(row, "type") else "type manquant")
    name = _cell(row, "nom")
    if not name:
        errors.append("nom manquant")
    values["name"] = name
    nature = _cell(row, "nature").lower()
    if nature and nature not in ("structure", "professionnel"):
        errors.append(f"nature « {nature} » inconnue (structure ou professionnel)")
    elif nature:
        values["kind"] = nature
    elif "type" in values:
        values["kind"] = TYPE_KINDS[values["type"]]
    national_id = _cell(row, "identifiant_national")
    if national_id:
        values["national_id"] = national_id
    postcode = _cell(row, "code_postal")
    if postcode and not re.fullmatch(r"\d{5}", postcode):
        if re.fullmatch(r"\d{4}", postcode):
            postcode = "0" + postcode  # the leading zero lost by a spreadsheet
        else:
            errors.append(f"code postal « {postcode} » invalide (5 chiffres attendus)")
    commune = _place(
        gaz,
        insee=_cell(row, "code_insee").upper(),
        postcode=postcode,
        commune=_cell(row, "commune"),
        errors=errors,
        warnings=warnings,
    )
    values["address"] = _cell(row, "adresse")
    _contact_fields(values, row, email_column="courriel", warnings=warnings)
    _optional(values, "languages", _cell(row, "langues"), parse_languages, warnings, "langues")
    _optional(values, "stages", _cell(row, "etapes"), _stages, warnings, "étapes")
    lat, lon = _coordinates(row, warnings)
    values["source"] = _cell(row, "source") or "Import CSV"
    updated = _cell(row, "mis_a_jour")
    try:
        values["updated_at"] = dt.datetime.fromisoformat(updated) if updated else now
    except ValueError:
        errors.append(f"date de mise à jour « {updated} » invalide (AAAA-MM-JJ attendu)")
    if errors:
        return ParsedRow(line, None, errors, warnings)
    assert commune is not None
    return _finish(values, commune, postcode, lat, lon, line, warnings)


def _finish(
    values: dict[str, Any],
    commune: Commune,
    postcode: str,
    lat: float | None,
    lon: float | None,
    line: int,
    warnings: list[str],
) -> ParsedRow:
    values["commune_insee"] = commune.insee
    values["commune"] = commune.name
    values["postcode"] = postcode or commune.postcode
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat, lon = commune.lat, commune.lon
    values["latitude"], values["longitude"] = lat, lon
    hours = values.pop("hours", [])  # already checked by parse_hours: not validated twice
    try:
        entry = DirectoryEntry.model_validate(values)
        return ParsedRow(line, entry.model_copy(update={"hours": hours}) if hours else entry, [], warnings)
    except ValidationError as exc:
        return ParsedRow(line, None, [_reason(exc)], warnings)


def parse_mairie_row(row: dict[str, str], line: int, gaz: Gazetteer, updated_at: dt.datetime) -> ParsedRow:
    """One row of the town-hall file, read as it is: national id 'mairie-<code INSEE>'."""
    errors: list[str] = []
    warnings: list[str] = []
    insee = _cell(row, "code_insee").upper()
    name = _cell(row, "nom")
    if not name:
        errors.append("nom manquant")
    if not insee:
        errors.append("code_insee manquant")
    commune = gaz.get(insee) if insee else None
    if insee and commune is None:
        errors.append(f"code commune INSEE « {insee} » inconnu")
    postcode = _cell(row, "code_postal")
    if postcode and not re.fullmatch(r"\d{5}", postcode):
        warnings.append(f"code postal « {postcode} » invalide : celui de la commune est utilisé")
        postcode = ""
    values: dict[str, Any] = {
        "national_id": f"mairie-{insee}",
        "kind": "structure",
        "type": "mairie",
        "name": name,
        "address": _cell(row, "adresse"),
        "source": MAIRIES_SOURCE,
        "updated_at": updated_at,
        "stages": ["accouchement", "0-3-mois"],
    }
    _contact_fields(values, row, email_column="email", warnings=warnings)
    lat, lon = _coordinates(row, warnings)
    if errors:
        return ParsedRow(line, None, errors, warnings)
    assert commune is not None
    parsed = _finish(values, commune, postcode, lat, lon, line, warnings)
    if parsed.entry is not None and _cell(row, "commune") and fold(_cell(row, "commune")) != fold(commune.name):
        parsed.entry = parsed.entry.model_copy(update={"commune": _cell(row, "commune")})
    return parsed


def read_rows(
    path: Path,
    *,
    mapping: ColumnMapping | None = None,
    default_type: str | None = None,
    now: dt.datetime | None = None,
    gaz: Gazetteer | None = None,
) -> tuple[str, Iterator[ParsedRow], int]:
    """(format, parsed rows, row count) of a CSV file; file-level errors raise.

    Without `mapping`, the town-hall file is recognised, and any other file's headers are matched to
    our columns (« Nom », « Code postal », « Ville »… as well as our own names); with it, the
    person's choice of columns is used. `default_type` is the type of rows without one (guessed columns).
    """
    table = read_table(path)
    lowered = [h.lower() for h in table.header]
    gaz = gaz or gazetteer()
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    count = len(table.records)
    if mapping is None and set(MAIRIES_COLUMNS) <= set(lowered):
        stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(microsecond=0)

        def town_halls() -> Iterator[ParsedRow]:
            if table.encoding != "UTF-8":
                yield ParsedRow(1, None, [], [f"fichier lu en {table.encoding} (il n'était pas en UTF-8)"])
            for line, fields in table.records:
                if len(fields) != len(lowered):
                    yield ParsedRow(line, None, [f"{len(fields)} colonne(s) au lieu de {len(lowered)}"])
                    continue
                yield parse_mairie_row(dict(zip(lowered, fields, strict=True)), line, gaz, stamp)

        return "mairies", town_halls(), count
    if mapping is None:
        mapping = ColumnMapping(tuple(guess_columns(table.header)), default_type)
        if "nom" not in mapping.columns:
            raise ImportFileError(
                f"{path.name} : en-tête non reconnu : aucune colonne « Nom ». Attendu : des colonnes telles que "
                f"« Nom », « Type », « Adresse », « Code postal », « Commune », « Téléphone », « Courriel » "
                f"(ou {', '.join(COLUMNS)}), ou le fichier des mairies."
            )
    elif len(mapping.columns) != len(table.header):
        raise ImportFileError(f"{path.name} a changé depuis l'aperçu : choisissez à nouveau ses colonnes.")
    mapping.check()
    ignored = [h for h, c in zip(table.header, mapping.columns, strict=True) if c is None and h.strip()]

    def parse() -> Iterator[ParsedRow]:
        if table.encoding != "UTF-8":
            yield ParsedRow(1, None, [], [f"fichier lu en {table.encoding} (il n'était pas en UTF-8)"])
        if ignored:
            yield ParsedRow(1, None, [], [f"colonne(s) ignorée(s) : {', '.join(ignored)}"])
        for line, row in mapped_rows(table, mapping):
            if isinstance(row, str):
                yield ParsedRow(line, None, [row])
            else:
                yield parse_our_row(row, line, gaz, now)

    return "annuaire", parse(), count


def import_file(
    conn: Any,
    path: Path,
    *,
    mapping: ColumnMapping | None = None,
    default_type: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    check_cancelled: Callable[[], None] | None = None,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Validate every row and write the good ones (national id → national table, else a local entry).

    Call inside one transaction; with dry_run nothing is written.
    """
    file_format, parsed, total = read_rows(path, mapping=mapping, default_type=default_type, now=now)
    report = ImportReport(file_format=file_format, rows=total, dry_run=dry_run)
    known = set(repository.national_versions(conn))
    batch: list[DirectoryEntry] = []
    seen: set[str] = set()

    def flush() -> None:
        if batch and not dry_run:
            repository.upsert_national_many(conn, batch)
        batch.clear()

    for done, row in enumerate(parsed, start=1):
        report.warnings += [(row.line, w) for w in row.warnings]
        if row.entry is None and not row.errors:
            continue  # a file-level note (ignored columns), not a row
        if row.entry is None:
            report.errors += [(row.line, e) for e in row.errors]
        elif row.entry.national_id:
            national_id = row.entry.national_id
            if national_id in known or national_id in seen:
                report.national_updated += 1
            else:
                report.national_added += 1
            seen.add(national_id)
            batch.append(row.entry)
            if len(batch) >= 1000:
                flush()
        else:
            existing = repository.find_local(conn, row.entry)
            if existing:
                report.local_updated += 1
                if not dry_run:
                    repository.update_local(conn, existing, row.entry)
            else:
                report.local_added += 1
                if not dry_run:
                    repository.add_local(conn, row.entry)
        if done % 500 == 0 or done >= total:
            if check_cancelled is not None:
                check_cancelled()
            if progress is not None:
                progress(done, total, f"Import : {done} / {total} lignes")
    flush()
    return report


def mairies_entries(path: Path) -> list[DirectoryEntry]:
    """The real town halls of mairies.csv as national entries (rows that cannot be read are skipped)."""
    file_format, parsed, _ = read_rows(path)
    if file_format != "mairies":
        raise ImportFileError(f"{path.name} n'a pas les colonnes du fichier des mairies.")
    return [row.entry for row in parsed if row.entry is not None]


# -- writing -----------------------------------------------------------------------------------
def neutralise_cell(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets an apostrophe first (OWASP « CSV injection »).

    Cells starting with = + - @, a tab or a carriage return are concerned; a plain number such as a
    negative latitude (-21.115141, La Réunion) is harmless and kept as it is. French phones are written
    in national form (« 03 81 … », a digit first) so they stay readable; a foreign number (« +41 … »)
    gets the apostrophe. The import removes that apostrophe, so an export reads back identically.
    """
    if value[:1] in _FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def entry_to_row(entry: DirectoryEntry) -> list[str]:
    """One entry in our CSV format (read back identically by the import), formulas neutralised."""
    return [neutralise_cell(cell) for cell in _raw_row(entry)]


def _raw_row(entry: DirectoryEntry) -> list[str]:
    return [
        entry.national_id or "",
        entry.kind,
        entry.type,
        entry.name,
        entry.address,
        entry.postcode,
        entry.commune_insee,
        entry.commune,
        format_phone(entry.phone),
        entry.email,
        entry.website,
        format_hours(entry.hours),
        entry.accessibility or "",
        ", ".join(entry.languages),
        ", ".join(entry.stages),
        "" if entry.latitude is None else f"{entry.latitude:.6f}",
        "" if entry.longitude is None else f"{entry.longitude:.6f}",
        entry.source,
        entry.updated_at.isoformat(),
    ]


def write_csv(path: Path, entries: list[DirectoryEntry]) -> int:
    """Write entries in our format the way French Excel opens them: `;` and UTF-8 with a BOM (accents
    shown); the import reads it back as it is."""
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(COLUMNS)
        for entry in entries:
            writer.writerow(entry_to_row(entry))
    return len(entries)
