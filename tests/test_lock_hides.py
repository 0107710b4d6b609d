"""Issue 16 item 3: the lock hides every window of the app, takes back the copied phone, forgets settings."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

from milpj_desktop.directory.models import DirectoryEntry
from milpj_desktop.directory.repository import add_local
from milpj_desktop.worker import TaskContext
from tests.conftest import first_run
from ui.annuaire_dialogs import EntryDialog
from ui.dialogs.passphrase import UnlockDialog
from ui.pages.annuaire import AnnuairePage
from ui.qt import QApplication, QDialog, QGuiApplication, QMenu, QPoint, QPrintPreviewDialog, QWidget
from ui.session_watch import SessionWatcher

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from ui.main_window import MainWindow


def _visible_windows(window: MainWindow) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]


def _add_lucioles(ctx: TaskContext) -> None:
    entry = DirectoryEntry(
        kind="structure",
        type="creche",
        name="Crèche Les Lucioles",
        address="3 rue des Écoles",
        postcode="25000",
        commune="Besançon",
        phone="03 81 00 00 00",
        updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    with ctx.store.transaction() as conn:
        add_local(conn, entry)


def _annuaire(window: MainWindow) -> AnnuairePage:
    for row, page in enumerate(window.pages):
        if isinstance(page, AnnuairePage):
            window.nav.setCurrentRow(row)
            return page
    raise AssertionError("pas de page Annuaire")


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: a popup cannot grab the keyboard
def test_lock_closes_dialogs_and_menus_and_takes_back_the_copied_phone(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window)
    window.app.runner.worker.run(_add_lucioles).result(timeout=30)
    page = _annuaire(window)
    page.search_field.setText("lucioles")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: "Lucioles" in page.detail.browser.toPlainText(), timeout=5000)
    page.detail.copy_phone_button.click()
    assert QGuiApplication.clipboard().text() == "03 81 00 00 00"
    entry = EntryDialog(page, stage_names=page.stage_names)
    entry.show()
    preview = QPrintPreviewDialog(window)
    preview.show()
    menu = QMenu(window)
    menu.addAction("Copier")
    menu.popup(window.mapToGlobal(QPoint(20, 20)))
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    assert entry.isVisible() and preview.isVisible()

    window.lock()
    qtbot.waitUntil(lambda: isinstance(window.dialog, UnlockDialog), timeout=10000)
    assert _visible_windows(window) == [window.dialog]
    assert QGuiApplication.clipboard().text() == ""
    assert window.app.settings.device_token == ""


def test_lock_leaves_alone_what_someone_else_copied(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window)
    QGuiApplication.clipboard().setText("copié dans une autre application")
    window.lock()
    qtbot.waitUntil(lambda: isinstance(window.dialog, UnlockDialog), timeout=10000)
    assert QGuiApplication.clipboard().text() == "copié dans une autre application"


def test_lock_forgets_the_device_token(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window)
    window.app.set_settings(window.app.settings.model_copy(update={"device_token": "jeton-secret"}))
    window.lock()
    assert window.app.settings.device_token == ""


def test_the_used_unlock_dialog_is_destroyed_with_its_field_emptied(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window)
    window.lock()
    qtbot.waitUntil(lambda: isinstance(window.dialog, UnlockDialog), timeout=10000)
    dialog = window.dialog
    assert isinstance(dialog, UnlockDialog)
    field = dialog.passphrase
    destroyed: list[bool] = []
    dialog.destroyed.connect(lambda: destroyed.append(True))
    qtbot.keyClicks(field, "phrase secrete de la fenetre")
    dialog.ok.click()
    qtbot.waitUntil(lambda: window.app.unlocked, timeout=20000)
    qtbot.waitUntil(lambda: bool(destroyed), timeout=5000)
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog)]


def test_a_sleep_or_screensaver_signal_locks_the_window(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window)
    watcher = window.session_watcher  # type: ignore[attr-defined]
    assert isinstance(watcher, SessionWatcher)
    watcher.on_active(False)  # waking up, screensaver off: nothing to do
    assert window.app.unlocked
    watcher.on_active(True)  # PrepareForSleep(true) / ActiveChanged(true)
    assert not window.app.unlocked


@pytest.fixture
def test_bus() -> object:
    """A private D-Bus daemon (Debian's dbus package); the test is skipped without it."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon absent")
    proc = subprocess.Popen(
        [daemon, "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    address = proc.stdout.readline().strip()
    yield address
    proc.terminate()
    proc.wait(timeout=10)


def test_a_real_prepare_for_sleep_signal_locks(qtbot: QtBot, window: MainWindow, test_bus: str) -> None:
    from ui.qt import QDBusConnection

    bus = QDBusConnection.connectToBus(test_bus, f"bus-de-test-{os.getpid()}")
    assert bus.isConnected()
    watcher = SessionWatcher(system=bus, session=bus)
    assert "org.freedesktop.login1.Manager.PrepareForSleep" in watcher.watching
    watcher.lock_requested.connect(window.lock_from_system)
    first_run(qtbot, window)
    subprocess.run(
        [
            "dbus-send",
            f"--bus={test_bus}",
            "--type=signal",
            "/org/freedesktop/login1",
            "org.freedesktop.login1.Manager.PrepareForSleep",
            "boolean:true",
        ],
        check=True,
        timeout=10,
    )
    qtbot.waitUntil(lambda: not window.app.unlocked, timeout=10000)
    QDBusConnection.disconnectFromBus(f"bus-de-test-{os.getpid()}")
