"""How national rows reach the directory's search indexes: row by row, in bulk, or deferred.

- Row by row (a few rows, one import line): the triggers of directory_national keep the full-text
  (FTS5) and geographic (R-tree) indexes in step.
- In bulk (from BULK_ROWS rows: a synchronisation page, an import): the rows travel to SQLite as one
  JSON array and each index is written by one INSERT … SELECT. One statement per step also keeps
  the GIL released for the whole batch: row-by-row calls from Python wait for the GIL at every row
  while another thread (the page prefetcher) runs, which cost ten times the insert itself.
- Deferred (the first load of an empty national directory): the secondary indexes are dropped and
  nothing is indexed per page; `finish_deferred` builds everything once, at the end of the pass —
  or at the end of an interrupted run, or when the store is next opened. Each page stays atomic.

Callers own the transaction (schema 0006_directory_indexing.sql holds the state).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from milpj_desktop.store.store import CACHE_KIB

BULK_ROWS = 200
# Page cache while a first load runs: the rows stay decrypted in memory, so the indexes built at
# the end read no page from disk (2.2 s → 1.0 s for the five indexes of 100k entries). SQLite only
# takes what it uses (≈ 190 MB at 100k); finish_deferred gives it back.
LOAD_CACHE_KIB = 262_144
_COLUMNS = (
    "national_id, kind, type, name, sort_key, keywords, address, postcode, commune_insee, commune, "
    "departement, latitude, longitude, updated_at, data"
)
_WIDTH = 15  # the record (JSON) last
_FROM_JSON = ", ".join(f"j.value ->> {i}" for i in range(_WIDTH - 1)) + f", j.value -> {_WIDTH - 1}"
_UPDATED = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS.split(", ")[1:])
_UPSERT_JSON = (
    f"INSERT INTO directory_national({_COLUMNS}) SELECT {_FROM_JSON} FROM json_each(?) j WHERE true "
    f"ON CONFLICT(national_id) DO UPDATE SET {_UPDATED}"
)
# rows of the batch already in the table (CROSS JOIN: the batch drives, the cost follows the batch)
_EXISTING = "SELECT t.rowid FROM json_each(?) j CROSS JOIN directory_national t ON t.national_id = j.value ->> 0"
_FILL_FTS = (
    "INSERT INTO directory_national_fts(rowid, name, keywords, place) "
    "SELECT t.rowid, t.name, t.keywords, t.commune || ' ' || t.postcode || ' ' || t.address "
    "FROM directory_national t"
)
_FILL_GEO = (
    "INSERT INTO directory_national_geo(id, min_lat, max_lat, min_lon, max_lon) "
    "SELECT t.rowid, t.latitude, t.latitude, t.longitude, t.longitude FROM directory_national t "
    "WHERE t.latitude IS NOT NULL AND t.longitude IS NOT NULL"
)


def is_deferred(conn: Any) -> bool:
    return bool(conn.execute("SELECT deferred FROM directory_index_state WHERE id = 1").fetchone()[0])


def write_national_rows(conn: Any, rows: Sequence[str]) -> None:
    """Insert or replace national rows, each from repository.national_row_json, in one statement."""
    batch = (f"[{','.join(rows)}]",)
    if is_deferred(conn):
        conn.execute(_UPSERT_JSON, batch)  # indexed once, by finish_deferred
    elif len(rows) < BULK_ROWS:
        conn.execute(_UPSERT_JSON, batch)  # the triggers index each row
    else:
        _write_bulk(conn, batch)


def _write_bulk(conn: Any, batch: tuple[str]) -> None:
    conn.execute("SAVEPOINT directory_bulk")  # also a transaction of its own if the caller has none
    try:
        conn.execute("UPDATE directory_index_state SET bulk = 1 WHERE id = 1")  # the triggers stand aside
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS directory_batch(id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.directory_batch")
        conn.execute(f"INSERT OR IGNORE INTO temp.directory_batch {_EXISTING}", batch)
        conn.execute("DELETE FROM directory_national_fts WHERE rowid IN temp.directory_batch")
        conn.execute("DELETE FROM directory_national_geo WHERE id IN temp.directory_batch")
        newest = conn.execute("SELECT coalesce(max(rowid), 0) FROM directory_national").fetchone()[0]
        conn.execute(_UPSERT_JSON, batch)
        conn.execute(
            "INSERT OR IGNORE INTO temp.directory_batch SELECT rowid FROM directory_national WHERE rowid > ?", (newest,)
        )  # rowids only grow: the new rows
        conn.execute(f"{_FILL_FTS} WHERE t.rowid IN temp.directory_batch")
        conn.execute(f"{_FILL_GEO} AND t.rowid IN temp.directory_batch")
        conn.execute("DELETE FROM temp.directory_batch")
        conn.execute("UPDATE directory_index_state SET bulk = 0 WHERE id = 1")
    except BaseException:
        conn.execute("ROLLBACK TO directory_bulk")  # rows, indexes and state as they were
        conn.execute("RELEASE directory_bulk")
        raise
    conn.execute("RELEASE directory_bulk")


def begin_deferred(conn: Any) -> bool:
    """Defer indexing if the national directory is empty (a first load); True if it is deferred now."""
    if is_deferred(conn):
        conn.execute(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")  # again after a reopening
        return True
    if conn.execute("SELECT EXISTS (SELECT 1 FROM directory_national)").fetchone()[0]:
        return False
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'directory_national' "
        "AND sql IS NOT NULL ORDER BY name"
    ).fetchall()
    for name, sql in indexes:
        conn.execute("INSERT OR REPLACE INTO directory_deferred_index(name, sql) VALUES(?, ?)", (name, sql))
        conn.execute(f'DROP INDEX "{name}"')
    conn.execute("UPDATE directory_index_state SET deferred = 1 WHERE id = 1")
    conn.execute(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")
    return True


def finish_deferred(conn: Any) -> bool:
    """Build what a deferred load left out (secondary, full-text and geographic indexes); True if it did."""
    if not is_deferred(conn):
        return False
    for (sql,) in conn.execute("SELECT sql FROM directory_deferred_index ORDER BY name").fetchall():
        conn.execute(sql)
    conn.execute("DELETE FROM directory_deferred_index")
    conn.execute("INSERT INTO directory_national_fts(directory_national_fts) VALUES('delete-all')")
    conn.execute("DELETE FROM directory_national_geo")
    conn.execute(_FILL_FTS)
    conn.execute(_FILL_GEO)
    conn.execute("UPDATE directory_index_state SET deferred = 0 WHERE id = 1")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return True


def problems(conn: Any) -> list[str]:
    """What is wrong with the directory's search indexes, in French (empty = all is well)."""
    if is_deferred(conn):
        return [
            "Annuaire : un premier chargement interrompu n'est pas encore indexé pour la recherche "
            "(ce sera fait à la prochaine ouverture ou synchronisation)."
        ]
    found: list[str] = []
    missing = [name for (name,) in conn.execute("SELECT name FROM directory_deferred_index")]
    if missing:
        found.append(f"Annuaire : index manquants ({', '.join(missing)}).")
    rows, located = conn.execute(
        "SELECT count(*), count(latitude IS NOT NULL AND longitude IS NOT NULL OR NULL) FROM directory_national"
    ).fetchone()
    if conn.execute("SELECT count(*) FROM directory_national_fts").fetchone()[0] != rows:
        found.append("Annuaire : l'index de recherche par mots ne correspond pas aux fiches.")
    if conn.execute("SELECT count(*) FROM directory_national_geo").fetchone()[0] != located:
        found.append("Annuaire : l'index de recherche par distance ne correspond pas aux fiches.")
    return found
