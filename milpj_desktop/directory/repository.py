"""Read and write directory records in the store (no Qt, no network); callers own transactions.

National rows (directory_national) are what a synchronisation or an import replaces. Local
entries (directory_local), private notes (directory_note), favourites (directory_favourite) and
the correction outbox (directory_correction) are separate tables that only the professional's own
actions write.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid as uuidlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from milpj_desktop.directory import indexing
from milpj_desktop.directory.communes import fold
from milpj_desktop.directory.models import (
    KIND_LABELS,
    LANGUAGE_NAMES,
    TYPE_LABELS,
    Correction,
    DirectoryEntry,
)
from milpj_desktop.errors import KnownError

log = logging.getLogger(__name__)

Origin = Literal["national", "local"]
LOCAL_PREFIX = "local-"

_COLUMNS = (
    "kind, type, name, sort_key, keywords, address, postcode, commune_insee, commune, departement, latitude, longitude"
)


class EntryNotFound(KnownError):
    def __init__(self, entry_id: str) -> None:
        super().__init__(f"Structure introuvable dans l'annuaire ({entry_id}) : elle a peut-être été supprimée.")


class NotLocalEntry(KnownError):
    def __init__(self) -> None:
        super().__init__(
            "Cette structure vient de l'annuaire national : elle ne se modifie pas ici. "
            "Utilisez « Signaler une correction » ou ajoutez une note privée."
        )


@dataclass(frozen=True)
class StoredEntry:
    """An entry as the store holds it: its id ('local-…' or the national id), origin, private note, favourite."""

    id: str
    origin: Origin
    entry: DirectoryEntry
    note: str = ""
    favourite: bool = False


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def keywords_of(entry: DirectoryEntry) -> str:
    """What text search finds besides name and place: type, kind, languages spoken."""
    words = [TYPE_LABELS[entry.type], entry.type.replace("-", " "), KIND_LABELS[entry.kind]]
    words += [LANGUAGE_NAMES.get(code, code) for code in entry.languages]
    return " ".join(words)


def _values(entry: DirectoryEntry) -> tuple[Any, ...]:
    return (
        entry.kind,
        entry.type,
        entry.name,
        fold(entry.name),
        keywords_of(entry),
        entry.address,
        entry.postcode,
        entry.commune_insee,
        entry.commune,
        entry.departement,
        entry.latitude,
        entry.longitude,
    )


# -- national rows (the synchronisation's side) ---------------------------------------------
def national_row(entry: DirectoryEntry) -> tuple[Any, ...]:
    """One national row for indexing.write_national_rows: national_id, the lookup columns, the
    record's JSON last. Pure Python: a large synchronisation builds these in its helper processes."""
    if not entry.national_id:
        raise ValueError("une fiche nationale doit avoir un identifiant national")
    return (entry.national_id, *_values(entry), entry.updated_at.isoformat(), entry.model_dump_json())


def upsert_national(conn: Any, entry: DirectoryEntry) -> None:
    """Insert or replace one national entry (keyed by national_id)."""
    indexing.write_national_rows(conn, [national_row(entry)])


BULK_ROWS = indexing.BULK_ROWS


def upsert_national_many(conn: Any, entries: Iterable[DirectoryEntry]) -> int:
    """Bulk form of upsert_national (see indexing.py for how the search indexes follow); returns the count.

    The caller's transaction makes the whole batch — rows and indexes — appear at once or not at all.
    """
    rows = [national_row(e) for e in entries]
    indexing.write_national_rows(conn, rows)
    return len(rows)


def delete_national(conn: Any, national_id: str) -> None:
    conn.execute("DELETE FROM directory_national WHERE national_id = ?", (national_id,))


def purge_departements(conn: Any, codes: list[str]) -> int:
    """Delete the national entries of these départements (notes and local entries stay)."""
    if not codes:
        return 0
    marks = ",".join("?" * len(codes))
    cursor = conn.execute(f"DELETE FROM directory_national WHERE departement IN ({marks})", [c.upper() for c in codes])
    return int(cursor.rowcount)


def stored_entry(data: str | bytes) -> DirectoryEntry:
    """An entry read back from the store. Records are checked when they arrive, but one stored before
    today's limits (a 7 MB web address, 60 000 opening ranges) must still show, not break the window:
    the fields it fails on are dropped to their empty value and the rest is kept."""
    try:
        return DirectoryEntry.model_validate_json(data)
    except ValidationError as exc:
        values = json.loads(data)
        failing = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
        log.warning("structure enregistrée hors des limites actuelles : champs revus %s", sorted(failing))
        for name in failing & set(values):
            values[name] = _within_limits(name, values[name])
        try:
            return DirectoryEntry.model_validate(values)
        except ValidationError as again:  # still out: the field goes (a required one is cut to a name)
            for error in again.errors():
                name = str(error["loc"][0]) if error["loc"] else ""
                if name in _REQUIRED:
                    kept = _CONTROL_CHARS.sub("", str(values.get(name, "")))  # stored before they were refused
                    values[name] = kept[:200].strip() or "?"
                else:
                    values.pop(name, None)
            return DirectoryEntry.model_validate(values)


def _within_limits(name: str, value: Any) -> Any:
    """A list cut to the length the model accepts, a text to what a line may hold."""
    if isinstance(value, list):
        limit = next((m.max_length for m in DirectoryEntry.model_fields[name].metadata if hasattr(m, "max_length")), 0)
        return value[: limit or 20]
    if isinstance(value, str):
        return value[:300]
    return value


_CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_REQUIRED = {name for name, info in DirectoryEntry.model_fields.items() if info.is_required()}


def national_versions(conn: Any) -> dict[str, str]:
    """national_id → updated_at (ISO) of every national entry held."""
    return {r[0]: r[1] for r in conn.execute("SELECT national_id, updated_at FROM directory_national")}


def get_national(conn: Any, national_id: str) -> DirectoryEntry | None:
    row = conn.execute("SELECT data FROM directory_national WHERE national_id = ?", (national_id,)).fetchone()
    return stored_entry(row[0]) if row else None


def counts(conn: Any) -> dict[str, int]:
    """How many national and local entries the store holds."""
    national = conn.execute("SELECT count(*) FROM directory_national").fetchone()[0]
    local = conn.execute("SELECT count(*) FROM directory_local").fetchone()[0]
    return {"national": int(national), "local": int(local)}


# -- local entries (never touched by a synchronisation) ----------------------------------------
def is_local_id(entry_id: str) -> bool:
    return entry_id.startswith(LOCAL_PREFIX)


def add_local(conn: Any, entry: DirectoryEntry, *, now: dt.datetime | None = None) -> str:
    """Store an entry the professional created; returns its id ('local-<uuid>')."""
    when = (now or _now()).isoformat()
    key = str(uuidlib.uuid4())
    local = entry.model_copy(update={"national_id": None})
    conn.execute(
        f"INSERT INTO directory_local(uuid, {_COLUMNS}, created_at, updated_at, data) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (key, *_values(local), when, entry.updated_at.isoformat(), local.model_dump_json()),
    )
    return LOCAL_PREFIX + key


def update_local(conn: Any, entry_id: str, entry: DirectoryEntry) -> None:
    if not is_local_id(entry_id):
        raise NotLocalEntry()
    local = entry.model_copy(update={"national_id": None})
    cursor = conn.execute(
        "UPDATE directory_local SET kind = ?, type = ?, name = ?, sort_key = ?, keywords = ?, address = ?, "
        "postcode = ?, commune_insee = ?, commune = ?, departement = ?, latitude = ?, longitude = ?, "
        "updated_at = ?, data = ? WHERE uuid = ?",
        (*_values(local), entry.updated_at.isoformat(), local.model_dump_json(), entry_id[len(LOCAL_PREFIX) :]),
    )
    if cursor.rowcount == 0:
        raise EntryNotFound(entry_id)


def delete_local(conn: Any, entry_id: str) -> None:
    """Delete a local entry and its note."""
    if not is_local_id(entry_id):
        raise NotLocalEntry()
    conn.execute("DELETE FROM directory_local WHERE uuid = ?", (entry_id[len(LOCAL_PREFIX) :],))
    conn.execute("DELETE FROM directory_note WHERE entry_id = ?", (entry_id,))
    conn.execute("DELETE FROM directory_favourite WHERE entry_id = ?", (entry_id,))


def find_local(conn: Any, entry: DirectoryEntry) -> str | None:
    """The id of a local entry with the same type, postcode and name (import de-duplication)."""
    row = conn.execute(
        "SELECT uuid FROM directory_local WHERE type = ? AND postcode = ? AND sort_key = ?",
        (entry.type, entry.postcode, fold(entry.name)),
    ).fetchone()
    return LOCAL_PREFIX + row[0] if row else None


# -- any entry ---------------------------------------------------------------------------------
def get_entry(conn: Any, entry_id: str) -> StoredEntry | None:
    """An entry by id, with its private note."""
    if is_local_id(entry_id):
        row = conn.execute(
            "SELECT data FROM directory_local WHERE uuid = ?", (entry_id[len(LOCAL_PREFIX) :],)
        ).fetchone()
        origin: Origin = "local"
    else:
        row = conn.execute("SELECT data FROM directory_national WHERE national_id = ?", (entry_id,)).fetchone()
        origin = "national"
    if row is None:
        return None
    favourite = conn.execute("SELECT 1 FROM directory_favourite WHERE entry_id = ?", (entry_id,)).fetchone()
    return StoredEntry(entry_id, origin, stored_entry(row[0]), get_note(conn, entry_id), favourite is not None)


def get_note(conn: Any, entry_id: str) -> str:
    row = conn.execute("SELECT note FROM directory_note WHERE entry_id = ?", (entry_id,)).fetchone()
    return str(row[0]) if row else ""


def set_note(conn: Any, entry_id: str, note: str, *, now: dt.datetime | None = None) -> None:
    """Save the private note of an entry; an empty note deletes it."""
    text = note.strip()
    if not text:
        conn.execute("DELETE FROM directory_note WHERE entry_id = ?", (entry_id,))
        return
    conn.execute(
        "INSERT INTO directory_note(entry_id, note, updated_at) VALUES(?, ?, ?) "
        "ON CONFLICT(entry_id) DO UPDATE SET note = excluded.note, updated_at = excluded.updated_at",
        (entry_id, text, (now or _now()).isoformat()),
    )


def note_ids(conn: Any) -> set[str]:
    """Ids of the entries that have a private note (the list marks them)."""
    return {str(r[0]) for r in conn.execute("SELECT entry_id FROM directory_note")}


# -- favourites (local only, never touched by a synchronisation) -------------------------------
def set_favourite(conn: Any, entry_id: str, favourite: bool, *, now: dt.datetime | None = None) -> None:
    """Mark or unmark an entry as a favourite."""
    if favourite:
        conn.execute(
            "INSERT INTO directory_favourite(entry_id, added_at) VALUES(?, ?) ON CONFLICT(entry_id) DO NOTHING",
            (entry_id, (now or _now()).isoformat()),
        )
    else:
        conn.execute("DELETE FROM directory_favourite WHERE entry_id = ?", (entry_id,))


def favourite_ids(conn: Any) -> set[str]:
    """Ids of the favourite entries."""
    return {str(r[0]) for r in conn.execute("SELECT entry_id FROM directory_favourite")}


# -- correction outbox -------------------------------------------------------------------------
def add_correction(conn: Any, national_id: str, message: str, *, now: dt.datetime | None = None) -> Correction:
    """Record "Signaler une correction" on a national entry; the synchronisation sends it."""
    if is_local_id(national_id):
        raise KnownError(
            "Une structure ajoutée sur ce poste se corrige directement : « Signaler une correction » vaut pour "
            "l'annuaire national."
        )
    if not message.strip():
        raise KnownError("Décrivez la correction à apporter avant de l'envoyer.")
    correction = Correction(
        uuid=str(uuidlib.uuid4()), national_id=national_id, message=message, created_at=now or _now()
    )
    conn.execute(
        "INSERT INTO directory_correction(uuid, national_id, message, created_at, state) VALUES(?, ?, ?, ?, ?)",
        (
            correction.uuid,
            correction.national_id,
            correction.message,
            correction.created_at.isoformat(),
            correction.state,
        ),
    )
    return correction


def _correction(row: Any) -> Correction:
    return Correction(
        uuid=row[0], national_id=row[1], message=row[2], created_at=dt.datetime.fromisoformat(row[3]), state=row[4]
    )


def pending_corrections(conn: Any) -> list[Correction]:
    """Corrections not yet sent, oldest first."""
    return [
        _correction(r)
        for r in conn.execute(
            "SELECT uuid, national_id, message, created_at, state FROM directory_correction "
            "WHERE state = 'pending' ORDER BY created_at, uuid"
        )
    ]


def mark_correction_sent(conn: Any, uuid: str, *, now: dt.datetime | None = None) -> None:
    conn.execute(
        "UPDATE directory_correction SET state = 'sent', sent_at = ? WHERE uuid = ?",
        ((now or _now()).isoformat(), uuid),
    )
