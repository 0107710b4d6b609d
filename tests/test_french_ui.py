"""Qt's own dialogs speak French, destructive confirmations default to Annuler, dates read as typed."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop.frenchdates import BadDate, parse_date
from ui.french import install_french
from ui.qt import (
    QAction,
    QApplication,
    QCalendarWidget,
    QLabel,
    QLineEdit,
    QLocale,
    QMessageBox,
    QPrintDialog,
    QPrinter,
    QPrintPreviewDialog,
    QPushButton,
    Qt,
    QTimer,
    QWidget,
)
from ui.widgets import DateField, confirm_destructive, destructive_box, file_dialog


@pytest.fixture
def french(qapp: QApplication) -> QApplication:
    assert install_french(qapp)
    return qapp


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15/03/2027", dt.date(2027, 3, 15)),
        ("15032027", dt.date(2027, 3, 15)),
        ("15-03-2027", dt.date(2027, 3, 15)),
        (" 15.03.27 ", dt.date(2027, 3, 15)),
        ("1/3/2027", dt.date(2027, 3, 1)),
        ("150327", dt.date(2027, 3, 15)),
        ("2027-03-15", dt.date(2027, 3, 15)),
        ("20270315", dt.date(2027, 3, 15)),
    ],
)
def test_dates_as_people_type_them(typed: str, expected: dt.date) -> None:
    assert parse_date(typed) == expected


@pytest.mark.parametrize("typed", ["31/02/2027", "15/13/2027", "demain", "1503", "15/03/202", ""])
def test_what_is_not_a_date_is_told_in_french(typed: str) -> None:
    with pytest.raises(BadDate) as caught:
        parse_date(typed)
    assert "JJ/MM/AAAA" in caught.value.message and "n'est pas une date" in caught.value.message


def test_message_box_buttons_and_locale_are_french(french: QApplication) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Titre",
        "Texte",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
    )
    texts = sorted(button.text().replace("&", "") for button in box.buttons())
    assert texts == ["Annuler", "Non", "Oui"]
    assert QLocale().language() == QLocale.Language.French
    calendar = QCalendarWidget()
    assert calendar.locale().monthName(3) == "mars"
    assert calendar.locale().dayName(1, QLocale.FormatType.ShortFormat).startswith("lun")
    line = QLineEdit()
    menu = line.createStandardContextMenu()
    assert "Tout sélectionner" in [action.text().split("\t")[0] for action in menu.actions()]


def test_file_dialog_is_french_everywhere(french: QApplication) -> None:
    dialog = file_dialog(None, "Importer", save=False, filters=["Fichiers CSV (*.csv)"])
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"Dossier\u00a0:", "Nom du fichier\u00a0:", "Type de fichier\u00a0:"} <= labels
    buttons = {button.text() for button in dialog.findChildren(QPushButton) if button.text()}
    assert {"Ouvrir", "Annuler"} <= buttons
    assert not {"Open", "Cancel", "Look in:", "Files of type:"} & (labels | buttons)
    save = file_dialog(None, "Exporter", save=True)
    assert "Enregistrer" in {button.text() for button in save.findChildren(QPushButton)}


def test_print_dialog_and_preview_are_french(french: QApplication) -> None:
    preview = QPrintPreviewDialog()
    actions = {action.text() for action in preview.findChildren(QAction)}
    assert {"Imprimer", "Page suivante", "Mise en page"} <= actions
    dialog = QPrintDialog(QPrinter())
    buttons = {button.text().replace("&", "") for button in dialog.findChildren(QPushButton)}
    assert {"Imprimer", "Annuler"} <= buttons


def test_destructive_confirmation_defaults_to_annuler(qtbot: QtBot, french: QApplication) -> None:
    box = destructive_box(None, "Supprimer la structure", "Supprimer « Crèche Les Lilas » ?", verb="Supprimer")
    qtbot.addWidget(box)
    assert sorted(button.text() for button in box.buttons()) == ["Annuler", "Supprimer"]
    default = box.defaultButton()
    assert default is not None and default.text() == "Annuler"
    escape = box.escapeButton()
    assert escape is not None and escape.text() == "Annuler"

    def press(key: Qt.Key) -> None:
        active = QApplication.activeModalWidget()
        assert isinstance(active, QMessageBox)
        qtbot.keyClick(active, key)

    parent = QWidget()
    qtbot.addWidget(parent)
    QTimer.singleShot(0, lambda: press(Qt.Key.Key_Return))
    assert confirm_destructive(parent, "Supprimer", "Supprimer la note ?") is False
    QTimer.singleShot(0, lambda: press(Qt.Key.Key_Escape))
    assert confirm_destructive(parent, "Supprimer", "Supprimer la note ?") is False

    def choose() -> None:
        active = QApplication.activeModalWidget()
        assert isinstance(active, QMessageBox)
        chosen = next(b for b in active.buttons() if b.text() == "Effacer")
        qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, choose)
    assert confirm_destructive(parent, "Historique", "Effacer l'historique ?", verb="Effacer") is True


def test_date_field_reads_what_is_typed_and_enter_validates(qtbot: QtBot, french: QApplication) -> None:
    field = DateField(name="Date de naissance")
    qtbot.addWidget(field)
    seen: list[object] = []
    field.date_changed.connect(seen.append)
    for typed in ("15032027", "15-03-2027", "15/03/2027"):
        field.clear()
        qtbot.keyClicks(field, typed)
        qtbot.keyClick(field, Qt.Key.Key_Return)
        assert field.date() == dt.date(2027, 3, 15), typed
        assert field.text() == "15/03/2027"
        assert field.error() == ""
    assert seen == [dt.date(2027, 3, 15)]  # one change, then the same date again
    field.clear()
    qtbot.keyClicks(field, "31022027")
    qtbot.keyClick(field, Qt.Key.Key_Enter)
    assert "n'est pas une date" in field.error()
    assert field.accessibleDescription() == field.error()
    assert field.date() == dt.date(2027, 3, 15)  # the last good date stays until a good one is typed
    field.clear()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.date() is None and seen[-1] is None


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: a popup cannot grab the keyboard
def test_date_field_calendar_is_french_and_picks_a_day(qtbot: QtBot, french: QApplication) -> None:
    field = DateField(value=dt.date(2027, 3, 15), name="Terme")
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = field.calendar
    assert calendar is not None and calendar.isVisible()
    assert calendar.locale().monthName(3) == "mars"
    assert calendar.selectedDate().day() == 15
    grid = calendar.focusProxy() or calendar  # the day grid takes the keys
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert field.date() == dt.date(2027, 3, 16)
    assert field.text() == "16/03/2027"


def test_date_field_is_wide_enough_for_a_date(qtbot: QtBot, french: QApplication) -> None:
    field = DateField(value=dt.date(2027, 12, 28))
    qtbot.addWidget(field)
    text_width = field.fontMetrics().horizontalAdvance("28/12/2027")
    assert field.minimumSizeHint().width() > text_width + field.fontMetrics().height()
