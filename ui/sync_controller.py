"""Runs synchronisations for the window: in the background (network off the store thread, pages
applied through the store worker), at start and when the connection comes back, one at a time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from milpj_desktop import paths
from milpj_desktop.changes import Changes
from milpj_desktop.errors import KnownError
from milpj_desktop.settings import Settings
from milpj_desktop.store import Store
from milpj_desktop.worker import StoreWorker, TaskContext
from sync.engine import SyncEngine, SyncRequest
from sync.state import RunResult, changes_of
from ui.context import AppContext
from ui.ops import Op, OpKind
from ui.qt import QNetworkInformation, QObject, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")


class WorkerAccess:
    """Hands the engine's store work to the one store thread and waits for it (from a pool thread)."""

    def __init__(self, worker: StoreWorker) -> None:
        self.worker = worker

    def run(self, fn: Callable[[Store], T]) -> T:
        return self.worker.run(lambda ctx: fn(ctx.store)).result()


def is_configured(settings: Settings) -> bool:
    return bool(settings.server_url.strip() and settings.device_token.strip())


def request_from(settings: Settings, *, reason: str = "") -> SyncRequest:
    return SyncRequest(
        server_url=settings.server_url.strip(),
        token=settings.device_token.strip(),
        departements=frozenset(settings.departements),
        ca_bundle=settings.ca_bundle.strip(),
        proxy=settings.proxy.strip(),
        reason=reason,
    )


class SyncController(QObject):
    """One synchronisation at a time; progress, end and failure come back as signals on the GUI thread."""

    started = Signal(str)  # why: "manuelle", "démarrage", "connexion retrouvée", "nouveaux réglages"
    progressed = Signal(int, int, str)
    finished = Signal(object)  # RunResult, or None when cancelled
    failed = Signal(str)

    def __init__(self, app: AppContext) -> None:
        super().__init__()
        self.app = app
        self.op: Op[RunResult] | None = None
        self._started_this_unlock = False
        self._online: bool | None = None
        self.network: Any = None
        app.changed.connect(self._on_changed)
        self._watch_network()

    @property
    def running(self) -> bool:
        return self.op is not None

    # -- triggers ------------------------------------------------------------------------------
    def _watch_network(self) -> None:
        """QNetworkInformation tells when the connection comes back (when the platform has a backend)."""
        try:
            loaded = QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability)
        except (AttributeError, RuntimeError):
            loaded = False
        self.network = QNetworkInformation.instance() if loaded else None
        if self.network is not None:
            self._online = self.network.reachability() == QNetworkInformation.Reachability.Online
            self.network.reachabilityChanged.connect(self.on_reachability)
        self.app.set_online(self._online)

    def on_reachability(self, reachability: Any) -> None:
        online = reachability == QNetworkInformation.Reachability.Online
        came_back = online and self._online is False
        self._online = online
        self.app.set_online(online)
        if came_back:
            self.start_automatic("connexion retrouvée")

    def _on_changed(self, changes: Changes) -> None:
        # the main window announces the settings right after an unlock: that is the start
        if changes.settings and self.app.unlocked and not self._started_this_unlock:
            self._started_this_unlock = True
            self.start_automatic("démarrage")

    def on_locked(self) -> None:
        self._started_this_unlock = False
        self.cancel()

    def start_automatic(self, reason: str) -> bool:
        settings = self.app.settings
        if not (settings.sync_automatic and is_configured(settings)) or self._online is False:
            return False
        return self.start(reason)

    # -- one run --------------------------------------------------------------------------------
    def start(self, reason: str = "manuelle") -> bool:
        """Start a synchronisation unless one is running; False when nothing was started."""
        if self.op is not None or not self.app.unlocked:
            return False
        request = request_from(self.app.settings, reason=reason)
        worker = self.app.runner.worker

        def task(ctx: TaskContext) -> tuple[RunResult, Changes]:
            def report(progress: Any) -> None:
                ctx.progress(progress.done, progress.total or 0, progress.label)

            engine = SyncEngine(
                WorkerAccess(worker),
                request,
                data_dir=paths.data_dir(),
                cancel=ctx.cancel_event,
                on_progress=report,
            )
            run = engine.run()
            return run, changes_of(run)

        op = self.app.runner.change(task, kind=OpKind.BACKGROUND)
        op.success(self._done).failure(self._failed).on_cancel(self._cancelled).progress(self.progressed.emit)
        self.op = op
        self.started.emit(reason)
        op.run()
        return True

    def cancel(self) -> None:
        if self.op is not None:
            self.op.cancel()

    def _done(self, run: RunResult) -> None:
        self.op = None  # the Runner announced what the run changed
        self.finished.emit(run)

    def _failed(self, error: KnownError) -> None:
        self.op = None
        run = getattr(error, "run", None)  # pages applied before the failure stay applied
        self.app.announce(changes_of(run if isinstance(run, RunResult) else None))
        self.failed.emit(error.message)

    def _cancelled(self) -> None:
        self.op = None
        self.app.announce(changes_of(None))
        self.finished.emit(None)
