"""Copy to the clipboard and, at lock, take back what the app put there (and only that)."""

from __future__ import annotations

from ui.qt import QGuiApplication

_copied: list[str] = []  # the last text this app copied; one at most


def copy_text(text: str) -> None:
    """Put text on the clipboard and remember it, so the lock can take it back."""
    QGuiApplication.clipboard().setText(text)
    _copied[:] = [text]


def forget_copied() -> bool:
    """Clear the clipboard if it still holds what the app copied; True if it did."""
    clipboard = QGuiApplication.clipboard()
    held = bool(_copied) and clipboard.text() == _copied[0]
    if held:
        clipboard.clear()
    _copied.clear()
    return held
