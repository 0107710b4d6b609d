"""A change of passphrase killed at any moment leaves a store that the old or the new passphrase opens
(real processes, real SQLCipher; the 100-kill run is tests/perf/fiabilite_phrase.py)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop.store import Store
from milpj_desktop.store.errors import StoreInUse
from tests.conftest import WINDOW_PASSPHRASE, first_run, run_cli
from tests.perf import fiabilite_disque as disque
from tests.perf import fiabilite_phrase as phrase
from ui.dialogs.passphrase import UnlockDialog
from ui.main_window import MainWindow
from ui.pages.parametres import _rekey

# In a real process: kill itself (SIGKILL) at the first write of the key file after the file's salt
# changed, i.e. between the re-encryption and the key file that goes with it.
_KILL_AFTER_REKEY = """
import os, signal, sys
from pathlib import Path
from milpj_desktop.store import Store, keys
path = Path(sys.argv[1])
salt = path.read_bytes()[:16]
real_write = keys.write_params
def write_params(*args, **kwargs):
    if path.read_bytes()[:16] != salt:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_write(*args, **kwargs)
keys.write_params = write_params
store = Store.open(path, sys.argv[2])
store.rekey(sys.argv[3])
"""


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("phrase") / "base"
    phrase.prepare(folder, entries=3000)
    return folder


def _assert_opens(folder: Path) -> str:
    outcome = phrase.examine(folder)
    assert outcome.opens_with, "neither passphrase opens the store: locked out"
    assert outcome.problems == []
    assert outcome.intact
    assert outcome.other_refused_in_french
    return outcome.opens_with


def test_a_kill_between_the_re_encryption_and_the_key_file(baseline: Path, tmp_path: Path) -> None:
    work = tmp_path / "w"
    phrase.fresh_copy(baseline, work)
    done = subprocess.run(
        [sys.executable, "-c", _KILL_AFTER_REKEY, str(work / phrase.STORE_FILE), phrase.OLD, phrase.NEW],
        env=phrase.env_for(work),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr  # it did die there
    assert _assert_opens(work) == "nouvelle"  # the re-encryption had ended: the new passphrase opens


def test_a_kill_during_the_re_encryption(baseline: Path, tmp_path: Path) -> None:
    """Killed while SQLite's rollback journal of the re-encryption exists (pages half re-encrypted)."""
    seen_journal = 0
    for attempt in range(8):
        work = tmp_path / f"w{attempt}"
        phrase.fresh_copy(baseline, work)
        journal = work / f"{phrase.STORE_FILE}-journal"
        proc = phrase.start_change(work, nice=15)  # slower than this watcher, which must see the journal
        deadline = time.monotonic() + 60
        while proc.poll() is None and not journal.exists() and time.monotonic() < deadline:
            time.sleep(0.0002)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        seen_journal += journal.exists()
        _assert_opens(work)
        if seen_journal >= 2:
            break
    assert seen_journal, "no kill landed inside the re-encryption"


def test_random_kills_never_lock_out(baseline: Path, tmp_path: Path) -> None:
    work = tmp_path / "calibrage"
    took = phrase.calibrate(baseline, work).total
    assert _assert_opens(work) == "nouvelle"
    for number, share in enumerate((0.1, 0.3, 0.5, 0.7, 0.9)):
        work = tmp_path / f"k{number}"
        phrase.fresh_copy(baseline, work)
        phrase.killed_change(work, took * share)
        _assert_opens(work)


def test_another_process_holding_the_store_changes_nothing(baseline: Path, tmp_path: Path) -> None:
    work = tmp_path / "w"
    phrase.fresh_copy(baseline, work)
    path = work / phrase.STORE_FILE
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from milpj_desktop.store import Store; "
            f"s = Store.open(Path(sys.argv[1]), {phrase.OLD!r}); "
            "s.conn.execute('SELECT count(*) FROM directory_local').fetchone(); print('ouvert', flush=True); "
            "sys.stdin.read()",
            str(path),
        ],
        env=phrase.env_for(work),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ouvert"
        keyfile_before = (work / f"{phrase.STORE_FILE}.cle.json").read_bytes()
        store = Store.open(path, phrase.OLD)
        try:
            with pytest.raises(StoreInUse) as info:
                store.rekey(phrase.NEW)
            assert "autre programme" in info.value.message and "n’a pas été changée" in info.value.message
            assert store.conn.execute("SELECT count(*) FROM directory_local").fetchone()[0] == 1  # still usable
        finally:
            store.close()
        assert (work / f"{phrase.STORE_FILE}.cle.json").read_bytes() == keyfile_before
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
        if holder.stdout is not None:
            holder.stdout.close()
    assert _assert_opens(work) == "ancienne"


def test_the_window_changes_its_passphrase_and_a_command_meanwhile_changes_nothing(
    qtbot: QtBot, window: MainWindow
) -> None:
    first_run(qtbot, window)
    new = "la nouvelle phrase de la fenetre"  # keyClicks types ASCII only
    meanwhile = run_cli("phrase-secrete", passphrase=WINDOW_PASSPHRASE, env={"MILPJ_NOUVELLE_PASSPHRASE": new})
    assert disque.french_line(meanwhile, "ouvert par un autre programme", "n’a pas été changée") == ""

    outcome: list[object] = []
    window.app.runner.db(_rekey(WINDOW_PASSPHRASE, new)).success(outcome.append).failure(outcome.append).run()
    qtbot.waitUntil(lambda: bool(outcome), timeout=30000)
    assert outcome == [None]  # the window holds the store alone: its own change goes through
    window.lock()
    qtbot.waitUntil(lambda: isinstance(window.dialog, UnlockDialog), timeout=10000)
    dialog = window.dialog
    assert isinstance(dialog, UnlockDialog)
    qtbot.keyClicks(dialog.passphrase, new)
    dialog.ok.click()
    qtbot.waitUntil(lambda: window.app.unlocked, timeout=30000)
