"""Paramètres: the structure and professional shown on handouts, auto-lock, passphrase, integrity."""

from __future__ import annotations

from collections.abc import Callable

from milpj_desktop.changes import Changes
from milpj_desktop.errors import KnownError
from milpj_desktop.settings import Settings, load_settings, save_settings
from milpj_desktop.store import strength
from milpj_desktop.store.errors import MIN_PASSPHRASE, PASSPHRASE_ADVICE
from milpj_desktop.store.store import passphrase_matches
from milpj_desktop.upkeep import check_store
from milpj_desktop.worker import TaskContext
from ui.context import AppContext
from ui.dialogs.backup import restore_from_backup, save_backup
from ui.dialogs.passphrase import CAPS_WARNING, TOO_EASY, CapsLockWatcher, show_hint, strength_label
from ui.pages.base import Page
from ui.qt import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import error_label, ok_cancel_buttons


class ChangePassphraseDialog(QDialog):
    """Current passphrase, new one twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Changer la phrase secrète")
        layout = QVBoxLayout(self)
        advice = QLabel(PASSPHRASE_ADVICE)
        advice.setWordWrap(True)
        layout.addWidget(advice)
        form = QFormLayout()
        self.current = QLineEdit()
        self.new = QLineEdit()
        self.confirm = QLineEdit()
        self.hint = strength_label()
        self.idea = strength.suggest()
        self.new.textChanged.connect(self._update_hint)
        self.hint.setText(strength.live_hint("", self.idea))
        for field, label in (
            (self.current, "Phrase actuelle"),
            (self.new, "Nouvelle phrase"),
            (self.confirm, "Confirmation"),
        ):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(label)
            form.addRow(f"{label} :", field)
        form.insertRow(2, "", self.hint)  # under « Nouvelle phrase »
        self.show_text = QCheckBox("&Afficher les phrases secrètes")
        self.show_text.toggled.connect(self._show_passphrases)
        form.addRow("", self.show_text)
        layout.addLayout(form)
        self.caps = QLabel(f"<b>⚠ {CAPS_WARNING}</b>")
        self.caps.setVisible(False)
        self.caps.setAccessibleName("Avertissement\u00a0: verrouillage des majuscules")
        watcher = CapsLockWatcher(self.caps)
        for field in (self.current, self.new, self.confirm):
            watcher.watch(field)
        layout.addWidget(self.caps)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel_buttons(self, "Changer", self._check))

    def _update_hint(self, text: str) -> None:
        show_hint(self.hint, strength.live_hint(text, self.idea))

    def _show_passphrases(self, visible: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
        for field in (self.current, self.new, self.confirm):
            field.setEchoMode(mode)

    def _check(self) -> None:
        if len(self.new.text()) < MIN_PASSPHRASE:
            self.error.setText(PASSPHRASE_ADVICE)
        elif not strength.estimate(self.new.text()).acceptable:
            self.error.setText(TOO_EASY)
        elif self.new.text() != self.confirm.text():
            self.error.setText("Les deux saisies de la nouvelle phrase ne sont pas identiques.")
        else:
            self.accept()


def _rekey(current: str, new: str) -> Callable[[TaskContext], None]:
    def task(ctx: TaskContext) -> None:
        if not passphrase_matches(ctx.store, current):
            raise KnownError("La phrase secrète actuelle est incorrecte. Rien n'a été changé.")
        ctx.store.rekey(new)

    return task


class ParametresPage(Page):
    title = "Paramètres"
    object_name = "page-parametres"

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(QLabel("<h2>Paramètres</h2>"))

        who = QGroupBox("Votre structure (en-tête des fiches imprimées)")
        form = QFormLayout(who)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # at 200 %: label above its field
        self.structure = QLineEdit()
        self.name = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        for field, label in (
            (self.structure, "&Nom de la structure"),
            (self.name, "Nom du p&rofessionnel"),
            (self.phone, "&Téléphone"),
            (self.email, "C&ourriel"),
        ):
            field.setAccessibleName(label.replace("&", ""))
            form.addRow(f"{label} :", field)
        self.large_print = QCheckBox("Imprimer les fiches en &gros caractères par défaut")
        form.addRow("", self.large_print)
        layout.addWidget(who)

        security = QGroupBox("Sécurité")
        sec = QFormLayout(security)
        sec.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.auto_lock = QSpinBox()
        self.auto_lock.setRange(1, 240)
        self.auto_lock.setSuffix(" min")
        self.auto_lock.setMaximumWidth(120)
        self.auto_lock.setAccessibleName("Verrouillage automatique après inactivité, en minutes")
        sec.addRow("Verrouillage a&utomatique après :", self.auto_lock)
        column = QVBoxLayout()  # one under the other: whole at any text size
        self.rekey_button = QPushButton("&Changer la phrase secrète…")
        self.verify_button = QPushButton("&Vérifier l'intégrité des données")
        for button in (self.rekey_button, self.verify_button):
            column.addWidget(button, alignment=Qt.AlignmentFlag.AlignLeft)
        sec.addRow(column)
        layout.addWidget(security)

        mine = QGroupBox("Mes données : sauvegarde chiffrée")
        kept = QVBoxLayout(mine)
        self.backup_button = QPushButton("&Sauvegarder mes données…")
        self.restore_button = QPushButton("Restaurer une sauvegarde…")
        why = (
            "Une phrase secrète oubliée ne peut pas être retrouvée : une sauvegarde chiffrée de vos structures "
            "locales, notes, favoris et réglages, gardée en lieu sûr, vous en protège et sert à passer sur un "
            "nouveau poste."
        )  # said in full in the dialog; here as description (a wrapped label would squeeze the fields)
        for button in (self.backup_button, self.restore_button):
            button.setToolTip(why)
            button.setAccessibleDescription(why)
            kept.addWidget(button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(mine)

        self.save_button = QPushButton("&Enregistrer les paramètres")
        self.save_button.setObjectName("enregistrer-parametres")
        self.feedback = QLabel()
        self.feedback.setObjectName("parametres-retour")
        self.feedback.setWordWrap(True)
        layout.addWidget(self.save_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.feedback)

        self.save_button.clicked.connect(self.save)
        self.rekey_button.clicked.connect(self.change_passphrase)
        self.verify_button.clicked.connect(self.verify)
        self.backup_button.clicked.connect(lambda: save_backup(self, self.app, self.feedback.setText))
        self.restore_button.clicked.connect(lambda: restore_from_backup(self, self.app, self.feedback.setText))

    def cares_about(self, changes: Changes) -> bool:
        return changes.settings

    def refresh(self) -> None:
        self.app.runner.db(lambda ctx: load_settings(ctx.store.conn)).success(self._show).run()

    def _show(self, settings: Settings) -> None:
        self.app.set_settings(settings)
        self.structure.setText(settings.structure_name)
        self.name.setText(settings.professional_name)
        self.phone.setText(settings.professional_phone)
        self.email.setText(settings.professional_email)
        self.large_print.setChecked(settings.large_print_default)
        self.auto_lock.setValue(settings.auto_lock_minutes)

    def clear(self) -> None:
        for field in (self.structure, self.name, self.phone, self.email):
            field.clear()
        self.feedback.clear()

    def collect(self) -> Settings:
        return self.app.settings.model_copy(
            update={
                "structure_name": self.structure.text().strip(),
                "professional_name": self.name.text().strip(),
                "professional_phone": self.phone.text().strip(),
                "professional_email": self.email.text().strip(),
                "large_print_default": self.large_print.isChecked(),
                "auto_lock_minutes": self.auto_lock.value(),
            }
        )

    def save(self) -> None:
        settings = self.collect()

        def task(ctx: TaskContext) -> Settings:
            with ctx.store.transaction() as conn:
                save_settings(conn, settings)
            return settings

        def done(saved: Settings) -> None:
            self.app.set_settings(saved)
            self.feedback.setText("Paramètres enregistrés.")
            self.app.announce(Changes(settings=True))

        self.app.runner.db(task).success(done).failure(lambda e: self.feedback.setText(e.message)).run()

    def change_passphrase(self) -> None:
        dialog = ChangePassphraseDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.feedback.setText("Chiffrement en cours avec la nouvelle phrase…")
        (
            self.app.runner.db(_rekey(dialog.current.text(), dialog.new.text()))
            .success(lambda _: self.feedback.setText("Phrase secrète changée."))
            .failure(lambda e: self.feedback.setText(e.message))
            .run()
        )

    def verify(self) -> None:
        self.feedback.setText("Vérification en cours…")

        def done(problems: list[str]) -> None:
            if problems:
                QMessageBox.warning(self, "Intégrité", f"{len(problems)} anomalie(s) : {problems[0]}")
                self.feedback.setText("Anomalies détectées.")
            else:
                self.feedback.setText("Données intègres : chiffrement, structure et index de l'annuaire vérifiés.")

        self.app.runner.db(lambda ctx: check_store(ctx.store)).success(done).run()


def create_page(app: AppContext) -> Page:
    return ParametresPage(app)
