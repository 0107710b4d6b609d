"""Read and write content records in the store (no Qt, no network).

Writers take the connection of a transaction the caller owns (`with store.transaction() as conn:`):
the full-text index is kept in step inside that same transaction, so a rolled-back change leaves
no trace in the search either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from milpj_desktop.content import search
from milpj_desktop.content.models import Article, Event, Stage, Theme
from milpj_desktop.content.pack import ContentPack

BADGE_NEW = "new"
BADGE_UPDATED = "updated"
BADGES = (BADGE_NEW, BADGE_UPDATED)
BADGE_LABELS = {BADGE_NEW: "nouveau", BADGE_UPDATED: "mis à jour"}


# -- stages and thématiques ---------------------------------------------------------------------
def upsert_stage(conn: Any, stage: Stage) -> None:
    conn.execute(
        "INSERT INTO stage(id, ord, data) VALUES(?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET ord = excluded.ord, data = excluded.data",
        (stage.id, stage.order, stage.model_dump_json()),
    )


def delete_stage(conn: Any, stage_id: str) -> None:
    conn.execute("DELETE FROM stage WHERE id = ?", (stage_id,))


def upsert_theme(conn: Any, theme: Theme) -> None:
    conn.execute(
        "INSERT INTO theme(id, ord, data) VALUES(?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET ord = excluded.ord, data = excluded.data",
        (theme.id, theme.order, theme.model_dump_json()),
    )


def delete_theme(conn: Any, theme_id: str) -> None:
    conn.execute("DELETE FROM theme WHERE id = ?", (theme_id,))


def get_stage(conn: Any, stage_id: str) -> Stage | None:
    row = conn.execute("SELECT data FROM stage WHERE id = ?", (stage_id,)).fetchone()
    return Stage.model_validate_json(row[0]) if row else None


def get_theme(conn: Any, theme_id: str) -> Theme | None:
    row = conn.execute("SELECT data FROM theme WHERE id = ?", (theme_id,)).fetchone()
    return Theme.model_validate_json(row[0]) if row else None


def list_stages(conn: Any) -> list[Stage]:
    return [Stage.model_validate_json(r[0]) for r in conn.execute("SELECT data FROM stage ORDER BY ord")]


def list_themes(conn: Any) -> list[Theme]:
    return [Theme.model_validate_json(r[0]) for r in conn.execute("SELECT data FROM theme ORDER BY ord")]


# -- articles -----------------------------------------------------------------------------------
def upsert_article(conn: Any, article: Article, *, badge: str | None = None) -> None:
    """Insert or replace one article, its stage/theme links and its full-text entry.

    `badge` is what a synchronisation sets ('new' or 'updated'); None keeps the current badge.
    An article still marked 'new' stays 'new' when it is updated before being read.
    """
    if badge is not None and badge not in BADGES:
        raise ValueError(f"badge inconnu : {badge!r}")
    conn.execute(
        "INSERT INTO article(id, title, version, updated_at, data, badge) VALUES(?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET title = excluded.title, version = excluded.version, "
        "updated_at = excluded.updated_at, data = excluded.data, "
        "badge = CASE WHEN article.badge = 'new' THEN 'new' ELSE coalesce(excluded.badge, article.badge) END",
        (article.id, article.title, article.version, article.updated_at.isoformat(), article.model_dump_json(), badge),
    )
    conn.execute("DELETE FROM article_stage WHERE article_id = ?", (article.id,))
    conn.execute("DELETE FROM article_theme WHERE article_id = ?", (article.id,))
    conn.executemany("INSERT INTO article_stage VALUES(?, ?)", [(article.id, s) for s in article.stages])
    conn.executemany("INSERT INTO article_theme VALUES(?, ?)", [(article.id, t) for t in article.themes])
    rowid = conn.execute("SELECT rowid FROM article WHERE id = ?", (article.id,)).fetchone()[0]
    search.index_article(conn, int(rowid), article)


def delete_article(conn: Any, article_id: str) -> None:
    """Remove an article and its index entry; a favourite on it stays (local data) but is not listed."""
    row = conn.execute("SELECT rowid FROM article WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return
    search.unindex_article(conn, int(row[0]))
    conn.execute("DELETE FROM article WHERE id = ?", (article_id,))


def get_article(conn: Any, article_id: str) -> Article | None:
    row = conn.execute("SELECT data FROM article WHERE id = ?", (article_id,)).fetchone()
    return Article.model_validate_json(row[0]) if row else None


def _article_filter(stage: str | None, theme: str | None) -> tuple[str, list[str]]:
    clauses = []
    params: list[str] = []
    if stage is not None:
        clauses.append("a.id IN (SELECT article_id FROM article_stage WHERE stage_id = ?)")
        params.append(stage)
    if theme is not None:
        clauses.append("a.id IN (SELECT article_id FROM article_theme WHERE theme_id = ?)")
        params.append(theme)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def list_articles(conn: Any, stage: str | None = None, theme: str | None = None) -> list[Article]:
    """Articles of a stage and/or a thématique (all without filter), in alphabetical order."""
    where, params = _article_filter(stage, theme)
    articles = [Article.model_validate_json(r[0]) for r in conn.execute(f"SELECT a.data FROM article a{where}", params)]
    articles.sort(key=lambda a: search.normalize(a.title))
    return articles


@dataclass(frozen=True)
class ArticleSummary:
    """What a list of articles shows: no body text."""

    id: str
    title: str
    summary: str
    badge: str | None
    favourite: bool
    stages: tuple[str, ...]
    themes: tuple[str, ...]

    @property
    def badge_label(self) -> str | None:
        return BADGE_LABELS.get(self.badge) if self.badge else None


def list_article_summaries(
    conn: Any, *, stage: str | None = None, theme: str | None = None, favourites_only: bool = False
) -> list[ArticleSummary]:
    """Article list rows with their badge and favourite flag, in alphabetical order."""
    where, params = _article_filter(stage, theme)
    if favourites_only:
        where += (" AND " if where else " WHERE ") + "f.article_id IS NOT NULL"
    sql = (
        "SELECT a.data, a.badge, f.article_id IS NOT NULL FROM article a "
        f"LEFT JOIN favourite f ON f.article_id = a.id{where}"
    )
    rows = []
    for data, badge, favourite in conn.execute(sql, params):
        article = Article.model_validate_json(data)
        rows.append(
            ArticleSummary(
                id=article.id,
                title=article.title,
                summary=article.summary,
                badge=badge,
                favourite=bool(favourite),
                stages=tuple(article.stages),
                themes=tuple(article.themes),
            )
        )
    rows.sort(key=lambda r: search.normalize(r.title))
    return rows


def article_badge(conn: Any, article_id: str) -> str | None:
    row = conn.execute("SELECT badge FROM article WHERE id = ?", (article_id,)).fetchone()
    return str(row[0]) if row and row[0] else None


def mark_read(conn: Any, article_id: str) -> bool:
    """Clear the 'new' / 'updated' badge of an article once opened; True if one was cleared."""
    cursor = conn.execute("UPDATE article SET badge = NULL WHERE id = ? AND badge IS NOT NULL", (article_id,))
    return bool(cursor.rowcount)


def count_articles(conn: Any) -> int:
    return int(conn.execute("SELECT count(*) FROM article").fetchone()[0])


def count_events(conn: Any) -> int:
    return int(conn.execute("SELECT count(*) FROM event").fetchone()[0])


def count_badges(conn: Any) -> dict[str, int]:
    rows = conn.execute("SELECT badge, count(*) FROM article WHERE badge IS NOT NULL GROUP BY badge")
    return {str(b): int(n) for b, n in rows}


# -- favourites (local only, never touched by a synchronisation) ---------------------------------
def set_favourite(conn: Any, article_id: str, favourite: bool, *, now: dt.datetime | None = None) -> None:
    if favourite:
        when = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        conn.execute(
            "INSERT INTO favourite(article_id, added_at) VALUES(?, ?) ON CONFLICT(article_id) DO NOTHING",
            (article_id, when),
        )
    else:
        conn.execute("DELETE FROM favourite WHERE article_id = ?", (article_id,))


def is_favourite(conn: Any, article_id: str) -> bool:
    return conn.execute("SELECT 1 FROM favourite WHERE article_id = ?", (article_id,)).fetchone() is not None


def list_favourite_ids(conn: Any) -> list[str]:
    """Favourite article ids that still exist, most recently added first."""
    rows = conn.execute(
        "SELECT f.article_id FROM favourite f JOIN article a ON a.id = f.article_id ORDER BY f.added_at DESC"
    )
    return [str(r[0]) for r in rows]


# -- events -------------------------------------------------------------------------------------
def upsert_event(conn: Any, event: Event) -> None:
    conn.execute(
        "INSERT INTO event(id, offset_days, data) VALUES(?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET offset_days = excluded.offset_days, data = excluded.data",
        (event.id, event.offset_days, event.model_dump_json()),
    )


def delete_event(conn: Any, event_id: str) -> None:
    conn.execute("DELETE FROM event WHERE id = ?", (event_id,))


def get_event(conn: Any, event_id: str) -> Event | None:
    row = conn.execute("SELECT data FROM event WHERE id = ?", (event_id,)).fetchone()
    return Event.model_validate_json(row[0]) if row else None


def list_events(conn: Any, stage: str | None = None) -> list[Event]:
    """Events in date order (offset to the birth), optionally only those of one stage."""
    events = [Event.model_validate_json(r[0]) for r in conn.execute("SELECT data FROM event ORDER BY offset_days, id")]
    if stage is not None:
        events = [e for e in events if stage in e.stages]
    return events


# -- whole pack ---------------------------------------------------------------------------------
def import_pack(conn: Any, pack: ContentPack) -> None:
    """Load a whole pack; the caller owns the transaction."""
    for stage in pack.stages:
        upsert_stage(conn, stage)
    for theme in pack.themes:
        upsert_theme(conn, theme)
    for article in pack.articles:
        upsert_article(conn, article)
    for event in pack.events:
        upsert_event(conn, event)
    conn.execute(
        "INSERT INTO store_info(key, value) VALUES('content_pack_version', ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (pack.manifest.version,),
    )


def content_pack_version(conn: Any) -> str | None:
    row = conn.execute("SELECT value FROM store_info WHERE key = 'content_pack_version'").fetchone()
    return str(row[0]) if row else None
