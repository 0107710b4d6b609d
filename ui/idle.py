"""Automatic lock: any keyboard or mouse activity restarts the countdown."""

from __future__ import annotations

from ui.qt import QEvent, QObject, QTimer, Signal

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class IdleWatcher(QObject):
    """Emits `idle` after `minutes` without user input (installed as an application event filter)."""

    idle = Signal()

    def __init__(self, minutes: int) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle.emit)
        self.set_delay_ms(minutes * 60_000)

    def set_delay_ms(self, delay_ms: int) -> None:
        self.timer.setInterval(delay_ms)
        if self.timer.isActive():
            self.timer.start()

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False
