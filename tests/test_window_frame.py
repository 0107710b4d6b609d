"""The window's frame: the product's name where people read it, sizes at 100 % and 200 % text,
Ctrl+0, the F1 guide and the accessible names of every control."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop import PRODUCT_NAME
from tests.conftest import first_run
from ui.dialogs.about import AboutDialog
from ui.dialogs.help import HelpDialog
from ui.dialogs.passphrase import UnlockDialog
from ui.main_window import MainWindow
from ui.printing import new_pdf_writer
from ui.qt import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QFont,
    QFontMetrics,
    QLabel,
    QLineEdit,
    QPainter,
    QPoint,
    QPushButton,
    QScrollArea,
    QSize,
    Qt,
    QWidget,
)

PASSPHRASE = "phrase secrete du cadre"  # keyClicks types ASCII only


def _first_run(qtbot: QtBot, win: MainWindow) -> None:
    first_run(qtbot, win, PASSPHRASE)


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


# -- help ------------------------------------------------------------------------------------
@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen; the guide comes forward on a desktop
def test_f1_opens_the_french_guide_at_the_page_shown(qtbot: QtBot, window: MainWindow) -> None:
    _first_run(qtbot, window)
    window.page_actions[2].trigger()  # Annuaire
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window.nav, Qt.Key.Key_F1)
    guide = window.help_dialog
    assert isinstance(guide, HelpDialog)
    qtbot.waitUntil(guide.isVisible, timeout=5000)
    source = guide.view.toHtml()
    text = guide.view.toPlainText()
    for page in window.pages:  # one section per page, named after the page object and titled as in the navigation
        assert f'name="{page.object_name}"' in source, page.object_name
        assert f"{page.title} (Ctrl+" in text, page.title
    assert "Tâches courantes pas à pas" in text
    assert source.count("<li") > 30  # steps, not only a list of shortcuts
    for shortcut in ("Ctrl+L", "Ctrl+F", "Ctrl+0", "F6", "Verrouiller maintenant"):
        assert shortcut in text, shortcut
    first_visible = guide.view.cursorForPosition(QPoint(8, 8)).block().text()
    assert first_visible.startswith("Annuaire"), first_visible
    assert "milpj" not in text.lower()
    raw = guide.view.document().toRawText()  # toPlainText turns no-break spaces into spaces
    assert "\u00a0:" in raw and "«\u00a0" in raw and " :" not in raw  # French spacing
    window.page_actions[3].trigger()  # Fiches: F1 again goes to its section, same window
    window.show_help()
    assert window.help_dialog is guide
    assert guide.view.cursorForPosition(QPoint(8, 8)).block().text().startswith("Fiches")


# -- sizes -------------------------------------------------------------------------------------
FIELDS = (QLineEdit, QComboBox, QAbstractSpinBox, QPushButton, QCheckBox)


def _settle(qtbot: QtBot) -> None:
    for _ in range(3):
        QApplication.processEvents()
    qtbot.wait(50)


def _nav_labels_whole(window: MainWindow) -> None:
    bold = QFont(window.nav.font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        needed = metrics.horizontalAdvance(item.text()) + 2 * 12 + 4  # qss padding and selection marker
        assert window.nav.visualItemRect(item).width() >= needed, item.text()
        assert window.nav.viewport().width() >= needed, item.text()


def _fields_not_squeezed(window: MainWindow) -> list[str]:
    """Every visible field of every page gets at least its minimum width and height (else it is cut)."""
    squeezed = []
    for index, page in enumerate(window.pages):
        window.nav.setCurrentRow(index)
        for _ in range(3):  # a page that reflows when shown (Fiches' buttons) gets its second layout pass
            QApplication.processEvents()
        for widget in page.findChildren(QWidget):
            internal = widget.objectName().startswith("qt_")  # a spin box's own line edit
            if isinstance(widget, FIELDS) and widget.isVisibleTo(page) and not internal:
                hint = widget.minimumSizeHint()
                if widget.width() < hint.width() or widget.height() < hint.height():
                    squeezed.append(f"{page.title}: {widget.accessibleName() or widget.objectName()}")
    return squeezed


@pytest.mark.parametrize(
    ("width", "height", "percent"), [(1280, 800, 200), (1100, 760, 200), (1024, 700, 100), (1100, 760, 100)]
)
def test_window_fits_and_labels_are_whole(
    qtbot: QtBot, window: MainWindow, width: int, height: int, percent: int
) -> None:
    _first_run(qtbot, window)
    window.zoom.set(percent, save=False)
    window._show_zoom()
    window.resize(width, height)
    _settle(qtbot)
    minimum = window.minimumSizeHint()
    assert minimum.width() <= width and minimum.height() <= height  # the window can fit the screen
    assert window.width() == width and window.height() == height
    _nav_labels_whole(window)
    for action in (window.search_action, window.print_action, window.lock_action):  # none in the overflow menu
        button = window.toolbar.widgetForAction(action)
        assert button is not None and button.isVisible() and button.width() >= button.sizeHint().width()
        assert window.toolbar.rect().contains(button.geometry()), action.text()
    assert _fields_not_squeezed(window) == []
    assert _pages_wider_than_shown(qtbot, window) == []


def _pages_wider_than_shown(qtbot: QtBot, window: MainWindow) -> list[str]:
    """Pages whose minimum width exceeds the width their scroll area shows (they would scroll sideways)."""
    wider = []
    for index, page in enumerate(window.pages):
        window.nav.setCurrentRow(index)
        _settle(qtbot)
        viewport = page.parentWidget()
        area = viewport.parentWidget() if viewport is not None else None
        assert isinstance(area, QScrollArea)
        if page.minimumSizeHint().width() > area.viewport().width():
            wider.append(f"{page.title}: {page.minimumSizeHint().width()} > {area.viewport().width()}")
        for own in page.findChildren(QScrollArea):  # a page's own scrolling body must not scroll sideways either
            body = own.widget()
            named = own.objectName().startswith("defilement-")
            if named and body is not None and body.minimumSizeHint().width() > own.viewport().width():
                wider.append(f"{page.title} (corps): {body.minimumSizeHint().width()} > {own.viewport().width()}")
    return wider


def test_ctrl_0_restores_text_window_and_layout(qtbot: QtBot, window: MainWindow) -> None:
    _first_run(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    for _ in range(10):
        qtbot.keyClick(window.nav, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.zoom.percent == 200
    window.resize(700, 500)
    window.splitter.setSizes([400, 300])
    _settle(qtbot)
    qtbot.keyClick(window.nav, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    _settle(qtbot)
    assert window.zoom.percent == 100
    screen = window.screen()
    assert screen is not None
    expected = QSize(1100, 760).boundedTo(screen.availableGeometry().size() - QSize(24, 48))
    assert window.size() == expected
    bold = QFont(window.nav.font())
    bold.setBold(True)
    longest = max(QFontMetrics(bold).horizontalAdvance(page.title) for page in window.pages)
    assert longest + 28 <= window.splitter.sizes()[0] <= longest + 28 + 60  # back to its own width
    _nav_labels_whole(window)
