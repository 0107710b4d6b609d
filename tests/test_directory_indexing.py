"""The first load of an empty national directory defers its indexes and builds them once; an
interrupted load is indexed when the store is next opened. Real SQLCipher files throughout."""

from __future__ import annotations

from typing import Any

import pytest

from milpj_desktop import paths
from milpj_desktop.directory import indexing, repository
from milpj_desktop.directory.generate import fictitious_entries
from milpj_desktop.directory.search import Place, search, text_search
from milpj_desktop.store import Store
from milpj_desktop.upkeep import check_store, open_store
from tests.conftest import PASSPHRASE


def _indexes(conn: Any) -> dict[str, str]:
    return dict(
        conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'directory_national' "
            "AND sql IS NOT NULL"
        ).fetchall()
    )


def _found(conn: Any, entry: Any) -> bool:
    by_name = entry.national_id in [h.id for h in text_search(conn, entry.name, limit=50)]
    near = search(conn, around=Place(entry.latitude, entry.longitude), radius_km=0.5, limit=50)
    return by_name and entry.national_id in [h.id for h in near]


def test_first_load_defers_the_indexes_then_builds_them_all(store: Store) -> None:
    before = _indexes(store.conn)
    assert len(before) == 5
    entries = [e for e in fictitious_entries(450, seed=4) if e.latitude is not None]
    with store.transaction() as conn:
        assert indexing.begin_deferred(conn)
        repository.upsert_national_many(conn, entries[:300])
    assert _indexes(store.conn) == {}  # the sorting indexes wait for the end of the load
    by_words = [h.id for h in text_search(store.conn, entries[200].name, limit=50)]
    assert entries[200].national_id in by_words  # but what is in is searchable by words already
    assert "index de tri" in check_store(store)[0]  # said, in French, until the load is finished
    with store.transaction() as conn:
        repository.upsert_national_many(conn, entries[300:])  # a later page: still deferred
        repository.upsert_national_many(conn, [entries[5].model_copy(update={"name": "Crèche Zéphyrine Quatorze"})])
        assert indexing.finish_deferred(conn)
    assert _indexes(store.conn) == before  # the same indexes, created from the same SQL
    assert check_store(store) == []
    assert not indexing.finish_deferred(store.conn)  # nothing left to do
    assert _found(store.conn, entries[400])
    renamed = [h.id for h in text_search(store.conn, "zephyrine quatorze", limit=5)]
    assert renamed == [entries[5].national_id]


def test_a_directory_that_holds_entries_is_never_deferred(store: Store) -> None:
    with store.transaction() as conn:
        repository.upsert_national_many(conn, fictitious_entries(3, seed=1))
        assert not indexing.begin_deferred(conn)
    assert len(_indexes(store.conn)) == 5 and not indexing.is_deferred(store.conn)


def test_a_load_cut_by_a_killed_process_is_indexed_at_the_next_opening(store: Store) -> None:
    entries = [e for e in fictitious_entries(260, seed=8) if e.latitude is not None]
    with store.transaction() as conn:
        indexing.begin_deferred(conn)
        repository.upsert_national_many(conn, entries)
    store.close()  # as a SIGKILL would leave it: the pages committed, the indexes still to build

    plain = Store.open(paths.store_path(), PASSPHRASE)
    try:
        assert indexing.is_deferred(plain.conn)  # the store layer alone does not know about it
    finally:
        plain.close()
    reopened = open_store(paths.store_path(), PASSPHRASE)
    try:
        assert not indexing.is_deferred(reopened.conn)
        assert check_store(reopened) == []
        assert _found(reopened.conn, entries[-1])
    finally:
        reopened.close()


def test_a_failing_batch_while_deferred_changes_nothing(store: Store) -> None:
    entries = fictitious_entries(250, seed=12)
    with store.transaction() as conn:
        indexing.begin_deferred(conn)
        repository.upsert_national_many(conn, entries[:100])
    bad = [*entries[100:], entries[0].model_copy(update={"national_id": None})]
    with pytest.raises(ValueError), store.transaction() as conn:
        repository.upsert_national_many(conn, bad)
    assert repository.counts(store.conn)["national"] == 100
    assert indexing.is_deferred(store.conn)


def test_a_search_index_out_of_step_is_reported(store: Store) -> None:
    with store.transaction() as conn:
        repository.upsert_national_many(conn, fictitious_entries(220, seed=3))
    assert check_store(store) == []
    first = store.conn.execute("SELECT min(rowid) FROM directory_national").fetchone()[0]
    store.conn.execute("DELETE FROM directory_national_fts WHERE rowid = ?", (first,))
    store.conn.execute("DELETE FROM directory_national_geo WHERE id = ?", (first,))
    found = check_store(store)
    assert len(found) == 2 and "recherche par mots" in found[0] and "par distance" in found[1]


def test_statistics_follow_a_bulk_load_so_the_commune_index_drives(store: Store) -> None:
    """Without statistics, « crèches de Besançon » walked every crèche in name order."""
    with store.transaction() as conn:
        repository.upsert_national_many(conn, fictitious_entries(3000, seed=2))
    assert store.conn.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'directory_national'").fetchone()[0]
    plan = " ".join(
        str(row[3])
        for row in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT national_id FROM directory_national t WHERE t.type IN ('creche') AND "
            "(t.commune_insee = '25056' OR (t.commune_insee = '' AND t.postcode IN ('25000'))) "
            "ORDER BY t.sort_key LIMIT 50"
        )
    )
    assert "directory_national_commune" in plan and "directory_national_type" not in plan
