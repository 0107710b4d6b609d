"""Synchronisation: server, device token, départements, the history of runs, outbox, progress."""

from __future__ import annotations

from milpj_desktop.changes import Changes
from milpj_desktop.errors import KnownError
from milpj_desktop.settings import Settings, save_settings
from milpj_desktop.typography import grouped
from milpj_desktop.worker import TaskContext
from sync.engine import apply_subscription
from sync.freshness import REASONS
from sync.outbox import OutboxState
from sync.protocol import parse_departements
from sync.state import RunResult
from ui.context import AppContext
from ui.pages.base import Page
from ui.qt import (
    QCheckBox,
    QEvent,
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
    QVBoxLayout,
)
from ui.scrolled import scrolled_body
from ui.spoken import SpokenLabel
from ui.sync_controller import SyncController, is_configured
from ui.sync_history import COLUMNS, SyncView, outcome_text, read_view, run_item, summary_html


class SynchronisationPage(Page):
    title = "Synchronisation"
    object_name = "page-synchronisation"

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        self.controller = SyncController(app)
        layout = QVBoxLayout(scrolled_body(self, "defilement-synchro", "Réglages et résultats de la synchronisation"))
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        heading = QLabel("<h2>Synchronisation avec le serveur national</h2>")
        heading.setWordWrap(True)
        layout.addWidget(heading)

        server = QGroupBox("Serveur et inscription de l’appareil")
        form = QFormLayout(server)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.server_url = QLineEdit()
        self.server_url.setPlaceholderText("https://contenus.exemple.fr")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("fourni par votre structure")
        self.departements = QLineEdit()
        self.departements.setPlaceholderText("ex. 25, 39, 70")
        self.ca_bundle = QLineEdit()
        self.ca_bundle.setPlaceholderText("facultatif : fichier .pem de l’autorité de votre structure")
        self.proxy = QLineEdit()
        self.proxy.setPlaceholderText("facultatif : http://proxy.exemple.fr:3128")
        for field, label in (
            (self.server_url, "Adresse du serveur"),
            (self.token, "Jeton d’inscription"),
            (self.departements, "Départements de l’annuaire"),
            (self.ca_bundle, "Certificats d’autorité"),
            (self.proxy, "Proxy"),
        ):
            field.setAccessibleName(label)
            field.setMinimumWidth(12 * field.fontMetrics().averageCharWidth())
            form.addRow(f"{label} :", field)
        self.automatic = QCheckBox("Synchroniser au démarrage et quand la connexion revient")
        self.automatic.setAccessibleName("Synchroniser au démarrage et quand la connexion revient")
        form.addRow(self.automatic)
        self.save_button = QPushButton("Enregistrer les réglages")
        self.save_button.setObjectName("enregistrer-synchro")
        self.save_button.setAccessibleName("Enregistrer les réglages et synchroniser")
        self.save_button.setToolTip("Enregistre les réglages puis lance une synchronisation")
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        form.addRow(save_row)
        layout.addWidget(server)

        actions = QHBoxLayout()
        self.sync_button = QPushButton("Synchroniser maintenant")
        self.sync_button.setObjectName("synchroniser")
        self.sync_button.setAccessibleName("Synchroniser maintenant")
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.setObjectName("annuler-synchro")
        self.cancel_button.setAccessibleName("Annuler la synchronisation")
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
        self.status = SpokenLabel()
        self.status.setObjectName("etat-synchro")
        self.status.setAccessibleName("État de la synchronisation")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        results = QGroupBox("Résultats des synchronisations")
        box = QVBoxLayout(results)
        self.summary = SpokenLabel("Jamais synchronisé.")
        self.summary.setObjectName("resume-synchro")
        self.summary.setAccessibleName("Résumé des synchronisations")
        self.summary.setWordWrap(True)
        box.addWidget(self.summary)
        self.table = QTreeWidget()
        self.table.setObjectName("resultats-synchro")
        self.table.setHeaderLabels(COLUMNS)
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the date elides, the figures stay whole
        self.table.setAccessibleName("Historique des synchronisations et résultat par collection")
        self._fit_table()
        box.addWidget(self.table)
        layout.addWidget(results)

        self.outbox = SpokenLabel()
        self.outbox.setObjectName("boite-envoi")
        self.outbox.setAccessibleName("Corrections signalées")
        self.outbox.setWordWrap(True)
        layout.addWidget(self.outbox)
        self.brought_id: int | None = None

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
        self.app.runner.db(read_view).success(self._show).run()

    def clear(self) -> None:
        for field in (self.server_url, self.token, self.departements, self.ca_bundle, self.proxy):
            field.clear()
        self.table.clear()
        self.brought_id = None
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
        self._show_runs(view)
        self._show_outbox(view.outbox)

    def _fit_table(self) -> None:
        """Room for about ten rows whatever the text size."""
        self.table.setMinimumHeight(11 * self.table.fontMetrics().height())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._fit_table()
        super().changeEvent(event)

    def _show_runs(self, view: SyncView) -> None:
        self.table.clear()
        attempt = view.freshness.last_attempt
        failed = view.freshness.attempt_failed_after_success and attempt is not None and attempt.message
        if failed and attempt is not None and not self.status.text():  # after a restart: say it once, here
            self.status.setText(f"Dernière tentative : {attempt.message}")
        self.brought_id = view.brought.run_id if view.brought is not None else None
        if not view.runs:
            self.summary.setText("Jamais synchronisé.")
            return
        self.summary.setText(summary_html(view))
        for run in view.runs:
            item = run_item(run)
            self.table.addTopLevelItem(item)
            if run.run_id == self.brought_id:
                item.setExpanded(True)
                self.table.setCurrentItem(item)

    def _show_outbox(self, state: OutboxState) -> None:
        text = f"Corrections signalées : {grouped(state.pending)} en attente d’envoi, {grouped(state.sent)} envoyée(s)."
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
            if is_configured(saved) and not self.controller.running:
                self.controller.start("nouveaux réglages")  # before the announce, which may start one « au démarrage »
            self.app.announce(Changes(settings=True, directory=True, sync=True))

        self.app.runner.db(task).success(done).failure(lambda e: self.status.setText(e.message)).run()

    def synchronise(self) -> None:
        if not is_configured(self.app.settings):
            self.status.setText("Indiquez l’adresse du serveur et le jeton d’inscription, puis enregistrez.")
            return
        if not self.controller.start("manuelle"):
            self.status.setText("Une synchronisation est déjà en cours.")

    def _started(self, reason: str) -> None:
        self.sync_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText(f"Synchronisation en cours ({REASONS.get(reason, reason)})…")

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
            self.status.setText(outcome_text(run))  # the status bar's own label tells the rest of the window

    def _failed(self, message: str) -> None:
        self._ended()
        self.status.setText(message)


def create_page(app: AppContext) -> Page:
    return SynchronisationPage(app)
