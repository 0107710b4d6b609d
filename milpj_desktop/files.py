"""Writing a file so that a crash or a full disk leaves the old one or the new one, never a mix:
a private temporary file beside it, fsync, rename over it, fsync of the folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from milpj_desktop.errors import FileWriteError

PRIVATE_UMASK = 0o077  # what the app creates is the user's alone: folders 0700, files 0600


def keep_private() -> None:
    """From now on this process creates folders 0700 and files 0600 (SQLite's, Qt's, ours); called at start."""
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def make_private(*targets: Path) -> None:
    """Restrict what already exists (made by an earlier version, or before keep_private): folders 0700,
    files 0600. What is missing, or not ours to change, is left alone."""
    if os.name != "posix":
        return
    for target in targets:
        with suppress(OSError):
            target.chmod(0o700 if target.is_dir() else 0o600)


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows cannot open a folder and needs nothing)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `path` durably. An OSError (disk full,
    read-only, no right) becomes a French FileWriteError naming `path`, which is left as it was."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))  # private from its creation
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_folder(path.parent)
    except OSError as exc:
        raise FileWriteError(path, exc) from exc
    finally:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` durably (see replacing)."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)
