"""The reader's use cases: open an article (and clear its « nouveau » / « mis à jour » badge, since
reading it is what the badge waits for), mark it as a favourite; each says what it changed."""

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


def mark_favourite(store: Store, article_id: str, wanted: bool) -> tuple[bool, Changes]:
    """Add or remove the star (a local table no synchronisation touches); returns the new state."""
    with store.transaction() as conn:
        repo.set_favourite(conn, article_id, wanted)
    return wanted, Changes(favourites=True)
