"""Desktop behaviour of the window frame: logs without secrets, crash dialog, window state,
one instance per data folder, « À propos », palette, icons and desktop entry."""

from __future__ import annotations

import configparser
import logging
import os
import runpy
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop import PRODUCT_NAME, __version__, paths
from milpj_desktop.errors import KnownError
from milpj_desktop.logs import LOG_FILE, MASK, setup_logging
from milpj_desktop.settings import save_settings
from milpj_desktop.worker import TaskContext
from tests.conftest import close_window, first_run, open_window
from ui.crash import CrashDialog, CrashHandler
from ui.dialogs.about import AboutDialog
from ui.dialogs.passphrase import UnlockDialog
from ui.instance import SingleInstance
from ui.main_window import MainWindow
from ui.qt import QApplication, QColor, QGuiApplication, QImage, QMessageBox, QPalette, QTimer, QWidget
from ui.style import BLUE_FRANCE, apply_style, palette

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "phrase secrete du bureau"  # keyClicks types ASCII only


@pytest.fixture
def qapp_styled() -> Iterator[QApplication]:
    """The test application with the DSFR style applied, restored afterwards for other tests."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    old_style, old_sheet, old_palette = app.style().name(), app.styleSheet(), QPalette(app.palette())
    yield app
    app.setStyleSheet(old_sheet)
    app.setStyle(old_style)
    app.setPalette(old_palette)


@pytest.fixture
def file_log() -> Iterator[None]:
    """setup_logging() adds a file handler to the root logger: removed again after the test."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in before:
            handler.close()
            root.removeHandler(handler)
    root.setLevel(level)


def _flush_logs() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def _write(qtbot: QtBot, widget: QWidget, text: str) -> None:
    qtbot.keyClicks(widget, text)  # pytest-qt is untyped


_window = open_window
_close = close_window


def _unlock_first_run(qtbot: QtBot, win: MainWindow) -> None:
    first_run(qtbot, win, PASSPHRASE)


# -- logs -------------------------------------------------------------------------------------
@pytest.mark.usefixtures("file_log")
def test_log_filter_masks_passphrases_tokens_and_keys(tmp_path: Path) -> None:
    log_file = setup_logging(tmp_path)
    log = logging.getLogger("milpj.test")
    log.info("ouverture avec passphrase=%s", "cheval agrafe correct")
    log.info("réglages %s", {"device_token": "tok-9f8e7d6c5b4a", "structure_name": "PMI"})
    log.warning("requête refusée, en-tête Authorization: Bearer abcdef0123456789abcdef")
    log.info("PRAGMA key = \"x'%s'\"", "ab" * 32)
    log.info("proxy https://agent:motdepasse123@proxy.example:3128")
    try:
        raise ValueError("phrase secrète : cheval agrafe correct")
    except ValueError:
        log.exception("échec")
    log.info("12 articles importés")
    _flush_logs()
    text = log_file.read_text(encoding="utf-8")
    for secret in ("cheval", "agrafe", "tok-9f8e7d6c5b4a", "abcdef0123456789abcdef", "abab" * 8, "motdepasse123"):
        assert secret not in text, secret
    assert text.count(MASK) >= 6
    assert "12 articles importés" in text
    assert "ValueError" in text  # the traceback is kept, its secret is not
    if os.name == "posix":
        assert log_file.stat().st_mode & 0o077 == 0


def _bug(ctx: TaskContext) -> None:
    raise RuntimeError("bogue de test")


@pytest.mark.usefixtures("file_log")
def test_window_session_logs_no_passphrase_nor_decrypted_data(qtbot: QtBot, data_dir: Path) -> None:
    log_file = setup_logging(paths.log_dir(), level=logging.DEBUG)
    win = _window(qtbot)
    try:
        _unlock_first_run(qtbot, win)

        def save(ctx: TaskContext) -> None:
            settings = win.app.settings.model_copy(
                update={"structure_name": "PMI des Tilleuls", "device_token": "jeton-appareil-42"}
            )
            with ctx.store.transaction() as conn:
                save_settings(conn, settings)

        with qtbot.waitSignal(win.app.runner.busy_changed, timeout=10000, check_params_cb=lambda busy: not busy):
            win.app.runner.db(save).run()
        win.lock()
        qtbot.waitUntil(lambda: isinstance(win.dialog, UnlockDialog), timeout=10000)
        dialog = win.dialog
        assert isinstance(dialog, UnlockDialog)
        _write(qtbot, dialog.passphrase, "mauvaise phrase pour voir")
        dialog.ok.click()
        qtbot.waitUntil(lambda: "incorrecte" in dialog.error.text(), timeout=10000)
        win.app.runner.background(_bug).run()
        handler = win.crash_handler  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: bool(handler.reports), timeout=10000)
    finally:
        _close(win)
    _flush_logs()
    everything = "".join(p.read_text(encoding="utf-8") for p in paths.log_dir().glob("*") if p.is_file())
    assert log_file.exists() and log_file.name == LOG_FILE
    assert "bogue de test" in everything  # the log does record what happened…
    for secret in (PASSPHRASE, "mauvaise phrase", "Tilleuls", "jeton-appareil-42"):
        assert secret not in everything  # …never a passphrase or a decrypted value


# -- crash dialog --------------------------------------------------------------------------------
def test_real_bug_shows_french_crash_dialog_and_saves_report(qtbot: QtBot, data_dir: Path) -> None:
    win = _window(qtbot)
    try:
        _unlock_first_run(qtbot, win)
        handler = win.crash_handler  # type: ignore[attr-defined]
        assert isinstance(handler, CrashHandler)

        def bug(ctx: TaskContext) -> None:
            raise ZeroDivisionError("division par zéro dans une opération")

        win.app.runner.db(bug).run()
        qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible(), timeout=10000)
        dialog = handler.dialog
        assert isinstance(dialog, CrashDialog)
        assert "Une erreur inattendue s'est produite" in dialog.message.text()
        assert "données restent protégées" in dialog.message.text()
        report = handler.reports[-1]
        assert report.parent == paths.log_dir()
        assert dialog.where.text() == str(report)
        content = report.read_text(encoding="utf-8")
        assert f"{PRODUCT_NAME} {__version__}" in content
        assert "ZeroDivisionError: division par zéro" in content
        assert not dialog.details.isVisible()
        dialog.details_button.click()
        assert dialog.details.isVisible() and "ZeroDivisionError" in dialog.details.toPlainText()

        # A bug in a slot on the GUI thread goes through sys.excepthook: counted in the same dialog.
        def gui_bug() -> None:
            raise LookupError("bogue dans un gestionnaire Qt")

        QTimer.singleShot(0, gui_bug)
        qtbot.waitUntil(lambda: len(handler.reports) == 2, timeout=5000)
        assert dialog.others.isVisible() and "1 autre(s) erreur(s)" in dialog.others.text()
        assert "LookupError" in handler.reports[-1].read_text(encoding="utf-8")
        dialog.continue_button.click()
        assert not dialog.isVisible()

        # The data is intact and the window keeps working after the bug.
        count = win.app.runner.db(lambda ctx: int(ctx.store.conn.execute("SELECT count(*) FROM article").fetchone()[0]))
        results: list[int] = []
        count.success(results.append).run()
        qtbot.waitUntil(lambda: bool(results), timeout=5000)
        assert results[0] > 0
    finally:
        _close(win)


def test_expected_error_keeps_its_message_and_no_crash_report(qtbot: QtBot, data_dir: Path) -> None:
    win = _window(qtbot)
    try:
        _unlock_first_run(qtbot, win)

        def refused(ctx: TaskContext) -> None:
            raise KnownError("Le serveur a refusé la demande : jeton expiré.")

        win.app.runner.db(refused).run()
        qtbot.waitUntil(lambda: win.message_box is not None and win.message_box.isVisible(), timeout=5000)
        assert isinstance(win.message_box, QMessageBox)
        assert win.message_box.text() == "Le serveur a refusé la demande : jeton expiré."
        handler = win.crash_handler  # type: ignore[attr-defined]
        assert handler.reports == []
        assert not list(paths.log_dir().glob("erreur-*.txt"))
        win.message_box.accept()
    finally:
        _close(win)


# -- window state -------------------------------------------------------------------------------
def test_geometry_splitter_and_page_are_kept_between_sessions(qtbot: QtBot, data_dir: Path) -> None:
    first = _window(qtbot)
    try:
        _unlock_first_run(qtbot, first)
        first.resize(780, 600)
        first.splitter.setSizes([300, 400])
        first.nav.setCurrentRow(2)
        nav_width = first.nav.width()
    finally:
        _close(first)
    settings_file = paths.config_dir() / "fenetre.ini"
    assert settings_file.exists()
    assert PASSPHRASE not in settings_file.read_text(encoding="latin-1")

    second = _window(qtbot)
    try:
        assert (second.width(), second.height()) == (780, 600)
        second.start()
        dialog = second.dialog
        assert isinstance(dialog, UnlockDialog)
        _write(qtbot, dialog.passphrase, PASSPHRASE)
        dialog.ok.click()
        qtbot.waitUntil(lambda: second.app.unlocked, timeout=20000)
        assert second.nav.currentRow() == 2
        assert second.current_page() is second.pages[2]
        assert abs(second.nav.width() - nav_width) <= 2
    finally:
        _close(second)


# -- one instance per data folder ----------------------------------------------------------------
def test_second_instance_for_same_folder_activates_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    folder_a, folder_b = tmp_path / "a", tmp_path / "b"
    first = SingleInstance(folder_a)
    try:
        assert first.primary
        with qtbot.waitSignal(first.activation_requested, timeout=5000):
            second = SingleInstance(folder_a)
        assert not second.primary
        other = SingleInstance(folder_b)
        assert other.primary
        other.close()
    finally:
        first.close()
    again = SingleInstance(folder_a)
    assert again.primary
    again.close()


@pytest.mark.usefixtures("file_log")
def test_second_launch_says_so_in_french_and_exits(data_dir: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MILPJ_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "ui.cli"]
    first = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        log_file = data_dir / "journaux" / LOG_FILE
        deadline = time.monotonic() + 30
        while "Démarrage" not in (log_file.read_text(encoding="utf-8") if log_file.exists() else ""):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "la première fenêtre n'a pas démarré"
            time.sleep(0.1)
        second = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=30)
        assert second.returncode == 0
        assert "déjà ouvert pour ce dossier de données" in second.stderr
        assert first.poll() is None  # the first window is still there
    finally:
        first.kill()
        first.communicate()


# -- « À propos » --------------------------------------------------------------------------------
def test_about_dialog_gives_version_licences_and_data_location(qtbot: QtBot, data_dir: Path) -> None:
    win = _window(qtbot)
    try:
        win.about_action.trigger()
        dialog = win.about_dialog
        assert isinstance(dialog, AboutDialog)
        qtbot.waitUntil(dialog.isVisible, timeout=5000)
        licences = dialog.licences_view.toPlainText()
        for expected in (
            "PySide6",
            "LGPLv3",
            "SQLCipher",
            "BSD",
            "pydantic",
            "MIT",
            "Jinja2",
            "requests",
            "Apache-2.0",
            "platformdirs",
            "OpenSSL",
            "EUPL-1.2",
        ):
            assert expected in licences, expected
        assert str(paths.store_path()) in dialog.data_view.toPlainText()
        assert str(paths.log_dir()) in dialog.data_view.toPlainText()
        dialog.copy.click()
        copied = QGuiApplication.clipboard().text()
        assert f"{PRODUCT_NAME} {__version__}" in copied and str(paths.store_path()) in copied
        dialog.close_button.click()
        assert not dialog.isVisible()
    finally:
        _close(win)


# -- palette and icons ---------------------------------------------------------------------------
def _luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) + 0.0722 * channel(colour.blue())


def _contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_palette_is_dsfr_and_meets_wcag_contrast(qapp_styled: QApplication) -> None:
    assert apply_style(qapp_styled)  # the offscreen platform does not ask for high contrast
    assert qapp_styled.palette().color(QPalette.ColorRole.Highlight) == QColor(BLUE_FRANCE)
    assert "#000091" in qapp_styled.styleSheet()
    p = palette()
    role = QPalette.ColorRole
    pairs = [
        (role.WindowText, role.Window),
        (role.Text, role.Base),
        (role.ButtonText, role.Button),
        (role.HighlightedText, role.Highlight),
        (role.Link, role.Base),
        (role.ToolTipText, role.ToolTipBase),
        (role.PlaceholderText, role.Base),
    ]
    for fg, bg in pairs:
        assert _contrast(p.color(fg), p.color(bg)) >= 4.5, (fg, bg)
    disabled = p.color(QPalette.ColorGroup.Disabled, role.Text)
    assert _contrast(disabled, p.color(role.Base)) >= 4.5


def test_icons_are_generated_at_usual_sizes(tmp_path: Path) -> None:
    icons = runpy.run_path(str(ROOT / "packaging" / "icones.py"))
    made = icons["generate"](tmp_path)
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        image = QImage(str(tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "milpj-desktop.png"))
        assert (image.width(), image.height()) == (size, size)
        centre = image.pixelColor(size // 2, size // 8)  # the blue tile, not transparent
        assert centre.alpha() == 255
    ico = made["ico"].read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 7)
    icns = made["icns"].read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)


def test_desktop_entry_is_complete() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(ROOT / "packaging" / "linux" / "milpj-desktop.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"] == "milpj-desktop"
    assert section["Icon"] == "milpj-desktop"
    assert section["StartupWMClass"] == "milpj-desktop"
    assert section["Categories"].endswith(";")
    assert "é" in section["Comment"]  # French, with its accents
    assert section["Name"] == "1000 premiers jours — Outil des professionnels"  # never the code name
