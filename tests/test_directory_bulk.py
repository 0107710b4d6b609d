"""Large batches (sync pages, imports) fill the search indexes in bulk: same results, same atomicity."""

from __future__ import annotations

from typing import Any

import pytest

from milpj_desktop.directory import repository
from milpj_desktop.directory.generate import fictitious_entries
from milpj_desktop.directory.search import Place, search, text_search
from milpj_desktop.store import Store


def _counts(conn: Any) -> tuple[int, int, int, int]:
    rows = conn.execute("SELECT count(*) FROM directory_national").fetchone()[0]
    located = conn.execute(
        "SELECT count(*) FROM directory_national WHERE latitude IS NOT NULL AND longitude IS NOT NULL"
    ).fetchone()[0]
    geo = conn.execute("SELECT count(*) FROM directory_national_geo").fetchone()[0]
    triggers = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'directory_national'"
    ).fetchone()[0]
    return rows, located, geo, triggers


def test_bulk_insert_then_bulk_update_keep_indexes_exact(store: Store) -> None:
    entries = fictitious_entries(repository.BULK_ROWS + 100, seed=5)
    with store.transaction() as conn:
        assert repository.upsert_national_many(conn, entries) == len(entries)
    rows, located, geo, triggers = _counts(store.conn)
    assert rows == len(entries) and geo == located and triggers == 3
    target = entries[7]
    assert target.national_id in [h.id for h in text_search(store.conn, target.name, limit=50)]
    assert target.latitude is not None and target.longitude is not None
    near = search(store.conn, around=Place(target.latitude, target.longitude), radius_km=0.5, limit=50)
    assert target.national_id in [h.id for h in near]

    renamed = [e.model_copy(update={"name": f"Zéphyrin Structure numéro{i:04d}"}) for i, e in enumerate(entries)]
    with store.transaction() as conn:
        repository.upsert_national_many(conn, renamed)
    assert _counts(store.conn) == (rows, located, geo, 3)
    assert target.national_id not in [h.id for h in text_search(store.conn, target.name, limit=50)]
    hits = text_search(store.conn, "zephyrin numero0007", limit=5)
    assert hits and hits[0].id == target.national_id
    fts_rows = store.conn.execute("SELECT count(*) FROM directory_national_fts").fetchone()[0]
    assert fts_rows == rows


def test_a_failing_bulk_batch_changes_nothing_and_keeps_the_triggers(store: Store) -> None:
    entries = fictitious_entries(repository.BULK_ROWS + 10, seed=9)
    with store.transaction() as conn:
        repository.upsert_national_many(conn, entries[:50])
    before = _counts(store.conn)
    store.conn.execute(
        "CREATE TRIGGER test_refuse BEFORE INSERT ON directory_national WHEN new.name = 'BOUM' "
        "BEGIN SELECT RAISE(ABORT, 'refus'); END"
    )
    poisoned = [*entries[50:], entries[0].model_copy(update={"name": "BOUM", "national_id": "x-boum"})]
    with pytest.raises(Exception, match="refus"), store.transaction() as conn:
        repository.upsert_national_many(conn, poisoned)
    after = _counts(store.conn)
    assert after[:3] == before[:3]
    assert after[3] == before[3] + 1  # the index triggers as they were, beside the test's own
    names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"directory_national_ai", "directory_national_au"} <= names
    # the per-row triggers are back in charge: one more entry is indexed as soon as it is written
    assert store.conn.execute("SELECT bulk FROM directory_index_state").fetchone() == (0,)
    store.conn.execute("DROP TRIGGER test_refuse")
    with store.transaction() as conn:
        repository.upsert_national(conn, entries[1].model_copy(update={"name": "Ludothèque Zanzibar"}))
    assert [h.id for h in text_search(store.conn, "zanzibar", limit=5)] == [entries[1].national_id]
