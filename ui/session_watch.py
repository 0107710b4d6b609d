"""Lock when the desktop session locks or the machine goes to sleep (D-Bus signals on Linux).

Linux: logind on the system bus (Manager.PrepareForSleep(true) before suspend, Session.Lock for
our session) and the screensaver on the session bus (org.freedesktop.ScreenSaver and
org.gnome.ScreenSaver ActiveChanged(true)). With no bus (Windows, macOS, a container), nothing is
watched and this is logged once. Windows will need WTSRegisterSessionNotification
(WM_WTSSESSION_CHANGE / WTS_SESSION_LOCK) and WM_POWERBROADCAST (PBT_APMSUSPEND) through a
native event filter; macOS the distributed notification « com.apple.screenIsLocked » and
NSWorkspaceWillSleepNotification (pyobjc).
"""

from __future__ import annotations

import logging
import os

from ui.qt import SLOT, QDBus, QDBusConnection, QDBusMessage, QObject, Signal, Slot

log = logging.getLogger(__name__)

LOGIN1 = "org.freedesktop.login1"
LOGIN1_PATH = "/org/freedesktop/login1"
MANAGER = "org.freedesktop.login1.Manager"
SESSION = "org.freedesktop.login1.Session"
SCREENSAVERS = ("org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver")


def own_session_path(system: QDBusConnection) -> str:
    """logind's object path of this process's session; "" when logind does not know it."""
    call = QDBusMessage.createMethodCall(LOGIN1, LOGIN1_PATH, MANAGER, "GetSessionByPID")
    call.setArguments([os.getpid()])
    reply = system.call(call, QDBus.CallMode.Block, 1000)
    if reply.type() != QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
        return ""
    path = reply.arguments()[0]
    return str(getattr(path, "path", lambda: path)())


class SessionWatcher(QObject):
    """Emits `lock_requested` when the session locks, the screensaver starts or sleep is near."""

    lock_requested = Signal()

    def __init__(self, system: QDBusConnection | None = None, session: QDBusConnection | None = None) -> None:
        super().__init__()
        self.watching: list[str] = []
        system = system if system is not None else QDBusConnection.systemBus()
        session = session if session is not None else QDBusConnection.sessionBus()
        if system.isConnected():
            self._listen(system, LOGIN1_PATH, MANAGER, "PrepareForSleep", "on_active(bool)")
            path = own_session_path(system)
            if path:
                self._listen(system, path, SESSION, "Lock", "on_lock()")
        if session.isConnected():
            for interface in SCREENSAVERS:
                self._listen(session, "", interface, "ActiveChanged", "on_active(bool)")
        if not self.watching:
            log.info("Pas de bus D-Bus : le verrouillage de la session et la mise en veille ne sont pas suivis.")

    def _listen(self, bus: QDBusConnection, path: str, interface: str, name: str, slot: str) -> None:
        # Any sender: a forged signal can only lock the window, which costs nothing. The stubs say
        # bytes for the slot; PySide6 6.x accepts only the str that SLOT() returns.
        if bus.connect("", path, interface, name, self, SLOT(slot)):  # type: ignore[call-overload]
            self.watching.append(f"{interface}.{name}")

    @Slot()
    def on_lock(self) -> None:
        self.lock_requested.emit()

    @Slot(bool)
    def on_active(self, active: bool) -> None:
        """PrepareForSleep(true) and ActiveChanged(true) lock; their `false` (wake, screensaver off) does not."""
        if active:
            self.lock_requested.emit()
