"""The Runner's contract on a real store worker and a real encrypted store: explicit kinds, Changes
announced in one place, a queued operation withdrawn by cancel, results of an earlier unlock
session never delivered."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop import paths
from milpj_desktop.changes import Changes
from milpj_desktop.content import repository as repo
from milpj_desktop.content.reading import mark_favourite, open_article
from milpj_desktop.handouts import prepare
from milpj_desktop.handouts.history import list_prints, record_printed
from milpj_desktop.settings import Settings
from milpj_desktop.store import Store
from milpj_desktop.worker import StoreWorker, TaskContext
from sync.state import CollectionResult, RunResult, changes_of
from tests.conftest import PASSPHRASE
from ui.context import AppContext
from ui.ops import OpKind, Runner
from ui.pages.contenus import ContenusPage

WAIT = 10_000


@pytest.fixture
def runner(content_store: Store) -> Iterator[Runner]:
    worker = StoreWorker()
    worker.open(lambda: content_store).result(timeout=30)
    made = Runner(worker)
    yield made
    made.shutdown()


def _reopen() -> Store:
    return Store.open(paths.store_path(), PASSPHRASE)


class Recorder:
    """What reached the GUI thread, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def __call__(self, name: str) -> Callable[..., None]:
        return lambda *args: self.events.append((name, args[0] if len(args) == 1 else args))


def _block(runner: Runner) -> threading.Event:
    """Keep the store thread busy until the returned event is set (what a long query does)."""
    release, started = threading.Event(), threading.Event()

    def wait(ctx: TaskContext) -> None:
        started.set()
        assert release.wait(30)

    runner.worker.run(wait)
    assert started.wait(10)
    return release


def test_cancel_withdraws_a_queued_operation(qtbot: QtBot, runner: Runner) -> None:
    release = _block(runner)
    ran = threading.Event()
    seen = Recorder()

    def task(ctx: TaskContext) -> str:
        ran.set()
        return "lu"

    op = runner.db(task).success(seen("success")).on_cancel(seen("cancelled")).run()
    op.cancel()
    release.set()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT)
    runner.worker.run(lambda ctx: None).result(timeout=10)  # the queue has been worked through
    assert not ran.is_set()
    assert seen.events == [("cancelled", ())]


def test_a_result_of_an_earlier_session_is_never_delivered(qtbot: QtBot, runner: Runner) -> None:
    release = threading.Event()
    seen = Recorder()

    def slow(ctx: TaskContext) -> int:
        ctx.progress(1, 2, "moitié")
        assert release.wait(30)
        return repo.count_articles(ctx.store.conn)  # a value read from the decrypted store

    op = runner.db(slow).success(seen("success")).progress(seen("progress")).on_cancel(seen("cancelled")).run()
    first = runner.session
    runner.close_store().run()  # lock …
    runner.open_store(_reopen).run()  # … and unlock before the slow operation ends
    assert runner.session == first + 2
    assert not op.current
    release.set()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT)
    assert seen.events == [("cancelled", ())]

    fresh = runner.db(lambda ctx: repo.count_articles(ctx.store.conn)).success(seen("success")).run()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT)
    assert fresh.current
    assert seen.events[-1][0] == "success"  # the new session's work is delivered


def test_the_view_is_not_refilled_by_work_started_before_a_lock(qtbot: QtBot, runner: Runner) -> None:
    app = AppContext(runner)
    app.unlocked = True
    page = ContenusPage(app)
    page.today = lambda: dt.date(2026, 7, 1)
    qtbot.addWidget(page)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=WAIT)

    release = _block(runner)
    page.refresh()  # reads stages and themes, then the list: queued behind the slow work
    app.unlocked = False  # lock, as the main window does it
    page.on_locked()
    runner.close_store().run()
    runner.open_store(_reopen).run()
    app.unlocked = True  # unlocked again before the old work ends
    assert page.model.rowCount() == 0
    release.set()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT)
    qtbot.wait(50)  # anything still posted to the GUI thread has run
    assert page.model.rowCount() == 0
    assert page.stage_combo.count() <= 1


def test_change_announces_its_changes_before_success(qtbot: QtBot, runner: Runner) -> None:
    app = AppContext(runner)
    order: list[object] = []
    app.changed.connect(lambda changes: order.append((changes, app.origin)))
    asker = object()
    op = runner.change(lambda ctx: ("fait", Changes(favourites=True)), origin=asker)
    op.success(lambda value: order.append(value)).run()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT)
    assert order == [(Changes(favourites=True), asker), "fait"]
    assert op.kind is OpKind.DB
    assert app.origin is None  # only set while the announcement is delivered

    nothing = runner.change(lambda ctx: (1, Changes())).success(lambda value: order.append(value)).run()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT)
    assert order[-1] == 1 and len(order) == 3  # no change, no announcement
    assert nothing.kind is OpKind.DB
    with pytest.raises(ValueError):
        runner.change(lambda ctx: (1, Changes()), kind=OpKind.CLOSE)


def test_kinds_are_explicit() -> None:
    worker = StoreWorker()
    runner = Runner(worker)
    try:
        assert runner.db(lambda ctx: 1).kind is OpKind.DB
        assert runner.background(lambda ctx: 1).kind is OpKind.BACKGROUND
        assert runner.open_store(_reopen).kind is OpKind.OPEN
        assert runner.close_store().kind is OpKind.CLOSE
    finally:
        runner.shutdown()


# -- the use cases --------------------------------------------------------------------------------
def test_opening_an_article_clears_its_badge_and_says_so(content_store: Store) -> None:
    article = repo.get_article(content_store.conn, repo.list_article_summaries(content_store.conn)[0].id)
    assert article is not None
    article_id = article.id
    with content_store.transaction() as conn:
        repo.upsert_article(conn, article, badge="new")  # as a synchronisation marks it
    opened, changes = open_article(content_store, article_id)
    assert opened is not None and opened.badge == "new"
    assert changes == Changes(content=True)
    assert repo.article_badge(content_store.conn, article_id) is None
    again, unchanged = open_article(content_store, article_id)
    assert again is not None and again.badge is None
    assert unchanged == Changes()
    assert open_article(content_store, "article-inexistant") == (None, Changes())


def test_marking_a_favourite_says_so(content_store: Store) -> None:
    article_id = repo.list_article_summaries(content_store.conn)[0].id
    assert mark_favourite(content_store, article_id, True) == (True, Changes(favourites=True))
    assert repo.is_favourite(content_store.conn, article_id)
    assert mark_favourite(content_store, article_id, False) == (False, Changes(favourites=True))
    assert not repo.is_favourite(content_store.conn, article_id)


def test_recording_a_print_writes_the_history_and_says_so(content_store: Store) -> None:
    handout = prepare(content_store.conn, "fiche-etape", {"etape": "3"}, settings=Settings(), today=dt.date(2026, 7, 1))
    at = dt.datetime(2026, 7, 1, 10, 30)
    count, changes = record_printed(content_store, [handout, handout], copies=3, output="pdf", at=at)
    assert (count, changes) == (2, Changes(handouts=True))
    lines = list_prints(content_store.conn)
    assert [(p.template_id, p.copies, p.output, p.printed_at) for p in lines] == [("fiche-etape", 3, "pdf", at)] * 2
    assert record_printed(content_store, [], copies=1, output="pdf", at=at) == (0, Changes())


def test_a_synchronisation_announces_what_its_counts_say() -> None:
    run = RunResult(run_id=1, server="http://127.0.0.1")
    run.collections = {
        "articles": CollectionResult("articles", changed=2),
        "directory": CollectionResult("directory"),
        "templates": CollectionResult("templates", received=4),
    }
    assert changes_of(run) == Changes(content=True, sync=True)
    run.collections["directory"] = CollectionResult("directory", deleted=1)
    assert changes_of(run) == Changes(content=True, directory=True, sync=True)
    assert changes_of(None) == Changes(content=True, directory=True, handouts=True, sync=True)
