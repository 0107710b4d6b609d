"""Content tables in a real encrypted store: writes, lists, badges, favourites, index in step."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from milpj_desktop.content import repository as repo
from milpj_desktop.content.models import Article, Event, Section, Source, Stage, Theme
from milpj_desktop.content.pack import load_pack
from milpj_desktop.content.search import search_articles
from milpj_desktop.store import Store

PACK = Path(__file__).resolve().parents[1] / "ressources" / "contenus"


def make_article(article_id: str, title: str, body: str = "Un texte.", **extra: object) -> Article:
    data: dict[str, object] = {
        "id": article_id,
        "title": title,
        "summary": "Résumé de la fiche.",
        "sections": [Section(title="Partie", body=body)],
        "stages": ["0-3-mois"],
        "themes": ["sante"],
        "sources": [Source(body="HAS", title="Recommandation")],
        "reviewed_on": dt.date(2026, 11, 1),
        "version": 1,
        "updated_at": dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    }
    data.update(extra)
    return Article.model_validate(data)


def make_event(event_id: str, offset: int, stages: list[str]) -> Event:
    return Event(
        id=event_id,
        name=f"Événement {event_id}",
        description="Description.",
        offset_days=offset,
        stages=stages,
        sources=[Source(body="HAS", title="Source")],
    )


def test_articles_list_by_stage_and_theme(store: Store) -> None:
    with store.transaction() as conn:
        repo.upsert_stage(conn, Stage(id="0-3-mois", name="0-3", description="d", order=6, start_days=0, end_days=91))
        repo.upsert_theme(conn, Theme(id="sante", name="Santé", description="d", order=1))
        repo.upsert_article(conn, make_article("b", "Éveil"))
        repo.upsert_article(conn, make_article("a", "Zinc", stages=["1-2-ans"], themes=["sante", "sommeil"]))
        repo.upsert_article(conn, make_article("c", "Allaitement", themes=["alimentation"]))
    conn = store.conn
    assert [a.id for a in repo.list_articles(conn)] == ["c", "b", "a"]  # accents sort as plain letters
    assert [a.id for a in repo.list_articles(conn, stage="0-3-mois")] == ["c", "b"]
    assert [a.id for a in repo.list_articles(conn, theme="sante")] == ["b", "a"]
    assert [a.id for a in repo.list_articles(conn, stage="0-3-mois", theme="sante")] == ["b"]
    assert repo.get_article(conn, "a") == make_article("a", "Zinc", stages=["1-2-ans"], themes=["sante", "sommeil"])
    assert repo.get_article(conn, "absent") is None
    assert [s.id for s in repo.list_stages(conn)] == ["0-3-mois"]
    assert repo.get_theme(conn, "sante") is not None


def test_badges_set_by_sync_and_cleared_when_read(store: Store) -> None:
    with store.transaction() as conn:
        repo.upsert_article(conn, make_article("x", "Sommeil"), badge=repo.BADGE_NEW)
        repo.upsert_article(conn, make_article("y", "Repas"))
        # updated again before being read: still "nouveau"
        repo.upsert_article(conn, make_article("x", "Sommeil du bébé", version=2), badge=repo.BADGE_UPDATED)
        repo.upsert_article(conn, make_article("y", "Repas", version=2), badge=repo.BADGE_UPDATED)
    conn = store.conn
    assert repo.article_badge(conn, "x") == "new"
    assert repo.article_badge(conn, "y") == "updated"
    assert repo.count_badges(conn) == {"new": 1, "updated": 1}
    rows = {r.id: r for r in repo.list_article_summaries(conn)}
    assert rows["x"].badge_label == "nouveau"
    assert rows["y"].badge_label == "mis à jour"
    with store.transaction() as conn:
        assert repo.mark_read(conn, "x") is True
        assert repo.mark_read(conn, "x") is False
    assert repo.article_badge(store.conn, "x") is None
    with pytest.raises(ValueError):
        repo.upsert_article(store.conn, make_article("z", "Z"), badge="autre")


def test_favourites_are_local_and_survive_article_updates(store: Store) -> None:
    with store.transaction() as conn:
        repo.upsert_article(conn, make_article("a", "Alpha"))
        repo.upsert_article(conn, make_article("b", "Bêta"))
        repo.set_favourite(conn, "b", True, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        repo.set_favourite(conn, "a", True, now=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
        repo.upsert_article(conn, make_article("a", "Alpha", version=2), badge=repo.BADGE_UPDATED)
    conn = store.conn
    assert repo.list_favourite_ids(conn) == ["a", "b"]
    assert [r.id for r in repo.list_article_summaries(conn, favourites_only=True)] == ["a", "b"]
    with store.transaction() as conn:
        repo.set_favourite(conn, "a", False)
        repo.delete_article(conn, "b")
    assert repo.list_favourite_ids(store.conn) == []
    assert repo.is_favourite(store.conn, "b")  # kept locally, just not listed


def test_search_index_follows_writes_and_rollbacks(store: Store) -> None:
    with store.transaction() as conn:
        repo.upsert_article(conn, make_article("a", "Le portage du bébé"))
    assert [h.id for h in search_articles(store.conn, "portage")] == ["a"]
    with store.transaction() as conn:
        repo.upsert_article(conn, make_article("a", "Les écrans et l'enfant", version=2))
    assert search_articles(store.conn, "portage") == []
    assert [h.id for h in search_articles(store.conn, "ecrans")] == ["a"]
    with pytest.raises(RuntimeError), store.transaction() as conn:
        repo.delete_article(conn, "a")
        raise RuntimeError("coupure")
    assert [h.id for h in search_articles(store.conn, "ecrans")] == ["a"]
    with store.transaction() as conn:
        repo.delete_article(conn, "a")
    assert search_articles(store.conn, "ecrans") == []
    assert store.conn.execute("SELECT count(*) FROM article_fts").fetchone()[0] == 0


def test_events_upsert_list_delete(store: Store) -> None:
    with store.transaction() as conn:
        repo.upsert_event(conn, make_event("b", 30, ["0-3-mois"]))
        repo.upsert_event(conn, make_event("a", -100, ["fin-grossesse"]))
        repo.upsert_event(conn, make_event("b", 20, ["0-3-mois"]))
    assert [(e.id, e.offset_days) for e in repo.list_events(store.conn)] == [("a", -100), ("b", 20)]
    assert [e.id for e in repo.list_events(store.conn, stage="0-3-mois")] == ["b"]
    with store.transaction() as conn:
        repo.delete_event(conn, "a")
    assert repo.get_event(store.conn, "a") is None
    assert [e.id for e in repo.list_events(store.conn)] == ["b"]


def test_embedded_pack_is_loaded_whole(content_store: Store) -> None:
    pack = load_pack(PACK)
    conn = content_store.conn
    assert repo.count_articles(conn) == len(pack.articles)
    assert len(repo.list_events(conn)) == len(pack.events)
    assert [s.id for s in repo.list_stages(conn)] == [s.id for s in sorted(pack.stages, key=lambda s: s.order)]
    assert conn.execute("SELECT count(*) FROM article_fts").fetchone()[0] == len(pack.articles)
    assert repo.content_pack_version(conn) == pack.manifest.version
    assert repo.count_badges(conn) == {}
