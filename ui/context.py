"""What every page is given: the runner, the current settings and a way to announce changes."""

from __future__ import annotations

from milpj_desktop.changes import Changes
from milpj_desktop.settings import Settings
from ui.ops import Runner
from ui.qt import QObject, Signal


class AppContext(QObject):
    """Shared by the main window and its pages; pages never reach each other directly."""

    changed = Signal(object)  # Changes
    status_message = Signal(str)
    settings_changed = Signal(object)  # Settings
    navigate = Signal(str)  # a page's object_name: the window shows that page
    search_requested = Signal(str)  # text to look up in Contenus (articles and directory)
    connection_changed = Signal(object)  # True online, False offline, None unknown

    def __init__(self, runner: Runner) -> None:
        super().__init__()
        self.runner = runner
        self.settings = Settings()
        self.unlocked = False
        self.online: bool | None = None  # as QNetworkInformation last told (None: no backend)
        self.origin: object | None = None  # while `changed` is emitted: who caused the changes
        runner.changed.connect(self._relay)

    def announce(self, changes: Changes, origin: object | None = None) -> None:
        """Tell every view what an operation changed; each refreshes when it is next shown.

        Operations built with `runner.change` are announced by the Runner itself; this is for the
        rest (settings applied in the window, a page's own bookkeeping)."""
        self.runner.announce(changes, origin)

    def _relay(self, changes: Changes, origin: object | None) -> None:
        self.origin = origin
        try:
            self.changed.emit(changes)
        finally:
            self.origin = None

    def set_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.settings_changed.emit(settings)

    def set_online(self, online: bool | None) -> None:
        self.online = online
        self.connection_changed.emit(online)

    def show_status(self, text: str) -> None:
        self.status_message.emit(text)
