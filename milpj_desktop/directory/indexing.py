"""How national rows reach the directory's indexes: row by row, in bulk, or with the B-tree indexes deferred.

- Row by row (a few rows, one import line): the triggers of directory_national keep the full-text
  (FTS5) and geographic (R-tree) indexes in step.
- In bulk (from BULK_ROWS rows: a synchronisation page, an import): the per-row triggers stand
  aside and each of those two indexes is written by one INSERT … SELECT over the batch (≈ 5× cheaper).
- Deferred (the first load of an empty national directory): every page is written in bulk with its
  full-text entries, but the five secondary B-tree indexes (list order, type, commune, postcode,
  département) are dropped — each page of 1 000 random keys would rewrite most of their leaves at
  every commit — and the R-tree waits too (built whole, it costs half). `finish_deferred` builds
  them once: at the end of the pass, at the end of an interrupted run, or when the store is next
  opened. Each page stays atomic and searchable by words as soon as it is in.

Callers own the transaction (schema 0006_directory_indexing.sql holds the state).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from milpj_desktop.store.batch import json_param
from milpj_desktop.store.connection import rollback_to
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
_UPDATED = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS.split(", ")[1:])
_UPSERT = (
    f"INSERT INTO directory_national({_COLUMNS}) VALUES({', '.join('?' * len(_COLUMNS.split(', ')))}) "
    f"ON CONFLICT(national_id) DO UPDATE SET {_UPDATED}"
)
# rows of the batch already in the table (CROSS JOIN: the batch drives, the cost follows the batch)
_EXISTING = "SELECT t.rowid FROM json_each(?) j CROSS JOIN directory_national t ON t.national_id = j.value"
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


def write_national_rows(conn: Any, rows: Sequence[Sequence[Any]]) -> None:
    """Insert or replace national rows (repository.national_row: national_id first, the record's JSON last)."""
    deferred = is_deferred(conn)
    if len(rows) < BULK_ROWS and not deferred:
        conn.executemany(_UPSERT, rows)  # the triggers index each row
        return
    conn.execute("SAVEPOINT directory_bulk")  # also a transaction of its own if the caller has none
    try:
        conn.execute("UPDATE directory_index_state SET bulk = 1 WHERE id = 1")  # the triggers stand aside
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS directory_batch(id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.directory_batch")
        # rows already there are replaced in place (same rowid): their index entries go first
        conn.execute(f"INSERT OR IGNORE INTO temp.directory_batch {_EXISTING}", (json_param([r[0] for r in rows]),))
        conn.execute("DELETE FROM directory_national_fts WHERE rowid IN temp.directory_batch")
        if not deferred:
            conn.execute("DELETE FROM directory_national_geo WHERE id IN temp.directory_batch")
        newest = conn.execute("SELECT coalesce(max(rowid), 0) FROM directory_national").fetchone()[0]
        conn.executemany(_UPSERT, rows)
        # new rows: rowids only grow
        conn.execute(
            "INSERT OR IGNORE INTO temp.directory_batch SELECT rowid FROM directory_national WHERE rowid > ?", (newest,)
        )
        conn.execute(f"{_FILL_FTS} WHERE t.rowid IN temp.directory_batch")
        if not deferred:  # the R-tree takes a whole load faster at once (finish_deferred)
            conn.execute(f"{_FILL_GEO} AND t.rowid IN temp.directory_batch")
        conn.execute("DELETE FROM temp.directory_batch")
        conn.execute("UPDATE directory_index_state SET bulk = 0 WHERE id = 1")
    except BaseException:
        rollback_to(conn, "directory_bulk")  # rows, indexes and state as they were
        raise
    conn.execute("RELEASE directory_bulk")
    # Fresh statistics once a table has grown (or shrunk) tenfold, so that the planner keeps picking
    # the selective index: without them « crèches de Tulle » walked every crèche in name order
    # (10 ms) instead of the few entries of the commune (0.6 ms). About 1 ms when nothing is due.
    conn.execute("PRAGMA optimize")


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
    """Create the indexes a first load went without (B-trees, R-tree); True if it did."""
    if not is_deferred(conn):
        return False
    for (sql,) in conn.execute("SELECT sql FROM directory_deferred_index ORDER BY name").fetchall():
        conn.execute(sql)
    conn.execute("DELETE FROM directory_deferred_index")
    conn.execute("ANALYZE directory_national")  # statistics for the new indexes (≈ 0.1 s at 100k)
    conn.execute("DELETE FROM directory_national_geo")
    conn.execute(_FILL_GEO)
    conn.execute("UPDATE directory_index_state SET deferred = 0 WHERE id = 1")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return True


def problems(conn: Any) -> list[str]:
    """What is wrong with the directory's search indexes, in French (empty = all is well)."""
    if is_deferred(conn):
        return [
            "Annuaire : un premier chargement interrompu attend encore ses index de tri et de distance "
            "(ils seront créés à la prochaine ouverture ou synchronisation)."
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
