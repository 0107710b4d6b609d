"""The embedded content pack: every article validates and points at stages and thématiques that exist."""

from __future__ import annotations

import re
from pathlib import Path

from milpj_desktop.content import repository as repo
from milpj_desktop.content.models import STAGE_IDS, THEME_IDS, Article, Event
from milpj_desktop.content.pack import load_pack
from milpj_desktop.store import Store

PACK = Path(__file__).resolve().parents[1] / "ressources" / "contenus"
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def test_every_stored_article_validates_and_references_existing_stages_and_themes(content_store: Store) -> None:
    conn = content_store.conn
    stage_ids = {s.id for s in repo.list_stages(conn)}
    theme_ids = {t.id for t in repo.list_themes(conn)}
    assert stage_ids == set(STAGE_IDS)
    assert theme_ids == set(THEME_IDS)
    rows = conn.execute("SELECT id, data FROM article").fetchall()
    assert len(rows) >= 60
    for article_id, data in rows:
        article = Article.model_validate_json(data)
        assert article.id == article_id
        assert set(article.stages) <= stage_ids, article_id
        assert set(article.themes) <= theme_ids, article_id
        assert len(article.sources) >= 1
    article_ids = {r[0] for r in rows}
    events = [Event.model_validate_json(r[0]) for r in conn.execute("SELECT data FROM event")]
    assert len(events) >= 25
    for event in events:
        assert set(event.stages) <= stage_ids, event.id
        assert set(event.articles) <= article_ids, event.id


def test_pack_covers_every_stage_and_every_theme() -> None:
    pack = load_pack(PACK)
    assert {s for a in pack.articles for s in a.stages} == set(STAGE_IDS)
    assert {t for a in pack.articles for t in a.themes} == set(THEME_IDS)
    orders = [s.order for s in sorted(pack.stages, key=lambda s: s.order)]
    assert orders == list(range(1, len(STAGE_IDS) + 1))


def test_pack_texts_are_plain_text() -> None:
    """Bodies are shown as text: a tag in the pack would be a writing mistake (it would show as is)."""
    pack = load_pack(PACK)
    for article in pack.articles:
        texts = [article.title, article.summary, *article.key_points, article.did_you_know or ""]
        texts += [part for s in article.sections for part in (s.title, s.body)]
        for text in texts:
            assert not _TAG.search(text), f"{article.id} : balise HTML dans « {text[:60]} »"
