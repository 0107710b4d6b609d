"""Synchronisation: server, device token, départements, last result per collection, outbox, progress."""

from __future__ import annotations

import html
from dataclasses import dataclass

from milpj_desktop.changes import Changes
from milpj_desktop.errors import KnownError
from milpj_desktop.settings import Settings, load_settings, save_settings
from milpj_desktop.worker import TaskContext
from sync.engine import apply_subscription
from sync.outbox import OutboxState, outbox_state
from sync.protocol import parse_departements
from sync.state import RunResult, last_run
from ui.context import AppContext
from ui.pages.base import Page
from ui.qt import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)
from ui.sync_controller import SyncController, is_configured

OUTCOMES = {"echec": "en échec"}  # « Synchronisation en échec. »
STATUS_LABELS = {
    "reussie": "réussie",
    "partielle": "partielle",
    "echec": "échec",
    "annulee": "annulée",
    "interrompue": "interrompue",
    "en-cours": "en cours",
}


@dataclass(frozen=True)
class SyncView:
    """What the page shows, read in one store task."""

    settings: Settings
    run: RunResult | None
    outbox: OutboxState


def _when(text: str) -> str:
    return text.replace("T", " à ").replace("+00:00", " UTC") if text else "—"


class SynchronisationPage(Page):
    title = "Synchronisation"
    object_name = "page-synchronisation"

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        self.controller = SyncController(app)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(QLabel("<h2>Synchronisation avec le serveur national</h2>"))

        server = QGroupBox("Serveur et inscription de l'appareil")
        form = QFormLayout(server)
        self.server_url = QLineEdit()
        self.server_url.setPlaceholderText("https://contenus.exemple.fr")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("fourni par votre structure")
        self.departements = QLineEdit()
        self.departements.setPlaceholderText("ex. 25, 39, 70")
        self.ca_bundle = QLineEdit()
        self.ca_bundle.setPlaceholderText("facultatif : fichier .pem de l'autorité de votre structure")
        self.proxy = QLineEdit()
        self.proxy.setPlaceholderText("facultatif : http://proxy.exemple.fr:3128")
        for field, label in (
            (self.server_url, "Adresse du serveur"),
            (self.token, "Jeton d'inscription"),
            (self.departements, "Départements de l'annuaire"),
            (self.ca_bundle, "Certificats d'autorité"),
            (self.proxy, "Proxy"),
        ):
            field.setAccessibleName(label)
            form.addRow(f"{label} :", field)
        self.automatic = QCheckBox("Synchroniser au démarrage et quand la connexion revient")
        form.addRow("", self.automatic)
        self.save_button = QPushButton("Enregistrer les réglages")
        self.save_button.setObjectName("enregistrer-synchro")
        form.addRow("", self.save_button)
        layout.addWidget(server)

        actions = QHBoxLayout()
        self.sync_button = QPushButton("Synchroniser maintenant")
        self.sync_button.setObjectName("synchroniser")
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.setObjectName("annuler-synchro")
        self.cancel_button.setEnabled(False)
        actions.addWidget(self.sync_button)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.progress = QProgressBar()
        self.progress.setObjectName("progression-synchro")
        self.progress.setAccessibleName("Progression de la synchronisation")
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setObjectName("etat-synchro")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        results = QGroupBox("Dernière synchronisation")
        box = QVBoxLayout(results)
        self.summary = QLabel("Jamais synchronisé.")
        self.summary.setObjectName("resume-synchro")
        self.summary.setWordWrap(True)
        box.addWidget(self.summary)
        self.table = QTreeWidget()
        self.table.setObjectName("resultats-synchro")
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels(["Collection", "Ajoutés", "Modifiés", "Supprimés", "Échecs", "État"])
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAccessibleName("Résultat par collection")
        box.addWidget(self.table)
        layout.addWidget(results)

        self.outbox = QLabel()
        self.outbox.setObjectName("boite-envoi")
        self.outbox.setWordWrap(True)
        layout.addWidget(self.outbox)

        self.save_button.clicked.connect(self.save)
        self.sync_button.clicked.connect(self.synchronise)
        self.cancel_button.clicked.connect(self.controller.cancel)
        self.controller.started.connect(self._started)
        self.controller.progressed.connect(self._progressed)
        self.controller.finished.connect(self._finished)
        self.controller.failed.connect(self._failed)

    # -- Page ------------------------------------------------------------------------------------
    def cares_about(self, changes: Changes) -> bool:
        return changes.sync or changes.settings or changes.directory

    def refresh(self) -> None:
        def read(ctx: TaskContext) -> SyncView:
            conn = ctx.store.conn
            return SyncView(load_settings(conn), last_run(conn), outbox_state(conn))

        self.app.runner.db(read).success(self._show).run()

    def clear(self) -> None:
        for field in (self.server_url, self.token, self.departements, self.ca_bundle, self.proxy):
            field.clear()
        self.table.clear()
        self.summary.setText("")
        self.outbox.setText("")
        self.status.setText("")

    def on_locked(self) -> None:
        self.controller.on_locked()
        super().on_locked()

    # -- showing ----------------------------------------------------------------------------------
    def _show(self, view: SyncView) -> None:
        settings = view.settings
        self.server_url.setText(settings.server_url)
        self.token.setText(settings.device_token)
        self.departements.setText(", ".join(settings.departements))
        self.ca_bundle.setText(settings.ca_bundle)
        self.proxy.setText(settings.proxy)
        self.automatic.setChecked(settings.sync_automatic)
        self._show_run(view.run)
        self._show_outbox(view.outbox)

    def _show_run(self, run: RunResult | None) -> None:
        self.table.clear()
        if run is None:
            self.summary.setText("Jamais synchronisé.")
            return
        status = STATUS_LABELS.get(run.status, run.status)
        text = html.escape(f"{_when(run.finished_at or run.started_at)} — {status} ({run.server})")
        if run.message:
            text += f"<br>{html.escape(run.message)}"
        self.summary.setText(text)
        for result in run.collections.values():
            item = QTreeWidgetItem(
                [
                    result.label,
                    str(result.added),
                    str(result.changed),
                    str(result.deleted),
                    str(result.failed),
                    STATUS_LABELS.get(result.status, result.status),
                ]
            )
            if result.message:
                item.setToolTip(5, result.message)
            self.table.addTopLevelItem(item)

    def _show_outbox(self, state: OutboxState) -> None:
        text = f"Corrections signalées : {state.pending} en attente d'envoi, {state.sent} envoyée(s)."
        if state.last_error:
            text += f" Dernier essai : {state.last_error}"
        self.outbox.setText(text)

    # -- actions ------------------------------------------------------------------------------------
    def collect(self) -> Settings:
        return self.app.settings.model_copy(
            update={
                "server_url": self.server_url.text().strip(),
                "device_token": self.token.text().strip(),
                "departements": parse_departements(self.departements.text()),
                "ca_bundle": self.ca_bundle.text().strip(),
                "proxy": self.proxy.text().strip(),
                "sync_automatic": self.automatic.isChecked(),
            }
        )

    def save(self) -> None:
        """Store the settings (inside the encrypted store); a removed département is purged at once."""
        try:
            settings = self.collect()
        except KnownError as exc:
            self.status.setText(exc.message)
            return

        def task(ctx: TaskContext) -> Settings:
            with ctx.store.transaction() as conn:
                save_settings(conn, settings)
                apply_subscription(conn, frozenset(settings.departements))
            return settings

        def done(saved: Settings) -> None:
            self.app.set_settings(saved)
            self.status.setText("Réglages enregistrés.")
            self.app.announce(Changes(settings=True, directory=True, sync=True))
            if is_configured(saved) and not self.controller.running:
                self.controller.start("nouveaux réglages")

        self.app.runner.db(task).success(done).failure(lambda e: self.status.setText(e.message)).run()

    def synchronise(self) -> None:
        if not is_configured(self.app.settings):
            self.status.setText("Indiquez l'adresse du serveur et le jeton d'inscription, puis enregistrez.")
            return
        if not self.controller.start("manuelle"):
            self.status.setText("Une synchronisation est déjà en cours.")

    def _started(self, reason: str) -> None:
        self.sync_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText(f"Synchronisation en cours ({reason})…")

    def _progressed(self, done: int, total: int, label: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)
        self.status.setText(label)

    def _ended(self) -> None:
        self.sync_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)

    def _finished(self, run: RunResult | None) -> None:
        self._ended()
        if run is None:
            self.status.setText("Synchronisation annulée : les pages déjà reçues sont conservées.")
        else:
            text = f"Synchronisation {OUTCOMES.get(run.status, STATUS_LABELS.get(run.status, run.status))}."
            self.status.setText(text)
            self.app.show_status(text)

    def _failed(self, message: str) -> None:
        self._ended()
        self.status.setText(message)


def create_page(app: AppContext) -> Page:
    return SynchronisationPage(app)
