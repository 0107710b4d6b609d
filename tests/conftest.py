"""Shared fixtures: every test gets fresh data and config folders and real SQLCipher files."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from milpj_desktop import paths
from milpj_desktop.store import Store

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from tests.test_sync_support import SyncServer
    from ui.main_window import MainWindow

PASSPHRASE = "phrase secrète de test"
WINDOW_PASSPHRASE = "phrase secrete de la fenetre"  # keyClicks types ASCII only
ROOT = Path(__file__).resolve().parents[1]
CLI = (sys.executable, "-m", "ui.cli")  # the `milpj-desktop` command, as installed
SERVER_CLI = (sys.executable, "-m", "sync.server.cli")  # the `milpj-serveur` command


def run_cli(
    *args: str,
    passphrase: str | None = PASSPHRASE,
    env: Mapping[str, str] | None = None,
    command: tuple[str, ...] = CLI,
    unset: tuple[str, ...] = (),
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the real command in a subprocess, with no display, on this test's data folder.

    The data folder comes from the environment the `data_dir` fixture set; `passphrase=None` leaves
    MILPJ_PASSPHRASE unset (a command that must ask for it, or needs none); `unset` drops more
    variables (QT_QPA_PLATFORM: the command must find out by itself that there is no display).
    """
    dropped = {"DISPLAY", "WAYLAND_DISPLAY", "MILPJ_PASSPHRASE", *unset}
    full = {k: v for k, v in os.environ.items() if k not in dropped}
    if passphrase is not None:
        full["MILPJ_PASSPHRASE"] = passphrase
    full.update(env or {})
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


@pytest.fixture(scope="session", autouse=True)
def _freeze_what_collection_imported() -> None:
    """Everything imported while collecting lives as long as the run: gc.freeze() keeps those
    ≈ 200 000 objects out of every later collection (a full one costs 0.1 to 0.4 s here)."""
    gc.collect()
    gc.freeze()


def _uses_qt(module: object) -> bool:
    """The test module holds something of ui/ or PySide6 (widgets, the runner, printing)."""
    names = (
        str(getattr(value, "__module__", None) or getattr(value, "__name__", "")) for value in vars(module).values()
    )
    return any(name == "ui" or name.startswith(("ui.", "PySide6")) for name in names)


@pytest.fixture(autouse=True)
def _collect_garbage_on_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that made Qt objects, free those caught in reference cycles here, on the GUI
    thread, not later on a worker thread where the garbage collector happens to run (that crashes Qt).
    Tests with no Qt skip it."""
    yield
    if {"qtbot", "qapp"} & set(request.fixturenames) or _uses_qt(request.module):
        gc.collect()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh MILPJ_DATA_DIR (and HOME, so QSettings and platformdirs stay inside it)."""
    folder = tmp_path / "donnees"
    folder.mkdir()
    monkeypatch.setenv("MILPJ_DATA_DIR", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("MILPJ_PASSPHRASE", raising=False)
    return folder


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    """An empty encrypted store (schema only)."""
    opened = Store.create(paths.store_path(), PASSPHRASE)
    yield opened
    if opened.conn is not None:
        opened.close()


@pytest.fixture
def content_store(data_dir: Path) -> Iterator[Store]:
    """An encrypted store holding the embedded content pack, as after `init`."""
    from milpj_desktop.upkeep import create_with_default_content

    opened = create_with_default_content(PASSPHRASE)
    yield opened
    if opened.conn is not None:
        opened.close()


@pytest.fixture
def paris_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time is Paris (UTC+1 in winter), so a test can tell local times from UTC."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SyncServer]:
    """The reference server on 127.0.0.1 with its own base in this test's folder, holding the test
    module's ENTRIES (directory records); a module may set SERVER_PAGE_BYTES for smaller pages."""
    from tests.test_sync_support import fill, running_server  # the server's packages load only here

    page_bytes = getattr(request.module, "SERVER_PAGE_BYTES", None)
    with running_server(tmp_path / "serveur", page_bytes=page_bytes) as running:
        fill(running.db, directory=list(getattr(request.module, "ENTRIES", [])))
        yield running


# -- the window ----------------------------------------------------------------------------------
def open_window(qtbot: QtBot) -> MainWindow:
    """The real main window, built as the application builds it, shown (still locked)."""
    from ui.app import build
    from ui.qt import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    win = build(app)
    qtbot.addWidget(win)
    win.show()
    return win


def close_window(win: MainWindow) -> None:
    """Close as a person would, stop the store thread and give back the global hooks."""
    from ui.crash import CrashHandler

    win.zoom.reset()
    win.close()
    win.app.runner.shutdown()
    handler = getattr(win, "crash_handler", None)
    if isinstance(handler, CrashHandler):
        handler.uninstall()


def first_run(qtbot: QtBot, win: MainWindow, passphrase: str = WINDOW_PASSPHRASE) -> None:
    """Start the window on an empty data folder, choose the passphrase twice, wait for the unlock."""
    from ui.dialogs.passphrase import FirstRunDialog
    from ui.qt import Qt

    win.start()
    dialog = win.dialog
    assert isinstance(dialog, FirstRunDialog)
    qtbot.keyClicks(dialog.first, passphrase)
    qtbot.keyClicks(dialog.second, passphrase)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.app.unlocked, timeout=30000)


@pytest.fixture
def window(qtbot: QtBot, data_dir: Path) -> Iterator[MainWindow]:
    """The main window on this test's empty data folder; closed and its store thread stopped after."""
    win = open_window(qtbot)
    yield win
    close_window(win)
