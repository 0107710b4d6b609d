"""Accueil, Synchronisation and the status bar at the sizes people use (1024×700 at 100 %, 1280×800
at 200 % text): every figure of the history visible, task buttons whole, the freshness readable."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop.changes import Changes
from milpj_desktop.worker import TaskContext
from tests.conftest import first_run
from ui.main_window import MainWindow
from ui.pages.accueil import AccueilPage
from ui.pages.synchronisation import SynchronisationPage
from ui.qt import QFontMetrics


def _record_runs(ctx: TaskContext) -> None:
    """A success that brought a large directory, then a failed attempt (as the engine records them)."""
    with ctx.store.transaction() as conn:
        conn.execute(
            "INSERT INTO sync_run(id, server, started_at, finished_at, status, reason) VALUES(1, ?, ?, ?, 'reussie', "
            "'nouveaux réglages')",
            ("https://serveur.exemple.fr", "2026-12-03T13:00:00+00:00", "2026-12-03T13:05:00+00:00"),
        )
        conn.execute(
            "INSERT INTO sync_run_collection(run_id, collection, added, changed, deleted, failed, received, status) "
            "VALUES(1, 'directory', 104250, 1200, 35, 2, 105487, 'reussie')"
        )
        conn.execute(
            "INSERT INTO sync_run(id, server, started_at, finished_at, status, reason, error, message) "
            "VALUES(2, ?, ?, ?, 'echec', 'démarrage', 'Unreachable', 'Le serveur national est injoignable.')",
            ("https://serveur.exemple.fr", "2026-12-04T07:10:00+00:00", "2026-12-04T07:10:30+00:00"),
        )


def _settle(qtbot: QtBot) -> None:
    qtbot.wait(50)


@pytest.mark.usefixtures("paris_time")
@pytest.mark.parametrize(("width", "height", "percent"), [(1024, 700, 100), (1280, 800, 200)])
def test_freshness_pages_at_the_sizes_people_use(
    qtbot: QtBot, window: MainWindow, width: int, height: int, percent: int
) -> None:
    first_run(qtbot, window)
    window.app.runner.worker.run(_record_runs).result(timeout=30)
    window.zoom.set(percent, save=False)
    window.resize(width, height)
    window.app.announce(Changes(sync=True))

    sync = window.page("page-synchronisation")
    assert isinstance(sync, SynchronisationPage)
    window.go_to("page-synchronisation")
    qtbot.waitUntil(lambda: sync.table.topLevelItemCount() == 2, timeout=10000)
    _settle(qtbot)
    table = sync.table
    header = table.header()
    for column in range(1, table.columnCount()):  # state and figures: whole, with no sideways scrolling
        assert header.sectionViewportPosition(column) + header.sectionSize(column) <= table.viewport().width()
    brought = table.topLevelItem(1)
    assert brought is not None and brought.isExpanded()
    directory = brought.child(0)
    assert directory is not None and directory.text(2) == "104\u202f250"
    metrics = QFontMetrics(table.font())
    assert header.sectionSize(2) >= metrics.horizontalAdvance("104\u202f250")
    assert table.height() >= 8 * metrics.height()  # several runs readable at once

    label = window.sync_label
    qtbot.waitUntil(lambda: "échec de la dernière tentative" in label.text(), timeout=10000)
    room = label.contentsRect().width()
    told = label.fontMetrics()
    assert told.horizontalAdvance(label.text()) <= room or told.horizontalAdvance(label.compact) <= room
    assert " — échec " in label.compact
    assert window.connection_label.text() == "Serveur injoignable"

    accueil = window.page("page-accueil")
    assert isinstance(accueil, AccueilPage)
    window.go_to("page-accueil")
    qtbot.waitUntil(lambda: "Contenus" in accueil.body.text(), timeout=10000)
    _settle(qtbot)
    for button in accueil.task_buttons.values():
        assert button.width() >= button.sizeHint().width(), button.text()  # the task's words are whole
    assert "Annuaire" in accueil.body.text()
