"""Small pieces every dialog and page uses the same way: the error line, French OK / Annuler buttons,
the destructive confirmation, the file dialogs and the date field."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence

from milpj_desktop import paths
from milpj_desktop.frenchdates import DATE_HINT, BadDate, parse_date, short_date
from ui.qt import (
    QAction,
    QCalendarWidget,
    QDate,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFontMetricsF,
    QIcon,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSize,
    Qt,
    QWidget,
    Signal,
)

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


# -- confirmation of what cannot be undone ------------------------------------------------------
def destructive_box(parent: QWidget | None, title: str, text: str, verb: str = "Supprimer") -> QMessageBox:
    """The box behind confirm_destructive: the French verb, and Annuler as the default and Échap button."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.addButton(verb, QMessageBox.ButtonRole.DestructiveRole).setObjectName("confirmer")
    cancel = box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    cancel.setObjectName("annuler")
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setAccessibleName(title)
    return box


def confirm_destructive(parent: QWidget | None, title: str, text: str, verb: str = "Supprimer") -> bool:
    """Ask before a change that cannot be undone; True only if the person chose `verb` (Entrée = Annuler)."""
    box = destructive_box(parent, title, text, verb)
    box.exec()
    clicked = box.clickedButton()
    return clicked is not None and clicked.objectName() == "confirmer"


# -- file dialogs ----------------------------------------------------------------------------
def file_dialog(
    parent: QWidget | None,
    title: str,
    *,
    save: bool,
    filters: Sequence[str] = (),
    directory: str = "",
) -> QFileDialog:
    """A file dialog whose every label is French. Under Linux it is Qt's own dialog (the desktop's may
    not be there, or speak the system's language); Qt's translation leaves « Look in » and « Files of
    type » in English, so they are set here."""
    dialog = QFileDialog(parent, title, directory)
    if sys.platform.startswith("linux"):
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
    if filters:
        dialog.setNameFilters(list(filters))
    dialog.setLabelText(QFileDialog.DialogLabel.LookIn, "Dossier :")
    dialog.setLabelText(QFileDialog.DialogLabel.FileName, "Nom du fichier :")
    dialog.setLabelText(QFileDialog.DialogLabel.FileType, "Type de fichier :")
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, "Enregistrer" if save else "Ouvrir")
    dialog.setLabelText(QFileDialog.DialogLabel.Reject, "Annuler")
    return dialog


def choose_file(
    parent: QWidget | None, title: str, *, save: bool, filters: Sequence[str] = (), directory: str = ""
) -> tuple[str, str]:
    """(chosen path, chosen filter), or ("", "") when cancelled: the French twin of getOpen/SaveFileName."""
    dialog = file_dialog(parent, title, save=save, filters=filters, directory=directory)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return "", ""
    return dialog.selectedFiles()[0], dialog.selectedNameFilter()


# -- dates as people type them ------------------------------------------------------------------
def calendar_icon() -> QIcon:
    return QIcon(str(paths.resources_dir() / "icones" / "calendrier.svg"))


class DateField(QLineEdit):
    """A date typed as people write it (15/03/2027, 15032027, 15-03-2027), checked on Entrée or when
    leaving the field, shown back as 15/03/2027; Alt+Bas or the calendar icon opens a French calendar.
    An empty field means no date (date() is None)."""

    date_changed = Signal(object)  # dt.date | None, once the typed text is accepted and differs
    invalid = Signal(str)  # the French message when the text is not a date

    def __init__(self, parent: QWidget | None = None, *, value: dt.date | None = None, name: str = "") -> None:
        super().__init__(parent)
        self._value: dt.date | None = None
        self._error = ""
        self.setPlaceholderText(DATE_HINT)
        self.setToolTip(f"Date au format {DATE_HINT} (15/03/2027 ou 15032027) ; Alt+Bas ouvre le calendrier")
        if name:
            self.setAccessibleName(name)
        self.calendar_action = QAction(calendar_icon(), "Ouvrir le calendrier", self)
        self.calendar_action.setToolTip("Ouvrir le calendrier (Alt+Bas)")
        self.calendar_action.triggered.connect(self.open_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.calendar: QCalendarWidget | None = None
        self.returnPressed.connect(self.commit)
        self.editingFinished.connect(self.commit)
        self.set_date(value)

    # value ---------------------------------------------------------------------------------
    def date(self) -> dt.date | None:
        """The last accepted date (None: no date, or the text typed is not one yet)."""
        return self._value

    def error(self) -> str:
        return self._error

    def set_date(self, value: dt.date | None) -> None:
        """Show this date (or none), without asking the person."""
        self.setText(short_date(value) if value else "")
        self._accept(value)

    def commit(self) -> bool:
        """Read the typed text; True if it is a date (or empty). Emits date_changed or invalid."""
        text = self.text().strip()
        if not text:
            self._accept(None)
            return True
        try:
            value = parse_date(text)
        except BadDate as error:
            self._set_error(error.message)
            self.invalid.emit(error.message)
            return False
        self.setText(short_date(value))
        self._accept(value)
        return True

    def _accept(self, value: dt.date | None) -> None:
        self._set_error("")
        if value != self._value:
            self._value = value
            self.date_changed.emit(value)

    def _set_error(self, message: str) -> None:
        self._error = message
        self.setProperty("invalide", bool(message))
        self.setStyleSheet(f"border: 2px solid {ERROR_COLOUR};" if message else "")
        self.setAccessibleDescription(message)
        self.setToolTip(message or f"Date au format {DATE_HINT} (15/03/2027 ou 15032027) ; Alt+Bas ouvre le calendrier")

    # calendar --------------------------------------------------------------------------------
    def open_calendar(self) -> None:
        """A French calendar under the field; a click or Entrée picks the day, Échap closes."""
        self.commit()
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setObjectName("calendrier")
        calendar.setAccessibleName(f"Calendrier : {self.accessibleName() or 'date'}")
        calendar.setGridVisible(True)
        start = self._value or dt.date.today()
        calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        calendar.activated.connect(self._picked)
        calendar.clicked.connect(self._picked)
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        calendar.show()
        calendar.setFocus(Qt.FocusReason.PopupFocusReason)
        self.calendar = calendar

    def _picked(self, day: QDate) -> None:
        self.set_date(dt.date(day.year(), day.month(), day.day()))
        if self.calendar is not None:
            self.calendar.close()
            self.calendar.deleteLater()
            self.calendar = None
        self.setFocus(Qt.FocusReason.PopupFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        opens = event.key() == Qt.Key.Key_F4 or (
            event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if opens:
            self.open_calendar()
            return
        super().keyPressEvent(event)

    # size: the whole date and the icon, at any text size --------------------------------------
    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        metrics = QFontMetricsF(self.font())
        wanted = int(metrics.horizontalAdvance("00/00/00000") + metrics.height() * 2.5 + 12)
        return QSize(max(wanted, 0), hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.sizeHint().width(), super().minimumSizeHint().height())
