"""One synchronisation at a time: a thread lock for this process, an OS file lock for the others
(the window and the command line may share a data folder). The OS drops the lock if the process dies."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from types import TracebackType

from sync.errors import SyncBusy

LOCK_FILE = "synchronisation.verrou"
_IN_PROCESS = threading.Lock()


class SyncLock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> SyncLock:
        if not _IN_PROCESS.acquire(blocking=False):
            raise SyncBusy()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                _lock(fd)
            except OSError:
                os.close(fd)
                raise SyncBusy() from None
            self._fd = fd
        except BaseException:
            _IN_PROCESS.release()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._fd is not None:
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None
        _IN_PROCESS.release()


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
