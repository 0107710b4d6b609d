"""Read and write content records in the store (no Qt, no network)."""

from __future__ import annotations

from typing import Any

from milpj_desktop.content.models import Article, Event, Stage, Theme
from milpj_desktop.content.pack import ContentPack


def upsert_stage(conn: Any, stage: Stage) -> None:
    conn.execute(
        "INSERT INTO stage(id, ord, data) VALUES(?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET ord = excluded.ord, data = excluded.data",
        (stage.id, stage.order, stage.model_dump_json()),
    )


def upsert_theme(conn: Any, theme: Theme) -> None:
    conn.execute(
        "INSERT INTO theme(id, ord, data) VALUES(?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET ord = excluded.ord, data = excluded.data",
        (theme.id, theme.order, theme.model_dump_json()),
    )


def upsert_article(conn: Any, article: Article, *, badge: str | None = None) -> None:
    """Insert or replace one article and its stage/theme links."""
    conn.execute(
        "INSERT INTO article(id, title, version, updated_at, data, badge) VALUES(?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET title = excluded.title, version = excluded.version, "
        "updated_at = excluded.updated_at, data = excluded.data, badge = excluded.badge",
        (article.id, article.title, article.version, article.updated_at.isoformat(), article.model_dump_json(), badge),
    )
    conn.execute("DELETE FROM article_stage WHERE article_id = ?", (article.id,))
    conn.execute("DELETE FROM article_theme WHERE article_id = ?", (article.id,))
    conn.executemany("INSERT INTO article_stage VALUES(?, ?)", [(article.id, s) for s in article.stages])
    conn.executemany("INSERT INTO article_theme VALUES(?, ?)", [(article.id, t) for t in article.themes])


def delete_article(conn: Any, article_id: str) -> None:
    conn.execute("DELETE FROM article WHERE id = ?", (article_id,))


def upsert_event(conn: Any, event: Event) -> None:
    conn.execute(
        "INSERT INTO event(id, offset_days, data) VALUES(?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET offset_days = excluded.offset_days, data = excluded.data",
        (event.id, event.offset_days, event.model_dump_json()),
    )


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


def get_article(conn: Any, article_id: str) -> Article | None:
    row = conn.execute("SELECT data FROM article WHERE id = ?", (article_id,)).fetchone()
    return Article.model_validate_json(row[0]) if row else None


def list_stages(conn: Any) -> list[Stage]:
    return [Stage.model_validate_json(r[0]) for r in conn.execute("SELECT data FROM stage ORDER BY ord")]


def list_themes(conn: Any) -> list[Theme]:
    return [Theme.model_validate_json(r[0]) for r in conn.execute("SELECT data FROM theme ORDER BY ord")]


def list_events(conn: Any) -> list[Event]:
    return [Event.model_validate_json(r[0]) for r in conn.execute("SELECT data FROM event ORDER BY offset_days, id")]


def count_articles(conn: Any) -> int:
    return int(conn.execute("SELECT count(*) FROM article").fetchone()[0])
