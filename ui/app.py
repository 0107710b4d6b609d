"""Start the window: logging, one instance per data folder, style, store worker, runner, main window."""

from __future__ import annotations

import ctypes
import gc
import logging
import platform
import sys

from milpj_desktop import APP_NAME, PRODUCT_NAME, PRODUCT_SHORT, __version__, paths
from milpj_desktop.logs import setup_logging
from milpj_desktop.worker import StoreWorker
from ui.context import AppContext
from ui.crash import install_crash_handler
from ui.french import install_french
from ui.instance import SingleInstance
from ui.main_window import MainWindow, app_icon
from ui.ops import Runner
from ui.qt import QApplication, QObject, QTimer, qVersion
from ui.session_watch import SessionWatcher
from ui.style import apply_style

log = logging.getLogger(__name__)
_PR_SET_DUMPABLE = 4  # <linux/prctl.h>


class GuiThreadGarbageCollector(QObject):
    """Python's cyclic collector runs on whichever thread allocates; a Qt object freed by the store
    thread crashes the process. Automatic collection is turned off and done here, on the GUI thread
    (dialogs hold cycles: a callback that refers to its dialog)."""

    def __init__(self, interval_ms: int = 500) -> None:
        super().__init__()
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()


def identify(app: QApplication) -> None:
    """Names people read (title bar, task bar) and names the system files use; French for Qt's own texts."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("milpj")
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName(PRODUCT_NAME)
    app.setDesktopFileName(APP_NAME)  # matches packaging/linux/milpj-desktop.desktop
    app.setWindowIcon(app_icon())
    install_french(app)


def forbid_core_dumps() -> None:
    """No core file may hold the passphrase, the key or a stored value after a crash or a lock.

    On Linux the process is also made non-dumpable: gcore and ptrace by the same user are refused."""
    if sys.platform == "win32":
        return  # Windows writes no core file; its crash dumps (WER) are off unless configured
    import resource  # POSIX only

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
            log.warning("prctl(PR_SET_DUMPABLE) refusé (errno %s)", ctypes.get_errno())


def build(app: QApplication) -> MainWindow:
    """Everything the window needs, wired; tests call this with their own QApplication."""
    identify(app)
    runner = Runner(StoreWorker())
    context = AppContext(runner)
    window = MainWindow(context)
    window.crash_handler = install_crash_handler(window, runner)  # type: ignore[attr-defined]
    app.aboutToQuit.connect(runner.shutdown)
    window.session_watcher = SessionWatcher()  # type: ignore[attr-defined]
    window.session_watcher.lock_requested.connect(window.lock_from_system)  # type: ignore[attr-defined]
    return window


def run_app() -> int:
    forbid_core_dumps()
    log_file = setup_logging()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    identify(app)
    data = paths.data_dir()
    instance = SingleInstance(data)
    if not instance.primary:
        message = f"{PRODUCT_SHORT} est déjà ouvert pour ce dossier de données ({data}) : sa fenêtre a été mise au premier plan."
        log.info("Deuxième lancement refusé : une fenêtre est déjà ouverte pour ce dossier de données.")
        print(f"milpj-desktop : {message}", file=sys.stderr)
        return 0
    styled = apply_style(app)
    log.info(
        "Démarrage de milpj-desktop %s (Python %s, Qt %s, %s), style %s, journal %s",
        __version__,
        platform.python_version(),
        qVersion(),
        platform.platform(),
        "DSFR" if styled else "du système (contraste élevé demandé)",
        log_file,
    )
    collector = GuiThreadGarbageCollector()
    window = build(app)
    instance.activation_requested.connect(window.bring_forward)
    window.show()
    window.start()
    code = app.exec()
    collector.stop()
    instance.close()
    log.info("Fin de milpj-desktop (code %s)", code)
    return code
