"""Instant search: accents, prefixes, French stems, ranking, snippets, hostile input."""

from __future__ import annotations

import pytest

from milpj_desktop.content import repository as repo
from milpj_desktop.content.search import (
    SearchHit,
    Snippet,
    global_search,
    make_snippet,
    query_terms,
    search_articles,
    stem,
)
from milpj_desktop.store import Store
from tests.test_content_repository import make_article


@pytest.fixture
def searchable(store: Store) -> Store:
    with store.transaction() as conn:
        repo.upsert_article(
            conn,
            make_article(
                "mode-garde",
                "Trouver une crèche",
                "La crèche collective accueille les enfants de 10 semaines à 3 ans.",
            ),
        )
        repo.upsert_article(
            conn,
            make_article(
                "allaiter",
                "Allaitement : bien démarrer",
                "Les premières tétées. Allaiter son bébé demande un peu de patience.",
                keywords=["sein", "lait maternel"],
            ),
        )
        repo.upsert_article(
            conn,
            make_article(
                "vaccins",
                "Les vaccinations obligatoires",
                "Onze vaccins sont obligatoires pour les enfants nés depuis 2018.",
            ),
        )
        repo.upsert_article(
            conn,
            make_article(
                "sommeil",
                "Le sommeil du nourrisson",
                "Couchez bébé sur le dos. Plus tard, à la crèche ou chez l'assistante maternelle, "
                "les professionnels suivent les mêmes règles de couchage pour éviter la mort inattendue.",
            ),
        )
    return store


def ids(hits: list[SearchHit]) -> list[str]:
    return [h.id for h in hits]


def test_accents_are_optional_both_ways(searchable: Store) -> None:
    assert ids(search_articles(searchable.conn, "creche"))[0] == "mode-garde"
    assert set(ids(search_articles(searchable.conn, "creche"))) == {"mode-garde", "sommeil"}
    assert ids(search_articles(searchable.conn, "CRÈCHE")) == ids(search_articles(searchable.conn, "creche"))
    assert ids(search_articles(searchable.conn, "tétée")) == ["allaiter"]
    assert ids(search_articles(searchable.conn, "tetee")) == ["allaiter"]


def test_prefix_and_stem_match(searchable: Store) -> None:
    assert ids(search_articles(searchable.conn, "allait")) == ["allaiter"]
    assert ids(search_articles(searchable.conn, "allaitements")) == ["allaiter"]  # stem "allait"
    assert ids(search_articles(searchable.conn, "vaccin")) == ["vaccins"]
    assert ids(search_articles(searchable.conn, "vaccination")) == ["vaccins"]  # body says "vaccins"
    assert ids(search_articles(searchable.conn, "nourr")) == ["sommeil"]


def test_title_match_ranks_above_body_match(searchable: Store) -> None:
    hits = search_articles(searchable.conn, "crèche")
    assert ids(hits) == ["mode-garde", "sommeil"]
    assert hits[0].rank < hits[1].rank  # bm25: lower is better
    # and the other way round for a word only the second one has in its title
    assert ids(search_articles(searchable.conn, "sommeil")) == ["sommeil"]


def test_several_words_narrow_then_fall_back_to_any(searchable: Store) -> None:
    assert ids(search_articles(searchable.conn, "crèche couchage")) == ["sommeil"]
    # no article has both: the search falls back to either word rather than showing nothing
    assert set(ids(search_articles(searchable.conn, "allaitement vaccins"))) == {"allaiter", "vaccins"}


@pytest.mark.parametrize(
    "query", ['"', "crèche OR", "NEAR(", "*", "a:b", "'; DROP TABLE article; --", "(((", "^", "-", "   ", "le la"]
)
def test_any_typed_text_is_safe(searchable: Store, query: str) -> None:
    hits = search_articles(searchable.conn, query)  # no FTS syntax error reaches the person
    assert set(ids(hits)) <= {"mode-garde", "allaiter", "vaccins", "sommeil"}
    if query == "crèche OR":
        assert ids(hits) == ids(search_articles(searchable.conn, "crèche"))  # OR is a word, not an operator
    assert searchable.conn.execute("SELECT count(*) FROM article").fetchone()[0] == 4


def test_stop_words_alone_still_search() -> None:
    assert query_terms("le lait de la mère") == ["lait", "mere"]
    assert query_terms("le la") == ["le", "la"]


def test_snippet_marks_matches_and_escapes_html() -> None:
    snippet = make_snippet("Avant <b>tout</b> : la crèche & l'école", ["creche"])
    assert snippet.text[snippet.spans[0][0] : snippet.spans[0][1]] == "crèche"
    rendered = snippet.html()
    assert "<b>crèche</b>" in rendered
    assert "&lt;b&gt;tout&lt;/b&gt;" in rendered
    assert "&amp;" in rendered
    assert Snippet("x <script>", ((0, 1),)).marked() == "[x] <script>"


def test_snippet_is_cut_around_the_first_match() -> None:
    text = "début " + "mot " * 100 + "allaitement " + "fin " * 100
    snippet = make_snippet(text, ["allait"])
    assert snippet.text.startswith("… ") and snippet.text.endswith(" …")
    assert len(snippet.text) < 180
    start, end = snippet.spans[0]
    assert snippet.text[start:end] == "allaitement"


def test_search_hits_carry_snippet_title_spans_and_json(searchable: Store) -> None:
    hit = search_articles(searchable.conn, "crèche")[1]
    assert hit.id == "sommeil"
    assert "crèche" in hit.snippet.text
    payload = hit.to_json()
    assert payload["type"] == "article"
    assert payload["id"] == "sommeil"
    assert payload["titre"] == "Le sommeil du nourrisson"
    first = search_articles(searchable.conn, "crèche")[0]
    assert first.title_spans == ((12, 18),)


def test_light_stemmer() -> None:
    assert stem("vaccination") == stem("vaccins") == "vaccin"
    assert stem("allaitement") == stem("allaiter") == "allait"
    assert stem("creches") == stem("creche")
    assert stem("bebe") == stem("bebes") == "bebe"


def test_global_search_without_directory_is_articles_only(searchable: Store) -> None:
    hits = global_search(searchable.conn, "crèche")
    assert {h.kind for h in hits} <= {"article", "annuaire"}
    assert ids([h for h in hits if h.kind == "article"]) == ["mode-garde", "sommeil"]


def test_real_pack_is_searchable(content_store: Store) -> None:
    conn = content_store.conn
    assert search_articles(conn, "allait"), "le pack parle d'allaitement"
    for hit in search_articles(conn, "allait"):
        article = repo.get_article(conn, hit.id)
        assert article is not None
    assert search_articles(conn, "creche") == search_articles(conn, "crèche")


def test_global_search_lists_directory_entries_after_articles(searchable: Store) -> None:
    import datetime as dt

    from milpj_desktop.directory.models import DirectoryEntry
    from milpj_desktop.directory.repository import add_local

    entry = DirectoryEntry(
        kind="structure",
        type="creche",
        name="Crèche Les Lucioles <b>",
        address="3 rue des Écoles",
        postcode="25000",
        commune="Besançon",
        phone="03 81 00 00 00",
        updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    with searchable.transaction() as conn:
        entry_id = add_local(conn, entry)
    hits = global_search(searchable.conn, "creche")
    kinds = [h.kind for h in hits]
    assert kinds == sorted(kinds, key=lambda k: k != "article")  # articles first
    directory = [h for h in hits if h.kind == "annuaire"]
    assert [h.id for h in directory] == [entry_id]
    assert directory[0].title == "Crèche Les Lucioles <b>"
    assert directory[0].title_spans == ((0, 6),)
    assert "Besançon" in directory[0].snippet.text
    payload = directory[0].to_json()
    assert payload["type"] == "annuaire"
    assert payload["titre"] == "Crèche Les Lucioles <b>"
    from milpj_desktop.content.render import directory_hit_html

    card = directory_hit_html(directory[0])
    assert "Lucioles &lt;b&gt;" in card
    assert "03\u00a081\u00a000\u00a000\u00a000" in card  # a number never breaks across lines


def test_snippet_shows_list_items_as_bullets() -> None:
    snippet = make_snippet("Il faut :\n- un document\n- un vaccin", ["vaccin"])
    assert snippet.text == "Il faut : • un document • un vaccin"


def test_broad_directory_text_waits_for_more_letters(searchable: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from milpj_desktop.content import search
    from milpj_desktop.directory.models import DirectoryEntry
    from milpj_desktop.directory.repository import add_local

    monkeypatch.setattr(search, "MAX_DIRECTORY_MATCHES", 5)
    with searchable.transaction() as conn:
        for number in range(8):
            add_local(
                conn,
                DirectoryEntry(
                    kind="structure",
                    type="creche",
                    name=f"Crèche {['Les Lucioles', 'Le Cocon'][number % 2]} {number}",
                    commune=["Besançon", "Dole"][number % 2],
                    updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                ),
            )
    broad = global_search(searchable.conn, "crèche")
    assert broad.directory_broad
    assert [h.kind for h in broad] == ["article", "article"]
    precise = global_search(searchable.conn, "crèche lucioles")
    assert not precise.directory_broad
    assert sorted(h.title for h in precise if h.kind == "annuaire") == [
        f"Crèche Les Lucioles {n}" for n in (0, 2, 4, 6)
    ]
    # a one-letter word being typed is left out of the directory query
    typing = global_search(searchable.conn, "lucioles b")
    assert len([h for h in typing if h.kind == "annuaire"]) == 4
