"""First-run (choose a passphrase) and unlock dialogs; the work itself runs in the background."""

from __future__ import annotations

from collections.abc import Callable

from milpj_desktop.store import strength, throttle
from milpj_desktop.store.errors import MIN_PASSPHRASE, PASSPHRASE_ADVICE
from ui.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QFormLayout,
    QGuiApplication,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QObject,
    QProgressBar,
    QShowEvent,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import error_label

Attempt = Callable[[str, Callable[[str], None]], None]

LOST_WARNING = (
    "<b>Attention :</b> la phrase secrète n’est enregistrée nulle part. "
    "Si vous l’oubliez, vos données ne pourront pas être récupérées."
)
CAPS_WARNING = "Verrouillage des majuscules activé ?"
TOO_EASY = "Trop facile à deviner\u00a0: voyez l’explication sous le champ."
_X11_LOCK_MASK = 0x2  # the X11 state bit of Caps Lock (xcb passes the state as native modifiers)


def caps_lock_from_key(event: QKeyEvent) -> bool | None:
    """Whether Caps Lock is on, read from one key press; None when this key cannot tell.

    Qt has no portable way to read Caps Lock. Under X11 (xcb) the native modifiers carry the
    keyboard state, Lock bit included. Elsewhere (Wayland, Windows, macOS, offscreen) a letter
    tells it: upper case without Shift, or lower case with Shift, means Caps Lock is on. So the
    warning there appears only from the first letter typed, and a key that is not a letter tells
    nothing (digits, punctuation, letters without case).
    """
    if QGuiApplication.platformName() == "xcb" and event.nativeModifiers():
        return bool(event.nativeModifiers() & _X11_LOCK_MASK)
    text = event.text()
    if len(text) != 1 or not text.isalpha() or text.upper() == text.lower():
        return None
    shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
    return text.isupper() != shift


def grow_to_fit(dialog: QDialog) -> None:
    """A wrapped text grew (a long estimate, a rare long error): grow the dialog, never cut."""
    layout = dialog.layout()
    if layout is not None:
        layout.activate()  # the labels' new heights count now, not at the next event loop turn
    needed = dialog.heightForWidth(dialog.width())
    if dialog.isVisible() and dialog.height() < needed:
        dialog.resize(dialog.width(), needed)


def show_hint(label: QLabel, text: str) -> None:
    """Set the estimate; a form row does not give a wrapped label its height by itself, so ask it."""
    label.setText(text)
    label.setMinimumHeight(max(label.heightForWidth(label.width()), 0))
    dialog = label.window()
    if isinstance(dialog, QDialog):
        grow_to_fit(dialog)


def strength_label() -> QLabel:
    """The live estimate under a new-passphrase field: wraps, and screen readers announce it."""
    label = QLabel()
    label.setObjectName("solidite")
    label.setWordWrap(True)
    label.setAccessibleName("Solidité de la phrase secrète")
    return label


class CapsLockWatcher(QObject):
    """Watches key presses in the passphrase fields and shows or hides the Caps Lock warning."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label)
        self.label = label

    def watch(self, field: QLineEdit) -> None:
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            state = caps_lock_from_key(event)
            if state is not None:
                self.label.setVisible(state)
        return False


class _PassphraseDialog(QDialog):
    """Titles name the task only: Qt adds the product's name after them in the title bar.

    Shared frame: the fields, a short error line and the Caps Lock warning under them, « Afficher
    la phrase secrète », the lost-passphrase warning (always shown), a busy bar and OK / Quitter."""

    def __init__(self, parent: QWidget | None, title: str, ok_text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.error = error_label()
        self.error.setStyleSheet(self.error.styleSheet() + " font-weight: bold;")
        self.error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.caps = QLabel(f"<b>⚠ {CAPS_WARNING}</b>")
        self.caps.setObjectName("majuscules")
        self.caps.setAccessibleName("Avertissement : verrouillage des majuscules")
        self.caps.setVisible(False)
        self.caps_watcher = CapsLockWatcher(self.caps)
        self.show_text = QCheckBox("&Afficher la phrase secrète")
        self.show_text.setAccessibleName("Afficher la phrase secrète")
        self.show_text.toggled.connect(self._show_passphrase)
        self.warning = QLabel(LOST_WARNING)
        self.warning.setObjectName("avertissement-perte")
        self.warning.setTextFormat(Qt.TextFormat.RichText)
        self.warning.setWordWrap(True)
        self.warning.setAccessibleName("Avertissement : phrase secrète oubliée, données perdues")
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
        self.secrets: list[QLineEdit] = []

    def secret_field(self, name: str) -> QLineEdit:
        """A passphrase field: hidden text unless « Afficher » is ticked, watched for Caps Lock."""
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(name)
        field.setMinimumWidth(320)
        self.caps_watcher.watch(field)
        self.secrets.append(field)
        return field

    def finish_layout(self) -> None:
        self.form.addRow("", self.show_text)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.caps)
        self.layout_.addWidget(self.warning)
        self.layout_.addWidget(self.busy)
        self.layout_.addWidget(self.buttons)

    def _show_passphrase(self, visible: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
        for field in self.secrets:
            field.setEchoMode(mode)

    def showEvent(self, event: QShowEvent) -> None:
        """Two lines wait for a message at the text size of the moment: a short error does not move anything."""
        metrics = self.fontMetrics()
        self.error.setMinimumHeight(metrics.lineSpacing() * 2 + 2)
        self.setMinimumWidth(min(metrics.averageCharWidth() * 64, self.screen().availableGeometry().width()))
        self.adjustSize()  # wrapped texts get the height they need at this width (intro, warning)
        super().showEvent(event)

    def dispose(self) -> None:
        """Empty the fields (setText also drops their undo history) and destroy the dialog: no
        hidden prompt keeps the passphrase in memory until the next unlock."""
        for field in self.secrets:
            field.setText("")
        self.attempt = None
        self.deleteLater()

    def set_working(self, working: bool) -> None:
        self.busy.setVisible(working)
        self.ok.setEnabled(not working)
        for field in self.findChildren(QLineEdit):
            field.setEnabled(not working)

    def show_error(self, message: str) -> None:
        self.set_working(False)
        self.error.setText(message)
        grow_to_fit(self)

    def _submit(self) -> None:
        passphrase = self.validate()
        if passphrase is None or self.attempt is None:
            return
        self.error.setText("")
        self.set_working(True)
        self.attempt(passphrase, self.attempt_failed)

    def attempt_failed(self, message: str) -> None:
        self.show_error(message)

    def validate(self) -> str | None:
        raise NotImplementedError


class FirstRunDialog(_PassphraseDialog):
    """Explains why the passphrase matters, asks it twice, then creates the store."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Bienvenue : créer votre phrase secrète", "Créer mes données chiffrées")
        intro = QLabel(
            "<p>Les coordonnées et les notes que vous enregistrerez restent sur cet ordinateur, "
            "chiffrées. Choisissez une <b>phrase secrète</b> : elle vous sera demandée à chaque "
            "ouverture et après une période d’inactivité.</p>"
            f"<p>{PASSPHRASE_ADVICE}</p>"
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(intro)
        self.first = self.secret_field("Phrase secrète")
        self.second = self.secret_field("Confirmation de la phrase secrète")
        self.form.addRow("&Phrase secrète :", self.first)
        self.hint = strength_label()
        self.idea = strength.suggest()
        self.form.addRow("", self.hint)
        self.form.addRow("&Confirmation :", self.second)
        self.first.textChanged.connect(self._update_hint)
        self._update_hint()
        self.finish_layout()

    def _update_hint(self) -> None:
        show_hint(self.hint, strength.live_hint(self.first.text(), self.idea))

    def validate(self) -> str | None:
        first = self.first.text()
        if len(first) < MIN_PASSPHRASE:
            self.show_error(f"Trop courte : au moins {MIN_PASSPHRASE} caractères.")
            self.first.setFocus()
            return None
        if not strength.estimate(first).acceptable:
            self.show_error(TOO_EASY)
            self.first.setFocus()
            return None
        if first != self.second.text():
            self.show_error("Les deux saisies ne sont pas identiques.")
            self.second.selectAll()
            self.second.setFocus()
            return None
        return first


class UnlockDialog(_PassphraseDialog):
    """Asks the passphrase to open (or re-open after a lock) the encrypted data."""

    def __init__(self, parent: QWidget | None = None, *, locked: bool = False, ticks: QTimer | None = None) -> None:
        """`ticks` fires once a second while a wait runs (injected by tests to count seconds themselves)."""
        super().__init__(parent, "Déverrouiller", "Déverrouiller")
        self.failures = 0
        self.remaining = 0
        self.failure = ""
        self.ticks = ticks if ticks is not None else QTimer(self)
        self.ticks.setInterval(1000)
        self.ticks.timeout.connect(self._tick)
        text = "Les données sont verrouillées." if locked else "Vos données sont chiffrées."
        intro = QLabel(f"{text} Saisissez votre phrase secrète pour les ouvrir.")
        intro.setWordWrap(True)
        self.layout_.addWidget(intro)
        self.passphrase = self.secret_field("Phrase secrète")
        self.form.addRow("&Phrase secrète :", self.passphrase)
        self.finish_layout()

    def attempt_failed(self, message: str) -> None:
        """A wrong passphrase (or any failed opening): from the third in a row, wait 2 s, 4, 8… 30 at most."""
        self.failures += 1
        self.remaining = throttle.wait_after(self.failures)
        if not self.remaining:
            self.show_error(message)
            return
        self.failure = message
        self.show_error(throttle.countdown_text(message, self.remaining))
        self.ok.setEnabled(False)
        self.ticks.start()

    def _tick(self) -> None:
        self.remaining -= 1
        if self.remaining > 0:
            self.error.setText(throttle.countdown_text(self.failure, self.remaining))
            return
        self.ticks.stop()
        self.error.setText("Vous pouvez réessayer.")
        self.ok.setEnabled(True)

    def validate(self) -> str | None:
        if self.remaining > 0:  # Enter in the field while waiting: nothing is tried
            return None
        value = self.passphrase.text()
        if not value:
            self.show_error("Saisissez votre phrase secrète.")
            return None
        return value

    def show_error(self, message: str) -> None:
        super().show_error(message)
        self.passphrase.selectAll()
        self.passphrase.setFocus()
