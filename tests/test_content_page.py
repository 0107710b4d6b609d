"""The Contenus page with real widgets on a real encrypted store, driven through pytest-qt."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from pytestqt.exceptions import TimeoutError
from pytestqt.qtbot import QtBot

from milpj_desktop.content import repository as repo
from milpj_desktop.content.models import Section
from milpj_desktop.content.render import article_html, body_html
from milpj_desktop.content.search import KIND_ARTICLE, KIND_DIRECTORY, SearchHit, Snippet
from milpj_desktop.directory import repository as directory
from milpj_desktop.directory.models import DirectoryEntry
from milpj_desktop.store import Store
from milpj_desktop.typography import typeset
from milpj_desktop.worker import StoreWorker, TaskContext
from tests.test_content_repository import make_article
from ui.contenus_list import ContentListModel, ListRow
from ui.context import AppContext
from ui.ops import Runner
from ui.pages.contenus import SEARCH_LIMIT, ContenusPage
from ui.qt import QAbstractSpinBox, QApplication, QFont, Qt, QWidget

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
HOSTILE = (
    "<script>alert('x')</script> <img src=x onerror=alert(1)> "
    '<a href="javascript:alert(2)">cliquez</a> <b>gras</b> &amp; <h1>TITRE</h1>'
)


@pytest.fixture
def page(qtbot: QtBot, content_store: Store) -> Iterator[ContenusPage]:
    worker = StoreWorker()
    worker.open(lambda: content_store).result(timeout=30)
    runner = Runner(worker)
    app = AppContext(runner)
    app.unlocked = True
    widget = ContenusPage(app)
    widget.today = lambda: dt.date(2026, 7, 1)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    widget.on_shown()
    qtbot.waitUntil(lambda: widget.model.rowCount() > 0, timeout=10000)
    yield widget
    runner.shutdown()


def on_store(page: ContenusPage, fn: Callable[[TaskContext], T]) -> T:
    """Run something on the store thread (where the page's work runs) and wait for it."""
    return page.app.runner.worker.run(fn).result(timeout=30)


def plain(text: str) -> str:
    """A text as the reading view's toPlainText() gives it back: typeset, no-break spaces made plain."""
    return typeset(text).replace("\u00a0", " ").replace("\u202f", " ")


def _folded_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", plain)


def articles_with_a_word_starting(prefix: str) -> set[str]:
    """Read from the pack's files, not through the store: the articles a search must find."""
    found = set()
    for path in (ROOT / "ressources" / "contenus" / "articles").glob("*.json"):
        article = json.loads(path.read_text(encoding="utf-8"))
        parts = [article["title"], article["summary"], *article["keywords"], *article["key_points"]]
        parts += [f"{s['title']} {s['body']}" for s in article["sections"]]
        parts.append(article.get("did_you_know") or "")
        if any(word.startswith(prefix) for word in _folded_words(" ".join(parts))):
            found.add(article["id"])
    return found


def titles(page: ContenusPage) -> list[str]:
    return [r.title for r in page.model.rows()]


def nursery() -> DirectoryEntry:
    """A structure the global search finds beside the articles on crèches."""
    return DirectoryEntry.model_validate(
        {
            "national_id": "creche-25056-1",
            "kind": "structure",
            "type": "creche",
            "name": "Crèche Les Petits Loups",
            "address": "3 rue des Jardins",
            "postcode": "25000",
            "commune_insee": "25056",
            "commune": "Besançon",
            "phone": "03 81 00 00 01",
            "source": "test",
            "updated_at": "2026-01-01T00:00:00Z",
        }
    )


def add_nursery(page: ContenusPage) -> None:
    def insert(ctx: TaskContext) -> None:
        with ctx.store.transaction() as conn:
            directory.upsert_national_many(conn, [nursery()])

    on_store(page, insert)


def settled(qtbot: QtBot, page: ContenusPage) -> None:
    """Wait until every answer already asked of the store has come back to the page (they come in order)."""
    done: list[bool] = []
    page.app.runner.db(lambda ctx: None).success(lambda _: done.append(True)).run()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)


def test_browse_by_stage_and_theme(qtbot: QtBot, page: ContenusPage) -> None:
    total = on_store(page, lambda ctx: repo.count_articles(ctx.store.conn))
    assert page.model.rowCount() == total
    assert page.stage_combo.count() == 10  # "Toutes les étapes" + 9 stages
    assert page.theme_combo.itemText(0) == "Toutes les thématiques"
    page.stage_combo.setCurrentIndex(page.stage_combo.findData("2-3-ans"))
    expected = on_store(page, lambda ctx: [a.title for a in repo.list_articles(ctx.store.conn, stage="2-3-ans")])
    assert 0 < len(expected) < total  # the filter really narrows the list
    qtbot.waitUntil(lambda: titles(page) == expected, timeout=5000)
    page.theme_combo.setCurrentIndex(page.theme_combo.findData("securite"))
    both = on_store(
        page, lambda ctx: [a.title for a in repo.list_articles(ctx.store.conn, stage="2-3-ans", theme="securite")]
    )
    assert 0 < len(both) < len(expected)  # the second filter narrows it again
    qtbot.waitUntil(lambda: titles(page) == both, timeout=5000)
    assert page.count_label.text().startswith(f"{len(both)} article")


def test_search_as_you_type_without_accents(qtbot: QtBot, page: ContenusPage) -> None:
    page.search.setFocus()
    qtbot.keyClicks(page.search, "creche")
    qtbot.waitUntil(lambda: "pour « creche »" in page.count_label.text(), timeout=5000)
    rows = page.model.rows()
    expected = articles_with_a_word_starting("crech")
    assert 0 < len(expected) < SEARCH_LIMIT
    assert {r.id for r in rows if r.kind == KIND_ARTICLE} == expected
    html = page.model.data(page.model.index(0, 0), ContentListModel.HtmlRole)
    assert "<b>" in html
    # more letters: the list follows the last text typed only
    page.search.clear()
    qtbot.keyClicks(page.search, "allait")
    qtbot.waitUntil(lambda: "pour « allait »" in page.count_label.text(), timeout=5000)
    assert any("allaitement" in r.title.lower() for r in page.model.rows())
    # Enter opens the first result
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    first = page.model.rows()[0]
    qtbot.waitUntil(lambda: page.current_article is not None and page.current_article.id == first.id, timeout=5000)
    assert plain(first.title) in page.reader.toPlainText()
    # Escape empties the search and the list browses again
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    total = on_store(page, lambda ctx: repo.count_articles(ctx.store.conn))
    qtbot.waitUntil(lambda: page.model.rowCount() == total, timeout=5000)


def test_reading_view_shows_every_part_of_an_article(qtbot: QtBot, page: ContenusPage) -> None:
    article = on_store(
        page,
        lambda ctx: next(a for a in repo.list_articles(ctx.store.conn) if a.key_points and a.did_you_know and a.links),
    )
    page.open_article(article.id)
    qtbot.waitUntil(lambda: page.current_article is not None, timeout=5000)
    text = page.reader.toPlainText()
    for expected in (article.title, "En bref", "Le saviez-vous ?", "Pour aller plus loin", "Sources", "Relu le"):
        assert plain(expected) in text
    assert plain(article.sections[0].title) in text
    assert plain(article.links[0].title) in text


def test_hostile_html_in_a_body_is_shown_as_text(qtbot: QtBot, page: ContenusPage) -> None:
    hostile = make_article(
        "fiche-piegee",
        "Fiche <i>piégée</i>",
        HOSTILE,
        summary="Résumé <script>x</script>",
        key_points=["<u>point</u>"],
        did_you_know="<marquee>info</marquee>",
    )

    def insert(ctx: TaskContext) -> None:
        with ctx.store.transaction() as conn:
            repo.upsert_article(conn, hostile)

    on_store(page, insert)
    page.open_article("fiche-piegee")
    qtbot.waitUntil(lambda: page.current_article is not None, timeout=5000)
    text = page.reader.toPlainText()
    assert "Fiche <i>piégée</i>" in text
    assert "<script>alert('x')</script>" in text
    assert '<a href="javascript:alert(2)">cliquez</a>' in text
    assert "<b>gras</b> &amp" in text and "<h1>TITRE</h1>" in text
    assert "<u>point</u>" in text and "<marquee>info</marquee>" in text
    # nothing became markup: no javascript link, no image in the document
    rendered = page.reader.toHtml()
    assert 'href="javascript' not in rendered
    assert "<img" not in rendered
    # and the search list escapes it too
    page.search.setText("piegee")
    qtbot.waitUntil(lambda: "pour « piegee »" in page.count_label.text(), timeout=5000)
    row_html = page.model.data(page.model.index(0, 0), ContentListModel.HtmlRole)
    assert "&lt;i&gt;" in row_html
    assert "<i>pi" not in row_html


def test_render_escapes_everything() -> None:
    article = make_article("x", "<b>T</b>", HOSTILE, sections=[Section(title="<h1>S</h1>", body=HOSTILE)])
    rendered = article_html(article, stage_names={}, theme_names={})
    assert "<script" not in rendered
    assert "<img" not in rendered
    assert "&lt;script&gt;" in rendered
    assert "&lt;h1&gt;S&lt;/h1&gt;" in rendered
    assert body_html("- <b>x</b>") == "<ul><li>&lt;b&gt;x&lt;/b&gt;</li></ul>"


def test_reading_view_uses_french_typography(qtbot: QtBot, page: ContenusPage) -> None:
    typed = make_article(
        "typo",
        "Bébé dort-il bien?",
        "Attention: l'enfant dort sur le dos !\n- Un « doudou » ? Non; pas avant 1 an.",
        did_you_know="C'est vrai.",
        links=[{"title": "Le site de l'Assurance maladie", "url": "https://www.ameli.fr/l'x:y?a=b"}],
    )
    rendered = article_html(typed, stage_names={}, theme_names={})
    nbsp, narrow, apostrophe = "\u00a0", "\u202f", "\u2019"
    assert f"Bébé dort-il bien{narrow}?" in rendered
    assert f"Attention{nbsp}: l{apostrophe}enfant dort sur le dos{narrow}!" in rendered
    assert f"«{nbsp}doudou{nbsp}»{narrow}? Non{narrow}; pas" in rendered
    assert f"Le saviez-vous{narrow}?" in rendered and f"C{apostrophe}est vrai." in rendered
    assert f"Étapes{nbsp}:" in rendered
    assert 'href="https://www.ameli.fr/l&#x27;x:y?a=b"' in rendered  # an address is left as it is

    def insert(ctx: TaskContext) -> None:
        with ctx.store.transaction() as conn:
            repo.upsert_article(conn, typed)

    on_store(page, insert)
    page.open_article("typo")
    qtbot.waitUntil(lambda: page.current_article is not None, timeout=5000)
    shown = page.reader.document().toRawText()  # toPlainText() would turn no-break spaces into spaces
    assert f"Attention{nbsp}: l{apostrophe}enfant" in shown


def test_reading_clears_the_badge_and_favourites_stay_local(qtbot: QtBot, page: ContenusPage) -> None:
    article_id = page.model.rows()[0].id

    def badge(ctx: TaskContext) -> None:
        with ctx.store.transaction() as conn:
            conn.execute("UPDATE article SET badge = 'updated' WHERE id = ?", (article_id,))

    on_store(page, badge)
    page.load_list()
    qtbot.waitUntil(lambda: page.model.rows()[0].badge == "updated", timeout=5000)
    assert "mis à jour" in page.model.data(page.model.index(0, 0), ContentListModel.HtmlRole)
    page.list.setCurrentIndex(page.model.index(0, 0))
    qtbot.waitUntil(lambda: page.current_article is not None and page.current_article.id == article_id, timeout=5000)
    assert "mis à jour" in page.reader.toPlainText()  # shown once, on this reading
    qtbot.waitUntil(lambda: page.model.rows()[0].badge is None, timeout=5000)
    assert on_store(page, lambda ctx: repo.article_badge(ctx.store.conn, article_id)) is None

    assert page.favourite_button.isEnabled()
    assert page.favourite_button.text() == "☆ Favori"
    assert page.favourite_button.accessibleName() == "Ajouter l'article aux favoris"
    assert not page.favourite_button.isChecked()
    qtbot.mouseClick(page.favourite_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.favourite_button.text() == "★ Favori", timeout=5000)
    assert page.favourite_button.isChecked()
    assert page.favourite_button.accessibleName() == "Retirer l'article des favoris"
    assert on_store(page, lambda ctx: repo.is_favourite(ctx.store.conn, article_id))
    assert page.model.rows()[0].favourite
    page.favourites_only.setChecked(True)
    qtbot.waitUntil(lambda: [r.id for r in page.model.rows()] == [article_id], timeout=5000)


def _situation(qtbot: QtBot, page: ContenusPage, kind: str, typed: str) -> None:
    """Choose the kind of date, type the date as people do, validate with Entrée."""
    page.situation_box.choose(kind)
    page.situation_box.date.clear()
    qtbot.keyClicks(page.situation_box.date, typed)
    qtbot.keyClick(page.situation_box.date, Qt.Key.Key_Return)


def test_family_situation_shows_stage_articles_and_events(qtbot: QtBot, page: ContenusPage) -> None:
    _situation(qtbot, page, "terme", "01/12/2026")  # today is 1 July 2026
    qtbot.waitUntil(lambda: "Prochains rendez-vous" in page.reader.toPlainText(), timeout=5000)
    assert page.stage_combo.currentData() == "fin-grossesse"
    assert "Suite et fin de grossesse" in page.situation_label.text()
    assert "19 SA et 1 jour" in page.situation_label.text()
    expected = on_store(page, lambda ctx: [a.title for a in repo.list_articles(ctx.store.conn, stage="fin-grossesse")])
    qtbot.waitUntil(lambda: titles(page) == expected, timeout=5000)
    text = page.reader.toPlainText()
    assert "juillet 2026" in text
    assert "Terme prévu le 1er décembre 2026 (41 SA)" in text
    # 19 SA: the 4th-month examination (due date − 161 days = 23 June 2026) is late, listed apart
    assert text.index("À rattraper") < text.index("23 juin 2026") < text.index("Prochains rendez-vous")
    assert "Examen prénatal du 4e mois" in text.split("Prochains rendez-vous")[0]
    # a birth date in the future is refused with a sentence under the field, not a crash
    _situation(qtbot, page, "naissance", "01122026")
    assert "postérieure" in page.situation_box.error.text()
    assert page.situation_box.error.isVisible()


def test_family_situation_from_a_last_period_or_a_scan(qtbot: QtBot, page: ContenusPage) -> None:
    _situation(qtbot, page, "ddr", "01012026")  # 1 January 2026 → term 15 October 2026 (41 SA)
    qtbot.waitUntil(lambda: "15 octobre 2026" in page.reader.toPlainText(), timeout=5000)
    assert "25 SA et 6 jours" in page.situation_label.text()  # 181 days on 1 July 2026
    page.situation_box.choose("echographie")
    assert page.situation_box.weeks.isVisible()
    page.situation_box.weeks.setValue(12)
    page.situation_box.days.setValue(3)
    _situation(qtbot, page, "echographie", "15/03/2026")  # 12 SA 3 j on 15 March → 200 days later
    qtbot.waitUntil(lambda: "1er octobre 2026" in page.reader.toPlainText(), timeout=5000)
    assert "27 SA et 6 jours" in page.situation_label.text()  # 108 days after 12 SA 3 j
    _situation(qtbot, page, "naissance", "16/03/2026")
    qtbot.waitUntil(lambda: "3 mois et 15 jours" in page.situation_label.text(), timeout=5000)
    late = page.reader.toPlainText().split("Prochains rendez-vous")[0]
    assert "Vaccins des 2 mois" in late and "16 mai 2026" in late  # birth + 61 days
    _situation(qtbot, page, "naissance", "31/02/2026")
    assert "n'est pas une date" in page.situation_box.error.text()


def test_lock_forgets_everything_shown(qtbot: QtBot, page: ContenusPage) -> None:
    page.search.setText("vaccin")
    qtbot.waitUntil(lambda: "pour « vaccin »" in page.count_label.text(), timeout=5000)
    page.list.setCurrentIndex(page.model.index(0, 0))
    qtbot.waitUntil(lambda: page.current_article is not None, timeout=5000)
    page.app.unlocked = False
    page.on_locked()
    assert page.model.rowCount() == 0
    assert page.search.text() == ""
    assert page.reader.toPlainText() == ""
    assert page.current_article is None
    assert page.stage_combo.count() == 0
    assert page.situation_box.date.text() == ""


def test_list_model_without_a_window() -> None:
    model = ContentListModel()
    hit = SearchHit(kind=KIND_DIRECTORY, id="42", title="PMI <Nord>", snippet=Snippet("Lille <59000>", ((0, 5),)))
    model.set_rows(
        [ListRow(kind="article", id="a", title="Titre", snippet=Snippet("Résumé"), badge="new"), ListRow.from_hit(hit)],
        show_kind=True,
    )
    assert model.rowCount() == 2
    assert model.data(model.index(0, 0)) == "Article, Titre, nouveau"
    assert model.data(model.index(1, 0)) == "Structure, PMI <Nord>"
    assert model.data(model.index(1, 0), ContentListModel.IdRole) == "42"
    html = model.data(model.index(1, 0), ContentListModel.HtmlRole)
    assert "Structure" in html
    assert "PMI &lt;Nord&gt;" in html
    assert "<b>Lille</b> &lt;59000&gt;" in html
    assert "<b>PMI &lt;Nord&gt;</b>" in html
    model.update_article("a", favourite=True)
    assert "★" in model.data(model.index(0, 0), ContentListModel.HtmlRole)
    assert model.find("article", "a") == 0
    assert model.find("article", "zzz") == -1


def test_reading_pane_follows_the_arrow_keys(qtbot: QtBot, page: ContenusPage) -> None:
    rows = page.model.rows()
    page.list.setFocus()
    page.list.setCurrentIndex(page.model.index(0, 0))
    qtbot.waitUntil(lambda: page.current_article is not None and page.current_article.id == rows[0].id, timeout=5000)
    qtbot.keyClick(page.list, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.current_article is not None and page.current_article.id == rows[1].id, timeout=5000)
    assert plain(rows[1].title) in page.reader.toPlainText()
    for _ in range(3):  # quick presses: the pane ends on the row the selection ends on
        qtbot.keyClick(page.list, Qt.Key.Key_Down)
    settled(qtbot, page)
    assert page.list.currentIndex().row() == 4
    assert page.current_article is not None and page.current_article.id == rows[4].id
    assert page.reader.toPlainText().startswith(plain(rows[4].title))
    qtbot.keyClick(page.list, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: page.current_article is not None and page.current_article.id == rows[3].id, timeout=5000)


def test_a_structure_result_opens_in_the_annuaire_in_one_click(qtbot: QtBot, page: ContenusPage) -> None:
    add_nursery(page)
    page.search.setText("creche petits loups")
    qtbot.waitUntil(lambda: any(r.kind == KIND_DIRECTORY for r in page.model.rows()), timeout=5000)
    number = next(i for i, r in enumerate(page.model.rows()) if r.kind == KIND_DIRECTORY)
    article = next(i for i, r in enumerate(page.model.rows()) if r.kind == KIND_ARTICLE)
    # an article chosen then at once the structure: the article's late answer does not cover it
    page.list.setCurrentIndex(page.model.index(article, 0))
    page.list.setCurrentIndex(page.model.index(number, 0))
    settled(qtbot, page)
    assert page.reader.toPlainText().startswith("Crèche Les Petits Loups")
    assert page.open_entry_button.isVisible() and not page.print_button.isVisible()
    assert page.current_article is None
    # one click on the row
    rect = page.list.visualRect(page.model.index(number, 0))
    with qtbot.waitSignal(page.entry_requested, timeout=2000) as clicked:
        qtbot.mouseClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert clicked.args == ["creche-25056-1", "Crèche Les Petits Loups"]
    # Entrée on it, and the button under the keyboard
    with qtbot.waitSignal(page.entry_requested, timeout=2000) as entered:
        qtbot.keyClick(page.list, Qt.Key.Key_Return)
    assert entered.args == ["creche-25056-1", "Crèche Les Petits Loups"]
    with qtbot.waitSignal(page.entry_requested, timeout=2000):
        qtbot.mouseClick(page.open_entry_button, Qt.MouseButton.LeftButton)


def test_print_asks_for_the_advice_handout_of_the_article_read(qtbot: QtBot, page: ContenusPage) -> None:
    assert not page.print_current()  # nothing read yet: nothing to print
    assert not page.print_button.isEnabled()
    first = page.model.rows()[0]
    page.list.setCurrentIndex(page.model.index(0, 0))
    qtbot.waitUntil(page.print_button.isEnabled, timeout=5000)
    with qtbot.waitSignal(page.handout_requested, timeout=2000) as asked:
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert asked.args == ["fiche-conseil", {"articles": first.id}]


@pytest.mark.parametrize(("zoom", "width", "height"), [(1.0, 764, 600), (2.0, 1020, 650)])
def test_nothing_is_squashed_or_cut_at_large_text(
    qtbot: QtBot, page: ContenusPage, zoom: float, width: int, height: int
) -> None:
    """The room the window leaves the page at 1024×700 (100 %) and 1280×800 (200 % text)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    base = QFont(app.font())
    large = QFont(base)
    large.setPointSizeF(base.pointSizeF() * zoom)
    app.setFont(large)
    try:
        page.situation_box.choose("echographie")  # the tallest form
        page.resize(width, height)
        viewport = page.controls_area.viewport()
        fields = [page.search, page.stage_combo, page.theme_combo, page.situation_box.kind, page.situation_box.date,
                  page.situation_box.weeks, page.situation_box.days, page.situation_box.button, page.favourite_button,
                  page.print_button, page.favourites_only, page.list, page.reader]  # fmt: skip

        def problems() -> list[str]:
            """Fields squashed under their minimum size or cut at the right; a list of fewer than 8 lines."""
            found = []
            for field in fields:
                hint = field.minimumSizeHint()
                if not field.isVisible() or field.width() < hint.width() or field.height() < hint.height():
                    found.append(f"{field.objectName()} squashed")
                frame = viewport if viewport.isAncestorOf(field) else page
                if field.mapTo(frame, field.rect().topRight()).x() >= frame.width():
                    found.append(f"{field.objectName()} cut")
            if page.list.height() < 8 * page.list.fontMetrics().height():
                found.append("list too short")
            return found

        with contextlib.suppress(TimeoutError):  # the layout settles over a few events after a font change
            qtbot.waitUntil(lambda: not problems(), timeout=3000)
        assert problems() == []
        assert page.minimumSizeHint().width() <= width
    finally:
        app.setFont(base)


def test_every_control_a_keyboard_reaches_has_a_french_name(qtbot: QtBot, page: ContenusPage) -> None:
    page.situation_box.choose("echographie")  # every field of the form shown
    page.list.setCurrentIndex(page.model.index(0, 0))
    qtbot.waitUntil(page.print_button.isEnabled, timeout=5000)
    reached = [
        w
        for w in page.findChildren(QWidget)
        if w.isVisible()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not isinstance(w.parentWidget(), QAbstractSpinBox)  # a spin box's inner line edit: the box speaks
    ]
    assert len(reached) >= 12
    unnamed = [f"{type(w).__name__} {w.objectName()}" for w in reached if not w.accessibleName().strip()]
    assert unnamed == []


def test_list_rows_use_typographic_apostrophes_and_keep_their_highlights() -> None:
    row = ListRow(
        kind="article",
        id="a",
        title="L'allaitement d'abord",
        snippet=Snippet("Qu'est-ce que l'allaitement ?", ((16, 27),)),
        title_spans=((2, 13),),
    )
    shown = row.html(show_kind=False)
    assert "<b>L\u2019<u>allaitement</u> d\u2019abord</b>" in shown
    assert "Qu\u2019est-ce que l\u2019<b>allaitement</b> ?" in shown
