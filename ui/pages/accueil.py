"""Accueil: what the store holds, what changed, and the way to the common tasks."""

from __future__ import annotations

import html
from dataclasses import dataclass

from milpj_desktop.changes import Changes
from milpj_desktop.content import repository as content
from milpj_desktop.directory import repository as directory
from milpj_desktop.settings import load_settings
from milpj_desktop.worker import TaskContext
from sync.outbox import outbox_state
from ui.context import AppContext
from ui.pages.base import Page
from ui.qt import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, Qt, QVBoxLayout


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
    )


def _n(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def summary_html(summary: Summary) -> str:
    """The summary as rich text; every stored value is escaped."""
    lines = []
    if summary.structure:
        lines.append(f"Structure : <b>{html.escape(summary.structure)}</b>")
    lines.append(
        f"Contenus hors ligne : <b>{_n(summary.articles)}</b> fiche(s) et <b>{_n(summary.events)}</b> "
        f"rendez-vous du calendrier (version {html.escape(summary.pack_version)})."
    )
    if summary.new_articles or summary.updated_articles:
        lines.append(
            f"Depuis la dernière synchronisation : <b>{_n(summary.new_articles)}</b> nouvelle(s) fiche(s), "
            f"<b>{_n(summary.updated_articles)}</b> mise(s) à jour."
        )
    lines.append(
        f"Annuaire : <b>{_n(summary.national_entries)}</b> fiche(s) nationale(s) et "
        f"<b>{_n(summary.local_entries)}</b> fiche(s) ajoutée(s) par vous."
    )
    if summary.favourites:
        lines.append(f"Favoris : <b>{_n(summary.favourites)}</b> fiche(s).")
    if summary.pending_corrections:
        lines.append(
            f"<b>{_n(summary.pending_corrections)}</b> signalement(s) de correction en attente d'envoi "
            "(ils partiront à la prochaine synchronisation)."
        )
    return "".join(f"<p>{line}</p>" for line in lines)


class AccueilPage(Page):
    title = "Accueil"
    object_name = "page-accueil"

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        heading = QLabel("<h1>1000 premiers jours — outil des professionnels</h1>")
        heading.setWordWrap(True)
        layout.addWidget(heading)

        search_row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("accueil-recherche")
        self.search.setPlaceholderText(
            "Rechercher une fiche ou une structure, puis Entrée — ex. : sommeil, PMI Besançon"
        )
        self.search.setAccessibleName("Rechercher dans les contenus et l'annuaire")
        self.search_button = QPushButton("Rechercher")
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_button)
        layout.addLayout(search_row)
        self.search.returnPressed.connect(self._search)
        self.search_button.clicked.connect(self._search)

        box = QGroupBox("Vos données")
        box_layout = QVBoxLayout(box)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setObjectName("accueil-resume")
        self.body.setAccessibleName("Résumé des données")
        box_layout.addWidget(self.body)
        layout.addWidget(box)

        tasks = QGroupBox("Tâches courantes")
        grid = QGridLayout(tasks)
        self.task_buttons: dict[str, QPushButton] = {}
        for index, (label, target, hint) in enumerate(
            (
                ("Consulter les fiches par étape", "page-contenus", "Ctrl+2"),
                ("Trouver un contact près d'une famille", "page-annuaire", "Ctrl+3"),
                ("Imprimer une fiche pour une famille", "page-fiches", "Ctrl+4"),
                ("Synchroniser avec le serveur national", "page-synchronisation", "Ctrl+5"),
            )
        ):
            button = QPushButton(f"{label}  ({hint})")
            button.setObjectName(f"accueil-{target}")
            button.setToolTip(f"{label} ({hint})")
            button.clicked.connect(lambda _=False, t=target: self.app.navigate.emit(t))
            grid.addWidget(button, index // 2, index % 2)
            self.task_buttons[target] = button
        layout.addWidget(tasks)

        self.help = QLabel(
            "<p>Changez de page avec le menu de gauche ou <b>Ctrl+1</b> à <b>Ctrl+6</b>. <b>Ctrl+F</b> cherche dans "
            "la page, <b>Ctrl+L</b> verrouille immédiatement vos données, <b>F1</b> liste tous les raccourcis.</p>"
        )
        self.help.setWordWrap(True)
        layout.addWidget(self.help)

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
