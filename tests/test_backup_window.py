"""Paramètres « Sauvegarder mes données » and « Restaurer une sauvegarde » in the real window: the
passphrase, the French file dialog, the work on the store thread, one French sentence as outcome."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from milpj_desktop.directory import repository as directory
from tests.conftest import WINDOW_PASSPHRASE, first_run
from ui.dialogs.backup import BackupPassphraseDialog
from ui.main_window import MainWindow
from ui.pages.parametres import ParametresPage
from ui.qt import QApplication, QFileDialog, QLineEdit, Qt, QTimer, QWidget

Answer = Callable[[QWidget], None]


def _answer_modals(answers: list[Answer]) -> QTimer:
    """Answer each modal dialog as it comes up, in order (a dialog opened from the previous one's answer)."""
    pending = list(answers)
    handled: list[QWidget] = []
    timer = QTimer()

    def look() -> None:
        active = QApplication.activeModalWidget()
        if active is None or active in handled or not pending:
            return
        handled.append(active)
        pending.pop(0)(active)
        if not pending:
            timer.stop()

    timer.timeout.connect(look)
    timer.start(50)
    return timer


def _passphrase(qtbot: QtBot, text: str) -> Answer:
    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, BackupPassphraseDialog)
        qtbot.keyClicks(dialog.passphrase, text)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)

    return answer


def _file(path: Path) -> Answer:
    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        assert dialog.labelText(QFileDialog.DialogLabel.Reject) == "Annuler"  # French, like every dialog
        name = dialog.findChild(QLineEdit, "fileNameEdit")  # typed, as a person would
        assert isinstance(name, QLineEdit)
        name.setText(str(path))
        dialog.accept()

    return answer


def test_save_then_restore_from_parametres(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    first_run(qtbot, window)
    page = window.page(ParametresPage.object_name)
    assert isinstance(page, ParametresPage)
    done: list[str] = []
    window.app.runner.db(lambda ctx: directory.set_note(ctx.store.conn, "mairie-25056", "Note à sauvegarder")).success(
        lambda _: done.append("ok")
    ).run()
    qtbot.waitUntil(lambda: bool(done), timeout=10000)

    target = tmp_path / "poste"
    timer = _answer_modals([_passphrase(qtbot, WINDOW_PASSPHRASE), _file(target)])
    page.backup_button.click()
    timer.stop()
    qtbot.waitUntil(lambda: "Sauvegarde écrite" in page.feedback.text(), timeout=20000)
    saved = tmp_path / "poste.milpj"  # the extension is added
    assert saved.exists() and b"Note" not in saved.read_bytes()
    assert "1 note privée" in page.feedback.text()

    timer = _answer_modals([_file(saved), _passphrase(qtbot, "pas la bonne phrase")])
    page.restore_button.click()
    timer.stop()
    qtbot.waitUntil(lambda: "ne s'ouvre pas" in page.feedback.text(), timeout=20000)

    timer = _answer_modals([_file(saved), _passphrase(qtbot, WINDOW_PASSPHRASE)])
    page.restore_button.click()
    timer.stop()
    qtbot.waitUntil(lambda: "Sauvegarde restaurée" in page.feedback.text(), timeout=20000)
    assert "ajouté 0 structure locale, 0 note privée" in page.feedback.text()  # nothing twice
