"""Start the window: Qt application, store worker, runner, main window."""

from __future__ import annotations

import sys

from milpj_desktop import __version__
from milpj_desktop.logs import setup_logging
from milpj_desktop.worker import StoreWorker
from ui.context import AppContext
from ui.crash import install_crash_handler
from ui.main_window import MainWindow
from ui.ops import Runner
from ui.qt import QApplication


def build(app: QApplication) -> MainWindow:
    """Everything the window needs, wired; tests call this with their own QApplication."""
    runner = Runner(StoreWorker())
    context = AppContext(runner)
    window = MainWindow(context)
    install_crash_handler(window, runner)
    app.aboutToQuit.connect(runner.shutdown)
    return window


def run_app() -> int:
    setup_logging()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("milpj-desktop")
    app.setOrganizationName("milpj")
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("milpj_desktop")
    window = build(app)
    window.show()
    window.start()
    return app.exec()
