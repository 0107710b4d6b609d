"""First-run (choose a passphrase) and unlock dialogs; the work itself runs in the background."""

from __future__ import annotations

from collections.abc import Callable

from milpj_desktop import PRODUCT_SHORT
from milpj_desktop.store.errors import MIN_PASSPHRASE, PASSPHRASE_ADVICE
from ui.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import error_label

Attempt = Callable[[str, Callable[[str], None]], None]


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    field.setMinimumWidth(320)
    return field


class _PassphraseDialog(QDialog):
    """Shared frame: a message line, a busy bar and OK / Quitter buttons."""

    def __init__(self, parent: QWidget | None, title: str, ok_text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.error = error_label()
        self.error.setStyleSheet(self.error.styleSheet() + " font-weight: bold;")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.busy.setAccessibleName("Opération en cours")
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit = self.buttons.addButton("Quitter", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.attempt: Attempt | None = None

    def finish_layout(self) -> None:
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.busy)
        self.layout_.addWidget(self.buttons)

    def set_working(self, working: bool) -> None:
        self.busy.setVisible(working)
        self.ok.setEnabled(not working)
        for field in self.findChildren(QLineEdit):
            field.setEnabled(not working)

    def show_error(self, message: str) -> None:
        self.set_working(False)
        self.error.setText(message)

    def _submit(self) -> None:
        passphrase = self.validate()
        if passphrase is None or self.attempt is None:
            return
        self.error.setText("")
        self.set_working(True)
        self.attempt(passphrase, self.show_error)

    def validate(self) -> str | None:
        raise NotImplementedError


class FirstRunDialog(_PassphraseDialog):
    """Explains why the passphrase matters, asks it twice, then creates the store."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Bienvenue — créer votre phrase secrète", "Créer mes données chiffrées")
        intro = QLabel(
            "<p>Les coordonnées et les notes que vous enregistrerez restent sur cet ordinateur, "
            "chiffrées. Choisissez une <b>phrase secrète</b> : elle vous sera demandée à chaque "
            "ouverture et après une période d'inactivité.</p>"
            f"<p>{PASSPHRASE_ADVICE}</p>"
            "<p><b>Attention :</b> elle n'est enregistrée nulle part. Si vous l'oubliez, les données "
            "ne pourront pas être récupérées.</p>"
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(intro)
        self.first = _password_field("Phrase secrète")
        self.second = _password_field("Confirmation de la phrase secrète")
        self.form.addRow("&Phrase secrète :", self.first)
        self.form.addRow("&Confirmation :", self.second)
        self.hint = QLabel()
        self.hint.setAccessibleName("Longueur de la phrase secrète")
        self.form.addRow("", self.hint)
        self.first.textChanged.connect(self._update_hint)
        self._update_hint()
        self.finish_layout()

    def _update_hint(self) -> None:
        count = len(self.first.text())
        missing = MIN_PASSPHRASE - count
        if missing > 0:
            self.hint.setText(f"{count} caractère(s) — encore {missing} au minimum.")
        else:
            self.hint.setText(f"{count} caractères — longueur suffisante.")

    def validate(self) -> str | None:
        first = self.first.text()
        if len(first) < MIN_PASSPHRASE:
            self.show_error(PASSPHRASE_ADVICE)
            return None
        if first != self.second.text():
            self.show_error("Les deux saisies ne sont pas identiques.")
            return None
        return first


class UnlockDialog(_PassphraseDialog):
    """Asks the passphrase to open (or re-open after a lock) the encrypted data."""

    def __init__(self, parent: QWidget | None = None, *, locked: bool = False) -> None:
        super().__init__(parent, f"Déverrouiller — {PRODUCT_SHORT}", "Déverrouiller")
        text = "Les données sont verrouillées." if locked else "Vos données sont chiffrées."
        intro = QLabel(f"{text} Saisissez votre phrase secrète pour les ouvrir.")
        intro.setWordWrap(True)
        self.layout_.addWidget(intro)
        self.passphrase = _password_field("Phrase secrète")
        self.form.addRow("&Phrase secrète :", self.passphrase)
        self.finish_layout()

    def validate(self) -> str | None:
        value = self.passphrase.text()
        if not value:
            self.show_error("Saisissez votre phrase secrète.")
            return None
        return value

    def show_error(self, message: str) -> None:
        super().show_error(message)
        self.passphrase.selectAll()
        self.passphrase.setFocus()
