"""Shared by the synchronisation tests (no test here): the real reference server on 127.0.0.1 in a
thread, small datasets, a store to synchronise and helpers to compare both sides."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from milpj_desktop import paths
from milpj_desktop.directory.generate import fictitious_entries
from milpj_desktop.directory.models import DirectoryEntry
from milpj_desktop.store import Store
from sync.engine import DirectAccess, Progress, SyncEngine, SyncRequest
from sync.protocol import COLLECTIONS, Collection
from sync.server.app import create_app
from sync.server.db import ServerDB
from sync.server.demo import load_assets, load_content
from sync.state import RunResult, collection_state

TOKEN = "jeton-de-test-0123456789"


@dataclass
class SyncServer:
    db: ServerDB
    url: str
    app: Any

    @property
    def stats(self) -> Any:
        return self.app.state.stats


def directory_sample(count: int, seed: int = 7) -> list[DirectoryEntry]:
    return fictitious_entries(count, seed=seed)


def departements_of(entries: list[DirectoryEntry]) -> frozenset[str]:
    return frozenset(e.departement for e in entries if e.departement)


def fill(db: ServerDB, *, directory: list[DirectoryEntry], assets: bool = True) -> None:
    db.add_token(TOKEN, "tests")
    load_content(db)
    if assets:
        load_assets(db)
    db.publish(Collection.DIRECTORY, directory)


@contextmanager
def running_server(folder: Path, *, page_bytes: int | None = None, **tls: str) -> Iterator[SyncServer]:
    """uvicorn on a free port of 127.0.0.1, in a thread; stopped on exit."""
    folder.mkdir(parents=True, exist_ok=True)
    db = ServerDB(folder / "serveur.sqlite3")
    app = create_app(db, page_bytes=page_bytes)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off", **tls)  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="milpj-serveur-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("le serveur de test n'a pas démarré")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        scheme = "https" if tls else "http"
        yield SyncServer(db=db, url=f"{scheme}://127.0.0.1:{port}", app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def request_for(server: SyncServer, departements: frozenset[str] = frozenset(), **extra: Any) -> SyncRequest:
    options: dict[str, Any] = {"stall_timeout": 2.0, "backoff_base": 0.01, "max_attempts": 3}
    options.update(extra)
    return SyncRequest(server_url=server.url, token=TOKEN, departements=departements, **options)


def synchronise(store: Store, request: SyncRequest, **kwargs: Any) -> RunResult:
    """One run with waits skipped (recorded by the http client), as the command line would do it."""
    progress: list[Progress] = kwargs.pop("progress", [])
    kwargs.setdefault("sleep", lambda seconds: None)
    engine = SyncEngine(DirectAccess(store), request, data_dir=paths.data_dir(), on_progress=progress.append, **kwargs)
    return engine.run()


def converged(store: Store, server: SyncServer, departements: frozenset[str]) -> dict[str, bool]:
    """collection → same (count, checksum) on both sides."""
    out = {}
    for collection in COLLECTIONS:
        scope = departements if collection == Collection.DIRECTORY else None
        count, checksum, _ = server.db.state(collection, sorted(scope) if scope is not None else None)
        out[collection.value] = collection_state(store.conn, collection, scope) == (count, checksum)
    return out


def snapshot(store: Store) -> dict[str, Any]:
    """Everything national the store holds, plus cursors: equal snapshots = same state."""
    conn = store.conn
    return {
        "articles": conn.execute("SELECT id, version, data, badge FROM article ORDER BY id").fetchall(),
        "stages": conn.execute("SELECT id, data FROM stage ORDER BY id").fetchall(),
        "events": conn.execute("SELECT id, data FROM event ORDER BY id").fetchall(),
        "directory": conn.execute("SELECT national_id, data FROM directory_national ORDER BY national_id").fetchall(),
        "streams": conn.execute("SELECT stream, cursor, seq, departements FROM sync_stream ORDER BY stream").fetchall(),
        "records": conn.execute("SELECT count(*) FROM sync_record").fetchone()[0],
    }
