"""Annuaire: find the nearest PMI, maternité, LAEP, town hall… by text, type, commune and distance."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from milpj_desktop.changes import Changes
from milpj_desktop.content.models import DIRECTORY_TYPE_IDS
from milpj_desktop.content.repository import list_stages
from milpj_desktop.directory import communes, repository
from milpj_desktop.directory.csvio import ImportReport, import_file, write_csv
from milpj_desktop.directory.hours import describe_hours, open_status
from milpj_desktop.directory.models import (
    ACCESSIBILITY_LABELS,
    KIND_LABELS,
    LANGUAGE_NAMES,
    TYPE_LABELS,
    DirectoryEntry,
)
from milpj_desktop.directory.phone import format_phone, tel_uri
from milpj_desktop.directory.repository import StoredEntry
from milpj_desktop.directory.search import Row, search, search_rows
from milpj_desktop.directory.vcard import write_vcards
from milpj_desktop.worker import TaskContext
from ui.annuaire_dialogs import CommuneCompleter, CorrectionDialog, EntryDialog
from ui.annuaire_model import DirectoryTableModel
from ui.context import AppContext
from ui.pages.base import Page
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGuiApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QModelIndex,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTextBrowser,
    QTimer,
    QVBoxLayout,
    QWidget,
)

MIN_TEXT = 2  # one letter would match most of a national directory


def entry_html(stored: StoredEntry, now: dt.datetime, stage_names: dict[str, str]) -> str:
    """The detail pane: every field a professional needs, hours first."""
    entry = stored.entry
    esc = html.escape
    status = open_status(entry.hours, now)
    colour = "#18753C" if status.open_now else "#B34000"
    parts = [
        f"<h2>{esc(entry.name)}</h2>",
        f"<p>{esc(TYPE_LABELS[entry.type])} · {esc(KIND_LABELS[entry.kind])}"
        + (" · <i>fiche locale</i>" if stored.origin == "local" else "")
        + "</p>",
        f'<p><b style="color:{colour}">{esc(status.label)}</b></p>',
    ]
    hours = describe_hours(entry.hours)
    if hours:
        parts.append("<p>" + "<br>".join(esc(line) for line in hours) + "</p>")
    address = ", ".join(p for p in (entry.address, f"{entry.postcode} {entry.commune}".strip()) if p)
    rows: list[tuple[str, str]] = []
    if address:
        rows.append(("Adresse", esc(address)))
    if entry.phone:
        rows.append(("Téléphone", f'<a href="{esc(tel_uri(entry.phone))}">{esc(format_phone(entry.phone))}</a>'))
    if entry.email:
        rows.append(("Courriel", f'<a href="mailto:{esc(entry.email)}">{esc(entry.email)}</a>'))
    if entry.website:
        rows.append(("Site web", f'<a href="{esc(entry.website)}">{esc(entry.website)}</a>'))
    if entry.accessibility:
        rows.append(("Accessibilité", esc(ACCESSIBILITY_LABELS[entry.accessibility])))
    if entry.languages:
        rows.append(("Langues", esc(", ".join(LANGUAGE_NAMES.get(c, c) for c in entry.languages))))
    if entry.stages:
        rows.append(("Étapes", esc(", ".join(stage_names.get(s, s) for s in entry.stages))))
    if entry.source:
        rows.append(("Source", esc(entry.source)))
    rows.append(("Mise à jour", entry.updated_at.strftime("%d/%m/%Y")))
    parts.append(
        "<table cellspacing='0' cellpadding='3'>"
        + "".join(f"<tr><td><b>{label}</b></td><td>{value}</td></tr>" for label, value in rows)
        + "</table>"
    )
    return "".join(parts)


class AnnuairePage(Page):
    title = "Annuaire"
    object_name = "page-annuaire"

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        self.stage_names: dict[str, str] = {}  # stage id → name, from the store at each refresh
        self.now: Callable[[], dt.datetime] = dt.datetime.now
        self._generation = 0
        self._current: StoredEntry | None = None
        self._select_after: str | None = None
        self._import_op: Any = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Annuaire</h2>"))

        filters = QHBoxLayout()
        self.search_field = QLineEdit()
        self.search_field.setObjectName("annuaire-recherche")
        self.search_field.setPlaceholderText("Rechercher un nom, un type, une commune… (sans accents, début de mot)")
        self.search_field.setAccessibleName("Rechercher dans l'annuaire")
        self.search_field.setClearButtonEnabled(True)
        self.type_combo = QComboBox()
        self.type_combo.setAccessibleName("Type de structure ou de professionnel")
        self.type_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.type_combo.setMinimumContentsLength(10)
        self.type_combo.addItem("Tous les types", None)
        for type_id in DIRECTORY_TYPE_IDS:
            self.type_combo.addItem(TYPE_LABELS[type_id], type_id)
        self.commune_field = QLineEdit()
        self.commune_field.setObjectName("annuaire-commune")
        self.commune_field.setPlaceholderText("Commune ou code postal")
        self.commune_field.setAccessibleName("Commune ou code postal")
        self.commune_field.setClearButtonEnabled(True)
        self.commune_field.setMaximumWidth(240)
        self.completer = CommuneCompleter(self.commune_field)
        self.radius = QSpinBox()
        self.radius.setRange(0, 200)
        self.radius.setValue(10)
        self.radius.setSuffix(" km")
        self.radius.setSpecialValueText("la commune seule")
        self.radius.setAccessibleName("Rayon autour de la commune, en kilomètres")
        self.search_field.setMinimumWidth(180)
        filters.addWidget(self.search_field, 3)
        filters.addWidget(self.type_combo, 2)
        filters.addWidget(QLabel("Autour de :"))
        filters.addWidget(self.commune_field, 2)
        filters.addWidget(QLabel("Rayon :"))
        filters.addWidget(self.radius)
        layout.addLayout(filters)

        actions = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("annuaire-compte")
        self.add_button = QPushButton("Ajouter une fiche…")
        self.import_button = QPushButton("Importer un CSV…")
        self.export_button = QPushButton("Exporter la sélection…")
        self.export_button.setToolTip("Exporter les fiches affichées en CSV ou en vCard")
        self.progress = QProgressBar()
        self.progress.setObjectName("annuaire-import-progression")
        self.progress.setFormat("%p %")
        self.progress.setMaximumWidth(260)
        self.cancel_button = QPushButton("Annuler l'import")
        self.progress.hide()
        self.cancel_button.hide()
        actions.addWidget(self.count_label, 1)
        actions.addWidget(self.progress)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.add_button)
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)
        layout.addLayout(actions)

        self.model = DirectoryTableModel()
        self.table = QTableView()
        self.table.setObjectName("annuaire-liste")
        self.table.setAccessibleName("Résultats de l'annuaire")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DirectoryTableModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DirectoryTableModel.TYPE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DirectoryTableModel.COMMUNE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DirectoryTableModel.DISTANCE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(DirectoryTableModel.TYPE, 170)
        header.resizeSection(DirectoryTableModel.COMMUNE, 190)
        header.resizeSection(DirectoryTableModel.DISTANCE, 80)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        self.detail = QTextBrowser()
        self.detail.setObjectName("annuaire-detail")
        self.detail.setOpenExternalLinks(True)
        self.detail.setAccessibleName("Détail de la fiche")
        detail_layout.addWidget(self.detail, 3)
        buttons = QGridLayout()  # two rows: the detail pane stays narrow enough for the list
        self.copy_phone_button = QPushButton("Copier le téléphone")
        self.correction_button = QPushButton("Signaler une correction…")
        self.edit_button = QPushButton("Modifier…")
        self.delete_button = QPushButton("Supprimer")
        buttons.addWidget(self.copy_phone_button, 0, 0)
        buttons.addWidget(self.correction_button, 0, 1)
        buttons.addWidget(self.edit_button, 1, 0)
        buttons.addWidget(self.delete_button, 1, 1)
        detail_layout.addLayout(buttons)
        detail_layout.addWidget(QLabel("<b>Note privée</b> (chiffrée, jamais synchronisée ni exportée) :"))
        self.note = QPlainTextEdit()
        self.note.setObjectName("annuaire-note")
        self.note.setAccessibleName("Note privée sur la fiche")
        self.note.setMaximumHeight(110)
        detail_layout.addWidget(self.note, 1)
        note_row = QHBoxLayout()
        self.save_note_button = QPushButton("Enregistrer la note")
        self.feedback = QLabel()
        self.feedback.setObjectName("annuaire-retour")
        self.feedback.setWordWrap(True)
        note_row.addWidget(self.save_note_button)
        note_row.addWidget(self.feedback, 1)
        detail_layout.addLayout(note_row)

        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([620, 420])
        layout.addWidget(splitter, 1)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(250)
        self.debounce.timeout.connect(self.refresh)
        self.search_field.textChanged.connect(lambda _: self.debounce.start())
        self.commune_field.textChanged.connect(lambda _: self.debounce.start())
        self.completer.activated.connect(lambda _: self.refresh())
        self.type_combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.radius.valueChanged.connect(lambda _: self.debounce.start())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.copy_phone_button.clicked.connect(self.copy_phone)
        self.correction_button.clicked.connect(self.signal_correction)
        self.edit_button.clicked.connect(self.edit_entry)
        self.delete_button.clicked.connect(self.delete_entry)
        self.save_note_button.clicked.connect(self.save_note)
        self.add_button.clicked.connect(self.add_entry)
        self.import_button.clicked.connect(self.choose_import)
        self.cancel_button.clicked.connect(self.cancel_import)
        self.export_button.clicked.connect(self.choose_export)
        self._show_entry(None)
        # the gazetteer (≈ 0.5 s to load) is ready before the first commune is typed
        app.runner.background(lambda ctx: communes.gazetteer()).run()

    # -- Page contract ---------------------------------------------------------------------
    def cares_about(self, changes: Changes) -> bool:
        return changes.directory

    def focus_search(self) -> bool:
        """Ctrl+F (the window's Rechercher action) lands here."""
        self.search_field.setFocus()
        self.search_field.selectAll()
        return True

    def clear(self) -> None:
        self._generation += 1
        self.model.clear()
        self._show_entry(None)
        self.count_label.clear()
        self.feedback.clear()

    # -- searching -------------------------------------------------------------------------
    def criteria(self) -> dict[str, Any] | str:
        """What the filters ask for, or a French sentence saying what is missing."""
        text = self.search_field.text().strip()
        if 0 < len(text) < MIN_TEXT:
            return f"Tapez au moins {MIN_TEXT} lettres."
        chosen: dict[str, Any] = {"text": text or None, "types": None, "commune": None, "around": None}
        type_id = self.type_combo.currentData()
        if type_id:
            chosen["types"] = [type_id]
        place_text = self.commune_field.text().strip()
        if place_text:
            place = communes.resolve(place_text)
            if place is None:
                return f"Commune ou code postal « {place_text} » introuvable."
            if self.radius.value() == 0 or place.lat is None:
                chosen["commune"] = place
            else:
                chosen["around"] = place
                chosen["radius_km"] = float(self.radius.value())
        return chosen

    def refresh(self) -> None:
        if not self.app.unlocked:
            return
        chosen = self.criteria()
        self._generation += 1
        generation = self._generation
        if isinstance(chosen, str):
            self.count_label.setText(chosen)
            return
        self.count_label.setText("Recherche…")

        def task(ctx: TaskContext) -> tuple[list[Row], dict[str, str]]:
            names = {s.id: s.name for s in list_stages(ctx.store.conn)}  # the names the content pack gives
            return search_rows(ctx.store.conn, **chosen), names

        def done(found: tuple[list[Row], dict[str, str]]) -> None:
            if generation != self._generation:
                return  # a newer search is on its way
            rows, self.stage_names = found
            self._show_rows(rows, chosen)

        self.app.runner.db(task).success(done).failure(lambda e: self.count_label.setText(e.message)).run()

    def _show_rows(self, rows: list[Row], chosen: dict[str, Any]) -> None:
        keep = self._select_after or (self._current.id if self._current else None)
        self._select_after = None
        self.model.set_rows(rows, with_distance=chosen["around"] is not None)
        self.table.setColumnHidden(DirectoryTableModel.DISTANCE, chosen["around"] is None)
        count = f"{len(rows):,}".replace(",", "\u202f")
        where = ""
        if chosen["around"] is not None:
            where = f" à moins de {chosen['radius_km']:g} km de {chosen['around'].name}"
        elif chosen["commune"] is not None:
            where = f" à {chosen['commune'].name}"
        self.count_label.setText(f"{count} fiche{'s' if len(rows) > 1 else ''}{where}")
        row = self.model.row_of(keep) if keep else -1
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self._show_entry(None)

    # -- the selected entry ----------------------------------------------------------------
    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row())
        if row is None:
            self._show_entry(None)
            return
        entry_id = row.id

        def done(stored: StoredEntry | None) -> None:
            selected = self.model.row_at(self.table.currentIndex().row())
            if selected is not None and selected.id == entry_id:
                self._show_entry(stored)

        self.app.runner.db(lambda ctx: repository.get_entry(ctx.store.conn, entry_id)).success(done).run()

    def criteria_given(self) -> bool:
        """Whether the user narrowed the list (else an empty list means an empty directory)."""
        return bool(
            self.search_field.text().strip() or self.commune_field.text().strip() or self.type_combo.currentData()
        )

    def _show_entry(self, stored: StoredEntry | None) -> None:
        shown_before = self._current.id if self._current is not None else None
        self._current = stored
        if (stored.id if stored is not None else None) != shown_before:
            self.feedback.clear()  # a message about another entry; an import's report stays
        if stored is None and self.model.rowCount() == 0 and not self.criteria_given():
            self.detail.setHtml(
                "<p><b>L'annuaire est vide.</b></p><p>Ajoutez vos propres fiches, importez un fichier CSV "
                "(par exemple le fichier des mairies), ou synchronisez avec le serveur national depuis la page "
                "Synchronisation.</p>"
            )
            self.note.clear()
        elif stored is None:
            self.detail.setHtml("<p style='color:#666'>Choisissez une fiche dans la liste pour voir son détail.</p>")
            self.note.clear()
        else:
            self.detail.setHtml(entry_html(stored, self.now(), self.stage_names))
            self.note.setPlainText(stored.note)
        local = stored is not None and stored.origin == "local"
        self.copy_phone_button.setEnabled(stored is not None and bool(stored.entry.phone))
        self.correction_button.setEnabled(stored is not None and stored.origin == "national")
        self.edit_button.setEnabled(local)
        self.delete_button.setEnabled(local)
        self.note.setEnabled(stored is not None)
        self.save_note_button.setEnabled(stored is not None)

    def copy_phone(self) -> None:
        if self._current is None or not self._current.entry.phone:
            return
        shown = format_phone(self._current.entry.phone)
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(shown)
        self.feedback.setText(f"Numéro copié : {shown}")

    def save_note(self) -> None:
        if self._current is None:
            return
        entry_id, text = self._current.id, self.note.toPlainText()

        def task(ctx: TaskContext) -> None:
            with ctx.store.transaction() as conn:
                repository.set_note(conn, entry_id, text)

        self.app.runner.db(task).success(lambda _: self.feedback.setText("Note enregistrée.")).failure(
            lambda e: self.feedback.setText(e.message)
        ).run()

    def signal_correction(self) -> None:
        if self._current is None or self._current.origin != "national":
            return
        dialog = CorrectionDialog(self, self._current.entry.name)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.record_correction(self._current.id, dialog.message.toPlainText())

    def record_correction(self, national_id: str, message: str) -> None:
        """Put the request in the outbox; the synchronisation sends it."""

        def task(ctx: TaskContext) -> None:
            with ctx.store.transaction() as conn:
                repository.add_correction(conn, national_id, message)

        def done(_: None) -> None:
            self.feedback.setText("Correction enregistrée : elle partira à la prochaine synchronisation.")
            self.app.announce(Changes(sync=True))

        self.app.runner.db(task).success(done).failure(lambda e: self.feedback.setText(e.message)).run()

    # -- local entries ---------------------------------------------------------------------
    def add_entry(self) -> None:
        dialog = EntryDialog(self, stage_names=self.stage_names)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_entry is not None:
            self.save_local(None, dialog.result_entry)

    def edit_entry(self) -> None:
        if self._current is None or self._current.origin != "local":
            return
        dialog = EntryDialog(self, self._current.entry, stage_names=self.stage_names)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_entry is not None:
            self.save_local(self._current.id, dialog.result_entry)

    def save_local(self, entry_id: str | None, entry: DirectoryEntry) -> None:
        """Add (entry_id None) or replace a local entry, then show it."""

        def task(ctx: TaskContext) -> str:
            with ctx.store.transaction() as conn:
                if entry_id is None:
                    return repository.add_local(conn, entry)
                repository.update_local(conn, entry_id, entry)
                return entry_id

        def done(saved_id: str) -> None:
            self._select_after = saved_id
            self.feedback.setText("Fiche enregistrée.")
            self.app.announce(Changes(directory=True))

        self.app.runner.db(task).success(done).failure(lambda e: self.feedback.setText(e.message)).run()

    def delete_entry(self) -> None:
        if self._current is None or self._current.origin != "local":
            return
        answer = QMessageBox.question(
            self,
            "Supprimer la fiche",
            f"Supprimer définitivement la fiche locale « {self._current.entry.name} » et sa note ?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.delete_local(self._current.id)

    def delete_local(self, entry_id: str) -> None:
        def task(ctx: TaskContext) -> None:
            with ctx.store.transaction() as conn:
                repository.delete_local(conn, entry_id)

        def done(_: None) -> None:
            self._current = None
            self.app.announce(Changes(directory=True))

        self.app.runner.db(task).success(done).failure(lambda e: self.feedback.setText(e.message)).run()

    # -- import and export -----------------------------------------------------------------
    def choose_import(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Importer des fiches", "", "Fichiers CSV (*.csv);;Tous (*)")
        if name:
            self.start_import(Path(name))

    def start_import(self, path: Path) -> None:
        """Import in one transaction with a progress bar; "Annuler" rolls everything back."""
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.import_button.setEnabled(False)
        self.feedback.setText(f"Import de {path.name}…")

        def task(ctx: TaskContext) -> ImportReport:
            with ctx.store.transaction() as conn:
                return import_file(conn, path, progress=ctx.progress, check_cancelled=ctx.check_cancelled)

        def progress(done: int, total: int, label: str) -> None:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)

        def finished() -> None:
            self._import_op = None
            self.progress.hide()
            self.cancel_button.hide()
            self.import_button.setEnabled(True)

        def done(report: ImportReport) -> None:
            finished()
            self.feedback.setText(report.summary())
            if report.errors or report.warnings:
                lines = [f"ligne {n} : {r}" for n, r in report.errors[:15]]
                lines += [f"ligne {n} : {r}" for n, r in report.warnings[:15]]
                box = QMessageBox(self)
                box.setWindowTitle("Import terminé")
                box.setText(report.summary())
                box.setDetailedText("\n".join(lines))
                box.open()
            self.app.announce(Changes(directory=True))

        def failed(message: str) -> None:
            finished()
            self.feedback.setText(message)

        self._import_op = (
            self.app.runner.db(task)
            .progress(progress)
            .success(done)
            .failure(lambda e: failed(e.message))
            .on_cancel(lambda: failed("Import annulé : aucune fiche n'a été écrite."))
            .run()
        )

    def cancel_import(self) -> None:
        if self._import_op is not None:
            self._import_op.cancel()
            self.cancel_button.setEnabled(False)

    def choose_export(self) -> None:
        name, chosen_filter = QFileDialog.getSaveFileName(
            self, "Exporter les fiches affichées", "annuaire.csv", "CSV (*.csv);;vCard (*.vcf)"
        )
        if name:
            self.export_to(Path(name), vcard=name.lower().endswith(".vcf") or "vCard" in chosen_filter)

    def export_to(self, path: Path, *, vcard: bool) -> None:
        """Write the entries the list shows (same criteria), as CSV or vCard."""
        chosen = self.criteria()
        if isinstance(chosen, str):
            self.feedback.setText(chosen)
            return

        def task(ctx: TaskContext) -> int:
            entries = [h.entry for h in search(ctx.store.conn, limit=None, **chosen)]
            return write_vcards(path, entries) if vcard else write_csv(path, entries)

        self.app.runner.db(task).success(
            lambda count: self.feedback.setText(f"{count} fiche(s) exportée(s) : {path}")
        ).failure(lambda e: self.feedback.setText(e.message)).run()


def create_page(app: AppContext) -> Page:
    return AnnuairePage(app)
