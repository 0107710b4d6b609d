"""One thread owns the SQLCipher connection; everything that touches the store is sent to it."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from milpj_desktop.store import Store

T = TypeVar("T")


class Cancelled(Exception):
    """Raised inside a task when the user asked to cancel it."""


@dataclass
class TaskContext:
    """What a task may use: the store, a progress reporter and a cancel flag."""

    open_store: Store | None
    progress: Callable[[int, int, str], None] = field(default=lambda done, total, label: None)
    cancel_event: threading.Event = field(default_factory=threading.Event)

    @property
    def store(self) -> Store:
        """The open store; only tasks run on the store worker have one."""
        if self.open_store is None:
            raise RuntimeError("cette tâche ne tourne pas sur le fil du magasin")
        return self.open_store

    def check_cancelled(self) -> None:
        if self.cancel_event.is_set():
            raise Cancelled()


_STOP = object()


class StoreWorker:
    """A single background thread that opens, uses and closes the store in order."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="milpj-store", daemon=True)
        self._store: Store | None = None
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            future, fn = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc)

    def _submit(self, fn: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._queue.put((future, fn))
        return future

    def open(self, opener: Callable[[], Store]) -> Future[None]:
        """Run the opener (create or open) on the worker thread and keep the store it returns."""

        def task() -> None:
            if self._store is not None:
                self._store.close()
            self._store = opener()

        return self._submit(task)

    def run(
        self, fn: Callable[[TaskContext], T], ctx_factory: Callable[[Store | None], TaskContext] | None = None
    ) -> Future[T]:
        """Run fn with the open store on the worker thread."""

        def task() -> T:
            if self._store is None:
                from milpj_desktop.store.errors import StoreLockedByUser

                raise StoreLockedByUser()
            ctx = ctx_factory(self._store) if ctx_factory else TaskContext(open_store=self._store)
            return fn(ctx)

        return self._submit(task)

    def close(self) -> Future[None]:
        """Close the store (lock): the raw key and the connection are dropped."""

        def task() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        return self._submit(task)

    def shutdown(self) -> None:
        if not self._thread.is_alive():
            return
        self.close().result(timeout=30)
        self._queue.put(_STOP)
        self._thread.join(timeout=30)
