"""First run and unlock: a short error under the fields, the lost-passphrase warning always shown,
show / hide the passphrase, and the Caps Lock warning."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from ui.dialogs.passphrase import FirstRunDialog, UnlockDialog, _PassphraseDialog
from ui.pages.parametres import ChangePassphraseDialog
from ui.qt import QApplication, QEvent, QKeyEvent, QLineEdit, Qt, QWidget

SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


def _below(upper: QWidget, lower: QWidget, dialog: QWidget) -> bool:
    top = lower.mapTo(dialog, lower.rect().topLeft()).y()
    bottom = upper.mapTo(dialog, upper.rect().bottomLeft()).y()
    return top >= bottom


def _press(field: QLineEdit, key: Qt.Key, text: str, modifiers: Qt.KeyboardModifier = NONE) -> None:
    QApplication.sendEvent(field, QKeyEvent(QEvent.Type.KeyPress, key, modifiers, text))


def _shown(qtbot: QtBot, dialog: _PassphraseDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)


def test_first_run_error_is_short_under_the_fields_and_the_warning_stays(qtbot: QtBot) -> None:
    dialog = FirstRunDialog()
    _shown(qtbot, dialog)
    assert dialog.warning.isVisible() and "ne pourront pas être récupérées" in dialog.warning.text()
    height_before = dialog.error.height()
    qtbot.keyClicks(dialog.first, "court")
    qtbot.keyClicks(dialog.second, "court")
    dialog.ok.click()
    message = dialog.error.text()
    assert "10 caractères" in message and len(message) <= 60, message
    assert _below(dialog.second, dialog.error, dialog)
    assert _below(dialog.error, dialog.warning, dialog)
    assert dialog.warning.isVisible() and "ne pourront pas être récupérées" in dialog.warning.text()
    assert dialog.error.height() == height_before  # its line was already there: nothing jumps
    dialog.first.setText("une phrase assez longue")
    dialog.second.setText("une phrase assez longue mais autre")
    dialog.ok.click()
    assert dialog.error.text() == "Les deux saisies ne sont pas identiques."
    assert dialog.warning.isVisible()


def test_unlock_error_is_under_the_field(qtbot: QtBot) -> None:
    dialog = UnlockDialog(locked=True)
    _shown(qtbot, dialog)
    dialog.show_error("Phrase secrète incorrecte. Le fichier n'a pas été modifié.")
    assert _below(dialog.passphrase, dialog.error, dialog)
    assert dialog.error.isVisible() and dialog.warning.isVisible()
    assert QApplication.focusWidget() is dialog.passphrase or not dialog.isActiveWindow()


@pytest.mark.parametrize("kind", [FirstRunDialog, UnlockDialog])
def test_show_and_hide_the_passphrase(qtbot: QtBot, kind: type[FirstRunDialog | UnlockDialog]) -> None:
    dialog = kind(None)
    _shown(qtbot, dialog)
    assert dialog.secrets and all(f.echoMode() == QLineEdit.EchoMode.Password for f in dialog.secrets)
    qtbot.keyClick(dialog.show_text, Qt.Key.Key_Space)
    assert all(f.echoMode() == QLineEdit.EchoMode.Normal for f in dialog.secrets)
    dialog.show_text.setChecked(False)
    assert all(f.echoMode() == QLineEdit.EchoMode.Password for f in dialog.secrets)
    assert dialog.show_text.accessibleName() == "Afficher la phrase secrète"


def test_caps_lock_warning_from_what_is_typed(qtbot: QtBot) -> None:
    dialog = UnlockDialog()
    _shown(qtbot, dialog)
    field = dialog.passphrase
    assert not dialog.caps.isVisible()
    _press(field, Qt.Key.Key_A, "A")  # upper case without Shift: Caps Lock is on
    assert dialog.caps.isVisible() and "Verrouillage des majuscules" in dialog.caps.text()
    _press(field, Qt.Key.Key_1, "1")  # a digit tells nothing
    assert dialog.caps.isVisible()
    _press(field, Qt.Key.Key_B, "b")  # lower case without Shift: off
    assert not dialog.caps.isVisible()
    _press(field, Qt.Key.Key_E, "é", SHIFT)  # lower case with Shift: on
    assert dialog.caps.isVisible()
    _press(field, Qt.Key.Key_C, "C", SHIFT)  # upper case with Shift: off
    assert not dialog.caps.isVisible()
    assert field.text() == "A1béC"  # the watcher never eats a key


def test_change_passphrase_dialog_shows_and_warns_too(qtbot: QtBot) -> None:
    dialog = ChangePassphraseDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    fields = (dialog.current, dialog.new, dialog.confirm)
    dialog.show_text.setChecked(True)
    assert all(f.echoMode() == QLineEdit.EchoMode.Normal for f in fields)
    _press(dialog.new, Qt.Key.Key_Z, "Z")
    assert dialog.caps.isVisible()
    _press(dialog.new, Qt.Key.Key_Z, "z")
    assert not dialog.caps.isVisible()


def test_first_run_shows_the_estimate_live_and_refuses_a_guessable_passphrase(qtbot: QtBot) -> None:
    dialog = FirstRunDialog()
    _shown(qtbot, dialog)
    tried: list[str] = []
    dialog.attempt = lambda passphrase, fail: tried.append(passphrase)
    qtbot.keyClicks(dialog.first, "azertyuiop")
    qtbot.keyClicks(dialog.second, "azertyuiop")
    hint = dialog.hint.text()
    assert hint.startswith("Solidité\u00a0: très faible") and "quatre mots" in hint, hint
    assert dialog.hint.isVisible() and _below(dialog.first, dialog.hint, dialog)
    dialog.ok.click()
    assert not tried and dialog.error.text().startswith("Trop facile à deviner")
    dialog.first.setText("phrase secrète de test")
    dialog.second.setText("phrase secrète de test")
    assert dialog.hint.text() == "Solidité\u00a0: très bonne."
    dialog.ok.click()
    assert tried == ["phrase secrète de test"]


def test_change_of_passphrase_refuses_a_guessable_one(qtbot: QtBot) -> None:
    dialog = ChangePassphraseDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.current.setText("phrase secrète de test")
    qtbot.keyClicks(dialog.new, "motdepasse")
    dialog.confirm.setText("motdepasse")
    assert "mot de passe courant" in dialog.hint.text()
    QApplication.processEvents()  # the layout settles at the next turn of the event loop, as on screen
    assert (
        dialog.hint.isVisible()
        and _below(dialog.new, dialog.hint, dialog)
        and _below(dialog.hint, dialog.confirm, dialog)
    )
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    assert dialog.result() != 1 and dialog.isVisible()
    assert dialog.error.text().startswith("Trop facile à deviner")
