"""Real bugs only: save the traceback to the log folder and show a French message."""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import datetime
from types import TracebackType

from milpj_desktop import paths
from ui.ops import Runner
from ui.qt import QMessageBox, QWidget

log = logging.getLogger(__name__)


def save_report(exc: BaseException) -> str:
    folder = paths.log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"erreur-{datetime.now():%Y%m%d-%H%M%S}.txt"
    target.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    return str(target)


def show_bug(parent: QWidget | None, exc: BaseException) -> None:
    where = save_report(exc)
    log.error("Erreur inattendue", exc_info=exc)
    QMessageBox.critical(
        parent,
        "Erreur inattendue",
        "Une erreur inattendue s'est produite. Vos données chiffrées n'ont pas été modifiées par "
        f"l'opération interrompue.\n\nLe rapport technique a été enregistré ici :\n{where}",
    )


def install_crash_handler(parent: QWidget, runner: Runner) -> None:
    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        show_bug(parent, exc)

    sys.excepthook = hook
    runner.bug.connect(lambda exc: show_bug(parent, exc))
