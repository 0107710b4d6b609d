"""Writing a small file so that a crash leaves the old or the new one, never a mix (fsync, rename, fsync)."""

from __future__ import annotations

import os
from pathlib import Path

from milpj_desktop.errors import writing


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows cannot open a folder and needs nothing)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Temporary file (private), fsync, rename over `path`, fsync the folder; a full disk is a French error."""
    tmp = path.with_name(path.name + ".tmp")
    with writing(tmp):
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_folder(path.parent)
