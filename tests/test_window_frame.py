"""The window's frame: the product's name where people read it, sizes at 100 % and 200 % text,
Ctrl+0, the F1 guide and the accessible names of every control."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop import PRODUCT_NAME
from ui.app import build
from ui.crash import CrashHandler
from ui.dialogs.about import AboutDialog
from ui.dialogs.passphrase import FirstRunDialog, UnlockDialog
from ui.main_window import MainWindow
from ui.printing import new_pdf_writer
from ui.qt import QApplication, QLabel, QPainter

PASSPHRASE = "phrase secrete du cadre"  # keyClicks types ASCII only


@pytest.fixture
def window(qtbot: QtBot, data_dir: Path) -> Iterator[MainWindow]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    win = build(app)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.zoom.reset()
    win.close()
    win.app.runner.shutdown()
    handler = getattr(win, "crash_handler", None)
    if isinstance(handler, CrashHandler):
        handler.uninstall()


def _first_run(qtbot: QtBot, win: MainWindow) -> None:
    win.start()
    dialog = win.dialog
    assert isinstance(dialog, FirstRunDialog)
    qtbot.keyClicks(dialog.first, PASSPHRASE)
    qtbot.keyClicks(dialog.second, PASSPHRASE)
    dialog.ok.click()
    qtbot.waitUntil(lambda: win.app.unlocked, timeout=20000)


# -- identity ----------------------------------------------------------------------------------
def test_people_read_the_product_name_never_the_code_name(qtbot: QtBot, window: MainWindow) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert app.applicationDisplayName() == "1000 premiers jours — Outil des professionnels"
    # Qt writes « <window title> — <display name> » in the title bar: the title is the page's name.
    assert window.windowTitle() == "Verrouillé"
    header = window.toolbar.findChild(QLabel, "titre-application")
    assert isinstance(header, QLabel) and header.text() == PRODUCT_NAME
    _first_run(qtbot, window)
    window.page_actions[2].trigger()
    assert window.windowTitle() == "Annuaire"
    window.about_action.trigger()
    about = window.about_dialog
    assert isinstance(about, AboutDialog)
    assert PRODUCT_NAME in about.findChild(QLabel, "a-propos-entete").text()  # type: ignore[union-attr]
    about.close()
    window.lock()
    qtbot.waitUntil(lambda: isinstance(window.dialog, UnlockDialog), timeout=10000)
    unlock = window.dialog
    assert unlock is not None
    seen = [window.windowTitle(), unlock.windowTitle(), about.windowTitle(), about.accessibleName()]
    seen += [action.text() for action in window.findChildren(type(window.about_action))]
    seen += [label.text() for label in window.findChildren(QLabel)]
    seen += [action.toolTip() for action in window.actions()]
    assert not [text for text in seen if "milpj" in text.lower()]


def test_pdf_creator_is_the_product_name(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "vide.pdf"
    writer = new_pdf_writer(path, "Essai")
    painter = QPainter(writer)
    painter.drawText(100, 100, "Essai")
    painter.end()
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    creator = next(line for line in info.splitlines() if line.startswith("Creator:"))
    assert creator.split(":", 1)[1].strip() == PRODUCT_NAME
