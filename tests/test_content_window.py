"""Contenus inside the real window: Ctrl+P lands on Fiches with the article, a structure opens in Annuaire."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop.directory import repository as directory
from milpj_desktop.store import Store
from milpj_desktop.typography import typeset
from tests.conftest import PASSPHRASE, close_window, open_window
from tests.test_content_page import nursery
from ui.dialogs.passphrase import UnlockDialog
from ui.main_window import MainWindow
from ui.pages.annuaire import AnnuairePage
from ui.pages.contenus import ContenusPage
from ui.pages.fiches import FichesPage
from ui.qt import Qt


@pytest.fixture
def window(qtbot: QtBot, content_store: Store, data_dir: Path) -> Iterator[MainWindow]:
    """The window unlocked on a store holding the content pack and one crèche."""
    with content_store.transaction() as conn:
        directory.upsert_national_many(conn, [nursery()])
    content_store.close()
    win = open_window(qtbot)
    win.start()
    dialog = win.dialog
    assert isinstance(dialog, UnlockDialog)
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.app.unlocked, timeout=20000)
    yield win
    close_window(win)


def _contenus(qtbot: QtBot, window: MainWindow) -> ContenusPage:
    window.go_to("page-contenus")
    page = window.current_page()
    assert isinstance(page, ContenusPage)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
    return page


def test_ctrl_p_on_an_article_prepares_its_advice_handout(qtbot: QtBot, window: MainWindow) -> None:
    page = _contenus(qtbot, window)
    page.search.setText("allaitement")
    qtbot.waitUntil(lambda: "pour « allaitement »" in page.count_label.text(), timeout=5000)
    page.list.setFocus()
    page.list.setCurrentIndex(page.model.index(0, 0))
    qtbot.waitUntil(lambda: page.current_article is not None, timeout=5000)
    assert page.current_article is not None
    article = page.current_article
    assert window.print_action.isEnabled()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(page.list, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    fiches = window.current_page()
    assert isinstance(fiches, FichesPage)
    qtbot.waitUntil(lambda: fiches.current_template_id() == "fiche-conseil", timeout=10000)
    qtbot.waitUntil(lambda: fiches.form is not None and fiches.form.raw_values() == {"articles": [article.id]})
    # The handout prints the title in French typography (typographic apostrophe; Qt's plain text turns
    # the no-break spaces into spaces).
    title = typeset(article.title).replace("\u00a0", " ")
    qtbot.waitUntil(lambda: title in fiches.preview.toPlainText(), timeout=10000)
    assert fiches.tabs.currentIndex() == 0
    # a second article, while Fiches is already loaded: the handout follows it
    page = _contenus(qtbot, window)
    page.list.setCurrentIndex(page.model.index(1, 0))
    qtbot.waitUntil(lambda: page.current_article is not None and page.current_article.id != article.id, timeout=5000)
    assert page.current_article is not None
    second = page.current_article
    window.print_action.trigger()
    assert window.current_page() is fiches
    assert fiches.form is not None and fiches.form.raw_values() == {"articles": [second.id]}


def test_a_structure_found_in_contenus_opens_selected_in_annuaire(qtbot: QtBot, window: MainWindow) -> None:
    page = _contenus(qtbot, window)
    page.search.setText("petits loups")
    qtbot.waitUntil(lambda: any(r.id == "creche-25056-1" for r in page.model.rows()), timeout=5000)
    number = next(i for i, r in enumerate(page.model.rows()) if r.id == "creche-25056-1")
    rect = page.list.visualRect(page.model.index(number, 0))
    qtbot.mouseClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    annuaire = window.current_page()
    assert isinstance(annuaire, AnnuairePage)

    def selected() -> str | None:
        row = annuaire.model.row_at(annuaire.table.currentIndex().row())
        return row.id if row is not None else None

    qtbot.waitUntil(lambda: selected() == "creche-25056-1", timeout=10000)
    qtbot.waitUntil(lambda: "3 rue des Jardins" in annuaire.detail.browser.toPlainText(), timeout=5000)
    assert annuaire.search_field.text() == "Crèche Les Petits Loups"
