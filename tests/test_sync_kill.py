"""Kill the client process (SIGKILL) at random points of a synchronisation, many times: the store
stays intact, local notes and entries stay, and the next synchronisation converges."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from milpj_desktop import paths
from milpj_desktop.content import repository as content
from milpj_desktop.directory import repository as directory
from milpj_desktop.store import Store
from milpj_desktop.upkeep import check_store, create_with_default_content, open_store
from sync.protocol import Collection
from tests.conftest import PASSPHRASE
from tests.test_sync_support import (
    TOKEN,
    SyncServer,
    converged,
    departements_of,
    directory_sample,
)

ENTRIES = directory_sample(1500, seed=23)
DEPTS = departements_of(ENTRIES)
KILLS = 15
ROOT = Path(__file__).resolve().parents[1]


def _client(server: SyncServer, *extra: str, depts: frozenset[str] = DEPTS) -> subprocess.Popen[str]:
    env = {**os.environ, "MILPJ_PASSPHRASE": PASSPHRASE, "MILPJ_JETON": TOKEN, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "ui.cli", "synchroniser", "--serveur", server.url, "--par-page", "15"]
    command += ["--departements", ",".join(sorted(depts)), *extra]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _check_store(noted: str, local_id: str, favourite: str) -> None:
    store = open_store(paths.store_path(), PASSPHRASE)  # as the window or a command opens it
    try:
        assert check_store(store) == []  # encryption, structure and search indexes
        assert directory.get_note(store.conn, noted) == "Ne pas appeler le mercredi."
        local = directory.get_entry(store.conn, local_id)
        assert local is not None and local.note == "Ma note locale"
        assert content.is_favourite(store.conn, favourite)
        # the national rows and what the engine recorded move together (same transaction)
        national = directory.counts(store.conn)["national"]
        recorded = store.conn.execute("SELECT count(*) FROM sync_record WHERE collection = 'directory'").fetchone()[0]
        assert national == recorded
    finally:
        store.close()


@pytest.mark.slow
def test_sigkill_at_random_points_then_converge(server: SyncServer) -> None:
    store = create_with_default_content(PASSPHRASE)
    noted = str(ENTRIES[0].national_id)
    with store.transaction() as conn:
        local_id = directory.add_local(conn, ENTRIES[1].model_copy(update={"name": "Permanence de quartier"}))
        directory.set_note(conn, local_id, "Ma note locale")
        directory.set_note(conn, noted, "Ne pas appeler le mercredi.")
        favourite = content.list_articles(conn)[0].id
        content.set_favourite(conn, favourite, True)
    store.close()

    rng = random.Random(6)
    killed = 0
    some = frozenset(sorted(DEPTS)[: len(DEPTS) // 2])
    for round_number in range(KILLS):
        # every other round drops half the départements (purge), the next one adds them back (catch-up)
        # A page held back for a few seconds at a random point: whatever the machine's speed, the
        # kill below then lands while the synchronisation is running, some pages already applied.
        server.db.clear_faults()
        server.db.add_fault("lenteur", collection="directory", skip=rng.randint(0, 4), times=1, seconds=4.0)
        served = server.stats.pages
        process = _client(server, depts=some if round_number % 2 else DEPTS)
        try:
            # the clock starts once the run is under way (a page served): a slow start on a busy
            # machine must not make every kill land before the run exists
            deadline = time.monotonic() + 60
            while server.stats.pages == served and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            process.wait(timeout=rng.uniform(0.6, 1.8))  # ends early if the run finished first
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            killed += 1
        else:
            assert process.returncode == 0, process.stderr.read() if process.stderr else ""
        finally:
            for stream in (process.stdout, process.stderr):
                if stream:
                    stream.close()
        _check_store(noted, local_id, favourite)
        # the server moves on between attempts: changes, deletions, new entries
        changed = [e.model_copy(update={"name": f"{e.name} ({round_number})"}) for e in rng.sample(ENTRIES, 300)]
        server.db.publish(Collection.DIRECTORY, changed)
        server.db.delete(Collection.DIRECTORY, [str(e.national_id) for e in rng.sample(ENTRIES[2:], 5)])
    assert killed >= KILLS // 3  # many attempts were really cut in the middle
    server.db.clear_faults()

    final = _client(server, "--json", "--verifier")
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    report = json.loads(out)
    assert report["statut"] == "reussie"
    assert all(check["identique"] for check in report["convergence"].values())
    _check_store(noted, local_id, favourite)
    store = Store.open(paths.store_path(), PASSPHRASE)
    try:
        assert all(converged(store, server, DEPTS).values())
        statuses = {r[0] for r in store.conn.execute("SELECT status FROM sync_run")}
        assert "en-cours" not in statuses and "interrompue" in statuses
    finally:
        store.close()
