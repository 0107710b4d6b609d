"""What the status bar says about the connection, the server and the last synchronisation."""

from __future__ import annotations

from typing import Any

from milpj_desktop.changes import Changes
from milpj_desktop.worker import TaskContext
from sync.freshness import Freshness, last_sync_compact, last_sync_phrase, read_freshness, server_phrase
from sync.state import RunResult
from ui.context import AppContext
from ui.qt import QObject, QPainter, QSize, Qt
from ui.spoken import SpokenLabel

LOCKED_TEXT = "Dernière synchronisation : —"


def connection_text(online: bool | None, attempt: RunResult | None = None) -> str:
    """The system's network state, unless the last attempt found the server unreachable or refusing."""
    if online is False:
        return "Hors ligne"
    server = server_phrase(attempt)
    if server:
        return server
    return "Connexion : état inconnu" if online is None else "En ligne"


def last_sync_text(freshness: Freshness) -> str:
    return last_sync_phrase(freshness)


class ElidedLabel(SpokenLabel):
    """A one-line label that gives up width when the window is narrow or the text large: it draws
    « … » at the end and keeps its whole text (text(), tooltip, screen readers)."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), 12 * self.fontMetrics().averageCharWidth()), hint.height())

    compact = ""  # a shorter wording drawn when the whole text does not fit

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def set_texts(self, text: str, compact: str) -> None:
        self.compact = compact
        self.setText(text)

    def paintEvent(self, event: Any) -> None:
        rect = self.contentsRect()
        metrics = self.fontMetrics()
        shown = self.text()
        if self.compact and metrics.horizontalAdvance(shown) > rect.width():
            shown = self.compact
        shown = metrics.elidedText(shown, Qt.TextElideMode.ElideRight, rect.width())
        painter = QPainter(self)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown)
        painter.end()


class SyncStatus(QObject):
    """The two status bar labels that tell the connection and the freshness, kept up to date."""

    def __init__(self, app: AppContext) -> None:
        super().__init__()
        self.app = app
        self.attempt: RunResult | None = None
        self.connection_label = SpokenLabel()
        self.connection_label.setObjectName("etat-connexion")
        self.connection_label.setAccessibleName("État de la connexion")
        self.sync_label = ElidedLabel()
        self.sync_label.setObjectName("derniere-synchro")
        self.sync_label.setAccessibleName("Dernière synchronisation")
        self.sync_label.set_texts(LOCKED_TEXT, "")
        app.connection_changed.connect(self._show_connection)
        app.changed.connect(self._on_changed)
        self._show_connection(app.online)

    def _show_connection(self, online: bool | None) -> None:
        self.connection_label.setText(connection_text(online, self.attempt))

    def _on_changed(self, changes: Changes) -> None:
        if (changes.sync or changes.settings) and self.app.unlocked:
            self.refresh()

    def refresh(self) -> None:
        def read(ctx: TaskContext) -> Freshness:
            return read_freshness(ctx.store.conn)

        self.app.runner.db(read).success(self._show).run()

    def _show(self, freshness: Freshness) -> None:
        self.attempt = freshness.last_attempt
        self.sync_label.set_texts(last_sync_text(freshness), last_sync_compact(freshness))
        self._show_connection(self.app.online)

    def forget(self) -> None:
        """On lock: nothing read from the store stays on screen."""
        self.attempt = None
        self.sync_label.set_texts(LOCKED_TEXT, "")
        self._show_connection(self.app.online)
