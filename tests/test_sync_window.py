"""The Synchronisation page with real widgets, a real encrypted store and the real server."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable, Iterator
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop.changes import Changes
from milpj_desktop.directory import repository as directory
from milpj_desktop.settings import load_settings
from milpj_desktop.store import Store
from milpj_desktop.typography import grouped
from milpj_desktop.worker import StoreWorker, TaskContext
from sync.protocol import Collection
from tests.test_sync_support import TOKEN, SyncServer, departements_of, directory_sample
from ui.context import AppContext
from ui.ops import Runner
from ui.pages.accueil import AccueilPage
from ui.pages.synchronisation import SynchronisationPage
from ui.qt import QNetworkInformation, Qt, QTreeWidgetItem
from ui.status import SyncStatus

T = TypeVar("T")
ENTRIES = directory_sample(400, seed=41)
COUNTS: dict[str, int] = {}
for _entry in ENTRIES:
    COUNTS[_entry.departement] = COUNTS.get(_entry.departement, 0) + 1
FIRST, SECOND = sorted(COUNTS, key=lambda d: -COUNTS[d])[:2]


SERVER_PAGE_BYTES = 30_000  # small pages (bytes bound) so that a synchronisation has many of them


@pytest.fixture
def page(qtbot: QtBot, content_store: Store) -> Iterator[SynchronisationPage]:
    worker = StoreWorker()
    worker.open(lambda: content_store).result(timeout=30)
    runner = Runner(worker)
    app = AppContext(runner)
    app.unlocked = True
    widget = SynchronisationPage(app)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    widget.on_shown()
    qtbot.waitUntil(lambda: widget.summary.text() == "Jamais synchronisé.", timeout=10000)
    yield widget
    widget.controller.cancel()
    qtbot.waitUntil(lambda: not widget.controller.running, timeout=30000)
    runner.shutdown()


def on_store(page: SynchronisationPage, fn: Callable[[TaskContext], T]) -> T:
    return page.app.runner.worker.run(fn).result(timeout=30)


def _brought(page: SynchronisationPage) -> QTreeWidgetItem | None:
    """The history row of the last run that brought something: expanded and current."""
    for index in range(page.table.topLevelItemCount()):
        item = page.table.topLevelItem(index)
        if item is not None and item.isExpanded():
            return item
    return None


def _rows(page: SynchronisationPage) -> dict[str, list[str]]:
    """Collection → its counts and state, in the run shown expanded."""
    item = _brought(page)
    if item is None:
        return {}
    rows = {}
    for index in range(item.childCount()):
        child = item.child(index)
        assert child is not None
        rows[child.text(0)] = [child.text(c) for c in range(1, 6)]
    return rows


def _configure(qtbot: QtBot, page: SynchronisationPage, server: SyncServer, depts: str) -> None:
    for field, text in ((page.server_url, server.url), (page.token, TOKEN), (page.departements, depts)):
        field.clear()
        qtbot.keyClicks(field, text)


def test_save_then_synchronise_shows_results_and_outbox(
    qtbot: QtBot, page: SynchronisationPage, server: SyncServer
) -> None:
    _configure(qtbot, page, server, FIRST)
    with qtbot.waitSignal(page.controller.finished, timeout=60000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)  # saving starts a synchronisation
    settings = on_store(page, lambda ctx: load_settings(ctx.store.conn))
    assert settings.device_token == TOKEN and settings.departements == [FIRST]
    page.refresh()
    qtbot.waitUntil(lambda: "Annuaire" in _rows(page), timeout=10000)
    assert _rows(page)["Annuaire"] == ["réussie", str(COUNTS[FIRST]), "0", "0", "0"]
    assert "Dernière synchronisation réussie : " in page.summary.text()
    assert page.status.text().startswith("Synchronisation réussie (après l’enregistrement des réglages) : ")
    assert not page.progress.isVisible() and page.sync_button.isEnabled()

    # a correction signalled in the Annuaire goes out with the next synchronisation
    national_id = next(str(e.national_id) for e in ENTRIES if e.departement == FIRST)
    on_store(page, lambda ctx: _add_correction(ctx, national_id))
    page.refresh()
    qtbot.waitUntil(lambda: "1 en attente" in page.outbox.text(), timeout=10000)
    with qtbot.waitSignal(page.controller.finished, timeout=60000):
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    page.refresh()
    qtbot.waitUntil(lambda: "0 en attente d’envoi, 1 envoyée" in page.outbox.text(), timeout=10000)
    assert len(server.db.corrections()) == 1


def _add_correction(ctx: TaskContext, national_id: str) -> None:
    with ctx.store.transaction() as conn:
        directory.add_correction(conn, national_id, "Nouveaux horaires le samedi.")


def test_removing_a_departement_purges_it_at_once(qtbot: QtBot, page: SynchronisationPage, server: SyncServer) -> None:
    _configure(qtbot, page, server, f"{FIRST}, {SECOND}")
    with qtbot.waitSignal(page.controller.finished, timeout=60000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    held = on_store(page, lambda ctx: directory.counts(ctx.store.conn)["national"])
    assert held == COUNTS[FIRST] + COUNTS[SECOND]
    page.automatic.setChecked(False)
    page.departements.clear()
    qtbot.keyClicks(page.departements, SECOND)
    with qtbot.waitSignal(page.controller.finished, timeout=60000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert on_store(page, lambda ctx: directory.counts(ctx.store.conn)["national"]) == COUNTS[SECOND]


def test_bad_departement_is_explained(qtbot: QtBot, page: SynchronisationPage, server: SyncServer) -> None:
    _configure(qtbot, page, server, "25, Doubs")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == "Département invalide : « DOUBS » (exemples : 25, 2A, 974)."
    assert not page.controller.running


def test_cancel_from_the_window_keeps_what_arrived(qtbot: QtBot, page: SynchronisationPage, server: SyncServer) -> None:
    server.db.add_fault("lenteur", collection="directory", skip=1, times=-1, seconds=3)
    _configure(qtbot, page, server, ",".join(sorted(departements_of(ENTRIES))))
    page.automatic.setChecked(False)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.controller.running, timeout=10000)
    qtbot.waitUntil(lambda: page.cancel_button.isEnabled(), timeout=10000)
    qtbot.waitUntil(lambda: "Annuaire" in page.status.text(), timeout=30000)
    with qtbot.waitSignal(page.controller.finished, timeout=30000) as blocker:
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [None]
    assert page.status.text().startswith("Synchronisation annulée")
    assert page.sync_button.isEnabled()
    held = on_store(page, lambda ctx: directory.counts(ctx.store.conn)["national"])
    assert 0 < held < len(ENTRIES)
    server.db.clear_faults()


def test_automatic_sync_at_unlock_and_when_the_connection_returns(
    qtbot: QtBot, page: SynchronisationPage, server: SyncServer
) -> None:
    settings = page.app.settings.model_copy(
        update={"server_url": server.url, "device_token": TOKEN, "departements": [ENTRIES[0].departement]}
    )
    page.app.set_settings(settings)
    page.controller.on_locked()  # a new unlock starts
    with qtbot.waitSignal(page.controller.started, timeout=10000) as started:
        page.app.announce(Changes(settings=True))
    assert started.args == ["démarrage"]
    qtbot.waitUntil(lambda: not page.controller.running, timeout=60000)
    page.controller.on_reachability(QNetworkInformation.Reachability.Disconnected)
    server.db.publish(Collection.DIRECTORY, [ENTRIES[0].model_copy(update={"name": "Renommée hors ligne"})])
    with qtbot.waitSignal(page.controller.started, timeout=10000) as started:
        page.controller.on_reachability(QNetworkInformation.Reachability.Online)
    assert started.args == ["connexion retrouvée"]
    qtbot.waitUntil(lambda: not page.controller.running, timeout=60000)
    assert page.status.text() == (
        "Synchronisation réussie (au retour de la connexion) : 1 changement(s) reçu(s) (détail ci-dessous)."
    )
    renamed = on_store(page, lambda ctx: directory.get_national(ctx.store.conn, str(ENTRIES[0].national_id)))
    assert renamed is not None and renamed.name == "Renommée hors ligne"  # what changed while offline came


MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre"]
MONTHS += ["novembre", "décembre"]


def _paris(iso: str) -> str:
    """The stored UTC time as a person in Paris reads it, written here by hand."""
    moment = dt.datetime.fromisoformat(iso).astimezone(ZoneInfo("Europe/Paris"))
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{day} {MONTHS[moment.month - 1]} {moment.year} à {_clock(iso)}"


def _day(iso: str) -> dt.date:
    return dt.datetime.fromisoformat(iso).astimezone(ZoneInfo("Europe/Paris")).date()


def _clock(iso: str) -> str:
    moment = dt.datetime.fromisoformat(iso).astimezone(ZoneInfo("Europe/Paris"))
    minutes = f"\u00a0{moment.minute:02d}" if moment.minute else ""
    return f"{moment.hour}\u00a0h{minutes}"


def _runs(page: SynchronisationPage) -> list[tuple[int, str, str]]:
    def read(ctx: TaskContext) -> list[tuple[int, str, str]]:
        rows = ctx.store.conn.execute("SELECT id, status, finished_at FROM sync_run ORDER BY id").fetchall()
        return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    return on_store(page, read)


def _completed(page: SynchronisationPage, directory_part: bool) -> str:
    op = "=" if directory_part else "<>"
    sql = f"SELECT min(completed_at) FROM sync_stream WHERE collection {op} 'directory'"
    return str(on_store(page, lambda ctx: ctx.store.conn.execute(sql).fetchone()[0]))


def _dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.usefixtures("paris_time")
def test_a_failure_after_a_success_keeps_what_is_true(
    qtbot: QtBot, page: SynchronisationPage, server: SyncServer
) -> None:
    app = page.app
    accueil = AccueilPage(app)
    qtbot.addWidget(accueil)
    accueil.show()
    accueil.on_shown()
    status = SyncStatus(app)
    app.set_online(True)
    qtbot.waitUntil(lambda: "Contenus jamais synchronisés" in accueil.body.text(), timeout=10000)

    # 1. saving the settings synchronises, and the result says so
    _configure(qtbot, page, server, FIRST)
    with qtbot.waitSignal(page.controller.finished, timeout=60000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    arrived = on_store(
        page,
        lambda ctx: ctx.store.conn.execute(
            "SELECT sum(added + changed + deleted) FROM sync_run_collection WHERE collection <> 'corrections'"
        ).fetchone()[0],
    )
    assert arrived >= COUNTS[FIRST]
    assert page.status.text() == (
        f"Synchronisation réussie (après l’enregistrement des réglages) : {grouped(arrived)} "
        "changement(s) reçu(s) (détail ci-dessous)."
    )
    content_at, directory_at = _paris(_completed(page, False)), _paris(_completed(page, True))
    qtbot.waitUntil(lambda: f"Annuaire à jour du {directory_at}" in accueil.body.text(), timeout=10000)
    assert f"<b>Contenus à jour du {content_at}</b>" in accueil.body.text()
    assert f"(département {FIRST})</b> : <b>{COUNTS[FIRST]}</b> structures nationales" in accueil.body.text()
    first_run = _runs(page)[-1]
    qtbot.waitUntil(lambda: "Annuaire" in _rows(page), timeout=10000)
    shown = _brought(page)
    assert shown is not None and shown.text(0).endswith("(nouveaux réglages)")

    # 2. an empty run does not hide what the previous one brought
    with qtbot.waitSignal(page.controller.finished, timeout=60000):
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == "Synchronisation réussie (lancée à la main) : rien de nouveau sur le serveur."
    success = _runs(page)[-1]
    assert success[1] == "reussie" and success[0] != first_run[0]
    qtbot.waitUntil(lambda: page.table.topLevelItemCount() == 2, timeout=10000)
    newest = page.table.topLevelItem(0)
    assert newest is not None and newest.text(1) == "réussie" and not newest.isExpanded()
    nothing = newest.child(0)
    assert newest.childCount() == 1 and nothing is not None and nothing.text(0) == "Rien de nouveau"
    shown = _brought(page)
    assert shown is not None and shown.text(0).endswith("(nouveaux réglages)")
    assert _rows(page)["Annuaire"] == ["réussie", str(COUNTS[FIRST]), "0", "0", "0"]
    qtbot.waitUntil(
        lambda: status.sync_label.text() == f"Dernière synchronisation réussie : {_paris(success[2])}", timeout=10000
    )
    assert status.connection_label.text() == "En ligne"

    # 3. the server cannot be reached: the last success stays told, apart from the failed attempt
    page.automatic.setChecked(False)
    page.server_url.clear()
    qtbot.keyClicks(page.server_url, _dead_url())
    with qtbot.waitSignal(page.controller.failed, timeout=60000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.status.text().startswith("Le serveur national est injoignable")
    failed = _runs(page)[-1]
    assert failed[1] == "echec"
    expected = f"Dernière synchronisation réussie : {_paris(success[2])} — échec de la dernière tentative "
    same_day = _day(failed[2]) == _day(success[2])
    expected += f"à {_clock(failed[2])}" if same_day else f"le {_paris(failed[2])}"
    qtbot.waitUntil(lambda: status.sync_label.text() == expected, timeout=10000)
    assert status.connection_label.text() == "Serveur injoignable"  # the system still says online
    assert status.connection_label.accessibleDescription() == "Serveur injoignable"  # heard, not only seen
    assert status.sync_label.accessibleDescription() == expected
    assert app.online is True
    qtbot.waitUntil(lambda: "Serveur injoignable : ce qui est ci-dessus" in accueil.body.text(), timeout=10000)
    assert f"<b>Contenus à jour du {content_at}</b>" in accueil.body.text()
    assert f"Annuaire à jour du {directory_at}" in accueil.body.text()
    heard = accueil.body.accessibleDescription()  # plain text: no tags, spaces as spoken
    assert f"Contenus à jour du {content_at} : ".replace("\u00a0", " ") in heard and "<b>" not in heard
    qtbot.waitUntil(lambda: page.table.topLevelItemCount() == 3, timeout=10000)
    newest = page.table.topLevelItem(0)
    assert newest is not None and newest.text(1) == "échec" and newest.text(0).endswith("(nouveaux réglages)")
    shown = _brought(page)
    assert shown is not None and shown is not newest
    assert _rows(page)["Annuaire"] == ["réussie", str(COUNTS[FIRST]), "0", "0", "0"]
