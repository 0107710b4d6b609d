"""The use case « open an article »: read it and clear its « nouveau » / « mis à jour » badge, since
reading it is what the badge waits for (the window and any other front end share it)."""

from __future__ import annotations

from dataclasses import dataclass

from milpj_desktop.changes import Changes
from milpj_desktop.content import repository as repo
from milpj_desktop.content.models import Article
from milpj_desktop.store import Store


@dataclass(frozen=True)
class Opened:
    """An article as the reader shows it: its badge before it was read, and whether it is a favourite."""

    article: Article
    badge: str | None
    favourite: bool


def open_article(store: Store, article_id: str) -> tuple[Opened | None, Changes]:
    """The article (None if a synchronisation removed it), and the content change if a badge was cleared."""
    with store.transaction() as conn:
        article = repo.get_article(conn, article_id)
        if article is None:
            return None, Changes()
        badge = repo.article_badge(conn, article_id)
        if badge:
            repo.mark_read(conn, article_id)
        return Opened(article, badge, repo.is_favourite(conn, article_id)), Changes(content=bool(badge))
