"""What the store remembers of the synchronisation: streams and their cursors, the records each
brought, the runs and their results. Functions take the connection of a transaction the caller owns."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from milpj_desktop.changes import Changes
from sync.protocol import COLLECTIONS, LABELS, Collection, record_hash, state_checksum

DIRECTORY_MAIN = "directory"
CATCH_UP_PREFIX = "directory+"
RUNS_KEPT = 50
STATUS_TEXT = {
    "reussie": "réussie",
    "partielle": "partielle (des collections ont échoué)",
    "echec": "échouée",
    "annulee": "annulée",
    "interrompue": "interrompue",
    "en-cours": "en cours",
}


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class Stream:
    """One stream of changes and its position."""

    name: str
    collection: Collection
    cursor: str = ""
    seq: int = 0
    departements: frozenset[str] = frozenset()
    full_pass: bool = True
    generation: int = 0

    @property
    def is_catch_up(self) -> bool:
        return self.name.startswith(CATCH_UP_PREFIX)

    @property
    def label(self) -> str:
        if self.collection == Collection.DIRECTORY:
            if len(self.departements) > 6:
                return f"annuaire ({len(self.departements)} départements)"
            depts = ", ".join(sorted(self.departements))
            return f"annuaire ({depts})" if depts else "annuaire"
        return LABELS[self.collection]


def _split(text: str) -> frozenset[str]:
    return frozenset(d for d in text.split(",") if d)


def _join(depts: frozenset[str] | set[str]) -> str:
    return ",".join(sorted(depts))


def load_stream(conn: Any, name: str) -> Stream | None:
    row = conn.execute(
        "SELECT collection, cursor, seq, departements, full_pass, generation FROM sync_stream WHERE stream = ?",
        (name,),
    ).fetchone()
    if row is None:
        return None
    return Stream(
        name=name,
        collection=Collection(row[0]),
        cursor=str(row[1]),
        seq=int(row[2]),
        departements=_split(str(row[3])),
        full_pass=bool(row[4]),
        generation=int(row[5]),
    )


def save_stream(conn: Any, stream: Stream, *, completed: bool = False) -> None:
    when = now_text()
    conn.execute(
        "INSERT INTO sync_stream(stream, collection, cursor, seq, departements, full_pass, generation, last_page_at, "
        "completed_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(stream) DO UPDATE SET cursor = excluded.cursor, "
        "seq = excluded.seq, departements = excluded.departements, full_pass = excluded.full_pass, "
        "generation = excluded.generation, last_page_at = excluded.last_page_at, "
        "completed_at = coalesce(excluded.completed_at, sync_stream.completed_at)",
        (
            stream.name,
            stream.collection.value,
            stream.cursor,
            stream.seq,
            _join(stream.departements),
            int(stream.full_pass),
            stream.generation,
            when,
            when if completed else None,
        ),
    )


def delete_stream(conn: Any, name: str) -> None:
    conn.execute("DELETE FROM sync_stream WHERE stream = ?", (name,))


def next_generation(conn: Any) -> int:
    return int(conn.execute("SELECT coalesce(max(generation), 0) + 1 FROM sync_stream").fetchone()[0])


def content_streams(conn: Any) -> list[Stream]:
    """The non-directory streams, created on first use, in protocol order."""
    out = []
    for collection in COLLECTIONS:
        if collection == Collection.DIRECTORY:
            continue
        stream = load_stream(conn, collection.value)
        if stream is None:
            stream = Stream(name=collection.value, collection=collection, generation=next_generation(conn))
            save_stream(conn, stream)
        out.append(stream)
    return out


def directory_streams(conn: Any) -> list[Stream]:
    """Catch-up streams first (new départements), then the main one."""
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT stream FROM sync_stream WHERE collection = 'directory' ORDER BY stream = ?, stream",
            (DIRECTORY_MAIN,),
        )
    ]
    return [s for s in (load_stream(conn, n) for n in names) if s is not None]


# -- records -----------------------------------------------------------------------------------
def collection_state(conn: Any, collection: Collection, departements: frozenset[str] | None = None) -> tuple[int, str]:
    """(count, checksum) of what this store holds for a collection: compare with the server's /state."""
    sql = "SELECT id, version FROM sync_record WHERE collection = ?"
    params: list[str] = [collection.value]
    if departements is not None:
        sql += f" AND dept IN ({','.join('?' * len(departements))})"
        params += sorted(departements)
    rows = [(str(i), int(v)) for i, v in conn.execute(sql, params)]
    return len(rows), state_checksum(rows)


# Each collection's records as this store keeps them: id, département, JSON of the record.
_RECORDS_SQL: dict[Collection, str] = {
    Collection.STAGES: "SELECT id, '', data FROM stage",
    Collection.THEMES: "SELECT id, '', data FROM theme",
    Collection.ARTICLES: "SELECT id, '', data FROM article",
    Collection.EVENTS: "SELECT id, '', data FROM event",
    Collection.TEMPLATES: "SELECT id, '', data FROM sync_template",
    Collection.ASSETS: "SELECT sha256, '', json_object('sha256', sha256, 'size', size, 'media_type', media_type, "
    "'name', name) FROM sync_asset",
    Collection.DIRECTORY: "SELECT national_id, departement, data FROM directory_national",
}


def local_fingerprints(
    conn: Any, collection: Collection, departements: frozenset[str] | None = None
) -> dict[str, tuple[str, str]]:
    """id → (département, record_hash) of the records themselves (not of what the sync believes it wrote):
    an entry changed by an import or an id the server never sent shows up here."""
    sql = _RECORDS_SQL[collection]
    params: list[str] = []
    if collection == Collection.DIRECTORY and departements is not None:
        sql += f" WHERE departement IN ({','.join('?' * len(departements))})"
        params = sorted(departements)
    return {str(i): (str(d), record_hash(json.loads(data))) for i, d, data in conn.execute(sql, params)}


# -- runs ----------------------------------------------------------------------------------------
@dataclass
class CollectionResult:
    """Added / changed / deleted / failed for one collection in one run."""

    collection: str
    added: int = 0
    changed: int = 0
    deleted: int = 0
    failed: int = 0
    received: int = 0
    status: str = "en-cours"
    message: str = ""

    @property
    def label(self) -> str:
        return LABELS.get(self.collection, self.collection)


@dataclass
class RunResult:
    run_id: int
    server: str
    status: str = "en-cours"
    message: str = ""
    started_at: str = ""
    finished_at: str = ""
    requests: int = 0
    bytes: int = 0
    collections: dict[str, CollectionResult] = field(default_factory=dict)
    reason: str = ""  # why it ran: « manuelle », « démarrage », « nouveaux réglages »…
    error: str = ""  # the name of the SyncError that ended a failed run

    @property
    def brought_something(self) -> bool:
        """Whether anything arrived, left, was refused or was sent (an empty run changes nothing)."""
        return any(r.added or r.changed or r.deleted or r.failed for r in self.collections.values())

    @property
    def warned(self) -> bool:
        """« Réussie avec avertissements »: every collection is up to date, but some files did not come
        (they are asked for again at the next run)."""
        return self.status == "reussie" and any(r.failed for r in self.collections.values())

    @property
    def status_text(self) -> str:
        """The run's status as a person reads it."""
        if self.warned:
            return "réussie avec avertissements"
        return STATUS_TEXT.get(self.status, self.status)

    def result(self, collection: Collection) -> CollectionResult:
        key = collection.value
        if key not in self.collections:
            self.collections[key] = CollectionResult(key)
        return self.collections[key]


_CONTENT = {Collection.STAGES, Collection.THEMES, Collection.ARTICLES, Collection.EVENTS, Collection.ASSETS}


def changes_of(run: RunResult | None) -> Changes:
    """What a synchronisation changed, from its counts; None (it failed or was cancelled before
    telling) means anything may have moved. A change of subscription is announced by whoever made it."""
    if run is None:
        return Changes(content=True, directory=True, handouts=True, sync=True)

    def moved(collections: set[Collection]) -> bool:
        return any(r.added + r.changed + r.deleted > 0 for name, r in run.collections.items() if name in collections)

    return Changes(
        content=moved(_CONTENT),
        directory=moved({Collection.DIRECTORY}),
        handouts=moved({Collection.TEMPLATES}),
        sync=True,
    )


_BROUGHT = "added + changed + deleted + failed > 0"


def start_run(conn: Any, server: str, *, reason: str = "") -> RunResult:
    """Record a new run; runs left 'en-cours' by a killed process are marked 'interrompue'. Old runs
    go, except the last successful one and the last that brought something (the window tells them)."""
    conn.execute("UPDATE sync_run SET status = 'interrompue', finished_at = ? WHERE status = 'en-cours'", (now_text(),))
    conn.execute("UPDATE sync_run_collection SET status = 'interrompue' WHERE status = 'en-cours'")
    started = now_text()
    cursor = conn.execute("INSERT INTO sync_run(server, started_at, reason) VALUES(?, ?, ?)", (server, started, reason))
    run_id = int(cursor.lastrowid)
    conn.execute(
        "DELETE FROM sync_run WHERE id <= (SELECT id FROM sync_run ORDER BY id DESC LIMIT 1 OFFSET ?) "
        "AND id IS NOT (SELECT max(id) FROM sync_run WHERE status = 'reussie') "
        f"AND id IS NOT (SELECT max(run_id) FROM sync_run_collection WHERE {_BROUGHT})",
        (RUNS_KEPT,),
    )
    return RunResult(run_id=run_id, server=server, started_at=started, reason=reason)


def save_collection_result(conn: Any, *, run_id: int, result: CollectionResult) -> None:
    conn.execute(
        "INSERT INTO sync_run_collection(run_id, collection, added, changed, deleted, failed, received, status, message) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run_id, collection) DO UPDATE SET added = excluded.added, "
        "changed = excluded.changed, deleted = excluded.deleted, failed = excluded.failed, "
        "received = excluded.received, status = excluded.status, message = excluded.message",
        (
            run_id,
            result.collection,
            result.added,
            result.changed,
            result.deleted,
            result.failed,
            result.received,
            result.status,
            result.message,
        ),
    )


def finish_run(conn: Any, run: RunResult) -> None:
    run.finished_at = now_text()
    conn.execute(
        "UPDATE sync_run SET finished_at = ?, status = ?, message = ?, requests = ?, bytes = ?, error = ? WHERE id = ?",
        (run.finished_at, run.status, run.message, run.requests, run.bytes, run.error, run.run_id),
    )
    for result in run.collections.values():
        save_collection_result(conn, run_id=run.run_id, result=result)


_RUN_COLUMNS = (
    "id, server, status, message, started_at, coalesce(finished_at, ''), requests, bytes, reason, error FROM sync_run"
)


def _load_run(conn: Any, row: Any) -> RunResult:
    run = RunResult(
        run_id=int(row[0]),
        server=str(row[1]),
        status=str(row[2]),
        message=str(row[3]),
        started_at=str(row[4]),
        finished_at=str(row[5]),
        requests=int(row[6]),
        bytes=int(row[7]),
        reason=str(row[8]),
        error=str(row[9]),
    )
    for r in conn.execute(
        "SELECT collection, added, changed, deleted, failed, received, status, message FROM sync_run_collection "
        "WHERE run_id = ?",
        (run.run_id,),
    ):
        run.collections[str(r[0])] = CollectionResult(
            collection=str(r[0]),
            added=int(r[1]),
            changed=int(r[2]),
            deleted=int(r[3]),
            failed=int(r[4]),
            received=int(r[5]),
            status=str(r[6]),
            message=str(r[7]),
        )
    return run


def _one_run(conn: Any, where: str) -> RunResult | None:
    row = conn.execute(f"SELECT {_RUN_COLUMNS} WHERE {where} ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else _load_run(conn, row)


def last_run(conn: Any) -> RunResult | None:
    """The most recent run (the last attempt) with its per-collection results."""
    return _one_run(conn, "true")


def last_successful_run(conn: Any) -> RunResult | None:
    """The most recent run that ended well, kept apart from a later failed attempt."""
    return _one_run(conn, "status = 'reussie'")


def last_run_that_brought(conn: Any) -> RunResult | None:
    """The most recent run after which something had arrived, left or been sent."""
    return _one_run(conn, f"id = (SELECT max(run_id) FROM sync_run_collection WHERE {_BROUGHT})")


def recent_runs(conn: Any, limit: int = 10) -> list[RunResult]:
    """The last runs, newest first (the window's history)."""
    rows = conn.execute(f"SELECT {_RUN_COLUMNS} ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [_load_run(conn, row) for row in rows]


# -- freshness --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StreamFreshness:
    """When one stream last reached the end of the server's changes ('' = never)."""

    collection: str
    departements: frozenset[str]
    completed_at: str


def stream_freshness(conn: Any) -> list[StreamFreshness]:
    """Every stream with the time it last caught up with the server, whatever happened after."""
    return [
        StreamFreshness(str(r[0]), _split(str(r[1])), str(r[2] or ""))
        for r in conn.execute("SELECT collection, departements, completed_at FROM sync_stream ORDER BY stream")
    ]
