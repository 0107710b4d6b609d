"""Shared fixtures: every test gets fresh data and config folders and real SQLCipher files."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from milpj_desktop import paths
from milpj_desktop.store import Store

PASSPHRASE = "phrase secrète de test"
ROOT = Path(__file__).resolve().parents[1]
CLI = (sys.executable, "-m", "ui.cli")  # the `milpj-desktop` command, as installed
SERVER_CLI = (sys.executable, "-m", "sync.server.cli")  # the `milpj-serveur` command


def run_cli(
    *args: str,
    passphrase: str | None = PASSPHRASE,
    env: Mapping[str, str] | None = None,
    command: tuple[str, ...] = CLI,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the real command in a subprocess, with no display, on this test's data folder.

    The data folder comes from the environment the `data_dir` fixture set; `passphrase=None` leaves
    MILPJ_PASSPHRASE unset (a command that must ask for it, or needs none).
    """
    full = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "MILPJ_PASSPHRASE"}}
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


@pytest.fixture(autouse=True)
def _collect_garbage_on_gui_thread() -> Iterator[None]:
    """Free Qt objects caught in reference cycles here, on the GUI thread, not later on a worker
    thread where the garbage collector happens to run (that crashes Qt)."""
    yield
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
    import time

    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
