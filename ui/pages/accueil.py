"""Accueil: what the store holds, what changed, and the way to the common tasks."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from milpj_desktop import PRODUCT_NAME
from milpj_desktop.changes import Changes
from milpj_desktop.content import repository as content
from milpj_desktop.directory import repository as directory
from milpj_desktop.settings import load_settings
from milpj_desktop.typography import grouped
from milpj_desktop.worker import TaskContext
from sync.freshness import (
    Freshness,
    content_phrase,
    directory_phrase,
    last_sync_phrase,
    read_freshness,
    server_phrase,
)
from sync.outbox import outbox_state
from ui.context import AppContext
from ui.pages.base import Page
from ui.qt import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, Qt, QVBoxLayout
from ui.scrolled import scrolled_body
from ui.spoken import SpokenLabel


@dataclass(frozen=True)
class Summary:
    """The figures the home page shows (no decrypted personal data beyond the structure's name)."""

    articles: int
    events: int
    pack_version: str
    structure: str
    favourites: int
    new_articles: int
    updated_articles: int
    national_entries: int
    local_entries: int
    pending_corrections: int
    freshness: Freshness


def load_summary(ctx: TaskContext) -> Summary:
    conn = ctx.store.conn
    badges = content.count_badges(conn)
    entries = directory.counts(conn)
    return Summary(
        articles=content.count_articles(conn),
        events=content.count_events(conn),
        pack_version=content.content_pack_version(conn) or "—",
        structure=load_settings(conn).structure_name,
        favourites=len(content.list_favourite_ids(conn)),
        new_articles=badges.get("new", 0),
        updated_articles=badges.get("updated", 0),
        national_entries=entries["national"],
        local_entries=entries["local"],
        pending_corrections=outbox_state(conn).pending,
        freshness=read_freshness(conn),
    )


def _n(value: int) -> str:
    return grouped(value)


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _plural(value: int, one: str, many: str) -> str:
    return f"<b>{_n(value)}</b> {one if value < 2 else many}"


def summary_html(summary: Summary) -> str:
    """The summary as rich text; every stored value is escaped, each freshness from its own last success."""
    freshness = summary.freshness
    lines = []
    if summary.structure:
        lines.append(f"Structure : <b>{html.escape(summary.structure)}</b>")
    lines.append(
        f"<b>{_escape(content_phrase(freshness))}</b> : "
        f"{_plural(summary.articles, 'article', 'articles')} et "
        f"{_plural(summary.events, 'rendez-vous', 'rendez-vous')} du calendrier "
        f"(version {html.escape(summary.pack_version)})."
    )
    if summary.new_articles or summary.updated_articles:
        lines.append(
            f"Depuis la dernière synchronisation : {_plural(summary.new_articles, 'nouvel article', 'nouveaux articles')}"
            f", {_plural(summary.updated_articles, 'article mis à jour', 'articles mis à jour')}."
        )
    mine = _plural(summary.local_entries, "structure ajoutée", "structures ajoutées") + " par vous"
    if any(part.departements for part in freshness.directory) or summary.national_entries:
        national = _plural(summary.national_entries, "structure nationale", "structures nationales")
        lines.append(f"<b>{_escape(directory_phrase(freshness))}</b> : {national} et {mine}.")
    else:
        lines.append(f"<b>{_escape(directory_phrase(freshness))}</b>. Annuaire local : {mine}.")
    if freshness.attempt_failed_after_success and freshness.last_attempt is not None:
        server = server_phrase(freshness.last_attempt)
        told = _escape(last_sync_phrase(freshness))
        lines.append(
            f"{told}." + (f" {_escape(server)} : ce qui est ci-dessus reste utilisable hors ligne." if server else "")
        )
    if summary.favourites:
        lines.append(f"Articles favoris : {_plural(summary.favourites, 'article', 'articles')}.")
    if summary.pending_corrections:
        lines.append(
            f"{_plural(summary.pending_corrections, 'signalement', 'signalements')} de correction en attente d’envoi "
            "(ils partiront à la prochaine synchronisation)."
        )
    return "".join(f"<p>{line}</p>" for line in lines)


TASKS = (
    ("Consulter les articles par étape", "page-contenus", "Ctrl+2"),
    ("Trouver un contact près d’une famille", "page-annuaire", "Ctrl+3"),
    ("Imprimer une fiche pour une famille", "page-fiches", "Ctrl+4"),
    ("Synchroniser avec le serveur national", "page-synchronisation", "Ctrl+5"),
)


class AccueilPage(Page):
    title = "Accueil"
    object_name = "page-accueil"

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        layout = QVBoxLayout(scrolled_body(self, "defilement-accueil", "Contenu de l’accueil"))
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        heading = QLabel(f"<h1>{html.escape(PRODUCT_NAME)}</h1>")
        heading.setWordWrap(True)
        layout.addWidget(heading)

        search_row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("accueil-recherche")
        self.search.setPlaceholderText(
            "Rechercher un article ou une structure, puis Entrée — ex. : sommeil, PMI Besançon"
        )
        self.search.setAccessibleName("Rechercher dans les contenus et l’annuaire")
        self.search_button = QPushButton("Rechercher")
        self.search_button.setAccessibleName("Rechercher")
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_button)
        layout.addLayout(search_row)
        self.search.returnPressed.connect(self._search)
        self.search_button.clicked.connect(self._search)

        box = QGroupBox("Vos données")
        box_layout = QVBoxLayout(box)
        self.body = SpokenLabel()
        self.body.setWordWrap(True)
        self.body.setObjectName("accueil-resume")
        self.body.setAccessibleName("Résumé des données")
        box_layout.addWidget(self.body)
        layout.addWidget(box)

        tasks = QGroupBox("Tâches courantes")
        self.task_grid = QGridLayout(tasks)
        self.task_buttons: dict[str, QPushButton] = {}
        for label, target, hint in TASKS:
            button = QPushButton(f"{label}  ({hint})")
            button.setObjectName(f"accueil-{target}")
            button.setToolTip(f"{label} ({hint})")
            button.setAccessibleName(label)
            button.setAccessibleDescription(f"Raccourci : {hint}")
            button.clicked.connect(lambda _=False, t=target: self.app.navigate.emit(t))
            self.task_buttons[target] = button
        self.task_columns = 0
        self._place_tasks(2)
        layout.addWidget(tasks)

        self.help = QLabel(
            "<p>Changez de page avec le menu de gauche ou <b>Ctrl+1</b> à <b>Ctrl+6</b>. <b>Ctrl+F</b> cherche dans "
            "la page, <b>Ctrl+L</b> verrouille immédiatement vos données, <b>F1</b> ouvre l’aide (tâches pas à pas et raccourcis).</p>"
        )
        self.help.setWordWrap(True)
        layout.addWidget(self.help)

    def _place_tasks(self, columns: int) -> None:
        """Two columns of task buttons when they fit side by side, else one (large text, small window)."""
        if columns == self.task_columns:
            return
        self.task_columns = columns
        for index, button in enumerate(self.task_buttons.values()):
            self.task_grid.addWidget(button, index // columns, index % columns)

    def resizeEvent(self, event: Any) -> None:
        widest = max(b.sizeHint().width() for b in self.task_buttons.values())
        spacing = self.task_grid.horizontalSpacing() + 4 * self.task_grid.contentsMargins().left() + 40
        self._place_tasks(2 if self.width() >= 2 * widest + spacing else 1)
        super().resizeEvent(event)

    def _search(self) -> None:
        text = self.search.text().strip()
        if text:
            self.app.search_requested.emit(text)

    def focus_search(self) -> bool:
        self.search.setFocus()
        self.search.selectAll()
        return True

    def cares_about(self, changes: Changes) -> bool:
        return changes.content or changes.settings or changes.directory or changes.favourites or changes.sync

    def refresh(self) -> None:
        self.app.runner.db(load_summary).success(self._show).run()

    def _show(self, summary: Summary) -> None:
        self.body.setText(summary_html(summary))

    def clear(self) -> None:
        self.body.setText("")
        self.search.clear()


def create_page(app: AppContext) -> Page:
    return AccueilPage(app)
