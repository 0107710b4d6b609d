"""Shared fixtures: every test gets fresh data and config folders and real SQLCipher files."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from milpj_desktop import paths
from milpj_desktop.store import Store

PASSPHRASE = "phrase secrète de test"


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
    from milpj_desktop.cli.store_cmds import create_with_default_content

    opened = create_with_default_content(PASSPHRASE)
    yield opened
    if opened.conn is not None:
        opened.close()
