"""Synchronisation from the reference server on loopback (server in its own process).

- first synchronisation of the national-size directory (100k) + contents, in records/s, against a
  baseline in the same run: download the same pages (same requests, gzip) and bulk-insert each
  record as (id, JSON) into an unencrypted SQLite file — no validation, no index, no cursor;
- a synchronisation with nothing new, and one with 10 changes, on the 10k and 100k sets.

    .venv/bin/python tests/perf/bench_sync.py          (MILPJ_BANC_RAPIDE=1: 2k and 10k)

Figures on the last line.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from milpj_desktop.upkeep import create_with_default_content  # noqa: E402
from milpj_desktop.worker import Cancelled  # noqa: E402
from sync.engine import DirectAccess, Progress, SyncEngine, SyncRequest  # noqa: E402
from sync.protocol import COLLECTIONS, Collection, departements_param  # noqa: E402
from sync.server.db import ServerDB  # noqa: E402
from sync.server.demo import load_content  # noqa: E402
from tests.perf._donnees import cache_dir, load_entries  # noqa: E402
from tests.perf._report import Row, at_least, at_most, emit, median, quick, ratio  # noqa: E402

TOKEN = "jeton-banc-synchro"
PASSPHRASE = "phrase secrete du banc de synchronisation"


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def server_base(size: int) -> Path:
    """A server database with the pack and `size` directory entries, built once and cached."""
    path = cache_dir() / f"serveur-synchro-{size}.sqlite3"
    if path.exists():
        return path
    _log(f"construction de la base du serveur ({size} fiches)…")
    tmp = path.with_suffix(".tmp")
    for leftover in tmp.parent.glob(tmp.name + "*"):
        leftover.unlink()
    db = ServerDB(tmp)
    db.add_token(TOKEN, "banc")
    load_content(db)
    entries = load_entries(size)
    for start in range(0, len(entries), 10_000):
        db.publish(Collection.DIRECTORY, entries[start : start + 10_000])
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    tmp.rename(path)
    return path


class Server:
    def __init__(self, base: Path) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.base = base
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync.server.cli", "--base", str(base), "--port", str(self.port), "--jeton", TOKEN],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{self.url}/v1/sante", timeout=1).ok:
                    return
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("le serveur ne démarre pas")
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def departements(base: Path) -> frozenset[str]:
    conn = sqlite3.connect(base)
    try:
        return frozenset(r[0] for r in conn.execute("SELECT DISTINCT dept FROM record WHERE dept != ''"))
    finally:
        conn.close()


def baseline(url: str, depts: frozenset[str], folder: Path) -> tuple[float, int]:
    """Same pages, same bytes, then (id, JSON) rows into plain SQLite, one transaction per page."""
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {TOKEN}", "Accept-Encoding": "gzip"})
    conn = sqlite3.connect(folder / "plain.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE record (collection TEXT, id TEXT, data TEXT, PRIMARY KEY (collection, id))")
    count = 0
    start = time.perf_counter()
    for collection in COLLECTIONS:
        cursor, more = "", True
        while more:
            params = {"since": cursor, "limit": "1000"}
            if collection == Collection.DIRECTORY:
                params["departements"] = departements_param(depts)
            body = session.get(f"{url}/v1/{collection.value}/changes", params=params, timeout=60).content
            head, _, rest = body.partition(b"\n")
            header = json.loads(head)
            rows = []
            for line in rest.splitlines():
                item = json.loads(line)
                rows.append((collection.value, item["id"], json.dumps(item.get("record"))))
            conn.execute("BEGIN")
            conn.executemany("INSERT OR REPLACE INTO record VALUES (?, ?, ?)", rows)
            conn.execute("COMMIT")
            count += len(rows)
            cursor, more = header["next"], header["more"]
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, count


def measure(size: int, *, first_sync_figures: bool) -> tuple[list[Row], dict[str, float]]:
    base = server_base(size)
    depts = departements(base)
    server = Server(base)
    rows: list[Row] = []
    figures: dict[str, float] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            os.environ["MILPJ_DATA_DIR"] = str(folder / "client")
            store = create_with_default_content(PASSPHRASE)
            request = SyncRequest(server_url=server.url, token=TOKEN, departements=depts)

            def run() -> Any:
                return SyncEngine(DirectAccess(store), request, data_dir=folder / "client").run()

            start = time.perf_counter()
            first = run()
            elapsed = time.perf_counter() - start
            received = sum(r.received for r in first.collections.values())
            rate = received / elapsed
            _log(f"{size} : première synchronisation {elapsed:.1f} s, {received} changements, {rate:.0f}/s")
            if first_sync_figures:
                base_s, base_count = baseline(server.url, depts, folder)
                base_rate = base_count / base_s
                _log(f"référence : {base_s:.1f} s pour {base_count} ({base_rate:.0f}/s)")
                slower = ratio(elapsed, base_s)
                rows.append(
                    Row(
                        f"première synchronisation, annuaire {size // 1000}k",
                        round(rate),
                        "enregistrements/s",
                        "≥ 10 000/s",
                        baseline=round(base_rate),
                        ok=at_least(rate, 10_000),
                        extra={"secondes": round(elapsed, 2), "octets": first.bytes},
                    )
                )
                rows.append(
                    Row(
                        f"première synchronisation / téléchargement + insertion brute, {size // 1000}k",
                        slower,
                        "×",
                        "≤ 2×",
                        baseline=1.0,
                        ratio=slower,
                        ok=at_most(slower, 2.0),
                    )
                )
            nothing = [_timed(run) for _ in range(7)]
            figures["rien"] = median(nothing)
            changes = []
            db = ServerDB(base)
            entries = load_entries(size)
            for round_number in range(5):
                batch = entries[round_number * 10 : round_number * 10 + 10]
                db.publish(
                    Collection.DIRECTORY, [e.model_copy(update={"name": f"{e.name} ({round_number})"}) for e in batch]
                )
                changes.append(_timed(run))
            db.publish(Collection.DIRECTORY, entries[:50])  # put the cached base back as it was
            figures["dix"] = median(changes)
            store.close()
    finally:
        server.stop()
    return rows, figures


def resumed_share(size: int) -> Row:
    """Cut a first synchronisation once half the directory is in, resume it: how much comes twice."""
    base = server_base(size)
    depts = departements(base)
    server = Server(base)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            request = SyncRequest(server_url=server.url, token=TOKEN, departements=depts)

            def fresh_store(name: str) -> Any:
                os.environ["MILPJ_DATA_DIR"] = str(folder / name)
                return create_with_default_content(PASSPHRASE)

            whole_store = fresh_store("entier")
            whole = SyncEngine(DirectAccess(whole_store), request, data_dir=folder / "entier").run().bytes
            whole_store.close()

            store = fresh_store("coupe")
            cancel = threading.Event()
            at_cut = 0

            def watch(progress: Progress) -> None:
                nonlocal at_cut
                directory = progress.collection == Collection.DIRECTORY.value and bool(progress.total)
                if directory and progress.done * 2 >= (progress.total or 0) and not cancel.is_set():
                    at_cut = progress.bytes
                    cancel.set()

            with contextlib.suppress(Cancelled):  # the cut: pages applied so far stay
                SyncEngine(
                    DirectAccess(store), request, data_dir=folder / "coupe", cancel=cancel, on_progress=watch
                ).run()
            resumed = SyncEngine(DirectAccess(store), request, data_dir=folder / "coupe").run().bytes
            store.close()
    finally:
        server.stop()
    again = max(0, at_cut + resumed - whole)
    share = again / at_cut if at_cut else 1.0
    _log(f"coupure à 50 % : {at_cut} octets avant, {resumed} après, {whole} d'un trait → {again} octets en double")
    return Row(
        f"reprise après une coupure à 50 % ({size // 1000}k) : part retéléchargée",
        round(share * 100, 1),
        "%",
        "≤ 10 % de ce qui était reçu",
        baseline=round(whole / 1e6, 1),
        ok=at_most(share, 0.10),
        note=f"{again} octets reçus deux fois sur {at_cut} reçus avant la coupure (synchro entière : {whole} octets)",
    )


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    small, large = (2_000, 10_000) if quick() else (10_000, 100_000)
    rows, at_large = measure(large, first_sync_figures=True)
    _, at_small = measure(small, first_sync_figures=False)
    for key, label in (("rien", "rien de nouveau"), ("dix", "10 changements")):
        spread = ratio(at_large[key], at_small[key])
        rows.append(
            Row(
                f"synchronisation, {label}, annuaire {large // 1000}k",
                round(at_large[key], 1),
                "ms",
                "≤ 150 ms",
                baseline=round(at_small[key], 1),
                ratio=spread,
                ok=at_most(at_large[key], 150),
                note=f"{small // 1000}k : {at_small[key]:.1f} ms",
            )
        )
        rows.append(
            Row(
                f"{label} : {large // 1000}k / {small // 1000}k",
                spread,
                "×",
                "≤ 1,3×",
                ratio=spread,
                ok=at_most(spread, 1.3),
            )
        )
    rows.append(resumed_share(large))
    emit(rows)


if __name__ == "__main__":
    main()
