"""The Annuaire in the real window at the sizes people use: the structure names stay readable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop import paths
from milpj_desktop.directory import repository
from milpj_desktop.directory.generate import fictitious_entries
from milpj_desktop.store import Store
from tests.conftest import close_window, first_run, open_window
from ui.annuaire_model import DirectoryTableModel
from ui.dialogs.passphrase import UnlockDialog
from ui.main_window import MainWindow
from ui.pages.annuaire import AnnuairePage
from ui.qt import QApplication, QFontMetricsF, Qt

PASSPHRASE = "phrase secrete des tailles"
LONG_NAME = "Centre de protection maternelle et infantile du quartier de la Grette et de Planoise"


@pytest.fixture
def window(qtbot: QtBot, data_dir: Path) -> Iterator[MainWindow]:
    win = open_window(qtbot)
    first_run(qtbot, win, PASSPHRASE)
    entries = fictitious_entries(300, seed=5)
    entries[0] = entries[0].model_copy(update={"name": LONG_NAME, "type": "pmi", "kind": "structure"})

    def fill(ctx: object) -> None:
        with ctx.store.transaction() as conn:  # type: ignore[attr-defined]
            repository.upsert_national_many(conn, entries)

    win.app.runner.worker.run(fill).result(timeout=60)
    yield win
    close_window(win)


@pytest.mark.parametrize(("width", "height", "percent"), [(1024, 700, 100), (1100, 760, 100), (1280, 800, 200)])
def test_names_readable_at_the_sizes_people_use(
    qtbot: QtBot, window: MainWindow, width: int, height: int, percent: int
) -> None:
    window.zoom.set(percent)
    window.resize(width, height)
    window.go_to("page-annuaire")
    page = window.page("page-annuaire")
    assert isinstance(page, AnnuairePage)
    page.search_field.setText("protection maternelle grette")
    qtbot.waitUntil(lambda: [r.name for r in page.model.rows()] == [LONG_NAME], timeout=10000)
    qtbot.waitUntil(lambda: page.table.viewport().width() > 0, timeout=5000)
    QApplication.processEvents()
    table = page.table
    viewport = table.viewport().width()
    name = table.columnWidth(DirectoryTableModel.NAME)
    average = QFontMetricsF(table.font()).averageCharWidth()
    assert name >= 0.45 * viewport, (name, viewport)
    assert name >= 25 * average, (name, average)  # at least 25 letters of a name, whatever the text size
    used = sum(table.columnWidth(c) for c in range(page.model.columnCount()) if not table.isColumnHidden(c))
    assert used <= viewport + 1  # nothing pushed off to the right
    for column in (DirectoryTableModel.TYPE, DirectoryTableModel.COMMUNE):
        assert table.columnWidth(column) >= 8 * average  # the other columns stay readable too
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    index = page.model.index(0, DirectoryTableModel.NAME)
    assert LONG_NAME in index.data(Qt.ItemDataRole.ToolTipRole)
    # the page is never squeezed below what it needs (no clipped field), and leaves room for the navigation
    hint = page.minimumSizeHint()
    assert page.width() >= hint.width() and page.height() >= hint.height()
    assert hint.width() <= 1280 - 280
    assert table.height() >= 4 * table.verticalHeader().defaultSectionSize()


def test_a_note_typed_then_another_structure_then_ctrl_l_is_in_the_store(qtbot: QtBot, window: MainWindow) -> None:
    window.go_to("page-annuaire")
    page = window.page("page-annuaire")
    assert isinstance(page, AnnuairePage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 300, timeout=10000)
    page.table.selectRow(0)
    first = page.model.rows()[0].id
    qtbot.waitUntil(lambda: page.detail.note.entry_id == first, timeout=5000)
    qtbot.keyClicks(page.detail.note.edit, "Demander Mme Roux")
    page.table.selectRow(1)
    window.lock_action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.dialog, UnlockDialog), timeout=10000)
    store = Store.open(paths.store_path(), PASSPHRASE)
    try:
        assert repository.get_note(store.conn, first) == "Demander Mme Roux"
    finally:
        store.close()
