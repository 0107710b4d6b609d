"""A full disk is a French sentence that says what to do, never a traceback, and never a damaged store:
SQLite really full (max_page_count) in-process, and a really full disk (a small tmpfs) under the real
commands when the tests may mount one."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from milpj_desktop import paths
from milpj_desktop.directory import repository
from milpj_desktop.directory.csvio import write_csv
from milpj_desktop.directory.generate import fictitious_entries
from milpj_desktop.errors import FileWriteError, KnownError
from milpj_desktop.store import Store
from milpj_desktop.store.errors import StoreFull
from milpj_desktop.upkeep import check_store
from tests.conftest import PASSPHRASE, run_cli
from tests.perf import fiabilite_disque as disque
from tests.test_sync_support import TOKEN, SyncServer, departements_of, directory_sample

ENTRIES = directory_sample(2500, seed=9)  # what the reference server holds (the `server` fixture)
DEPTS = ",".join(sorted(departements_of(ENTRIES)))


def _national_count(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM directory_national").fetchone()[0])


def test_sqlite_full_in_a_transaction_is_a_french_error_and_the_store_stays_whole(content_store: Store) -> None:
    """Every query, not only the opening: the write that fills the file is told, the rest stays."""
    store = content_store
    pages = int(store.conn.execute("PRAGMA page_count").fetchone()[0])
    store.conn.execute(f"PRAGMA max_page_count = {pages + 3}")  # the file may grow by 3 pages only
    entries = fictitious_entries(400, seed=3)
    with pytest.raises(StoreFull) as info, store.transaction() as conn:
        repository.upsert_national_many(conn, entries)
    assert info.value.message.startswith("Le disque est plein")
    assert "Libérez de la place" in info.value.message
    assert not store.conn.in_transaction  # rolled back, by SQLite or by us, and the cause was not hidden
    assert _national_count(store) == 0
    store.conn.execute("PRAGMA max_page_count = 1073741823")  # room again
    with store.transaction() as conn:
        repository.upsert_national_many(conn, entries)
    assert _national_count(store) == 400
    assert check_store(store) == []


def test_a_busy_store_and_a_damaged_page_met_while_fetching_are_classified_too(store: Store) -> None:
    """Every step goes through the same door: a write while another process writes, rows read one by one."""
    with store.transaction() as conn:
        conn.execute("CREATE TABLE bulk(x)")
        conn.executemany("INSERT INTO bulk VALUES(?)", [("x" * 500,) for _ in range(200)])
    other = Store.open(paths.store_path(), PASSPHRASE)
    try:
        other.conn.execute("PRAGMA busy_timeout = 0")
        with store.transaction(), pytest.raises(KnownError, match="utilisé par un autre programme"):
            other.conn.execute("INSERT INTO bulk VALUES('y')")
    finally:
        other.close()
    store.close()
    data = bytearray(paths.store_path().read_bytes())
    page = len(data) // 4096 - 3  # the table's rows were written last: one of its pages, damaged
    data[4096 * page + 200 : 4096 * page + 260] = bytes(60)
    paths.store_path().write_bytes(bytes(data))
    damaged = Store.open(paths.store_path(), PASSPHRASE)
    try:
        cursor = damaged.conn.execute("SELECT x FROM bulk")
        with pytest.raises(KnownError, match="endommagé"):
            for _ in cursor:
                pass
    finally:
        damaged.close()


# -- a really full disk ----------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MB tmpfs (needs root: skipped elsewhere; the max_page_count test above always runs)."""
    with disque.mounted_tmpfs(tmp_path / "disque") as mounted:
        if not mounted:
            pytest.skip("monter un tmpfs demande les droits root")
        yield tmp_path / "disque"


def _one_french_line(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert disque.french_line(done, *words) == ""


def test_really_full_disk_under_the_commands(small_disk: Path, tmp_path: Path) -> None:
    data = small_disk / "donnees"
    env = {"MILPJ_DATA_DIR": str(data)}
    assert run_cli("init", env=env).returncode == 0
    csv_file = tmp_path / "annuaire.csv"
    write_csv(csv_file, fictitious_entries(3000, seed=11))  # several MB once stored
    filler = disque.fill(small_disk, leave=200_000)

    _one_french_line(run_cli("annuaire", "importer", str(csv_file), env=env), "disque est plein", "Libérez")
    rest = disque.fill(small_disk, leave=0, name="reste")
    export = small_disk / "export.csv"
    _one_french_line(run_cli("annuaire", "exporter", "--csv", str(export), env=env), "disque est plein")
    assert not export.exists() and not list(small_disk.glob(".export.csv*"))  # no half-written file
    still = run_cli("verifier", env=env)  # a later command while the disk is still full: no traceback
    assert "Traceback" not in still.stderr and still.returncode in (0, 2), still.stderr

    filler.unlink()  # space comes back
    rest.unlink()
    imported = run_cli("annuaire", "importer", str(csv_file), env=env)
    assert imported.returncode == 0, imported.stderr
    checked = run_cli("verifier", env=env)
    assert checked.returncode == 0 and "aucune anomalie" in checked.stdout, checked.stderr
    store = Store.open(data / "milpj.db", PASSPHRASE)
    try:
        assert _national_count(store) == 3000  # the refused import wrote nothing, the second one all
    finally:
        store.close()


def test_full_disk_during_a_change_of_passphrase_changes_nothing(small_disk: Path) -> None:
    data = small_disk / "donnees"
    env = {"MILPJ_DATA_DIR": str(data)}
    assert run_cli("init", env=env).returncode == 0
    disque.fill(small_disk, leave=0)
    done = run_cli("phrase-secrete", env={**env, "MILPJ_NOUVELLE_PASSPHRASE": "une autre phrase secrète"})
    _one_french_line(done, "disque est plein")
    for leftover in small_disk.glob("remplissage"):
        leftover.unlink()
    Store.open(data / "milpj.db", PASSPHRASE).close()  # the old passphrase still opens it


def test_a_file_we_write_on_a_full_disk(small_disk: Path) -> None:
    target = small_disk / "export.csv"
    target.write_text("ancien export\n", encoding="utf-8")
    disque.fill(small_disk, leave=0)
    with pytest.raises(FileWriteError) as info:
        write_csv(target, fictitious_entries(200, seed=2))
    assert "le disque est plein" in info.value.message and str(target) in info.value.message
    assert target.read_text(encoding="utf-8") == "ancien export\n"  # the previous file is untouched


def test_a_synchronisation_into_a_full_disk(small_disk: Path, server: SyncServer) -> None:
    """The store fills during a first load: one French line, the run recorded if it can be, and once
    space returns the next synchronisation converges to the server."""
    data = small_disk / "donnees"
    env = {"MILPJ_DATA_DIR": str(data), "MILPJ_JETON": TOKEN}
    assert run_cli("init", env=env).returncode == 0
    filler = disque.fill(small_disk, leave=300_000)
    args = ("synchroniser", "--serveur", server.url, "--departements", DEPTS, "--par-page", "200")
    _one_french_line(run_cli(*args, env=env), "disque est plein")
    filler.unlink()
    again = run_cli(*args, "--verifier", env=env)
    assert again.returncode == 0, again.stderr
    checked = run_cli("verifier", env=env)
    assert checked.returncode == 0 and "aucune anomalie" in checked.stdout, checked.stderr
    store = Store.open(data / "milpj.db", PASSPHRASE)
    try:
        assert _national_count(store) == len(ENTRIES)
    finally:
        store.close()
