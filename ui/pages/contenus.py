"""Contenus: browse the library by stage and thématique, search as you type, read, star, and place a family.

Every read and write goes through app.runner.db; the search is debounced and only the answer to
the latest keystroke (or the latest row chosen) is shown. The reading view is HTML built from
escaped text (milpj_desktop/content/render.py): markup in a body is shown, never interpreted.
The page hands work to others through two signals the window connects: an article to print as
the advice handout (Fiches), a structure to open (Annuaire).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass

from milpj_desktop.changes import Changes
from milpj_desktop.content import repository as repo
from milpj_desktop.content.models import Article, Event, Stage, Theme
from milpj_desktop.content.reading import Opened, mark_favourite, open_article
from milpj_desktop.content.render import (
    ARTICLE_SCHEME,
    DIRECTORY_SCHEME,
    article_html,
    calendar_html,
    directory_hit_html,
)
from milpj_desktop.content.search import (
    KIND_ARTICLE,
    KIND_DIRECTORY,
    SearchResults,
    Snippet,
    global_search,
    query_terms,
)
from milpj_desktop.content.situation import Situation, family_dates, place_family
from milpj_desktop.content.timeline import TimelineError, current_stage
from milpj_desktop.typography import typeset
from milpj_desktop.worker import TaskContext
from ui.contenus_list import ContentListModel, ListRow, RichTextDelegate
from ui.contenus_situation import FamilyInput, SituationBox
from ui.context import AppContext
from ui.pages.base import Page
from ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDesktopServices,
    QEvent,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListView,
    QModelIndex,
    QObject,
    QPushButton,
    QResizeEvent,
    QScrollArea,
    QShortcut,
    QSplitter,
    Qt,
    QTextBrowser,
    QTimer,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)

SEARCH_DELAY_MS = 120
SEARCH_LIMIT = 40
EVENTS_SHOWN = 12
ADVICE_TEMPLATE = "fiche-conseil"  # the handout an article is printed as


@dataclass(frozen=True)
class Catalog:
    stages: list[Stage]
    themes: list[Theme]
    badges: dict[str, int]


@dataclass(frozen=True)
class Calendar:
    situation: Situation
    article_titles: dict[str, str]


class ContenusPage(Page):
    title = "Contenus"
    object_name = "page-contenus"

    handout_requested = Signal(str, object)  # template id, {parameter: text}: prepare it on Fiches
    entry_requested = Signal(str, str)  # directory entry id, its name: open it on Annuaire

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        self.today: Callable[[], dt.date] = dt.date.today
        self.stages: list[Stage] = []
        self.themes: list[Theme] = []
        self.current: ListRow | None = None
        self.current_article: Article | None = None
        self._generation = 0  # answers to older searches or lists are dropped
        self._reading = 0  # answers for a row the selection has since left are dropped
        self._filling = False

        layout = QVBoxLayout(self)
        heading = QLabel("<h2>Contenus des 1000 premiers jours</h2>")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.search = QLineEdit()
        self.search.setObjectName("recherche-contenus")
        self.search.setPlaceholderText("Rechercher un article ou une structure (Ctrl+F) — ex. : crèche, allaitement…")
        self.search.setAccessibleName("Rechercher un article ou une structure")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)

        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        splitter.addWidget(self._build_left())
        splitter.addWidget(self._build_reader())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([450, 550])

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._text_changed)
        self.search.returnPressed.connect(self._open_first)
        app.search_requested.connect(self.search_for)
        self.stage_combo.currentIndexChanged.connect(self._filters_changed)
        self.theme_combo.currentIndexChanged.connect(self._filters_changed)
        self.favourites_only.toggled.connect(self._filters_changed)
        self.situation_box.requested.connect(self.show_situation)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.list.activated.connect(self._activated)
        self.list.clicked.connect(self._clicked)
        self.favourite_button.clicked.connect(self.toggle_favourite)
        self.print_button.clicked.connect(self.print_current)
        self.open_entry_button.clicked.connect(self.open_current_entry)
        self.reader.anchorClicked.connect(self._link_clicked)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.search.clear)
        self._show_welcome()

    # -- layout --------------------------------------------------------------------------------
    def _build_left(self) -> QWidget:
        """Filters and the family form scroll on their own when the text is large; the list keeps its lines."""
        left = QWidget()
        outer = QVBoxLayout(left)
        outer.setContentsMargins(0, 0, 0, 0)
        controls = self.controls = QWidget()
        controls.installEventFilter(self)  # its height follows what it holds (form folded, result shown)
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 0, 0)
        self.controls_area = QScrollArea()
        self.controls_area.setObjectName("contenus-filtres")
        self.controls_area.setAccessibleName("Filtres et situation d'une famille")
        self.controls_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a stop of its own: its fields are
        self.controls_area.setWidgetResizable(True)
        self.controls_area.setFrameShape(QFrame.Shape.NoFrame)
        self.controls_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.controls_area.setWidget(controls)
        outer.addWidget(self.controls_area)
        filters = QFormLayout()
        filters.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        filters.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # large text: field under its label
        self.stage_combo = QComboBox()
        self.stage_combo.setObjectName("filtre-etape")
        self.stage_combo.setAccessibleName("Filtrer par étape")
        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("filtre-thematique")
        self.theme_combo.setAccessibleName("Filtrer par thématique")
        for combo in (self.stage_combo, self.theme_combo):  # long names do not widen the page
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(
                25
            )  # « Suite et fin de grossesse » whole; wraps under its label at large text
        self.favourites_only = QCheckBox("Favoris seulement")
        self.favourites_only.setObjectName("filtre-favoris")
        self.favourites_only.setToolTip("N'afficher que vos articles favoris")
        self.favourites_only.setAccessibleName("Favoris seulement")
        filters.addRow("Étape :", self.stage_combo)
        filters.addRow("Thématique :", self.theme_combo)
        column.addLayout(filters)

        self.situation_box = SituationBox()
        column.addWidget(self.situation_box)
        self.situation_label = QLabel()
        self.situation_label.setObjectName("situation-resultat")
        self.situation_label.setWordWrap(True)
        self.situation_label.hide()
        column.addWidget(self.situation_label)
        column = outer

        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        self.count_label.setObjectName("contenus-compte")
        count_row = QHBoxLayout()
        count_row.addWidget(self.count_label, 1)
        count_row.addWidget(self.favourites_only, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(count_row)
        self.model = ContentListModel(self)
        self.list = QListView()
        self.list.setObjectName("liste-contenus")
        self.list.setAccessibleName("Articles et structures")
        self.list.setModel(self.model)
        self.list.setItemDelegate(RichTextDelegate(self.list))
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAlternatingRowColors(True)
        column.addWidget(self.list, 1)
        self._keep_list_lines()
        return left

    def _keep_list_lines(self) -> None:
        """About eight lines of list at any text size; the filters above take what is left, and scroll."""
        line = self.fontMetrics().height()
        self.list.setMinimumHeight(line * 8)
        left = self.controls_area.parentWidget()
        room = (left.height() if left is not None else 0) - self.list.minimumHeight() - line * 3
        bar = self.controls_area.verticalScrollBar().sizeHint().width()
        self.controls_area.setMinimumWidth(self.controls.minimumSizeHint().width() + bar)  # nothing cut at the right
        wanted = self.controls.sizeHint().height()
        height = max(line * 3, min(wanted, room))
        if height != self.controls_area.height() or self.controls_area.minimumHeight() != height:
            self.controls_area.setFixedHeight(height)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # Ctrl++ / Ctrl+- change the application font
            self._keep_list_lines()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._keep_list_lines()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.controls and event.type() == QEvent.Type.LayoutRequest:
            QTimer.singleShot(0, self, self._keep_list_lines)
        return super().eventFilter(watched, event)

    def _build_reader(self) -> QWidget:
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.favourite_button = QPushButton()
        self.favourite_button.setObjectName("bouton-favori")
        self.favourite_button.setCheckable(True)
        self.favourite_button.setEnabled(False)
        self._set_favourite_button(False)
        self.print_button = QPushButton("Imprimer…")
        self.print_button.setObjectName("contenus-imprimer")
        self.print_button.setAccessibleName("Imprimer l'article en fiche conseil")
        self.print_button.setToolTip("Préparer la fiche conseil de cet article sur la page Fiches (Ctrl+P)")
        self.print_button.setEnabled(False)
        self.open_entry_button = QPushButton("Ouvrir dans l'Annuaire")
        self.open_entry_button.setObjectName("contenus-ouvrir-annuaire")
        self.open_entry_button.setAccessibleName("Ouvrir la structure dans l'Annuaire")
        self.open_entry_button.setToolTip("Horaires, note privée et corrections de cette structure (Entrée)")
        self.open_entry_button.hide()
        bar.addWidget(self.favourite_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.open_entry_button)
        bar.addStretch(1)
        column.addLayout(bar)
        self.reader = QTextBrowser()
        self.reader.setObjectName("lecture-contenu")
        self.reader.setAccessibleName("Lecture de l'article")
        self.reader.setOpenLinks(False)
        self.reader.setOpenExternalLinks(False)
        self.reader.document().setDocumentMargin(14)
        column.addWidget(self.reader, 1)
        return right

    # -- Page contract -------------------------------------------------------------------------
    def cares_about(self, changes: Changes) -> bool:
        return changes.content or changes.favourites or changes.directory

    def refresh(self) -> None:
        def load(ctx: TaskContext) -> Catalog:
            conn = ctx.store.conn
            return Catalog(repo.list_stages(conn), repo.list_themes(conn), repo.count_badges(conn))

        self.app.runner.db(load).success(self._show_catalog).run()

    def clear(self) -> None:
        """Forget everything shown: lists, article, search text and the family's date."""
        self._generation += 1
        self.timer.stop()
        self._filling = True
        self.search.clear()
        self.stage_combo.clear()
        self.theme_combo.clear()
        self.favourites_only.setChecked(False)
        self._filling = False
        self.situation_box.reset()
        self.situation_label.clear()
        self.situation_label.hide()
        self.stages, self.themes = [], []
        self.model.set_rows([])
        self.count_label.clear()
        self._show_nothing()
        self.reader.clear()

    # -- catalogue and browsing ----------------------------------------------------------------
    def _show_catalog(self, catalog: Catalog) -> None:
        if not self.app.unlocked:
            return
        self.stages, self.themes = catalog.stages, catalog.themes
        self._filling = True
        for combo, everything, items in (
            (self.stage_combo, "Toutes les étapes", [(s.id, s.name) for s in catalog.stages]),
            (self.theme_combo, "Toutes les thématiques", [(t.id, t.name) for t in catalog.themes]),
        ):
            keep = combo.currentData()
            combo.clear()
            combo.addItem(everything, None)
            for item_id, name in items:
                combo.addItem(name, item_id)
            found = combo.findData(keep)
            combo.setCurrentIndex(max(found, 0))
        self._filling = False
        if not self.current:
            self._show_welcome(catalog.badges)
        if self.search.text().strip():
            self.run_search()
        else:
            self.load_list()

    def _filters_changed(self) -> None:
        if self._filling:
            return
        if self.search.text().strip():
            self.search.clear()  # choosing a stage or a thématique means browsing again
        else:
            self.load_list()

    def load_list(self) -> None:
        """Articles of the chosen stage / thématique (favourites only if asked)."""
        self._generation += 1
        generation = self._generation
        stage, theme = self.stage_combo.currentData(), self.theme_combo.currentData()
        favourites = self.favourites_only.isChecked()

        def task(ctx: TaskContext) -> list[repo.ArticleSummary]:
            return repo.list_article_summaries(ctx.store.conn, stage=stage, theme=theme, favourites_only=favourites)

        def show(rows: list[repo.ArticleSummary]) -> None:
            if generation != self._generation or not self.app.unlocked:
                return
            self._set_rows([ListRow.from_summary(r) for r in rows], show_kind=False)
            count = len(rows)
            s = "s" if count > 1 else ""
            what = f"article{s} favori{s}" if favourites else f"article{s}"
            self.count_label.setText(f"{count} {what}" if count else "Aucun article.")

        self.app.runner.db(task).success(show).run()

    def _set_rows(self, rows: list[ListRow], *, show_kind: bool) -> None:
        self.model.set_rows(rows, show_kind=show_kind)
        if self.current is not None:
            number = self.model.find(self.current.kind, self.current.id)
            if number >= 0:
                self.list.selectionModel().blockSignals(True)
                self.list.setCurrentIndex(self.model.index(number, 0))
                self.list.selectionModel().blockSignals(False)

    # -- search ----------------------------------------------------------------------------------
    def _text_changed(self, text: str) -> None:
        if self._filling:
            return
        if text.strip():
            self.timer.start()
        else:
            self.timer.stop()
            self.load_list()

    def search_for(self, text: str) -> None:
        """A search asked from elsewhere (Accueil): show this page with the results."""
        self.app.navigate.emit(self.object_name)
        self.search.setText(text)
        self.focus_search()

    def focus_search(self) -> bool:
        """Ctrl+F (the window's Rechercher action) lands here."""
        self.search.setFocus()
        self.search.selectAll()
        return True

    def run_search(self) -> None:
        """Search articles and directory entries for the text typed; only the latest answer shows."""
        text = self.search.text().strip()
        if not text or not self.app.unlocked:
            return
        self._generation += 1
        generation = self._generation

        def task(ctx: TaskContext) -> tuple[SearchResults, set[str]]:
            conn = ctx.store.conn
            return global_search(conn, text, limit=SEARCH_LIMIT), set(repo.list_favourite_ids(conn))

        def show(result: tuple[SearchResults, set[str]]) -> None:
            if generation != self._generation or not self.app.unlocked:
                return
            hits, favourites = result
            rows = [ListRow.from_hit(h, favourite=h.kind == KIND_ARTICLE and h.id in favourites) for h in hits]
            self._set_rows(rows, show_kind=any(h.kind != KIND_ARTICLE for h in hits))
            count = len(rows)
            summary = (
                f"{count} résultat{'s' if count > 1 else ''} pour « {text} »"
                if count
                else f"Aucun résultat pour « {text} »."
            )
            if hits.directory_broad:
                summary += " Annuaire : trop de structures correspondent, précisez (une commune, un nom…)."
            self.count_label.setText(summary)

        self.app.runner.db(task).success(show).run()

    def _open_first(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.run_search()
            return
        if self.model.rowCount() > 0:
            self.list.setFocus()
            self.list.setCurrentIndex(self.model.index(0, 0))

    # -- reading -------------------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        """The reading pane follows the selection, from the mouse or the arrows."""
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is not None:
            self.open_row(row)

    def _activated(self, index: QModelIndex) -> None:
        """Entrée or a double click: a structure opens in the Annuaire, an article is (re)read."""
        row = self.model.row_at(index.row())
        if row is not None and row.kind == KIND_DIRECTORY:
            self.entry_requested.emit(row.id, row.title)
        elif row is not None and row != self.current:
            self.open_row(row)

    def _clicked(self, index: QModelIndex) -> None:
        """One click on a structure opens it in the Annuaire (the arrows only preview it here)."""
        row = self.model.row_at(index.row())
        if row is not None and row.kind == KIND_DIRECTORY:
            self.entry_requested.emit(row.id, row.title)

    def open_current_entry(self) -> None:
        if self.current is not None and self.current.kind == KIND_DIRECTORY:
            self.entry_requested.emit(self.current.id, self.current.title)

    def _show_nothing(self) -> None:
        """No article nor structure chosen: the actions on one are off."""
        self._reading += 1
        self.current = None
        self.current_article = None
        self.favourite_button.setEnabled(False)
        self._set_favourite_button(False)
        self.print_button.setEnabled(False)
        self.favourite_button.show()
        self.print_button.show()
        self.open_entry_button.hide()

    def open_row(self, row: ListRow) -> None:
        if row.kind == KIND_DIRECTORY and row.hit is not None:
            self._show_nothing()
            self.current = row
            self.favourite_button.hide()
            self.print_button.hide()
            self.open_entry_button.show()
            self.reader.setHtml(directory_hit_html(row.hit))
            return
        self.current = row
        self.open_article(row.id)

    def open_article(self, article_id: str) -> None:
        terms = query_terms(self.search.text()) if self.search.text().strip() else []
        self._reading += 1
        reading = self._reading

        def show(opened: Opened | None) -> None:
            if not self.app.unlocked or reading != self._reading:
                return
            self.favourite_button.show()
            self.print_button.show()
            self.open_entry_button.hide()
            if opened is None:
                self.current_article = None
                self.favourite_button.setEnabled(False)
                self.print_button.setEnabled(False)
                self.reader.setPlainText(
                    "Cet article n'existe plus dans vos contenus (retiré lors d'une synchronisation)."
                )
                return
            self.current_article = opened.article
            if self.current is None or self.current.id != article_id:
                self.current = ListRow(KIND_ARTICLE, article_id, opened.article.title, Snippet(opened.article.summary))
            self.reader.setHtml(
                article_html(
                    opened.article,
                    stage_names={s.id: s.name for s in self.stages},
                    theme_names={t.id: t.name for t in self.themes},
                    badge_label=repo.BADGE_LABELS.get(opened.badge) if opened.badge else None,
                    terms=terms,
                )
            )
            self.favourite_button.setEnabled(True)
            self.print_button.setEnabled(True)
            self._set_favourite_button(opened.favourite)
            if opened.badge:
                self.model.update_article(article_id, badge=None)

        self.app.runner.change(lambda ctx: open_article(ctx.store, article_id), origin=self).success(show).run()

    def print_current(self) -> bool:
        """Ctrl+P or « Imprimer… »: the article being read becomes the advice handout, on the Fiches page."""
        if self.current_article is None:
            return False
        self.handout_requested.emit(ADVICE_TEMPLATE, {"articles": self.current_article.id})
        return True

    def _set_favourite_button(self, favourite: bool) -> None:
        """A short toggle (« ★ Favori » pressed when it is one) so the bar fits at 200 % text."""
        self.favourite_button.setProperty("favori", favourite)
        self.favourite_button.setChecked(favourite)
        self.favourite_button.setText("★ Favori" if favourite else "☆ Favori")
        what = "Retirer l'article des favoris" if favourite else "Ajouter l'article aux favoris"
        self.favourite_button.setAccessibleName(what)
        self.favourite_button.setToolTip(what)

    def toggle_favourite(self) -> None:
        article = self.current_article
        if article is None:
            return
        wanted = not bool(self.favourite_button.property("favori"))

        def done(favourite: bool) -> None:
            if not self.app.unlocked:
                return
            self._set_favourite_button(favourite)
            self.model.update_article(article.id, favourite=favourite)
            self.app.show_status("Article ajouté aux favoris." if favourite else "Article retiré des favoris.")
            if self.favourites_only.isChecked() and not self.search.text().strip():
                self.load_list()

        # the page shows its own change at once: it is the origin, other views are told
        self.app.runner.change(lambda ctx: mark_favourite(ctx.store, article.id, wanted), origin=self).success(
            done
        ).run()

    def _link_clicked(self, url: QUrl) -> None:
        if url.scheme() == ARTICLE_SCHEME:
            article_id = url.path()
            number = self.model.find(KIND_ARTICLE, article_id)
            if number >= 0:
                self.list.setCurrentIndex(self.model.index(number, 0))
            else:
                self._show_nothing()
                self.list.clearSelection()
                self.open_article(article_id)
        elif url.scheme() == DIRECTORY_SCHEME and self.current is not None:
            self.entry_requested.emit(url.path(), self.current.title)
        elif url.scheme() == "https":
            QDesktopServices.openUrl(url)

    def _show_welcome(self, badges: dict[str, int] | None = None) -> None:
        news = ""
        if badges:
            parts = []
            if badges.get(repo.BADGE_NEW):
                count = badges[repo.BADGE_NEW]
                parts.append(f"{count} nouvel article" if count == 1 else f"{count} nouveaux articles")
            if badges.get(repo.BADGE_UPDATED):
                count = badges[repo.BADGE_UPDATED]
                parts.append(f"{count} article{'s' if count > 1 else ''} mis à jour")
            news = "<p><b>Depuis la dernière synchronisation :</b> " + " et ".join(parts) + ".</p>"
        self.reader.setHtml(
            "<h1>Bibliothèque des 1000 premiers jours</h1>"
            "<p>Tous les articles sont consultables sans connexion.</p>"
            "<ul><li>Tapez quelques lettres dans la recherche : les accents sont facultatifs "
            "(« creche » trouve « crèche »).</li>"
            "<li>Ou parcourez les articles par étape et par thématique.</li>"
            "<li>Indiquez le terme prévu, la date de naissance d'un enfant, le premier jour des dernières "
            "règles ou une échographie datée pour voir l'étape, ses articles, les rendez-vous à rattraper "
            "et les prochains.</li>"
            "<li>Ctrl+P sur un article prépare sa fiche conseil à imprimer pour la famille.</li></ul>" + news
        )

    # -- a family's stage ----------------------------------------------------------------------
    def show_situation(self) -> None:
        """Place the family: its stage's articles, its age, what to catch up and the dated events ahead."""
        given = self.situation_box.read()
        if given is None:
            self.situation_label.hide()
            return
        today = self.today()
        try:
            due, birth = family_dates(given.kind, given.day, today=today, weeks=given.weeks, days=given.days)
            stage_id = current_stage(due_date=due, birth_date=birth, today=today)
        except TimelineError as exc:
            self.situation_box.show_error(exc.message)
            self.situation_label.hide()
            return
        self._filling = True
        self.search.clear()
        self.theme_combo.setCurrentIndex(0)
        self.favourites_only.setChecked(False)
        self.stage_combo.setCurrentIndex(max(self.stage_combo.findData(stage_id), 0) if stage_id else 0)
        self._filling = False
        self.load_list()
        self._show_calendar(given, due, birth, today)

    def _show_calendar(self, given: FamilyInput, due: dt.date | None, birth: dt.date | None, today: dt.date) -> None:
        def task(ctx: TaskContext) -> Calendar:
            conn = ctx.store.conn
            titles = {a.id: a.title for a in repo.list_article_summaries(conn)}
            events: list[Event] = repo.list_events(conn)
            found = place_family(events, due_date=due, birth_date=birth, today=today, ahead=EVENTS_SHOWN)
            return Calendar(found, titles)

        def show(calendar: Calendar) -> None:
            if not self.app.unlocked:
                return
            found = calendar.situation
            stage = next((s for s in self.stages if s.id == found.stage_id), None)
            where = html.escape(typeset(found.position))
            self.situation_label.setText(
                f"{typeset('Étape :')} <b>{html.escape(stage.name)}</b> — {where}"
                if stage
                else f"Hors des 1000 premiers jours — {where}."
            )
            self.situation_label.show()
            self._show_nothing()
            self.list.clearSelection()
            self.reader.setHtml(
                calendar_html(
                    situation=found,
                    stage=stage,
                    today=today,
                    stage_names={s.id: s.name for s in self.stages},
                    article_titles=calendar.article_titles,
                )
            )

        self.app.runner.db(task).success(show).run()


def create_page(app: AppContext) -> Page:
    return ContenusPage(app)
