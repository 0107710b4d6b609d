"""Accueil: what the store holds and where to go next."""

from __future__ import annotations

import html
from dataclasses import dataclass

from milpj_desktop.changes import Changes
from milpj_desktop.worker import TaskContext
from ui.context import AppContext
from ui.pages.base import Page
from ui.qt import QLabel, Qt, QVBoxLayout


@dataclass(frozen=True)
class Summary:
    articles: int
    events: int
    pack_version: str
    structure: str


def _summary(ctx: TaskContext) -> Summary:
    conn = ctx.store.conn
    articles = conn.execute("SELECT count(*) FROM article").fetchone()[0]
    events = conn.execute("SELECT count(*) FROM event").fetchone()[0]
    row = conn.execute("SELECT value FROM store_info WHERE key = 'content_pack_version'").fetchone()
    row2 = conn.execute("SELECT value FROM setting WHERE key = 'structure_name'").fetchone()
    structure = row2[0].strip('"') if row2 else ""
    return Summary(int(articles), int(events), row[0] if row else "—", structure)


class AccueilPage(Page):
    title = "Accueil"
    object_name = "page-accueil"

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.heading = QLabel("<h1>1000 premiers jours — outil des professionnels</h1>")
        self.heading.setWordWrap(True)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setObjectName("accueil-resume")
        self.body.setAccessibleName("Résumé des données")
        self.help = QLabel(
            "<p>Utilisez le menu de gauche ou les raccourcis <b>Ctrl+1</b> à <b>Ctrl+6</b> pour changer "
            "de page. <b>Ctrl+L</b> verrouille immédiatement vos données.</p>"
        )
        self.help.setWordWrap(True)
        for widget in (self.heading, self.body, self.help):
            layout.addWidget(widget)

    def cares_about(self, changes: Changes) -> bool:
        return changes.content or changes.settings or changes.directory

    def refresh(self) -> None:
        self.app.runner.db(_summary).success(self._show).run()

    def _show(self, summary: Summary) -> None:
        structure = f"<p>Structure : <b>{html.escape(summary.structure)}</b></p>" if summary.structure else ""
        self.body.setText(
            f"{structure}<p>Contenus disponibles hors ligne : <b>{summary.articles}</b> articles et "
            f"<b>{summary.events}</b> événements du calendrier (version {summary.pack_version}).</p>"
        )

    def clear(self) -> None:
        self.body.setText("")


def create_page(app: AppContext) -> Page:
    return AccueilPage(app)
