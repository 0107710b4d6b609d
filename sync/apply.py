"""Apply one validated page to the store, inside the caller's transaction, with its new cursor.

National records replace their old version (articles get the "nouveau" / "mis à jour" badge);
local entries, private notes, favourites and the correction outbox are never written here.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from milpj_desktop.content import repository as content
from milpj_desktop.directory import indexing
from milpj_desktop.directory import repository as directory
from milpj_desktop.store.batch import json_param
from sync.page import Page
from sync.protocol import AssetRecord, Change, Collection, TemplateRecord
from sync.state import CollectionResult, Stream, save_collection_result, save_stream


@dataclass
class Applied:
    """What one page did, known only once its transaction committed."""

    stream: Stream
    result: CollectionResult
    files_to_remove: list[Path] = field(default_factory=list)
    completed: bool = False


@dataclass(frozen=True)
class _Local:
    version: int
    dept: str


# -- per collection: how a record is written and removed ------------------------------------------
def _put_template(conn: Any, record: TemplateRecord) -> None:
    conn.execute(
        "INSERT INTO sync_template(id, version, title, data) VALUES(?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
        "version = excluded.version, title = excluded.title, data = excluded.data",
        (record.id, record.version, record.title, record.model_dump_json()),
    )


def _del_template(conn: Any, template_id: str) -> None:
    conn.execute("DELETE FROM sync_template WHERE id = ?", (template_id,))


def _put_asset(conn: Any, record: AssetRecord) -> None:
    conn.execute(
        "INSERT INTO sync_asset(sha256, name, media_type, size) VALUES(?, ?, ?, ?) ON CONFLICT(sha256) DO UPDATE SET "
        "name = excluded.name, media_type = excluded.media_type, size = excluded.size",
        (record.sha256, record.name, record.media_type, record.size),
    )


def _del_asset(conn: Any, sha256: str) -> None:
    conn.execute("DELETE FROM sync_asset WHERE sha256 = ?", (sha256,))


_DELETE: dict[Collection, Callable[[Any, str], None]] = {
    Collection.STAGES: content.delete_stage,
    Collection.THEMES: content.delete_theme,
    Collection.ARTICLES: content.delete_article,
    Collection.EVENTS: content.delete_event,
    Collection.TEMPLATES: _del_template,
    Collection.ASSETS: _del_asset,
    Collection.DIRECTORY: directory.delete_national,
}

# Local rows a first full pass adopts, so that records the server no longer has are removed.
_ADOPT: dict[Collection, str] = {
    Collection.STAGES: "SELECT 'stages', id, '', 0, 0 FROM stage",
    Collection.THEMES: "SELECT 'themes', id, '', 0, 0 FROM theme",
    Collection.ARTICLES: "SELECT 'articles', id, '', version, 0 FROM article",
    Collection.EVENTS: "SELECT 'events', id, '', 0, 0 FROM event",
    Collection.TEMPLATES: "SELECT 'templates', id, '', version, 0 FROM sync_template",
    Collection.ASSETS: "SELECT 'assets', sha256, '', 1, 0 FROM sync_asset",
}

# Where an adopted record (version 0) keeps its JSON, to tell an identical record from a new one.
_DATA_SQL: dict[Collection, str] = {
    Collection.STAGES: "SELECT data FROM stage WHERE id = ?",
    Collection.THEMES: "SELECT data FROM theme WHERE id = ?",
    Collection.EVENTS: "SELECT data FROM event WHERE id = ?",
}


def delete_record(conn: Any, collection: Collection, item_id: str) -> None:
    """Remove one national record and what the sync remembers of it (a repair after a verification)."""
    _DELETE[collection](conn, item_id)
    conn.execute("DELETE FROM sync_record WHERE collection = ? AND id = ?", (collection.value, item_id))


def media_path(media_dir: Path, sha256: str) -> Path:
    return media_dir / sha256[:2] / sha256


def adopt_local(conn: Any, collection: Collection) -> None:
    """Before a full pass: register local national rows this store holds but never received."""
    sql = _ADOPT.get(collection)
    if sql:
        conn.execute(f"INSERT OR IGNORE INTO sync_record(collection, id, dept, version, generation) {sql}")


def _locals(conn: Any, collection: Collection, ids: list[str]) -> dict[str, _Local]:
    """What the store holds of these ids, read in one statement (one GIL release, not one per row)."""
    found: dict[str, _Local] = {}
    if not ids:
        return found
    row = conn.execute(
        "SELECT json_group_array(json_array(r.id, r.version, r.dept)) FROM json_each(?) j "
        "CROSS JOIN sync_record r ON r.collection = ? AND r.id = j.value",
        (json_param(ids), collection.value),
    ).fetchone()
    for item_id, version, dept in json.loads(row[0]):
        found[str(item_id)] = _Local(int(version), str(dept))
    if collection == Collection.ARTICLES:  # articles loaded by a content pack after the last pass
        missing = [i for i in ids if i not in found]
        query = "SELECT id, version FROM article WHERE id IN (SELECT value FROM json_each(?))"
        for item_id, version in conn.execute(query, (json_param(missing),)):
            found[str(item_id)] = _Local(int(version), "")
    return found


def _same_as_adopted(conn: Any, collection: Collection, change: Change[Any]) -> bool:
    sql = _DATA_SQL.get(collection)
    if sql is None or change.record is None:
        return False
    row = conn.execute(sql, (change.id,)).fetchone()
    return row is not None and str(row[0]) == change.record.model_dump_json()


def apply_page(
    conn: Any, stream: Stream, page: Page, result: CollectionResult, *, run_id: int, media_dir: Path
) -> Applied:
    """Write every change of the page, then the stream's new cursor; the caller commits or rolls back."""
    collection = stream.collection
    new_stream = dataclasses.replace(stream)
    new_result = dataclasses.replace(result)
    applied = Applied(stream=new_stream, result=new_result)
    local = _locals(conn, collection, [c.id for c in page.changes])
    puts: list[Any] = []
    record_rows: list[tuple[str, str, str, int, int]] = []
    confirm_rows: list[str] = []
    for change in page.changes:
        have = local.get(change.id)
        if change.op == "del":
            if have is None or (collection == Collection.DIRECTORY and have.dept != change.dept):
                continue  # unknown here, or the entry moved to another département since
            _DELETE[collection](conn, change.id)
            conn.execute("DELETE FROM sync_record WHERE collection = ? AND id = ?", (collection.value, change.id))
            local.pop(change.id, None)
            new_result.deleted += 1
            if collection == Collection.ASSETS:
                applied.files_to_remove.append(media_path(media_dir, change.id))
            continue
        row = (collection.value, change.id, change.dept, change.version, new_stream.generation)
        if have is not None and have.dept == change.dept:
            if have.version == change.version:
                if new_stream.full_pass:
                    confirm_rows.append(change.id)
                continue
            if have.version == 0 and _same_as_adopted(conn, collection, change):
                record_rows.append(row)  # adopted from the pack and identical: now its version is known
                continue
        if have is None:
            new_result.added += 1
        else:
            new_result.changed += 1
        record_rows.append(row)
        puts.append((change, have is None))
        local[change.id] = _Local(change.version, change.dept)
    if collection == Collection.DIRECTORY and new_stream.full_pass:
        indexing.begin_deferred(conn)  # a first load into an empty directory: indexed once, at the end
    _write(conn, collection, page, puts)
    if record_rows:
        conn.execute(
            "INSERT INTO sync_record(collection, id, dept, version, generation) "
            "SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4 FROM json_each(?) j "
            "WHERE true ON CONFLICT(collection, id) DO UPDATE SET dept = excluded.dept, "
            "version = excluded.version, generation = excluded.generation",
            (json_param(record_rows),),
        )
    if confirm_rows:
        conn.execute(
            "UPDATE sync_record SET generation = ? WHERE collection = ? AND id IN (SELECT value FROM json_each(?))",
            (new_stream.generation, collection.value, json_param(confirm_rows)),
        )
    new_result.received += len(page.changes)
    new_stream.cursor = page.header.next
    new_stream.seq = page.header.upto
    if not page.header.more:
        applied.completed = True
        if new_stream.full_pass:
            removed = sweep(conn, new_stream)
            new_result.deleted += len(removed)
            if collection == Collection.ASSETS:
                applied.files_to_remove += [media_path(media_dir, sha) for sha in removed]
            new_stream.full_pass = False
        if collection == Collection.DIRECTORY:
            indexing.finish_deferred(conn)
    save_stream(conn, new_stream, completed=applied.completed)
    save_collection_result(conn, run_id=run_id, result=new_result)
    return applied


def prepare(page: Page) -> Page:
    """What needs no store, done before the page reaches the store's thread: the directory rows."""
    if page.header.collection == Collection.DIRECTORY:
        for change in page.changes:
            if change.record is not None:
                page.rows[change.id] = directory.national_row(change.record)
    return page


def _write(conn: Any, collection: Collection, page: Page, puts: list[tuple[Change[Any], bool]]) -> None:
    if collection == Collection.DIRECTORY:
        rows = [page.rows[c.id] for c, _ in puts]  # built by prepare(), here or in a helper process
        indexing.write_national_rows(conn, rows)
        return
    records: list[tuple[Any, bool]] = [(c.record, is_new) for c, is_new in puts if c.record is not None]
    for record, is_new in records:
        if collection == Collection.STAGES:
            content.upsert_stage(conn, record)
        elif collection == Collection.THEMES:
            content.upsert_theme(conn, record)
        elif collection == Collection.ARTICLES:
            content.upsert_article(conn, record, badge=content.BADGE_NEW if is_new else content.BADGE_UPDATED)
        elif collection == Collection.EVENTS:
            content.upsert_event(conn, record)
        elif collection == Collection.TEMPLATES:
            _put_template(conn, record)
        elif collection == Collection.ASSETS:
            _put_asset(conn, record)


def sweep(conn: Any, stream: Stream) -> list[str]:
    """End of a full pass: remove what this stream's scope holds but the pass did not confirm."""
    sql = "SELECT id FROM sync_record WHERE collection = ? AND generation < ?"
    params: list[Any] = [stream.collection.value, stream.generation]
    if stream.collection == Collection.DIRECTORY:
        sql += f" AND dept IN ({','.join('?' * len(stream.departements))})"
        params += sorted(stream.departements)
    ids = [str(r[0]) for r in conn.execute(sql, params)]
    for item_id in ids:
        _DELETE[stream.collection](conn, item_id)
    conn.executemany(
        "DELETE FROM sync_record WHERE collection = ? AND id = ?", [(stream.collection.value, i) for i in ids]
    )
    return ids


def forget_departements(conn: Any, departements: Iterable[str]) -> int:
    """Unsubscribe: purge the national entries of these départements (notes and local entries stay)."""
    codes = sorted(set(departements))
    if not codes:
        return 0
    removed = directory.purge_departements(conn, codes)
    marks = ",".join("?" * len(codes))
    conn.execute(f"DELETE FROM sync_record WHERE collection = 'directory' AND dept IN ({marks})", codes)
    return removed
