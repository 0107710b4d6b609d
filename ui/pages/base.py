"""The contract every page of the main window follows."""

from __future__ import annotations

from milpj_desktop.changes import Changes
from ui.context import AppContext
from ui.qt import QLabel, Qt, QVBoxLayout, QWidget


class Page(QWidget):
    """A page: loads its data when unlocked and shown, forgets it when locked."""

    title = "Page"
    object_name = "page"

    def __init__(self, app: AppContext) -> None:
        super().__init__()
        self.app = app
        self.stale = True
        self.setObjectName(self.object_name)
        self.setAccessibleName(self.title)
        app.changed.connect(self._on_changed)

    # Pages override these three.
    def refresh(self) -> None:
        """Reload what the page shows (through app.runner, never on the GUI thread)."""

    def clear(self) -> None:
        """Forget every decrypted value the page holds (called on lock)."""

    def cares_about(self, changes: Changes) -> bool:
        """Whether these changes make the page stale."""
        return False

    # Optional keyboard hooks: the window's Ctrl+F / Ctrl+P call them on the page shown. A page that
    # has a search field or something to print overrides them (the menu entry is enabled only then).
    def focus_search(self) -> bool:
        """Put the keyboard focus in the page's search field (select its text); False if it has none."""
        return False

    def print_current(self) -> bool:
        """Print what the page shows (Fiches: the current handout); False if there is nothing to print."""
        return False

    # Called by the main window.
    def on_locked(self) -> None:
        self.clear()
        self.stale = True

    def on_shown(self) -> None:
        if self.stale and self.app.unlocked:
            self.stale = False
            self.refresh()

    def _on_changed(self, changes: Changes) -> None:
        if self.app.origin is self:  # the page already shows what its own operation changed
            return
        if self.cares_about(changes):
            self.stale = True
            if self.isVisible():
                self.on_shown()


class PlaceholderPage(Page):
    """Says plainly that a part of the tool is not there yet."""

    def __init__(self, app: AppContext, title: str, text: str) -> None:
        self.title = title
        super().__init__(app)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{title}</h2>")
        body = QLabel(text)
        body.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
