"""Real bugs only: save the traceback to the log folder and show a French message.

Expected errors (KnownError) never come here: they keep their plain message. A bug interrupts one
operation; writes run in transactions, so the encrypted file keeps its last committed state. The
dialog offers to carry on or to quit cleanly (the store is closed, the key leaves memory).
"""

from __future__ import annotations

import logging
import os
import platform
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from milpj_desktop import PRODUCT_NAME, __version__, paths
from milpj_desktop.logs import exception_report, private_file
from ui.clipboard import copy_text
from ui.ops import Runner
from ui.qt import (
    QApplication,
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QObject,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
    qVersion,
)

log = logging.getLogger(__name__)


def report_text(exc: BaseException) -> str:
    """What a developer needs (versions, traceback), secrets and stored values masked (an exception's
    message may quote the note, name or phone it failed on); no local variables."""
    header = (
        f"{PRODUCT_NAME} {__version__} — {datetime.now():%Y-%m-%d %H:%M:%S}\n"
        f"Python {platform.python_version()}, Qt {qVersion()}, {platform.platform()}\n\n"
    )
    return header + exception_report(exc)


def save_report(exc: BaseException) -> Path:
    """Write the report to the log folder, private from its creation, and return its path."""
    folder = paths.log_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / f"erreur-{datetime.now():%Y%m%d-%H%M%S-%f}.txt"
    with os.fdopen(private_file(target), "w", encoding="utf-8") as handle:
        handle.write(report_text(exc))
    return target


class CrashDialog(QDialog):
    """French explanation, where the report is, technical details on demand; Continuer or Quitter."""

    def __init__(self, parent: QWidget | None, report: Path, text: str) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Erreur inattendue")
        self.setAccessibleName("Erreur inattendue")
        self.setMinimumWidth(760)
        layout = QVBoxLayout(self)
        self.message = QLabel(
            "<p><b>Une erreur inattendue s'est produite</b> : l'opération en cours a été interrompue.</p>"
            "<p>Vos données restent protégées : le fichier chiffré garde son dernier état enregistré "
            "(une écriture inachevée est annulée). Vous pouvez continuer, ou quitter pour repartir "
            "d'un état sûr.</p>"
            "<p>Un rapport technique a été enregistré (sans vos données ni votre phrase secrète). "
            "Transmettez-le à votre service informatique si l'erreur se reproduit :</p>"
        )
        self.message.setWordWrap(True)
        self.message.setObjectName("erreur-message")
        layout.addWidget(self.message)
        self.where = QLabel(str(report))
        self.where.setObjectName("erreur-rapport")
        self.where.setAccessibleName("Emplacement du rapport d'erreur")
        self.where.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.where.setWordWrap(True)
        layout.addWidget(self.where)
        self.others = QLabel()
        self.others.setVisible(False)
        layout.addWidget(self.others)
        self.details = QPlainTextEdit(text)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Détails techniques de l'erreur")
        self.details.setVisible(False)
        layout.addWidget(self.details)

        buttons = QDialogButtonBox()
        self.continue_button = buttons.addButton("&Continuer", QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button = buttons.addButton("&Quitter", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.quit_button.setAccessibleDescription("Ferme la base chiffrée proprement puis quitte l'application")
        self.details_button = QPushButton("&Détails techniques")
        self.details_button.setCheckable(True)
        self.copy_button = QPushButton("Co&pier le rapport")
        self.folder_button = QPushButton("Ouvrir le dossier des &journaux")
        for extra in (self.details_button, self.copy_button, self.folder_button):
            buttons.addButton(extra, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.quit_button.clicked.connect(self._quit)
        self.details_button.toggled.connect(self.details.setVisible)
        self.copy_button.clicked.connect(lambda: copy_text(text))
        self.folder_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(report.parent))))
        layout.addWidget(buttons)
        self.continue_button.setDefault(True)
        self.continue_button.setFocus()
        self.count = 1

    def another(self, report: Path) -> None:
        """A further bug while this dialog is open: counted, not stacked."""
        self.count += 1
        self.others.setText(f"{self.count - 1} autre(s) erreur(s) depuis, rapport le plus récent : {report.name}")
        self.others.setVisible(True)

    def _quit(self) -> None:
        self.accept()
        QApplication.quit()  # aboutToQuit closes the store (Runner.shutdown)


class CrashHandler(QObject):
    """Routes uncaught exceptions (GUI thread and background operations) to one dialog at a time."""

    def __init__(self, parent: QWidget, runner: Runner) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.dialog: CrashDialog | None = None
        self.reports: list[Path] = []
        runner.bug.connect(self.show_bug)
        self._previous_hook: Callable[[type[BaseException], BaseException, TracebackType | None], object]
        self._previous_hook = sys.excepthook
        sys.excepthook = self._hook

    def _hook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        self.show_bug(exc)

    def show_bug(self, exc: BaseException) -> None:
        try:
            report = save_report(exc)
        except OSError:  # disk full or log folder unwritable: still tell the person
            report = paths.log_dir() / "(rapport non enregistré)"
        self.reports.append(report)
        log.error("Erreur inattendue, rapport : %s", report.name, exc_info=exc)
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.another(report)
            return
        self.dialog = CrashDialog(self.parent_widget, report, report_text(exc))
        self.dialog.open()

    def uninstall(self) -> None:
        if sys.excepthook == self._hook:
            sys.excepthook = self._previous_hook


def install_crash_handler(parent: QWidget, runner: Runner) -> CrashHandler:
    return CrashHandler(parent, runner)
