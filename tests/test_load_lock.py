"""Opening the store (the window's unlock, a command, `verifier`) while another process runs a first load
of the directory leaves the deferred indexes to that load: a real second process holds the lock."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from milpj_desktop import paths
from milpj_desktop.directory import indexing, repository
from milpj_desktop.directory.generate import fictitious_entries
from milpj_desktop.store import Store
from milpj_desktop.upkeep import check_store, open_store
from tests.conftest import PASSPHRASE, run_cli

_HOLD = (
    "import sys; from pathlib import Path; from sync.lock import SyncLock\n"
    "with SyncLock(Path(sys.argv[1])):\n"
    "    print('tenu', flush=True); sys.stdin.read()\n"
)


@pytest.fixture
def loading_elsewhere(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """A second process holding the synchronisation lock, as a first load from the command line does."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(data_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "tenu"
    yield holder
    if holder.poll() is None:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    if holder.stdout is not None:
        holder.stdout.close()


def _deferred_store(store: Store) -> None:
    """A first load's pages committed, its indexes still to build (the load goes on elsewhere)."""
    with store.transaction() as conn:
        indexing.begin_deferred(conn)
        repository.upsert_national_many(conn, fictitious_entries(260, seed=8))
    store.close()


def test_opening_during_another_process_load_leaves_the_indexes_to_it(
    store: Store, loading_elsewhere: subprocess.Popen[str]
) -> None:
    _deferred_store(store)
    opened = open_store(paths.store_path(), PASSPHRASE)  # what the window's unlock and every command do
    try:
        assert indexing.is_deferred(opened.conn)  # not built in the middle of the other load
        assert check_store(opened) == []  # and not an anomaly while that load runs
    finally:
        opened.close()
    verified = run_cli("verifier")
    assert verified.returncode == 0, verified.stderr
    assert "chargement de l’annuaire est en cours" in verified.stdout
    again = Store.open(paths.store_path(), PASSPHRASE)
    try:
        assert indexing.is_deferred(again.conn)  # `verifier` did not build them either
    finally:
        again.close()

    assert loading_elsewhere.stdin is not None
    loading_elsewhere.stdin.close()  # the other process ends (its load was cut short)
    loading_elsewhere.wait(timeout=30)
    reopened = open_store(paths.store_path(), PASSPHRASE)
    try:
        assert not indexing.is_deferred(reopened.conn)  # nobody loading: the next opening builds them
        assert check_store(reopened) == []
    finally:
        reopened.close()


def test_a_deferred_store_with_nobody_loading_is_still_an_anomaly_for_the_check(store: Store) -> None:
    _deferred_store(store)
    plain = Store.open(paths.store_path(), PASSPHRASE)
    try:
        assert "index de tri" in check_store(plain)[0]
    finally:
        plain.close()
