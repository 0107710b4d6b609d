"""Background operations: store work on the store worker, other work on a thread pool,
success / failure / progress always delivered on the GUI thread (Anki's CollectionOp)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from milpj_desktop.errors import KnownError
from milpj_desktop.store import Store
from milpj_desktop.worker import Cancelled, StoreWorker, TaskContext
from ui.qt import QObject, Signal

T = TypeVar("T")
log = logging.getLogger(__name__)


class _Bridge(QObject):
    """Lives on the GUI thread; a callable emitted from any thread runs there."""

    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._invoke)

    def _invoke(self, fn: Callable[[], None]) -> None:
        fn()


class Op(Generic[T]):
    """One background operation; configure its callbacks, then run()."""

    def __init__(self, runner: Runner, fn: Callable[[TaskContext], T], *, uses_store: bool) -> None:
        self._runner = runner
        self._fn = fn
        self._uses_store = uses_store
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[KnownError], None] | None = None
        self._progress: Callable[[int, int, str], None] | None = None
        self._cancelled: Callable[[], None] | None = None
        self.opener: Callable[[], Store] | None = None
        self._close = False
        self.cancel_event = threading.Event()

    def success(self, cb: Callable[[T], None]) -> Op[T]:
        self._success = cb
        return self

    def failure(self, cb: Callable[[KnownError], None]) -> Op[T]:
        self._failure = cb
        return self

    def progress(self, cb: Callable[[int, int, str], None]) -> Op[T]:
        self._progress = cb
        return self

    def on_cancel(self, cb: Callable[[], None]) -> Op[T]:
        self._cancelled = cb
        return self

    def cancel(self) -> None:
        self.cancel_event.set()

    def run(self) -> Op[T]:
        self._runner._start(self)
        return self

    # -- called by the runner ---------------------------------------------------------
    def _report_progress(self, done: int, total: int, label: str) -> None:
        if self._progress is not None:
            cb = self._progress
            self._runner._post(lambda: cb(done, total, label))

    def _finish(self, future: Future[T]) -> None:
        try:
            result = future.result()
        except Cancelled:
            if self._cancelled is not None:
                self._cancelled()
            return
        except KnownError as exc:
            if self._failure is not None:
                self._failure(exc)
            else:
                self._runner.known_error.emit(exc.message)
            return
        except BaseException as exc:  # a real bug: the crash handler shows it
            log.error("Opération en arrière-plan en échec", exc_info=exc)
            self._runner.bug.emit(exc)
            return
        if self._success is not None:
            self._success(result)


class Runner(QObject):
    """The one way the window runs work in the background."""

    known_error = Signal(str)
    bug = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, worker: StoreWorker) -> None:
        super().__init__()
        self.worker = worker
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="milpj-io")
        self._bridge = _Bridge()
        self.pending = 0

    def db(self, fn: Callable[[TaskContext], T]) -> Op[T]:
        """Work that needs the store: runs on the one thread that owns the connection."""
        return Op(self, fn, uses_store=True)

    def background(self, fn: Callable[[TaskContext], T]) -> Op[T]:
        """Network or printing work that must not wait behind the store (ctx.store is not usable)."""
        return Op(self, fn, uses_store=False)

    def open_store(self, opener: Callable[[], Store]) -> Op[None]:
        """Create or open the store on the store thread (the KDF never runs on the GUI thread)."""
        op: Op[None] = Op(self, lambda ctx: None, uses_store=True)
        op.opener = opener
        return op

    def close_store(self) -> Op[None]:
        """Close the store (lock); the key leaves memory with the connection."""
        op: Op[None] = Op(self, lambda ctx: None, uses_store=True)
        op.opener = None
        op._close = True
        return op

    def _post(self, fn: Callable[[], None]) -> None:
        self._bridge.call.emit(fn)

    def _start(self, op: Op[Any]) -> None:
        self.pending += 1
        if self.pending == 1:
            self.busy_changed.emit(True)

        def make_ctx(store: Any) -> TaskContext:
            return TaskContext(open_store=store, progress=op._report_progress, cancel_event=op.cancel_event)

        future: Future[Any]
        if op._close:
            future = self.worker.close()
        elif op.opener is not None:
            future = self.worker.open(op.opener)
        elif op._uses_store:
            future = self.worker.run(op._fn, make_ctx)
        else:
            future = self._pool.submit(op._fn, make_ctx(None))
        future.add_done_callback(lambda f: self._post(lambda: self._done(op, f)))

    def _done(self, op: Op[Any], future: Future[Any]) -> None:
        self.pending -= 1
        try:
            op._finish(future)
        finally:
            if self.pending == 0:
                self.busy_changed.emit(False)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.worker.shutdown()
