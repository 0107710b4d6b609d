"""« Sauvegarder mes données » and « Restaurer une sauvegarde » from Paramètres: the passphrase, the
file, then the work on the store thread (milpj_desktop.backup); the outcome in one French sentence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from milpj_desktop.backup import restore_backup, write_backup
from milpj_desktop.changes import Changes
from milpj_desktop.errors import KnownError
from milpj_desktop.worker import TaskContext
from ui.context import AppContext
from ui.qt import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget
from ui.widgets import choose_file, error_label, ok_cancel_buttons

FILTER = "Sauvegarde 1000 premiers jours (*.milpj)"
FORGOTTEN = (
    "Une phrase secrète oubliée ne peut pas être retrouvée : une sauvegarde récente, gardée en lieu sûr "
    "(clé USB, dossier personnel sauvegardé), est le moyen de ne pas perdre vos structures locales, vos "
    "notes privées, vos favoris et vos réglages. Les contenus nationaux et l'annuaire reviennent par la "
    "synchronisation."
)


class BackupPassphraseDialog(QDialog):
    """Asks the passphrase that protects (or opened) a backup; nothing is kept after the dialog."""

    def __init__(self, parent: QWidget | None, title: str, explanation: str, ok_text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        text = QLabel(explanation)
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Phrase secrète")
        form.addRow("&Phrase secrète :", self.passphrase)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel_buttons(self, ok_text, self._accept))

    def _accept(self) -> None:
        if not self.passphrase.text():
            self.error.setText("Saisissez la phrase secrète.")
            return
        self.accept()

    def take(self) -> str:
        """The passphrase typed, and the field emptied (the text does not outlive the dialog)."""
        value = self.passphrase.text()
        self.passphrase.clear()
        return value


def save_backup(parent: QWidget, app: AppContext, tell: Callable[[str], None]) -> None:
    """Ask the passphrase and the file, then write the backup in the background."""
    asked = BackupPassphraseDialog(
        parent,
        "Sauvegarder mes données",
        FORGOTTEN + "\n\nLa sauvegarde est chiffrée par votre phrase secrète actuelle : saisissez-la.",
        "Choisir le fichier…",
    )
    if asked.exec() != QDialog.DialogCode.Accepted:
        return
    passphrase = asked.take()
    asked.deleteLater()
    default = str(Path.home() / f"sauvegarde-1000-jours-{dt.date.today():%Y-%m-%d}.milpj")
    target, _ = choose_file(parent, "Enregistrer la sauvegarde", save=True, filters=[FILTER], directory=default)
    if not target:
        return
    if not target.endswith(".milpj"):
        target += ".milpj"
    tell("Sauvegarde en cours…")

    def task(ctx: TaskContext) -> str:
        return write_backup(ctx.store, Path(target), passphrase).sentence()

    (
        app.runner.db(task)
        .success(lambda sentence: tell(f"Sauvegarde écrite dans {target} : {sentence}."))
        .failure(lambda error: tell(error.message))
        .run()
    )


def restore_from_backup(parent: QWidget, app: AppContext, tell: Callable[[str], None]) -> None:
    """Ask the file and its passphrase, then merge it in the background."""
    source, _ = choose_file(parent, "Restaurer une sauvegarde", save=False, filters=[FILTER, "Tous les fichiers (*)"])
    if not source:
        return
    asked = BackupPassphraseDialog(
        parent,
        "Restaurer une sauvegarde",
        "Saisissez la phrase secrète qui était la vôtre quand la sauvegarde a été écrite. Ce qu'elle contient "
        "et que ce poste n'a pas est ajouté ; rien n'est supprimé, une note garde sa version la plus récente.",
        "Restaurer",
    )
    if asked.exec() != QDialog.DialogCode.Accepted:
        return
    passphrase = asked.take()
    asked.deleteLater()
    tell("Restauration en cours…")

    def task(ctx: TaskContext) -> tuple[str, Changes]:
        added, changes = restore_backup(ctx.store, Path(source), passphrase)
        return added.sentence(), changes

    def failed(error: KnownError) -> None:
        tell(error.message)

    app.runner.change(task).success(lambda sentence: tell(f"Sauvegarde restaurée : ajouté {sentence}.")).failure(
        failed
    ).run()
