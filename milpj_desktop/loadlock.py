"""The data folder's load lock: an OS file lock that a synchronisation holds for its whole run (sync/lock.py)
and that the core takes before building the directory's deferred indexes, so that opening the store
(the window's unlock, a command, `verifier`) never builds them in the middle of another process's first
load. The OS drops the lock when its process dies."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "synchronisation.verrou"


def open_lock_file(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    return os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)


@contextmanager
def held_if_free(folder: Path) -> Iterator[bool]:
    """Hold the lock for the block if nobody holds it (True), else run the block without it (False).

    Another open file of this very process counts as somebody: the window's own synchronisation too.
    """
    try:
        fd = open_lock_file(folder)
    except OSError:  # a read-only folder: nobody can be loading into it
        yield True
        return
    try:
        try:
            lock(fd)
            free = True
        except OSError:
            free = False
        try:
            yield free
        finally:
            if free:
                unlock(fd)
    finally:
        os.close(fd)


def loading_elsewhere(folder: Path) -> bool:
    """True while another process (or another part of this one) holds the lock: a load is under way."""
    with held_if_free(folder) as free:
        return not free


if sys.platform == "win32":
    import msvcrt

    def lock(fd: int) -> None:
        """Take the lock without waiting; OSError when it is held."""
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def lock(fd: int) -> None:
        """Take the lock without waiting; OSError when it is held."""
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
