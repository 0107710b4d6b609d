"""The window driven with the keyboard only: first run, pages, search and print hooks, zoom,
menus, help, « À propos », lock and unlock, quit. No mouse click anywhere in this file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop.worker import StoreWorker
from ui.app import build
from ui.context import AppContext
from ui.crash import CrashHandler
from ui.dialogs.about import AboutDialog
from ui.dialogs.help import HelpDialog
from ui.dialogs.passphrase import FirstRunDialog, UnlockDialog
from ui.main_window import MainWindow
from ui.ops import Runner
from ui.pages.base import Page, PlaceholderPage
from ui.qt import QApplication, QKeySequence, QLineEdit, QMenu, Qt, QVBoxLayout, QWidget

PASSPHRASE = "phrase secrete au clavier"  # keyClicks types ASCII only
CTRL = Qt.KeyboardModifier.ControlModifier
DIGITS = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5, Qt.Key.Key_6]


def _press(
    qtbot: QtBot, widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(widget, key, modifier)  # pytest-qt is untyped


def _write(qtbot: QtBot, widget: QWidget, text: str) -> None:
    qtbot.keyClicks(widget, text)


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _key(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key press where the keyboard focus is, as a person would type it."""
    _press(qtbot, _focus(), key, modifier)


def _type(qtbot: QtBot, text: str) -> None:
    _write(qtbot, _focus(), text)


def _activate(qtbot: QtBot, win: QWidget) -> None:
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)


def _focus_or_self(fallback: QWidget) -> QWidget:
    return QApplication.focusWidget() or fallback


def _wait_focus_in(qtbot: QtBot, dialog: QWidget) -> None:
    """The dialog has the keyboard (as it has for a person once it is on screen)."""
    qtbot.waitUntil(lambda: dialog.isAncestorOf(_focus_or_self(dialog)), timeout=5000)


def _shutdown(win: MainWindow) -> None:
    win.app.runner.shutdown()
    handler = getattr(win, "crash_handler", None)
    if isinstance(handler, CrashHandler):
        handler.uninstall()


def _first_run_by_keyboard(qtbot: QtBot, win: MainWindow) -> None:
    win.start()
    dialog = win.dialog
    assert isinstance(dialog, FirstRunDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.first, timeout=5000)
    _type(qtbot, PASSPHRASE)
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focus() is dialog.second
    _type(qtbot, PASSPHRASE)
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.app.unlocked, timeout=20000)
    _activate(qtbot, win)


@pytest.mark.qt_log_ignore("This plugin does not support")  # menus on the offscreen platform
def test_main_actions_with_the_keyboard_only(qtbot: QtBot, window: MainWindow) -> None:
    _first_run_by_keyboard(qtbot, window)
    assert window.current_page() is window.pages[0]
    assert _focus() is window.nav

    # Ctrl+1 … Ctrl+6: every page.
    for index in [1, 2, 3, 4, 5, 0]:
        _key(qtbot, DIGITS[index], CTRL)
        assert window.current_page() is window.pages[index]

    # F6 goes into the page, F6 again back to the navigation, arrows change page.
    window.nav.setCurrentRow(5)
    window.nav.setFocus()
    _key(qtbot, Qt.Key.Key_F6)
    assert window.pages[5].isAncestorOf(_focus())
    _key(qtbot, Qt.Key.Key_F6)
    assert _focus() is window.nav
    _key(qtbot, Qt.Key.Key_Up)
    assert window.current_page() is window.pages[4]

    # Ctrl+F: the page's search field when the page has one (else the entry is greyed, nothing moves).
    for index, page in enumerate(window.pages):
        window.nav.setCurrentRow(index)
        window.nav.setFocus()
        _key(qtbot, Qt.Key.Key_F, CTRL)
        if page.object_name in ("page-contenus", "page-annuaire"):
            assert window.search_action.isEnabled(), page.title
            assert isinstance(_focus(), QLineEdit), page.title
        if window.search_action.isEnabled():
            assert page.isAncestorOf(_focus()), page.title
        else:
            assert _focus() is window.nav
        assert window.current_page() is page

    # Text size: Ctrl++ / Ctrl+- / Ctrl+0, honoured by the application font.
    base = QApplication.font().pointSizeF()
    _key(qtbot, Qt.Key.Key_Plus, CTRL)
    _key(qtbot, Qt.Key.Key_Plus, CTRL)
    assert window.zoom.percent == 120
    assert QApplication.font().pointSizeF() == pytest.approx(base * 1.2)
    qtbot.waitUntil(lambda: window.pages[0].font().pointSizeF() == pytest.approx(base * 1.2), timeout=5000)
    for label in (window.zoom_label, window.locked_view, window.nav):  # styled widgets follow too
        assert label.font().pointSizeF() == pytest.approx(base * 1.2)
    assert window.zoom_label.text() == "Texte\u00a0: 120\u00a0%"
    _key(qtbot, Qt.Key.Key_Minus, CTRL)
    assert window.zoom.percent == 110
    _key(qtbot, Qt.Key.Key_0, CTRL)
    assert window.zoom.percent == 100
    assert QApplication.font().pointSizeF() == pytest.approx(base)

    # F1: the guide, whose last section lists the shortcuts read from the menus; Échap closes.
    _key(qtbot, Qt.Key.Key_F1)
    shortcuts = window.help_dialog
    assert isinstance(shortcuts, HelpDialog)
    _wait_focus_in(qtbot, shortcuts)
    listed = shortcuts.view.toPlainText()
    for expected in ("Verrouiller maintenant", "Ctrl+L", "Ctrl+F", "Ctrl+P", "Ctrl+1", "Ctrl+0", "F6"):
        assert expected in listed, expected
    _key(qtbot, Qt.Key.Key_Escape)
    assert not shortcuts.isVisible()
    _activate(qtbot, window)

    # Alt+D opens the Aide menu, « p » chooses « À propos », Échap closes it.
    window.nav.setFocus()
    _key(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=5000)
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu) and menu.objectName() == "menu-aide"
    _press(qtbot, menu, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: window.about_dialog is not None and window.about_dialog.isVisible(), timeout=5000)
    about = window.about_dialog
    assert isinstance(about, AboutDialog)
    _wait_focus_in(qtbot, about)
    assert _focus() is about.close_button
    _key(qtbot, Qt.Key.Key_Escape)
    assert not about.isVisible()
    _activate(qtbot, window)

    # Ctrl+L locks; the passphrase typed and Entrée unlock.
    window.nav.setFocus()
    _key(qtbot, Qt.Key.Key_L, CTRL)
    qtbot.waitUntil(lambda: isinstance(window.dialog, UnlockDialog), timeout=10000)
    assert not window.app.unlocked
    unlock = window.dialog
    assert isinstance(unlock, UnlockDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is unlock.passphrase, timeout=5000)
    _type(qtbot, PASSPHRASE)
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.app.unlocked, timeout=20000)
    _activate(qtbot, window)

    # Ctrl+Q closes the window.
    window.nav.setFocus()
    _key(qtbot, Qt.Key.Key_Q, CTRL)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)


def test_text_size_is_kept_for_the_next_session(qtbot: QtBot, window: MainWindow) -> None:
    _activate(qtbot, window)
    window.menuBar().setFocus()
    _key(qtbot, Qt.Key.Key_Plus, CTRL)
    _key(qtbot, Qt.Key.Key_Plus, CTRL)
    _key(qtbot, Qt.Key.Key_Plus, CTRL)
    assert window.zoom.percent == 130
    window.close()
    _shutdown(window)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    QApplication.setFont(window.zoom.base)  # as a new process would start
    second = build(app)
    qtbot.addWidget(second)
    try:
        assert second.zoom.percent == 130
        assert QApplication.font().pointSizeF() == pytest.approx(window.zoom.base.pointSizeF() * 1.3)
        assert second.zoom_label.text() == "Texte\u00a0: 130\u00a0%"
    finally:
        second.zoom.reset()
        _shutdown(second)


class _SearchAndPrintPage(Page):
    """A page that has a search field and something to print, as Contenus and Fiches will."""

    title = "Essai"
    object_name = "page-essai"

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        layout = QVBoxLayout(self)
        self.other = QLineEdit()
        self.search = QLineEdit()
        layout.addWidget(self.other)
        layout.addWidget(self.search)
        self.printed = 0

    def focus_search(self) -> bool:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
        return True

    def print_current(self) -> bool:
        self.printed += 1
        return True


def test_search_and_print_hooks_follow_the_current_page(qtbot: QtBot, data_dir: Path) -> None:
    win = MainWindow(
        AppContext(Runner(StoreWorker())),
        page_factories=[
            lambda app: PlaceholderPage(app, "Accueil", "Rien ici."),
            _SearchAndPrintPage,
        ],
    )
    qtbot.addWidget(win)
    win.show()
    try:
        win.start()
        dialog = win.dialog
        assert isinstance(dialog, FirstRunDialog)
        _write(qtbot, dialog.first, PASSPHRASE)
        _write(qtbot, dialog.second, PASSPHRASE)
        _press(qtbot, dialog.second, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: win.app.unlocked, timeout=20000)
        _activate(qtbot, win)
        assert not win.search_action.isEnabled() and not win.print_action.isEnabled()
        _key(qtbot, Qt.Key.Key_P, CTRL)  # disabled: nothing happens
        page = win.pages[1]
        assert isinstance(page, _SearchAndPrintPage)
        _key(qtbot, Qt.Key.Key_2, CTRL)
        assert win.search_action.isEnabled() and win.print_action.isEnabled()
        assert "(Ctrl+F)" in win.search_action.toolTip() and "(Ctrl+P)" in win.print_action.toolTip()
        _key(qtbot, Qt.Key.Key_F, CTRL)
        assert _focus() is page.search
        _key(qtbot, Qt.Key.Key_P, CTRL)
        assert page.printed == 1
        _key(qtbot, Qt.Key.Key_L, CTRL)
        qtbot.waitUntil(lambda: isinstance(win.dialog, UnlockDialog), timeout=10000)
        assert not win.search_action.isEnabled() and not win.print_action.isEnabled()
    finally:
        _shutdown(win)


def test_every_action_has_a_shortcut_or_mnemonic_and_frame_controls_are_named(qtbot: QtBot, window: MainWindow) -> None:
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        assert isinstance(menu, QMenu)
        assert "&" in menu_action.text(), menu_action.text()
        assert menu.accessibleName()
        letters = []
        for action in menu.actions():
            if action.isSeparator():
                continue
            text = action.text()
            assert "&" in text or not action.shortcut().isEmpty(), text
            if "&" in text:
                letters.append(text[text.index("&") + 1].lower())
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys:
                assert f"({keys})" in action.toolTip(), action.toolTip()
        assert len(letters) == len(set(letters)), f"mnémoniques en double dans {menu_action.text()}"
    titles = [a.text() for a in window.menuBar().actions()]
    menu_letters = [t[t.index("&") + 1].lower() for t in titles]
    assert len(menu_letters) == len(set(menu_letters))
    for widget in (
        window.nav,
        window.stack,
        window.locked_view,
        window.connection_label,
        window.sync_label,
        window.zoom_label,
        window.toolbar,
        window.menuBar(),
        window.statusBar(),
    ):
        assert widget.accessibleName(), widget.objectName()
    assert window.nav.accessibleDescription()
    for action in window.toolbar.actions():
        button = window.toolbar.widgetForAction(action)
        if button is not None and action.text():
            assert button.accessibleName() and "(" in button.accessibleDescription()
    for index in range(window.nav.count()):
        assert f"Ctrl+{index + 1}" in window.nav.item(index).toolTip()
