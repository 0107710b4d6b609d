"""One instance per data folder: a second launch asks the first window to come forward, then quits."""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from ui.qt import QLocalServer, QLocalSocket, QObject, Signal

_MESSAGE = b"activer\n"
_TIMEOUT_MS = 1500


def server_name(data_dir: Path) -> str:
    """A local socket name unique to this user and this data folder (short: Unix socket paths are)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name (some containers): the folder alone decides
        user = ""
    key = f"{user}\0{data_dir.expanduser().resolve()}".encode()
    return f"milpj-desktop-{hashlib.sha256(key).hexdigest()[:20]}"


class SingleInstance(QObject):
    """`primary` is True for the first instance; later ones send `activer` and find it False."""

    activation_requested = Signal()

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.name = server_name(data_dir)
        self.server: QLocalServer | None = None
        self.primary = not self._notify_running() and self._listen()

    def _notify_running(self) -> bool:
        """Tell a running instance to come forward; True if one answered."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(_TIMEOUT_MS):
            return False
        socket.write(_MESSAGE)
        socket.flush()
        socket.waitForBytesWritten(_TIMEOUT_MS)
        socket.disconnectFromServer()
        return True

    def _listen(self) -> bool:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # A socket file left by a crashed instance (nobody answered above): remove it, retry.
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                return True  # cannot guard (odd platform): better one window too many than none
        server.newConnection.connect(self._on_connection)
        self.server = server
        return True

    def _on_connection(self) -> None:
        """Any connection is a later launch for this folder: say so once, drop the socket."""
        assert self.server is not None
        asked = False
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.abort()
            socket.deleteLater()
            asked = True
        if asked:
            self.activation_requested.emit()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
