"""Freshness told truthfully: the last success of each part kept apart from a failed attempt, with the
real reference server on 127.0.0.1 and a real encrypted store; French local times and numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from milpj_desktop.frenchdates import local_moment, long_moment
from milpj_desktop.store import Store
from milpj_desktop.typography import grouped
from sync import errors
from sync.engine import apply_subscription
from sync.freshness import (
    content_phrase,
    directory_phrase,
    last_sync_compact,
    last_sync_phrase,
    read_freshness,
    server_phrase,
)
from sync.protocol import Collection
from sync.state import (
    DIRECTORY_MAIN,
    RUNS_KEPT,
    content_streams,
    finish_run,
    last_run_that_brought,
    load_stream,
    recent_runs,
    save_stream,
    start_run,
)
from tests.test_sync_support import SyncServer, directory_sample, fill, request_for, running_server, synchronise

ENTRIES = directory_sample(120, seed=5)
DEPT = sorted({e.departement for e in ENTRIES})[0]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SyncServer]:
    with running_server(tmp_path / "serveur") as running:
        fill(running.db, directory=ENTRIES, assets=False)
        yield running


def _dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _subscribe(store: Store, dept: str) -> None:
    with store.transaction() as conn:
        apply_subscription(conn, frozenset({dept}))


def test_never_synchronised_is_said_plainly(store: Store) -> None:
    freshness = read_freshness(store.conn)
    assert content_phrase(freshness) == (
        "Contenus jamais synchronisés avec le serveur national (ceux livrés avec l’application)"
    )
    assert directory_phrase(freshness).startswith("Annuaire national : aucun département suivi")
    assert last_sync_phrase(freshness) == "Jamais synchronisé"
    assert server_phrase(freshness.last_attempt) == ""
    _subscribe(store, "25")
    assert directory_phrase(read_freshness(store.conn)) == "Annuaire jamais synchronisé (département 25)"


@pytest.mark.usefixtures("paris_time")
def test_a_failed_attempt_keeps_the_last_success(store: Store, server: SyncServer) -> None:
    synchronise(store, request_for(server, frozenset({DEPT}), reason="nouveaux réglages"))
    after_success = read_freshness(store.conn)
    success = after_success.last_success
    assert success is not None and success.status == "reussie" and success.reason == "nouveaux réglages"
    assert after_success.content_at and after_success.directory[0].completed_at
    content_text = content_phrase(after_success)
    directory_text = directory_phrase(after_success)
    assert content_text.startswith("Contenus à jour du ")
    assert directory_text.startswith("Annuaire à jour du ") and directory_text.endswith(f"(département {DEPT})")
    assert last_sync_phrase(after_success).startswith("Dernière synchronisation réussie : ")
    assert "tentative" not in last_sync_phrase(after_success)

    dead = dataclasses.replace(request_for(server, frozenset({DEPT}), reason="manuelle"), server_url=_dead_url())
    with pytest.raises(errors.Unreachable):
        synchronise(store, dead)
    after_failure = read_freshness(store.conn)
    assert after_failure.last_attempt is not None and after_failure.last_attempt.status == "echec"
    assert after_failure.last_attempt.error == "Unreachable"
    assert after_failure.last_success is not None and after_failure.last_success.run_id == success.run_id
    # the freshness of each part is still that of the success
    assert content_phrase(after_failure) == content_text
    assert directory_phrase(after_failure) == directory_text
    told = last_sync_phrase(after_failure)
    assert told.startswith(last_sync_phrase(after_success) + " — échec de la dernière tentative ")
    assert server_phrase(after_failure.last_attempt) == "Serveur injoignable"
    compact = last_sync_compact(after_failure)
    assert compact.startswith("Synchronisé le ") and " — échec " in compact and len(compact) < len(told)
    # the last run that brought something is still the success, not the empty failed attempt
    brought = last_run_that_brought(store.conn)
    assert brought is not None and brought.run_id == success.run_id


@pytest.mark.usefixtures("paris_time")
def test_times_are_local_and_french() -> None:
    moment = local_moment("2026-12-03T13:05:00+00:00")
    assert moment is not None and moment.utcoffset() == dt.timedelta(hours=1)
    assert long_moment(moment) == "3 décembre 2026 à 14\u00a0h\u00a005"
    summer = local_moment("2026-07-01T07:00:00+00:00")
    assert summer is not None and long_moment(summer) == "1er juillet 2026 à 9\u00a0h"
    assert local_moment("") is None and local_moment("hier") is None


def test_thousands_are_grouped_with_a_narrow_non_breaking_space() -> None:
    assert grouped(100000) == "100\u202f000"
    assert grouped(1234567) == "1\u202f234\u202f567"
    assert grouped(999) == "999"


def test_old_runs_go_but_the_last_success_and_the_last_arrival_stay(store: Store) -> None:
    conn = store.conn
    with store.transaction() as c:
        useful = start_run(c, "https://serveur.exemple.fr", reason="nouveaux réglages")
        useful.result(Collection.ARTICLES).added = 3
        useful.status = "partielle"
        finish_run(c, useful)
        success = start_run(c, "https://serveur.exemple.fr")
        success.status = "reussie"
        finish_run(c, success)
        for _ in range(RUNS_KEPT + 5):
            failed = start_run(c, "https://serveur.exemple.fr")
            failed.status = "echec"
            failed.error = "Unreachable"
            finish_run(c, failed)
    ids = {int(r[0]) for r in conn.execute("SELECT id FROM sync_run")}
    assert useful.run_id in ids and success.run_id in ids
    assert len(ids) == RUNS_KEPT + 2
    freshness = read_freshness(conn)
    assert freshness.last_success is not None and freshness.last_success.run_id == success.run_id
    brought = last_run_that_brought(conn)
    assert brought is not None and brought.run_id == useful.run_id and brought.reason == "nouveaux réglages"
    assert [r.run_id for r in recent_runs(conn, 3)] == sorted(ids, reverse=True)[:3]


def test_parts_not_yet_caught_up_are_told(store: Store) -> None:
    """A first synchronisation cut short, a département added since: each part says where it stands."""
    with store.transaction() as conn:
        apply_subscription(conn, frozenset({"25"}))
        articles = next(s for s in content_streams(conn) if s.collection == Collection.ARTICLES)
        save_stream(conn, articles, completed=True)  # the other content collections never caught up
        main = load_stream(conn, DIRECTORY_MAIN)
        assert main is not None
        save_stream(conn, main, completed=True)
        apply_subscription(conn, frozenset({"25", "39", "70"}))  # caught up on their own stream, not yet
    freshness = read_freshness(store.conn)
    assert content_phrase(freshness) == (
        "Contenus synchronisés en partie seulement : la prochaine synchronisation complétera"
    )
    told = directory_phrase(freshness)
    assert (
        told.startswith("Annuaire à jour du ")
        and " (département 25) ; départements 39, 70 : pas encore synchronisés" in told
    )
