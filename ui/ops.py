"""Background operations: store work on the store worker, other work on a thread pool,
success / failure / progress always delivered on the GUI thread (Anki's CollectionOp).

The contract, in one place:
- an operation has an explicit kind (OpKind): OPEN and CLOSE the store, DB work on the store thread,
  BACKGROUND work (network, printing) on the pool;
- an operation built with `Runner.change` returns `(value, Changes)`: the Runner announces the
  Changes (AppContext.changed), then hands the value to `success`;
- every operation belongs to the unlock session it was started in (OPEN and CLOSE start a new one):
  the result, progress or expected error of an operation of an earlier session is never delivered,
  its `on_cancel` runs instead, so decrypted values read before a lock never reach a view after it;
- `cancel()` withdraws an operation still waiting in a queue (it never runs), or asks a running one
  to stop (TaskContext.check_cancelled);
- a KnownError goes to `failure` (or to the window's message), anything else is a bug for the crash
  handler.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from milpj_desktop.changes import Changes
from milpj_desktop.errors import KnownError
from milpj_desktop.store import Store
from milpj_desktop.worker import Cancelled, StoreWorker, TaskContext
from ui.qt import QObject, Signal

T = TypeVar("T")
log = logging.getLogger(__name__)


class OpKind(enum.Enum):
    """Where an operation runs and what it does to the unlock session."""

    OPEN = "open"  # create or open the store on the store thread; starts a session
    DB = "db"  # work with the open store, on the store thread
    CLOSE = "close"  # close the store (lock); starts a session (the locked one)
    BACKGROUND = "background"  # network or printing, on the pool; ctx.store is not usable


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

    def __init__(
        self,
        runner: Runner,
        kind: OpKind,
        fn: Callable[[TaskContext], Any],
        *,
        opener: Callable[[], Store] | None = None,
        announces: bool = False,
        origin: object | None = None,
    ) -> None:
        self._runner = runner
        self.kind = kind
        self.fn = fn
        self.opener = opener
        self.announces = announces  # fn returns (value, Changes)
        self.origin = origin  # who asked: it may skip its own announcement
        self.session: int | None = None  # set when started
        self.future: Future[Any] | None = None
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[KnownError], None] | None = None
        self._progress: Callable[[int, int, str], None] | None = None
        self._cancelled: Callable[[], None] | None = None
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
        """Withdraw the operation if it is still queued; otherwise ask it to stop."""
        self.cancel_event.set()
        if self.future is not None:
            self.future.cancel()  # only succeeds while the operation waits in its queue

    def run(self) -> Op[T]:
        self._runner._start(self)
        return self

    @property
    def current(self) -> bool:
        """Started in the unlock session that is still going on."""
        return self.session == self._runner.session

    # -- called by the runner ---------------------------------------------------------
    def _report_progress(self, done: int, total: int, label: str) -> None:
        if self._progress is not None:
            cb = self._progress
            self._runner._post(lambda: cb(done, total, label) if self.current else None)

    def _finish(self, future: Future[Any]) -> None:
        try:
            result = future.result()
        except (Cancelled, CancelledError):
            self._cancel_callback()
            return
        except KnownError as exc:
            if not self.current:
                log.info("erreur attendue d'une session précédente ignorée : %s", exc.message)
                self._cancel_callback()
            elif self._failure is not None:
                self._failure(exc)
            else:
                self._runner.known_error.emit(exc.message)
            return
        except BaseException as exc:  # a real bug: the crash handler shows it, whatever the session
            log.error("Opération en arrière-plan en échec", exc_info=exc)
            self._runner.bug.emit(exc)
            return
        if not self.current:  # started before a lock: its values must not reach a view
            self._cancel_callback()
            return
        if self.announces:
            result, changes = result
            self._runner.announce(changes, self.origin)
        if self._success is not None:
            self._success(result)

    def _cancel_callback(self) -> None:
        if self._cancelled is not None:
            self._cancelled()


class Runner(QObject):
    """The one way the window runs work in the background."""

    known_error = Signal(str)
    bug = Signal(object)
    busy_changed = Signal(bool)
    changed = Signal(object, object)  # Changes, origin (the object that asked, or None)

    def __init__(self, worker: StoreWorker) -> None:
        super().__init__()
        self.worker = worker
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="milpj-io")
        self._bridge = _Bridge()
        self.pending = 0
        self.session = 0  # incremented at each lock and unlock

    def db(self, fn: Callable[[TaskContext], T]) -> Op[T]:
        """Work that needs the store: runs on the one thread that owns the connection."""
        return Op(self, OpKind.DB, fn)

    def background(self, fn: Callable[[TaskContext], T]) -> Op[T]:
        """Network or printing work that must not wait behind the store (ctx.store is not usable)."""
        return Op(self, OpKind.BACKGROUND, fn)

    def change(
        self,
        fn: Callable[[TaskContext], tuple[T, Changes]],
        *,
        kind: OpKind = OpKind.DB,
        origin: object | None = None,
    ) -> Op[T]:
        """A use case that changes data: fn returns (value, Changes); the Changes are announced here,
        then success gets the value. `origin` (usually the page) may ignore its own announcement."""
        if kind not in (OpKind.DB, OpKind.BACKGROUND):
            raise ValueError(f"une opération qui change des données est DB ou BACKGROUND, pas {kind}")
        return Op(self, kind, fn, announces=True, origin=origin)

    def open_store(self, opener: Callable[[], Store]) -> Op[None]:
        """Create or open the store on the store thread (the KDF never runs on the GUI thread)."""
        return Op(self, OpKind.OPEN, lambda ctx: None, opener=opener)

    def close_store(self) -> Op[None]:
        """Close the store (lock); the key leaves memory with the connection."""
        return Op(self, OpKind.CLOSE, lambda ctx: None)

    def announce(self, changes: Changes, origin: object | None = None) -> None:
        """Tell the views what changed (AppContext relays it to every page)."""
        if changes.any():
            self.changed.emit(changes, origin)

    def _post(self, fn: Callable[[], None]) -> None:
        self._bridge.call.emit(fn)

    def _start(self, op: Op[Any]) -> None:
        if op.kind in (OpKind.OPEN, OpKind.CLOSE):
            self.session += 1  # whatever was started before belongs to the previous session
        op.session = self.session
        self.pending += 1
        if self.pending == 1:
            self.busy_changed.emit(True)

        def make_ctx(store: Store | None) -> TaskContext:
            return TaskContext(open_store=store, progress=op._report_progress, cancel_event=op.cancel_event)

        future: Future[Any]
        match op.kind:
            case OpKind.OPEN:
                assert op.opener is not None
                future = self.worker.open(op.opener)
            case OpKind.CLOSE:
                future = self.worker.close()
            case OpKind.DB:
                future = self.worker.run(op.fn, make_ctx)
            case OpKind.BACKGROUND:
                future = self._pool.submit(op.fn, make_ctx(None))
        op.future = future
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
