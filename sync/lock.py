"""One synchronisation at a time: a thread lock for this process, an OS file lock for the others
(the window and the command line may share a data folder). The OS drops the lock if the process dies."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

from milpj_desktop.loadlock import LOCK_FILE, open_lock_file
from milpj_desktop.loadlock import lock as _lock
from milpj_desktop.loadlock import unlock as _unlock
from sync.errors import SyncBusy

__all__ = ["LOCK_FILE", "SyncLock"]
_IN_PROCESS = threading.Lock()


class SyncLock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> SyncLock:
        if not _IN_PROCESS.acquire(blocking=False):
            raise SyncBusy()
        try:
            fd = open_lock_file(self.path.parent)
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
