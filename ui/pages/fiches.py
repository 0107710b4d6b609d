"""Fiches: pick a template, fill its parameters, see it live, print it, save it as PDF, reprint from history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from milpj_desktop.changes import Changes
from milpj_desktop.content import repository
from milpj_desktop.directory.repository import get_entry
from milpj_desktop.directory.search import text_search
from milpj_desktop.errors import KnownError
from milpj_desktop.handouts import Handout, HandoutError, HandoutTemplate, load_templates, prepare
from milpj_desktop.handouts.history import PrintRecord, clear_prints, list_prints
from milpj_desktop.handouts.ics import calendar_dates, calendar_ics, write_ics
from milpj_desktop.typography import typeset
from milpj_desktop.worker import TaskContext
from ui.context import AppContext
from ui.fiches_batch import BatchDialog
from ui.fiches_entries import DirectoryLookup, Found, entry_label
from ui.fiches_history import HistoryModel
from ui.fiches_job import HandoutJob, JobRequest
from ui.fiches_params import ParamForm, References, people_message
from ui.fiches_preview import PagePreview
from ui.pages.base import Page
from ui.printing import PageImages, in_qt_thread, prepare_printer, print_to, render_page_images
from ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPrintDialog,
    QPrinter,
    QPrintPreviewDialog,
    QPushButton,
    QResizeEvent,
    QScrollArea,
    QShowEvent,
    QSpinBox,
    QSplitter,
    QStyle,
    Qt,
    QTableView,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ui.scrolled import FlowingButtons
from ui.widgets import choose_file, confirm_destructive

PREVIEW_DELAY_MS = 350


class FichesPage(Page):
    title = "Fiches"
    object_name = "page-fiches"

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        self.templates: dict[str, HandoutTemplate] = {}
        self.refs = References()
        self.form: ParamForm | None = None
        self.current: Handout | None = None
        self.job: HandoutJob | None = None
        self.batch_dialog: BatchDialog | None = None
        self.preview_generation = 0
        self.kept: dict[str, dict[str, str]] = {}  # what was typed for each template, kept when switching
        self.lookup = DirectoryLookup(search=self._search_entries, names=self._name_entries)
        self._asked: tuple[str, dict[str, str]] | None = None  # prepare() before the templates are loaded
        # What talks to the person (file and printer dialogs): replaceable, so tests drive the real flow.
        self.ask_pdf_path: Callable[[str], Path | None] = self._ask_pdf_path
        self.ask_printer: Callable[[QPrinter], bool] = self._ask_printer
        self.ask_ics_path: Callable[[str], Path | None] = self._ask_ics_path

        layout = QVBoxLayout(self)
        heading = QLabel("<h2>Fiches à imprimer pour les familles</h2>")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        tabs = QTabWidget()
        tabs.setObjectName("fiches-onglets")
        tabs.setAccessibleName("Préparer une fiche ou consulter l’historique")
        layout.addWidget(tabs)

        # -- Préparer ------------------------------------------------------------------------
        prepare_tab = QWidget()
        self.prepare_tab = prepare_tab
        split = QSplitter()
        split.setObjectName("fiches-partage")
        split.setChildrenCollapsible(False)
        self.split = split
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.template_list = QListWidget()
        self.template_list.setObjectName("fiches-modeles")
        self.template_list.setAccessibleName("Modèles de fiches")
        self.template_list.setMaximumHeight(130)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        self.form_area.setObjectName("fiches-parametres")
        self.form_area.setAccessibleName("Réglages de la fiche")
        options = QHBoxLayout()
        self.large_print = QCheckBox("Gros caractères")
        self.large_print.setObjectName("fiches-gros-caracteres")
        self.large_print.setToolTip(
            "Texte de 15 points et plus d'espace, pour les personnes malvoyantes ou peu à l'aise avec la lecture"
        )
        self.copies = QSpinBox()
        self.copies.setRange(1, 99)
        self.copies.setPrefix("Exemplaires : ")
        self.copies.setObjectName("fiches-exemplaires")
        self.copies.setAccessibleName("Nombre d'exemplaires")
        options.addWidget(self.large_print)
        options.addWidget(self.copies)
        options.addStretch(1)
        self.preview_button = QPushButton("Aperçu avant impression…")
        self.print_button = QPushButton("Imprimer…")
        self.pdf_button = QPushButton("Enregistrer en PDF…")
        self.batch_button = QPushButton("En lot…")
        self.ics_button = QPushButton("Agenda (.ics)…")
        self.ics_button.setToolTip(
            "Les rendez-vous du calendrier dans un fichier d’agenda, pour le téléphone de la famille"
        )
        for button, name in (
            (self.preview_button, "fiches-apercu"),
            (self.print_button, "fiches-imprimer"),
            (self.pdf_button, "fiches-pdf"),
            (self.batch_button, "fiches-lot"),
            (self.ics_button, "fiches-ics"),
        ):
            button.setObjectName(name)
        self.action_buttons = actions = FlowingButtons(
            [self.preview_button, self.print_button, self.pdf_button, self.batch_button, self.ics_button]
        )
        self.feedback = QLabel()
        self.feedback.setObjectName("fiches-retour")
        self.feedback.setWordWrap(True)
        left_layout.addWidget(QLabel("<b>Modèle</b>"))
        left_layout.addWidget(self.template_list)
        left_layout.addWidget(self.description)
        left_layout.addWidget(self.form_area, 1)
        left_layout.addLayout(options)
        left_layout.addWidget(actions)
        left_layout.addWidget(self.feedback)
        self.preview = PagePreview()
        self.preview.setObjectName("fiches-apercu-direct")
        self.preview.zoom_changed.connect(self._render_preview)
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        prepare_layout = QVBoxLayout(prepare_tab)
        prepare_layout.addWidget(split)
        tabs.addTab(prepare_tab, "Préparer")

        # -- Historique ----------------------------------------------------------------------
        history_tab = QWidget()
        history_layout = QVBoxLayout(history_tab)
        kept = QLabel(
            typeset(
                "Fiches déjà imprimées. On garde le modèle, ses réglages (commune, articles, structures "
                "choisies), les options et la date d'impression ; jamais de nom, de date de naissance, "
                "de terme, de date de rendez-vous ni la ligne libre."
            )
        )
        kept.setWordWrap(True)
        kept.setObjectName("fiches-historique-explication")
        history_layout.addWidget(kept)
        self.history_model = HistoryModel({})
        self.history = QTableView()
        self.history.setObjectName("fiches-historique")
        self.history.setModel(self.history_model)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.verticalHeader().setVisible(False)
        history_layout.addWidget(self.history)
        self.reprint_button = QPushButton("Réimprimer")
        self.reprint_button.setObjectName("fiches-reimprimer")
        self.reload_button = QPushButton("Reprendre dans « Préparer »")
        self.clear_history_button = QPushButton("Effacer l’historique…")
        history_layout.addWidget(FlowingButtons([self.reprint_button, self.reload_button, self.clear_history_button]))
        tabs.addTab(history_tab, "Historique")
        self.tabs = tabs

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self.update_preview)
        self.template_list.currentRowChanged.connect(self._template_chosen)
        self.large_print.toggled.connect(lambda _: self.schedule_preview())
        self.preview_button.clicked.connect(self.print_preview)
        self.print_button.clicked.connect(self.print_handout)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.batch_button.clicked.connect(self.open_batch)
        self.ics_button.clicked.connect(self.save_ics)
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.reload_button.clicked.connect(self.reload_selected)
        self.history.doubleClicked.connect(lambda _: self.reload_selected())
        self.clear_history_button.clicked.connect(self.clear_history)
        self._set_actions_enabled(False)

    # -- Page contract --------------------------------------------------------------------------
    def _side_by_side_width(self) -> int:
        """The width the form (its buttons on one row) and the preview need next to each other."""
        preview = self.split.widget(1)
        assert preview is not None
        margins = 0
        for layout in (self.layout(), self.prepare_tab.layout()):
            if layout is not None:
                margins += layout.contentsMargins().left() + layout.contentsMargins().right()
        frame = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
        form: int = self.action_buttons.row_width()
        return form + preview.minimumSizeHint().width() + self.split.handleWidth() + margins + frame

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(event.size().width())
        super().resizeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        self._arrange(self.width())
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # the text size changed: the width needed too
            self._arrange(self.width())
        super().changeEvent(event)

    def _arrange(self, width: int) -> None:
        """Preview beside the form when both fit in the width shown, else under it (large text, small window)."""
        shown = self.parentWidget()  # the scroll area's viewport: the page never gets narrower than its minimum
        available = min(width, shown.width()) if shown is not None else width
        wanted = Qt.Orientation.Horizontal if available >= self._side_by_side_width() else Qt.Orientation.Vertical
        if self.split.orientation() != wanted:
            self.split.setOrientation(wanted)
            under = wanted == Qt.Orientation.Vertical  # then the page scrolls down to a preview of useful height
            self.preview.setMinimumHeight(8 * self.fontMetrics().height() if under else 0)

    def cares_about(self, changes: Changes) -> bool:
        return changes.handouts or changes.content or changes.settings

    def refresh(self) -> None:
        lookup = self.lookup

        def load(ctx: TaskContext) -> tuple[dict[str, HandoutTemplate], References, list[PrintRecord]]:
            templates = load_templates()
            refs = References(
                articles=[(a.id, a.title) for a in repository.list_article_summaries(ctx.store.conn)],
                stages=[(s.id, s.name) for s in repository.list_stages(ctx.store.conn)],
                directory=lookup,
            )
            return templates, refs, list_prints(ctx.store.conn)

        self.app.runner.db(load).success(self._loaded).failure(self._show_error).run()

    def clear(self) -> None:
        """On lock: forget the preview, the parameters typed (a birth date…) and the history shown."""
        self.preview_timer.stop()
        self.preview.clear()
        self.kept = {}
        self.current = None
        self.history_model.set_records([])
        self.feedback.clear()
        self._set_form(None)
        self.template_list.blockSignals(True)
        self.template_list.clear()
        self.template_list.blockSignals(False)
        self.templates = {}
        self._asked = None

    def prepare(self, template_id: str, params: dict[str, str]) -> None:
        """Another page asks for a handout (Contenus: Ctrl+P on an article): this template, these parameters."""
        self._asked = (template_id, params)
        if not self.stale and self.templates:
            self._prepare_asked()

    def _prepare_asked(self) -> None:
        if self._asked is not None and self._asked[0] in self.templates:
            (template_id, params), self._asked = self._asked, None
            self.template_list.setCurrentRow(list(self.templates).index(template_id))
            assert self.form is not None
            self.form.set_values(params)
            self.tabs.setCurrentIndex(0)

    # -- loading --------------------------------------------------------------------------------
    def _loaded(self, loaded: tuple[dict[str, HandoutTemplate], References, list[PrintRecord]]) -> None:
        templates, refs, records = loaded
        self.history_model.titles = {t.id: t.title for t in templates.values()}
        titles = dict(refs.articles)
        self.history_model.describe = lambda record: (
            templates[record.template_id].describe(record.params, article_titles=titles)
            if record.template_id in templates
            else record.params_text()
        )
        self.history_model.set_records(records)
        same = list(templates) == list(self.templates) and refs == self.refs
        self.templates, self.refs = templates, refs
        if same and self.form is not None:
            self.schedule_preview()
            self._prepare_asked()
            return
        current = self.current_template_id()
        self.template_list.blockSignals(True)
        self.template_list.clear()
        for template in templates.values():
            item = QListWidgetItem(template.title)
            item.setData(Qt.ItemDataRole.UserRole, template.id)
            item.setToolTip(template.manifest.description)
            self.template_list.addItem(item)
        self.template_list.blockSignals(False)
        ids = list(templates)
        if not self.form or current not in ids:
            self.large_print.setChecked(self.app.settings.large_print_default)
        self.template_list.setCurrentRow(ids.index(current) if current in ids else 0)
        self._template_chosen(self.template_list.currentRow())
        self._prepare_asked()

    def current_template_id(self) -> str | None:
        item = self.template_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _template_chosen(self, row: int) -> None:
        self._keep_values()
        template_id = self.current_template_id()
        template = self.templates.get(template_id or "")
        if template is None:
            self._set_form(None)
            return
        self.description.setText(template.manifest.description)
        form = ParamForm(template, self.refs)
        if template.id in self.kept:
            form.set_values(self.kept[template.id])
        form.changed.connect(self.schedule_preview)
        self._set_form(form)
        self.schedule_preview()

    def _keep_values(self) -> None:
        """Remember what the current form holds, so that coming back to its template finds it again."""
        if self.form is not None:
            self.kept[self.form.template.id] = {
                name: ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
                for name, value in self.form.raw_values().items()
            }

    def _set_form(self, form: ParamForm | None) -> None:
        old = self.form_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.form = form
        if form is not None:
            self.form_area.setWidget(form)
        else:
            self.description.clear()
        self._set_actions_enabled(False)

    def _set_actions_enabled(self, ready: bool) -> None:
        busy = self.job is not None
        for button in (self.preview_button, self.print_button, self.pdf_button):
            button.setEnabled(ready and not busy)
        self.batch_button.setEnabled(self.form is not None and not busy)
        calendar = self.form is not None and self.form.template.manifest.data == "calendar"
        self.ics_button.setVisible(calendar)
        self.ics_button.setEnabled(calendar and ready and not busy)

    # -- live preview ---------------------------------------------------------------------------
    def schedule_preview(self) -> None:
        self._set_actions_enabled(False)
        self.preview_timer.start()

    def request(self) -> JobRequest | None:
        template_id = self.current_template_id()
        if self.form is None or template_id is None:
            return None
        return JobRequest(template_id, self.form.raw_values(), self.large_print.isChecked(), copies=self.copies.value())

    def update_preview(self) -> None:
        """Prepare the handout on the store thread; only the latest request is shown."""
        request = self.request()
        if request is None:
            return
        self.preview_generation += 1
        generation = self.preview_generation
        settings = self.app.settings
        today = dt.date.today()

        def task(ctx: TaskContext) -> Handout:
            return prepare(
                ctx.store.conn,
                request.template_id,
                request.raw,
                settings=settings,
                today=today,
                large_print=request.large_print,
            )

        def shown(handout: Handout) -> None:
            if generation != self.preview_generation:
                return
            self.current = handout
            self.feedback.setText(handout.warning)
            self._set_actions_enabled(True)
            self._render_preview()

        def failed(error: KnownError) -> None:
            if generation != self.preview_generation:
                return
            self.current = None
            message = people_message(self.templates.get(request.template_id), error, request.raw)
            self.feedback.setText(message)
            self.preview.show_message(message)
            self._set_actions_enabled(False)

        self.app.runner.db(task).success(shown).failure(failed).run()

    def _render_preview(self) -> None:
        """The pages of the current handout as images, drawn off the GUI thread like the PDF."""
        handout = self.current
        if handout is None:
            return
        generation = self.preview_generation
        dpi = self.preview.dpi()

        def task(ctx: TaskContext) -> PageImages:
            return in_qt_thread(lambda: render_page_images(handout, dpi=dpi))

        def drawn(pages: PageImages) -> None:
            if generation == self.preview_generation and handout is self.current:
                self.preview.set_pages(pages.images, pages.text)

        self.app.runner.background(task).success(drawn).failure(self._show_error).run()

    # -- directory look-ups for the entries pickers ------------------------------------------------
    def _search_entries(self, text: str, done: Callable[[Found], None]) -> None:
        def task(ctx: TaskContext) -> Found:
            return [(hit.id, entry_label(hit.entry)) for hit in text_search(ctx.store.conn, text, limit=30)]

        self.app.runner.db(task).success(done).failure(self._show_error).run()

    def _name_entries(self, ids: list[str], done: Callable[[Found], None]) -> None:
        def task(ctx: TaskContext) -> Found:
            found = [(i, get_entry(ctx.store.conn, i)) for i in ids]
            return [(i, entry_label(stored.entry)) for i, stored in found if stored is not None]

        self.app.runner.db(task).success(done).failure(self._show_error).run()

    # -- outputs --------------------------------------------------------------------------------
    def _ask_pdf_path(self, suggested: str) -> Path | None:
        name, _ = choose_file(
            self,
            "Enregistrer la fiche en PDF",
            save=True,
            filters=["PDF (*.pdf)"],
            directory=str(Path.home() / suggested),
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")

    def _ask_printer(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Imprimer la fiche")
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _new_printer(self, copies: int, title: str) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        prepare_printer(printer, copies=copies, title=title)
        return printer

    def save_pdf(self) -> None:
        request = self.request()
        if request is None:
            return
        path = self.ask_pdf_path(f"{request.template_id}.pdf")
        if path is not None:
            self._start(HandoutJob(self.app, request, pdf=path), f"PDF enregistré : {path}")

    def _ask_ics_path(self, suggested: str) -> Path | None:
        name, _ = choose_file(
            self,
            "Enregistrer l’agenda des rendez-vous",
            save=True,
            filters=["Agenda (*.ics)"],
            directory=str(Path.home() / suggested),
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == ".ics" else path.with_suffix(".ics")

    def save_ics(self) -> None:
        """The calendar's dated events as an .ics file the family imports in its phone's calendar."""
        request = self.request()
        template = self.templates.get(request.template_id) if request else None
        if request is None or template is None:
            return
        path = self.ask_ics_path("mes-1000-jours.ics")
        if path is None:
            return
        structure = self.app.settings.structure_name
        today, now = dt.date.today(), dt.datetime.now(dt.UTC)

        def task(ctx: TaskContext) -> int:
            birth, due = calendar_dates(template.validate(request.raw))
            data = calendar_ics(ctx.store.conn, birth=birth, due=due, today=today, now=now, structure=structure)
            write_ics(path, data)
            return data.count(b"BEGIN:VEVENT")

        def written(count: int) -> None:
            self.feedback.setText(f"Agenda enregistré : {path} ({count} rendez-vous).")

        self.app.runner.db(task).success(written).failure(self._show_error).run()

    def print_handout(self) -> None:
        request = self.request()
        if request is None or self.current is None:
            return
        printer = self._new_printer(request.copies, self.current.title)
        if self.ask_printer(printer):
            request.copies = max(1, printer.copyCount())
            self._start(HandoutJob(self.app, request, printer=printer), "Fiche envoyée à l'imprimante.")

    def print_current(self) -> bool:
        """Ctrl+P (the window's Imprimer action): print the handout being prepared."""
        if self.current is None:
            return False
        self.print_handout()
        return True

    def print_preview(self) -> None:
        """Qt's preview dialog paints on the GUI thread by design; a handout is a few pages."""
        if self.current is None:
            return
        handout = self.current
        printer = self._new_printer(self.copies.value(), handout.title)
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setWindowTitle(f"Aperçu — {handout.title}")
        dialog.paintRequested.connect(lambda target: self._paint_preview(target, handout))
        dialog.exec()

    def _paint_preview(self, printer: QPrinter, handout: Handout) -> None:
        try:
            print_to(printer, [handout], copies=1)  # the printer repeats the pages (copyCount)
        except KnownError as error:
            self.feedback.setText(error.message)

    def _start(self, job: HandoutJob, done_message: str) -> None:
        self.job = job
        self._set_actions_enabled(False)
        self.feedback.setText("Impression en cours…")
        job.on_progress = lambda done, total, label: self.feedback.setText(label)

        def finished(message: str) -> None:
            self.job = None
            self.feedback.setText(message)
            self._set_actions_enabled(self.current is not None)
            self.app.show_status(message)

        job.on_done = lambda pages: finished(f"{done_message} ({pages} page{'s' if pages > 1 else ''})")
        job.on_failed = finished
        job.on_cancelled = lambda: finished("Impression annulée.")
        job.start()

    def open_batch(self) -> None:
        request = self.request()
        template = self.templates.get(request.template_id) if request else None
        if request is None or template is None:
            return
        dialog = BatchDialog(
            self.app,
            template,
            request.raw,
            large_print=request.large_print,
            ask_pdf_path=self.ask_pdf_path,
            parent=self,
        )
        self.batch_dialog = dialog
        dialog.open()

    # -- history --------------------------------------------------------------------------------
    def selected_record(self) -> PrintRecord | None:
        rows = self.history.selectionModel().selectedRows()
        return self.history_model.record(rows[0].row()) if rows else None

    def load_record(self, record: PrintRecord) -> bool:
        ids = [self.template_list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.template_list.count())]
        if record.template_id not in ids:
            self.feedback.setText(f"Le modèle « {record.template_id} » n'existe plus.")
            return False
        self.template_list.setCurrentRow(ids.index(record.template_id))
        assert self.form is not None
        self.large_print.setChecked(record.large_print)
        self.copies.setValue(min(record.copies, self.copies.maximum()))
        self.form.set_values(record.params)
        return True

    def reload_selected(self) -> None:
        record = self.selected_record()
        if record is not None and self.load_record(record):
            self.tabs.setCurrentIndex(0)

    def reprint_selected(self) -> None:
        """One click: the same template, parameters and options, to the same kind of output."""
        record = self.selected_record()
        if record is None or not self.load_record(record):
            return
        template = self.templates[record.template_id]
        try:
            raw = template.validate(dict(record.params))
        except HandoutError as error:
            self.feedback.setText(error.message)
            return
        request = JobRequest(record.template_id, raw, record.large_print, copies=record.copies)
        if record.output == "pdf":
            path = self.ask_pdf_path(f"{record.template_id}.pdf")
            if path is not None:
                self._start(HandoutJob(self.app, request, pdf=path), f"PDF enregistré : {path}")
            return
        printer = self._new_printer(record.copies, template.title)
        if self.ask_printer(printer):
            self._start(HandoutJob(self.app, request, printer=printer), "Fiche envoyée à l'imprimante.")

    def confirm_clear(self) -> bool:
        """Clearing cannot be undone: « Effacer » / « Annuler », Annuler by default."""
        return confirm_destructive(
            self, "Historique des fiches", "Effacer tout l’historique des fiches imprimées ?", verb="Effacer"
        )

    def clear_history(self) -> None:
        if not self.confirm_clear():
            return

        def task(ctx: TaskContext) -> int:
            with ctx.store.transaction() as conn:
                return clear_prints(conn)

        self.app.runner.db(task).success(lambda _: self.app.announce(Changes(handouts=True))).run()

    def _show_error(self, error: KnownError) -> None:
        self.feedback.setText(error.message)


def create_page(app: AppContext) -> Page:
    return FichesPage(app)
