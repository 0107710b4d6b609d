"""The real window, driven with pytest-qt: first run, lock, unlock, idle lock, settings."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop import paths
from milpj_desktop.changes import Changes
from milpj_desktop.settings import load_settings
from milpj_desktop.store import Store
from milpj_desktop.worker import TaskContext
from tests.conftest import first_run
from ui.dialogs.passphrase import FirstRunDialog, UnlockDialog
from ui.main_window import MainWindow
from ui.pages.accueil import AccueilPage
from ui.pages.contenus import ContenusPage
from ui.pages.parametres import ParametresPage
from ui.qt import Qt

PASSPHRASE = "phrase secrete du test"  # keyClicks types ASCII only
ARTICLES = f"<b>{len(list((paths.resources_dir() / 'contenus' / 'articles').glob('*.json')))}</b> articles"


def _first_run(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window, PASSPHRASE)


def _accueil(window: MainWindow) -> AccueilPage:
    page = window.page("page-accueil")
    assert isinstance(page, AccueilPage)
    return page


def test_first_run_refuses_short_then_creates_store(qtbot: QtBot, window: MainWindow) -> None:
    window.start()
    dialog = window.dialog
    assert isinstance(dialog, FirstRunDialog)
    qtbot.keyClicks(dialog.first, "court")
    qtbot.keyClicks(dialog.second, "court")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert "10 caractères" in dialog.error.text()
    assert not paths.store_path().exists()
    dialog.first.clear()
    dialog.second.clear()
    qtbot.keyClicks(dialog.first, PASSPHRASE)
    qtbot.keyClicks(dialog.second, PASSPHRASE + "x")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert "pas identiques" in dialog.error.text()
    dialog.second.clear()
    qtbot.keyClicks(dialog.second, PASSPHRASE)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.app.unlocked, timeout=20000)
    assert paths.store_path().exists()
    qtbot.waitUntil(lambda: ARTICLES in _accueil(window).body.text(), timeout=10000)


def test_lock_clears_views_and_unlock_checks_passphrase(qtbot: QtBot, window: MainWindow) -> None:
    _first_run(qtbot, window)
    accueil = _accueil(window)
    qtbot.waitUntil(lambda: ARTICLES in accueil.body.text(), timeout=10000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window.nav, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.dialog, UnlockDialog), timeout=10000)
    assert not window.app.unlocked
    assert accueil.body.text() == ""
    assert window.stack.currentWidget() is window.locked_view
    assert not window.nav.isEnabled()
    dialog = window.dialog
    assert isinstance(dialog, UnlockDialog)
    qtbot.keyClicks(dialog.passphrase, "pas la bonne phrase")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "incorrecte" in dialog.error.text(), timeout=10000)
    assert not window.app.unlocked
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.app.unlocked, timeout=20000)
    qtbot.waitUntil(lambda: ARTICLES in accueil.body.text(), timeout=10000)


def test_idle_delay_locks(qtbot: QtBot, window: MainWindow) -> None:
    _first_run(qtbot, window)
    window.idle.set_delay_ms(200)
    window.idle.start()
    qtbot.waitUntil(lambda: isinstance(window.dialog, UnlockDialog), timeout=5000)
    assert not window.app.unlocked


def test_settings_are_saved_encrypted(qtbot: QtBot, window: MainWindow) -> None:
    _first_run(qtbot, window)
    window.nav.setCurrentRow(len(window.pages) - 1)
    page = window.page("page-parametres")
    assert isinstance(page, ParametresPage)
    qtbot.waitUntil(lambda: page.auto_lock.value() == 10, timeout=5000)
    qtbot.keyClicks(page.structure, "PMI des Tilleuls")
    page.auto_lock.setValue(15)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "enregistrés" in page.feedback.text(), timeout=5000)
    assert window.idle.timer.interval() == 15 * 60_000
    window.app.runner.shutdown()
    store = Store.open(paths.store_path(), PASSPHRASE)
    saved = load_settings(store.conn)
    store.close()
    assert saved.structure_name == "PMI des Tilleuls"
    assert saved.auto_lock_minutes == 15
    folder = paths.data_dir()
    assert b"Tilleuls" not in b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_accueil_search_and_tasks_lead_to_the_pages(qtbot: QtBot, window: MainWindow) -> None:
    _first_run(qtbot, window)
    accueil = _accueil(window)
    qtbot.waitUntil(
        lambda: "Annuaire local : <b>0</b> structure ajoutée par vous" in accueil.body.text(), timeout=10000
    )
    body = accueil.body.text()
    assert "<b>Contenus jamais synchronisés avec le serveur national (ceux livrés avec l’application)</b>" in body
    assert "<b>Annuaire national : aucun département suivi" in body
    assert "fiche" not in body  # an article is an article, a directory entry a structure
    qtbot.mouseClick(accueil.task_buttons["page-annuaire"], Qt.MouseButton.LeftButton)
    assert window.current_page() is window.page("page-annuaire")
    window.nav.setCurrentRow(0)
    qtbot.keyClicks(accueil.search, "allait")
    qtbot.keyClick(accueil.search, Qt.Key.Key_Return)
    contenus = window.page("page-contenus")
    assert isinstance(contenus, ContenusPage)
    assert window.current_page() is contenus
    assert contenus.search.text() == "allait"


@pytest.mark.usefixtures("paris_time")
def test_status_bar_tells_connection_and_last_sync(qtbot: QtBot, window: MainWindow) -> None:
    _first_run(qtbot, window)
    window.app.set_online(None)
    assert window.connection_label.text() == "Connexion : état inconnu"
    window.app.set_online(False)
    assert window.connection_label.text() == "Hors ligne"
    window.app.set_online(True)
    assert window.connection_label.text() == "En ligne"
    qtbot.waitUntil(lambda: window.sync_label.text() == "Jamais synchronisé", timeout=5000)

    def record_runs(ctx: TaskContext) -> None:
        with ctx.store.transaction() as conn:
            conn.execute(
                "INSERT INTO sync_run(server, started_at, finished_at, status) VALUES(?, ?, ?, 'reussie')",
                ("https://serveur.exemple.fr", "2026-11-23T06:40:00+00:00", "2026-11-23T06:41:00+00:00"),
            )
            conn.execute(
                "INSERT INTO sync_run(server, started_at, finished_at, status, error) "
                "VALUES(?, ?, ?, 'echec', 'Unreachable')",
                ("https://serveur.exemple.fr", "2026-11-23T14:10:00+00:00", "2026-11-23T14:10:30+00:00"),
            )

    window.app.runner.worker.run(record_runs).result(timeout=30)
    window.app.announce(Changes(sync=True))
    expected = (
        "Dernière synchronisation réussie : 23 novembre 2026 à 7\u00a0h\u00a041"
        " — échec de la dernière tentative à 15\u00a0h\u00a010"
    )  # Paris is UTC+1 in November
    qtbot.waitUntil(lambda: window.sync_label.text() == expected, timeout=5000)
    assert window.connection_label.text() == "Serveur injoignable"  # not « En ligne »
    window.app.set_online(False)
    assert window.connection_label.text() == "Hors ligne"
    window.lock()
    assert window.sync_label.text() == "Dernière synchronisation : —"
