"""Annuaire: find the nearest PMI, maternité, LAEP, town hall… by text, type, commune and distance."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from milpj_desktop.changes import Changes
from milpj_desktop.content.models import DIRECTORY_TYPE_IDS
from milpj_desktop.content.repository import list_stages
from milpj_desktop.directory import communes, repository
from milpj_desktop.directory.csvio import MAIRIES_COLUMNS, ImportReport, import_file, write_csv
from milpj_desktop.directory.csvmap import ColumnMapping, FilePreview, preview, write_model
from milpj_desktop.directory.listing import MAX_LISTED, list_html
from milpj_desktop.directory.models import TYPE_LABELS, DirectoryEntry
from milpj_desktop.directory.phone import format_phone
from milpj_desktop.directory.repository import StoredEntry
from milpj_desktop.directory.search import Filters, Row, search, search_rows
from milpj_desktop.directory.vcard import write_vcards
from milpj_desktop.handouts import Handout, Letterhead
from milpj_desktop.typography import grouped, typeset
from milpj_desktop.worker import TaskContext
from ui.annuaire_detail import DetailPanel, entry_html
from ui.annuaire_dialogs import CommuneCompleter, CorrectionDialog, EntryDialog
from ui.annuaire_import import ImportDialog, ReportDialog
from ui.annuaire_model import DirectoryTableModel
from ui.annuaire_table import DirectoryTable
from ui.clipboard import copy_text
from ui.context import AppContext
from ui.pages.base import Page
from ui.printing import in_qt_thread, write_pdf
from ui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QEvent,
    QFontMetricsF,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QModelIndex,
    QProgressBar,
    QPushButton,
    QResizeEvent,
    QSpinBox,
    QSplitter,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import choose_file, confirm_destructive

MIN_TEXT = 2  # one letter would match most of a national directory
SIDE_BY_SIDE_CHARS = 160  # narrower than this many average characters: the detail goes under the list


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
        self._shown_criteria: dict[str, Any] | None = None
        self._import_op: Any = None
        self.import_dialog: ImportDialog | None = None
        self.report_dialog: ReportDialog | None = None
        self._side_by_side: bool | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_top())
        layout.addLayout(self._build_filters())
        self.model = DirectoryTableModel()
        self.table = DirectoryTable(self.model)
        self.table.setObjectName("annuaire-liste")
        self.table.setAccessibleName("Structures trouvées")
        self.detail = DetailPanel(app.runner, lambda: self.now())
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)  # room gained goes mostly to the list
        self.splitter.setStretchFactor(1, 2)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        layout.addWidget(self.count_label)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self._build_message_row())
        self._tab_order()
        self._connect()
        self._fit_to_font()
        self._show_entry(None)
        # the gazetteer (≈ 0.5 s to load) is ready before the first commune is typed
        app.runner.background(lambda ctx: communes.gazetteer()).run()

    # -- building ------------------------------------------------------------------------------
    def _build_top(self) -> QHBoxLayout:
        top = QHBoxLayout()
        heading = QLabel("<h2>Annuaire</h2>")
        self.count_label = WrappedLine()
        self.count_label.setObjectName("annuaire-compte")
        self.count_label.setWordWrap(True)
        self.add_button = QPushButton("Ajouter une structure…")
        self.add_button.setAccessibleName("Ajouter une structure ou un professionnel sur ce poste")
        self.transfer_button = QPushButton("Importer / exporter")
        self.transfer_button.setObjectName("annuaire-importer-exporter")
        self.transfer_button.setAccessibleName("Importer ou exporter des structures")
        menu = QMenu(self.transfer_button)
        self.import_action = menu.addAction("Importer un fichier CSV…")
        self.model_action = menu.addAction("Enregistrer un modèle de fichier CSV…")
        menu.addSeparator()
        self.export_action = menu.addAction("Exporter la liste en CSV (Excel)…")
        self.vcard_action = menu.addAction("Exporter la liste en vCard…")
        self.pdf_action = menu.addAction("Imprimer la liste en PDF…")
        self.transfer_button.setMenu(menu)
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.transfer_button)
        return top

    def _build_filters(self) -> QVBoxLayout:
        self.search_field = QLineEdit()
        self.search_field.setObjectName("annuaire-recherche")
        self.search_field.setPlaceholderText("Nom, type, commune… (sans accents, début de mot)")
        self.search_field.setAccessibleName("Rechercher dans l'annuaire")
        self.search_field.setClearButtonEnabled(True)
        self.type_combo = QComboBox()
        self.type_combo.setAccessibleName("Type de structure ou de professionnel")
        self.type_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.type_combo.setMinimumContentsLength(10)
        self.type_combo.addItem("Tous les types", None)
        for type_id in DIRECTORY_TYPE_IDS:
            self.type_combo.addItem(TYPE_LABELS[type_id], type_id)
        self.open_now = QCheckBox("Ouvert maintenant")
        self.open_now.setObjectName("annuaire-ouvert")
        self.open_now.setAccessibleName("Ouvert maintenant (jours fériés compris)")
        self.open_now.setToolTip("Seulement les structures ouvertes en ce moment ; les jours fériés sont connus.")
        self.commune_field = QLineEdit()
        self.commune_field.setObjectName("annuaire-commune")
        self.commune_field.setPlaceholderText("Commune ou code postal")
        self.commune_field.setAccessibleName("Autour de la commune ou du code postal")
        self.commune_field.setClearButtonEnabled(True)
        self.completer = CommuneCompleter(self.commune_field)
        self.radius = QSpinBox()
        self.radius.setRange(0, 200)
        self.radius.setValue(10)
        self.radius.setSuffix(" km")
        self.radius.setSpecialValueText("la commune seule")
        self.radius.setAccessibleName("Rayon autour de la commune, en kilomètres")
        self.favourites_only = QCheckBox("Favoris")
        self.favourites_only.setObjectName("annuaire-favoris")
        self.favourites_only.setAccessibleName("Seulement les structures favorites")
        around = QLabel("&Autour de :")
        around.setBuddy(self.commune_field)
        radius = QLabel("&Rayon :")
        radius.setBuddy(self.radius)
        first = QHBoxLayout()
        first.addWidget(self.search_field, 3)
        first.addWidget(self.type_combo, 2)
        first.addWidget(self.open_now)
        second = QHBoxLayout()
        second.addWidget(around)
        second.addWidget(self.commune_field, 2)
        second.addWidget(radius)
        second.addWidget(self.radius, 1)
        second.addWidget(self.favourites_only)
        second.addStretch(1)
        rows = QVBoxLayout()
        rows.addLayout(first)
        rows.addLayout(second)
        return rows

    def _build_message_row(self) -> QHBoxLayout:
        """The page's one message area (import, export, note, correction): a fixed height, so a
        message never moves the list; the import's progress sits at its end while it runs."""
        row = QHBoxLayout()
        self.message = WrappedLine()
        self.message.setObjectName("annuaire-message")
        self.message.setAccessibleName("Messages de l'annuaire")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.progress = QProgressBar()
        self.progress.setObjectName("annuaire-import-progression")
        self.progress.setAccessibleName("Progression de l'import")
        self.progress.setFormat("%p %")
        self.cancel_button = QPushButton("Annuler l'import")
        self.progress.hide()
        self.cancel_button.hide()
        row.addWidget(self.message, 1)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        return row

    def _tab_order(self) -> None:
        chain: list[QWidget] = [
            self.search_field,
            self.type_combo,
            self.open_now,
            self.commune_field,
            self.radius,
            self.favourites_only,
            self.add_button,
            self.transfer_button,
            self.cancel_button,
            self.table,
            self.detail.browser,
            self.detail.copy_phone_button,
            self.detail.favourite_button,
            self.detail.correction_button,
            self.detail.edit_button,
            self.detail.delete_button,
            self.detail.note.edit,
        ]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _connect(self) -> None:
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(250)
        self.debounce.timeout.connect(self.refresh)
        self.search_field.textChanged.connect(lambda _: self.debounce.start())
        self.commune_field.textChanged.connect(lambda _: self.debounce.start())
        self.completer.activated.connect(lambda _: self.refresh())
        self.type_combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.radius.valueChanged.connect(lambda _: self.debounce.start())
        self.open_now.toggled.connect(lambda _: self.refresh())
        self.favourites_only.toggled.connect(lambda _: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.detail.copy_phone_button.clicked.connect(self.copy_phone)
        self.detail.favourite_button.clicked.connect(self.toggle_favourite)
        self.detail.correction_button.clicked.connect(self.signal_correction)
        self.detail.edit_button.clicked.connect(self.edit_entry)
        self.detail.delete_button.clicked.connect(self.delete_entry)
        self.detail.note.saved.connect(lambda entry_id, has: self.model.set_marks(entry_id, has_note=has))
        self.detail.note.failed.connect(self.say)
        self.add_button.clicked.connect(self.add_entry)
        self.import_action.triggered.connect(self.choose_import)
        self.model_action.triggered.connect(self.choose_model_csv)
        self.export_action.triggered.connect(lambda: self.choose_export("csv"))
        self.vcard_action.triggered.connect(lambda: self.choose_export("vcard"))
        self.pdf_action.triggered.connect(lambda: self.choose_export("pdf"))
        self.cancel_button.clicked.connect(self.cancel_import)

    # -- sizes: the detail beside the list when there is room, under it otherwise -----------------
    def _fit_to_font(self) -> None:
        metrics = QFontMetricsF(self.font())
        self.message.setFixedHeight(round(metrics.lineSpacing() * 2 + 4))
        self.search_field.setMinimumWidth(round(metrics.averageCharWidth() * 18))
        self.commune_field.setMinimumWidth(round(metrics.averageCharWidth() * 16))
        self._arrange()

    def _fit_count(self) -> None:
        """The count line as tall as its text needs at this width (one line mostly, two at 200 %)."""
        line = round(QFontMetricsF(self.count_label.font()).lineSpacing())
        self.count_label.setFixedHeight(max(self.count_label.heightForWidth(max(self.count_label.width(), 1)), line))

    def _arrange(self) -> None:
        self._fit_count()
        wide = self.width() >= QFontMetricsF(self.font()).averageCharWidth() * SIDE_BY_SIDE_CHARS
        if wide == self._side_by_side:
            return
        self._side_by_side = wide
        self.splitter.setOrientation(Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical)
        self.detail.set_side_by_side(not wide)
        total = max(self.splitter.width() if wide else self.splitter.height(), 100)
        share = 0.6 if wide else 0.55
        self.splitter.setSizes([round(total * share), round(total * (1 - share))])

    @property
    def side_by_side(self) -> bool:
        """Whether the detail sits beside the list (else under it)."""
        return bool(self._side_by_side)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._fit_to_font()

    def hideEvent(self, event: Any) -> None:
        self.detail.note.flush()  # leaving the page keeps the note
        super().hideEvent(event)

    # -- Page contract ---------------------------------------------------------------------
    def cares_about(self, changes: Changes) -> bool:
        return changes.directory

    def focus_search(self) -> bool:
        """Ctrl+F (the window's Rechercher action) lands here."""
        self.search_field.setFocus()
        self.search_field.selectAll()
        return True

    def show_entry(self, entry_id: str, name: str) -> None:
        """Open one structure asked from elsewhere (a result in Contenus): searched by its name, selected."""
        self.type_combo.blockSignals(True)
        self.type_combo.setCurrentIndex(0)
        self.type_combo.blockSignals(False)
        self.commune_field.clear()
        self.search_field.setText(name)
        self.debounce.stop()
        self._select_after = entry_id
        self.stale = False
        self.refresh()

    def clear(self) -> None:
        self.detail.note.flush()  # queued before the store closes: a note typed just before a lock is kept
        self._generation += 1
        self._shown_criteria = None
        self.model.clear()
        self._show_entry(None)
        self.count_label.clear()
        self.message.clear()

    def say(self, text: str) -> None:
        """The page's one message area (French spacing and apostrophes applied here, once)."""
        self.message.setText(typeset(text))
        self.message.setToolTip(typeset(text))

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
            found = communes.lookup(place_text)
            if not found.communes:
                return found.note or f"Commune ou code postal « {place_text} » introuvable."
            if found.ambiguous:  # never settled in silence: the list shows each with its département
                return communes.AmbiguousCommune(place_text, found.communes).message
            place = found.communes[0]
            if self.radius.value() == 0 or place.lat is None:
                chosen["commune"] = place
            else:
                chosen["around"] = place
                chosen["radius_km"] = float(self.radius.value())
        chosen["filters"] = Filters(
            open_at=self.now() if self.open_now.isChecked() else None,
            favourites_only=self.favourites_only.isChecked(),
        )
        return chosen

    def refresh(self) -> None:
        if not self.app.unlocked:
            return
        chosen = self.criteria()
        self._generation += 1
        generation = self._generation
        if isinstance(chosen, str):
            self.count_label.setText(typeset(chosen))
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
        """Show a search's rows: the same search (after a change) keeps the chosen structure; a new
        one starts at the top of the list."""
        same = _without_clock(chosen) == _without_clock(self._shown_criteria)
        self._shown_criteria = chosen
        keep = self._select_after or (self._current.id if self._current and same else None)
        self._select_after = None
        self.model.set_rows(rows, with_distance=chosen["around"] is not None)
        self.table.show_distance(chosen["around"] is not None)
        self.count_label.setText(count_text(len(rows), chosen))
        self._fit_count()
        row = self.model.row_of(keep) if keep else -1
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, DirectoryTableModel.NAME))
        else:
            self.table.scrollToTop()
            self._show_entry(None)

    # -- the selected entry ----------------------------------------------------------------
    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.detail.note.flush()  # the note typed for the structure being left is saved now
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
            self.search_field.text().strip()
            or self.commune_field.text().strip()
            or self.type_combo.currentData()
            or self.open_now.isChecked()
            or self.favourites_only.isChecked()
        )

    def _show_entry(self, stored: StoredEntry | None) -> None:
        self._current = stored
        if stored is None and self.model.rowCount() == 0 and not self.criteria_given():
            self.detail.browser.setHtml(
                "<p><b>L'annuaire est vide.</b></p><p>Ajoutez vos propres structures, importez un fichier CSV "
                "(par exemple le fichier des mairies, ou un tableau Excel enregistré en CSV), ou synchronisez "
                "avec le serveur national depuis la page Synchronisation.</p>"
            )
        elif stored is None:
            self.detail.browser.setHtml(
                "<p style='color:#3A3A3A'>Choisissez une structure dans la liste pour voir son détail.</p>"
            )
        else:
            self.detail.browser.setHtml(entry_html(stored, self.now(), self.stage_names))
        self.detail.note.show_note(stored.id if stored else None, stored.note if stored else "")
        self.detail.show_actions(stored)

    def copy_phone(self) -> None:
        if self._current is None or not self._current.entry.phone:
            return
        shown = format_phone(self._current.entry.phone)
        copy_text(shown)
        self.say(f"Numéro copié : {shown}")

    def save_note(self) -> None:
        """Save the note now (the editor also saves by itself)."""
        self.detail.note.flush()

    def toggle_favourite(self) -> None:
        if self._current is None:
            return
        stored, favourite = self._current, not self._current.favourite

        def task(ctx: TaskContext) -> None:
            with ctx.store.transaction() as conn:
                repository.set_favourite(conn, stored.id, favourite)

        def done(_: None) -> None:
            self.model.set_marks(stored.id, favourite=favourite)
            name = stored.entry.name
            self.say(f"« {name} » ajoutée aux favoris." if favourite else f"« {name} » retirée des favoris.")
            if self._current is not None and self._current.id == stored.id:
                self._current = replace(self._current, favourite=favourite)
                self.detail.set_favourite(favourite)
                self.detail.browser.setHtml(entry_html(self._current, self.now(), self.stage_names))
            if self.favourites_only.isChecked():
                self.refresh()

        self.detail.set_favourite(favourite)
        self.app.runner.db(task).success(done).failure(lambda e: self._favourite_failed(stored, e.message)).run()

    def _favourite_failed(self, stored: StoredEntry, message: str) -> None:
        self.detail.set_favourite(stored.favourite)
        self.say(message)

    def signal_correction(self) -> None:
        if self._current is None or self._current.origin != "national":
            return
        dialog = CorrectionDialog(self, self._current.entry)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.record_correction(self._current.id, dialog.message_text)

    def record_correction(self, national_id: str, message: str) -> None:
        """Put the request in the outbox; the synchronisation sends it."""

        def task(ctx: TaskContext) -> None:
            with ctx.store.transaction() as conn:
                repository.add_correction(conn, national_id, message)

        def done(_: None) -> None:
            self.say("Correction enregistrée : elle partira à la prochaine synchronisation.")
            self.app.announce(Changes(sync=True))

        self.app.runner.db(task).success(done).failure(lambda e: self.say(e.message)).run()

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
            self.say(f"« {entry.name} » enregistrée.")
            self.app.announce(Changes(directory=True))

        self.app.runner.db(task).success(done).failure(lambda e: self.say(e.message)).run()

    def delete_entry(self) -> None:
        if self._current is None or self._current.origin != "local":
            return
        name = self._current.entry.name
        if confirm_destructive(
            self,
            "Supprimer la structure",
            f"Supprimer définitivement « {name} », ajoutée sur ce poste, et sa note privée ?",
        ):
            self.delete_local(self._current.id)

    def delete_local(self, entry_id: str) -> None:
        def task(ctx: TaskContext) -> None:
            with ctx.store.transaction() as conn:
                repository.delete_local(conn, entry_id)

        def done(_: None) -> None:
            self._current = None
            self.say("Structure supprimée.")
            self.app.announce(Changes(directory=True))

        self.app.runner.db(task).success(done).failure(lambda e: self.say(e.message)).run()

    # -- import and export -----------------------------------------------------------------
    def choose_import(self) -> None:
        name, _ = choose_file(
            self, "Importer des structures", save=False, filters=["Fichiers CSV (*.csv *.txt)", "Tous (*)"]
        )
        if name:
            self.prepare_import(Path(name))

    def prepare_import(self, path: Path) -> None:
        """Read the file's first rows (off the window's thread), then ask which column is which."""
        self.app.runner.background(lambda ctx: preview(path, town_hall_columns=MAIRIES_COLUMNS)).success(
            lambda seen: self.show_import_step(path, seen)
        ).failure(lambda e: self.say(e.message)).run()

    def show_import_step(self, path: Path, seen: FilePreview) -> None:
        """The column choice with the preview; « Importer » starts, « Annuler » writes nothing."""
        dialog = ImportDialog(self, seen)
        dialog.accepted.connect(lambda: self.start_import(path, dialog.mapping()))
        dialog.rejected.connect(lambda: self.say(f"Import de {path.name} annulé : rien n'a été écrit."))
        self.import_dialog = dialog
        dialog.open()

    def choose_model_csv(self) -> None:
        name, _ = choose_file(
            self,
            "Enregistrer le modèle de fichier",
            save=True,
            filters=["CSV (*.csv)"],
            directory="modele-annuaire.csv",
        )
        if name:
            self.save_model_csv(Path(name))

    def save_model_csv(self, path: Path) -> None:
        self.app.runner.background(lambda ctx: write_model(path)).success(
            lambda _: self.say(f"Modèle enregistré : {path}. Remplissez-le dans un tableur, puis importez-le.")
        ).failure(lambda e: self.say(e.message)).run()

    def start_import(self, path: Path, mapping: ColumnMapping | None = None) -> None:
        """Import in one transaction with a progress bar; "Annuler" rolls everything back."""
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.transfer_button.setEnabled(False)
        self.say(f"Import de {path.name}…")

        def task(ctx: TaskContext) -> ImportReport:
            with ctx.store.transaction() as conn:
                return import_file(
                    conn, path, mapping=mapping, progress=ctx.progress, check_cancelled=ctx.check_cancelled
                )

        def progress(done: int, total: int, label: str) -> None:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)

        def finished() -> None:
            self._import_op = None
            self.progress.hide()
            self.cancel_button.hide()
            self.transfer_button.setEnabled(True)

        def done(report: ImportReport) -> None:
            finished()
            self.say(report.summary())
            if report.errors or report.warnings:
                self.report_dialog = ReportDialog(self, report)
                self.report_dialog.open()
            self.app.announce(Changes(directory=True))

        def failed(message: str) -> None:
            finished()
            self.say(message)

        self._import_op = (
            self.app.runner.db(task)
            .progress(progress)
            .success(done)
            .failure(lambda e: failed(e.message))
            .on_cancel(lambda: failed("Import annulé : rien n'a été écrit."))
            .run()
        )

    def cancel_import(self) -> None:
        if self._import_op is not None:
            self._import_op.cancel()
            self.cancel_button.setEnabled(False)

    def choose_export(self, kind: str) -> None:
        filters = {"csv": "CSV pour Excel (*.csv)", "vcard": "vCard (*.vcf)", "pdf": "PDF (*.pdf)"}
        suffix = {"csv": "csv", "vcard": "vcf", "pdf": "pdf"}[kind]
        name, _ = choose_file(
            self,
            "Imprimer la liste en PDF" if kind == "pdf" else "Exporter la liste affichée",
            save=True,
            filters=[filters[kind]],
            directory=f"annuaire.{suffix}",
        )
        if not name:
            return
        path = Path(name) if name.lower().endswith(f".{suffix}") else Path(f"{name}.{suffix}")
        if kind == "pdf":
            self.print_list(path)
        else:
            self.export_to(path, vcard=kind == "vcard")

    def export_to(self, path: Path, *, vcard: bool) -> None:
        """Write the entries the list shows (same criteria), as CSV (French Excel) or vCard."""
        chosen = self.criteria()
        if isinstance(chosen, str):
            self.say(chosen)
            return

        def task(ctx: TaskContext) -> int:
            entries = [h.entry for h in search(ctx.store.conn, limit=None, **chosen)]
            return write_vcards(path, entries) if vcard else write_csv(path, entries)

        self.app.runner.db(task).success(
            lambda count: self.say(f"{structures(count)} exportée{'s' if count > 1 else ''} : {path}")
        ).failure(lambda e: self.say(e.message)).run()

    def print_list(self, path: Path) -> None:
        """The structures the list shows as a printable PDF (name and type, address, phone, hours)."""
        chosen = self.criteria()
        if isinstance(chosen, str):
            self.say(chosen)
            return
        today = self.now().date()
        letterhead = Letterhead.from_settings(self.app.settings, today)
        self.say("Préparation de la liste…")

        def read(ctx: TaskContext) -> list[DirectoryEntry]:
            return [h.entry for h in search(ctx.store.conn, limit=MAX_LISTED + 1, **chosen)]

        def render(entries: list[DirectoryEntry]) -> None:
            if len(entries) > MAX_LISTED:
                self.say(f"Plus de {grouped(MAX_LISTED)} structures : précisez la recherche avant d'imprimer.")
                return
            if not entries:
                self.say("Aucune structure à imprimer : la liste est vide.")
                return
            subtitle = list_subtitle(len(entries), chosen)
            handout = Handout(
                template_id="liste-annuaire",
                title="Liste de structures",
                html=list_html(entries, heading="Structures utiles", subtitle=subtitle),
                params={},
                large_print=False,
                letterhead=letterhead,
                doc_title=f"Liste de structures — {subtitle}",
            )

            def write(ctx: TaskContext) -> int:
                return in_qt_thread(lambda: write_pdf([handout], path))

            count = len(entries)
            self.app.runner.background(write).success(
                lambda pages: self.say(
                    f"Liste imprimée en PDF ({structures(count)}, {pages} page{'s' if pages > 1 else ''}) : {path}"
                )
            ).failure(lambda e: self.say(e.message)).run()

        self.app.runner.db(read).success(render).failure(lambda e: self.say(e.message)).run()


class WrappedLine(QLabel):
    """A wrapping label that does not make the whole page height-for-width: in the window's scroll
    area such a page is never shorter than its preferred height, so at 200 % text the list would be
    pushed below the screen instead of getting shorter."""

    def hasHeightForWidth(self) -> bool:
        return False


def structures(count: int) -> str:
    """« 1 structure », « 12 345 structures » (narrow no-break space between thousands)."""
    return f"{grouped(count)} structure{'s' if count > 1 else ''}"


def count_text(count: int, chosen: dict[str, Any]) -> str:
    """What the list holds, in words: « 3 structures à moins de 10 km de Besançon, ouvertes maintenant »."""
    where = ""
    if chosen["around"] is not None:
        where = f" à moins de {chosen['radius_km']:g} km de {chosen['around'].name}"
    elif chosen["commune"] is not None:
        where = f" à {chosen['commune'].name}"
    filters: Filters = chosen["filters"]
    plural = "s" if count > 1 else ""
    extra = []
    if filters.open_at is not None:
        extra.append(f"ouverte{plural} maintenant")
    if filters.favourites_only:
        extra.append("parmi les favoris")
    return typeset(structures(count) + where + "".join(f", {e}" for e in extra))


def list_subtitle(count: int, chosen: dict[str, Any]) -> str:
    """What a printed list holds: the count and place, then the type and the words searched."""
    parts = [count_text(count, chosen)]
    if chosen["types"]:
        parts.append("type : " + ", ".join(TYPE_LABELS[t] for t in chosen["types"]))
    if chosen["text"]:
        parts.append(f"recherche : « {chosen['text']} »")
    return typeset(" — ".join(parts))


def _without_clock(chosen: dict[str, Any] | None) -> Any:
    """The criteria without the instant « ouvert maintenant » was asked at (same search, later)."""
    if chosen is None:
        return None
    filters: Filters = chosen["filters"]
    return {**chosen, "filters": (filters.open_at is not None, filters.favourites_only)}


def create_page(app: AppContext) -> Page:
    return AnnuairePage(app)
