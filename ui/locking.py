"""What the lock hides besides the pages: every other window of the app (dialogs, menus, previews)."""

from __future__ import annotations

from ui.qt import QApplication, QDialog, QWidget


def close_other_windows(main: QWidget) -> int:
    """Close every visible dialog, menu, print preview or other window but the main one; how many.

    A dialog is rejected: its exec() returns and its caller sees « Annuler », nothing half-saved."""
    closed = 0
    for widget in QApplication.topLevelWidgets():
        if widget is main or not widget.isVisible():
            continue
        if isinstance(widget, QDialog):
            widget.reject()
        else:
            widget.close()  # menus, pop-ups, a free-standing preview
        closed += 1
    return closed
