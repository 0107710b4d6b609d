"""Child process for the window benchmarks: a bare PySide6 window, or the app unlocked.

    python tests/perf/_fenetre.py nue
    python tests/perf/_fenetre.py appli DOSSIER_DE_DONNEES [--recherche TEXTE] [--verrouiller]

Prints one line ``PRET <json>`` when the window is usable (painted; for the app: unlocked and the
Accueil page filled, then the search answered when asked), with the time from submitting the
passphrase to usable (ms) and the peak resident memory (VmHWM, KiB); then locks (Ctrl+L's action)
when asked, and quits.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSPHRASE = "phrase secrete des bancs de mesure"
TIMEOUT_MS = 30_000
_TIMERS: list[object] = []  # keeps the polling timers alive


def peak_rss_kib() -> int:
    """VmHWM from /proc (Linux): the most resident memory the process has held."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _ready(extra: dict[str, object]) -> None:
    print("PRET " + json.dumps({"rss_kib": peak_rss_kib(), **extra}), flush=True)


def _poll(
    app: object, condition: Callable[[], bool], then: Callable[[], None], state: Callable[[], str] = lambda: ""
) -> None:
    from ui.qt import QTimer

    deadline = time.perf_counter() + TIMEOUT_MS / 1000
    timer = QTimer()
    timer.setInterval(2)

    def tick() -> None:
        if condition():
            timer.stop()
            then()
        elif time.perf_counter() > deadline:
            print(f"ÉCHEC délai dépassé {state()}", flush=True)
            os._exit(3)

    timer.timeout.connect(tick)
    timer.start()
    _TIMERS.append(timer)


def bare() -> int:
    from ui.qt import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("fenêtre nue")
    window.setCentralWidget(QLabel("Bonjour"))
    window.resize(1100, 720)
    window.show()
    window.repaint()
    _ready({})
    window.close()
    del app
    return 0


def unlocked_app(data_dir: Path, search: str | None, *, lock: bool = False) -> int:
    os.environ["MILPJ_DATA_DIR"] = str(data_dir)
    from milpj_desktop.logs import setup_logging
    from ui.app import build
    from ui.dialogs.passphrase import UnlockDialog
    from ui.qt import QApplication

    setup_logging()  # as run_app does: the log file is part of what the plaintext scan reads
    app = QApplication(sys.argv[:1])
    app.setApplicationName("milpj-desktop")
    app.setOrganizationName("milpj")
    try:
        from ui.style import apply_style
    except ImportError:
        pass
    else:
        apply_style(app)
    window = build(app)
    window.nav.setCurrentRow(0)  # Accueil, whatever page the last run left in the view settings
    window.show()
    window.start()
    dialog = window.dialog
    assert isinstance(dialog, UnlockDialog)
    dialog.passphrase.setText(PASSPHRASE)
    started = time.perf_counter()
    dialog.ok.click()
    accueil = window.page("page-accueil")
    marks: dict[str, object] = {}

    def quit_now() -> None:
        window.app.runner.shutdown()
        app.quit()

    def finish() -> None:
        window.repaint()
        _ready(marks)
        if not lock:
            quit_now()
            return
        window.lock_action.trigger()
        _poll(
            app,
            lambda: isinstance(window.dialog, UnlockDialog) and not window.app.unlocked,
            quit_now,
            lambda: f"verrouillage : déverrouillée={window.app.unlocked}",
        )

    def searched() -> bool:
        label = getattr(window.page("page-contenus"), "count_label", None)
        text = label.text() if label is not None else ""
        return "résultat" in text.lower() and search is not None and search in text

    def usable() -> None:
        window.repaint()
        marks["deverrouillage_ms"] = (time.perf_counter() - started) * 1000.0
        if search is None:
            finish()
            return
        window.nav.setCurrentRow(1)
        page = window.page("page-contenus")
        page.search.setText(search)  # type: ignore[attr-defined]
        search_start = time.perf_counter()

        def done() -> None:
            marks["recherche_ms"] = (time.perf_counter() - search_start) * 1000.0
            marks["resultats"] = page.count_label.text()  # type: ignore[attr-defined]
            finish()

        _poll(app, searched, done, lambda: page.count_label.text())  # type: ignore[attr-defined]

    body = getattr(accueil, "body", None)
    _poll(
        app,
        lambda: window.app.unlocked and body is not None and body.text().strip() != "",  # summary shown
        usable,
        lambda: f"déverrouillée={window.app.unlocked} accueil={body.text() if body else None!r} {dialog.error.text()}",
    )
    return app.exec()


def main(argv: list[str]) -> int:
    if argv and argv[0] == "nue":
        return bare()
    if len(argv) >= 2 and argv[0] == "appli":
        search = argv[argv.index("--recherche") + 1] if "--recherche" in argv else None
        return unlocked_app(Path(argv[1]), search, lock="--verrouiller" in argv)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
