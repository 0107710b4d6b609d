"""Small pieces every dialog uses the same way: the error line and the French OK / Annuler buttons."""

from __future__ import annotations

from collections.abc import Callable

from ui.qt import QDialog, QDialogButtonBox, QLabel

ERROR_COLOUR = "#CE0500"  # the design system's error red, legible on white


def error_label(object_name: str = "erreur") -> QLabel:
    """A wrapping red line where a dialog says what is wrong."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setWordWrap(True)
    label.setAccessibleName("Message d'erreur")
    return label


def ok_cancel_buttons(dialog: QDialog, ok_text: str, on_ok: Callable[[], None]) -> QDialogButtonBox:
    """OK (named `ok_text`, runs `on_ok`, which accepts when the input is good) and Annuler (rejects)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons
