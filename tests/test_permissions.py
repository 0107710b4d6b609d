"""What the app writes is the user's alone (issue 16): folders 0700; database, WAL, SHM, key file, logs,
exports 0600 — whatever the umask the command was started with, and for a store an earlier version
left readable by others."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
from pathlib import Path

import pytest

from milpj_desktop import paths
from milpj_desktop.logs import setup_logging
from milpj_desktop.store import Store
from tests.conftest import CLI, PASSPHRASE, ROOT

pytestmark = pytest.mark.skipif(os.name != "posix", reason="modes POSIX")


def _run(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MILPJ_")}
    env.update({"MILPJ_DATA_DIR": str(data), "MILPJ_PASSPHRASE": PASSPHRASE})
    return subprocess.run(
        [*CLI, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        preexec_fn=lambda: os.umask(0o022),  # the usual umask: files 0644, folders 0755 unless the app restricts
    )


def _loose(root: Path) -> list[str]:
    """Everything under root whose mode lets group or others in."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        wanted = 0o700 if path.is_dir() else 0o600
        if mode != wanted:
            found.append(f"{path.relative_to(root.parent)} {mode:o}")
    return found


def test_commands_create_only_private_folders_and_files(tmp_path: Path) -> None:
    data = tmp_path / "donnees"  # created by the command itself
    csv_file = tmp_path / "entree.csv"
    csv_file.write_text("nom,type,code_postal,commune\nRelais des familles,laep,25000,Besançon\n", encoding="utf-8")
    for args in (
        ("init",),
        ("annuaire", "importer", str(csv_file)),
        ("annuaire", "exporter", "--csv", str(data / "exports" / "annuaire.csv")),
        ("verifier",),
    ):
        if args[1:2] == ("exporter",):
            (data / "exports").mkdir()  # a folder the person made: the export file itself is private
            os.chmod(data / "exports", 0o700)
        done = _run(*args, data=data)
        assert done.returncode == 0, done.stderr
    assert (data / "milpj.db.cle.json").exists() and (data / "exports" / "annuaire.csv").exists()
    assert _loose(data) == []


def test_a_store_left_readable_by_an_earlier_version_is_restricted_at_opening(store: Store) -> None:
    store.close()
    folder = paths.store_path().parent
    folder.chmod(0o755)
    for path in folder.iterdir():
        path.chmod(0o644)
    Store.open(paths.store_path(), PASSPHRASE).close()
    assert _loose(folder) == []


def test_the_log_folder_is_restricted_too(tmp_path: Path) -> None:
    folder = tmp_path / "journaux"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    log_file = setup_logging(folder)
    try:
        logging.getLogger("milpj.test").info("une ligne")
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "baseFilename", "") == str(log_file)]:
            root.removeHandler(handler)
            handler.close()
    assert _loose(folder) == []
