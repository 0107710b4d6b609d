"""The synchronisation engine against the real reference server on 127.0.0.1 (no mocked HTTP)."""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from milpj_desktop import paths
from milpj_desktop.content import repository as content
from milpj_desktop.directory import repository as directory
from milpj_desktop.directory.search import text_search
from milpj_desktop.store import Store
from milpj_desktop.upkeep import check_store
from milpj_desktop.worker import Cancelled
from sync import errors
from sync.apply import media_path
from sync.engine import MEDIA_DIR, Progress, SyncRequest
from sync.lock import SyncLock
from sync.outbox import outbox_state
from sync.protocol import Collection
from sync.state import RunResult
from tests.test_sync_support import (
    SyncServer,
    converged,
    departements_of,
    directory_sample,
    fill,
    request_for,
    running_server,
    snapshot,
    synchronise,
)

ENTRIES = directory_sample(240)
DEPTS = departements_of(ENTRIES)


def _article(server: SyncServer, article_id: str) -> dict[str, object]:
    return server.db.live_records(Collection.ARTICLES)[article_id]


def test_full_then_incremental_sync_converge_with_badges(server: SyncServer, content_store: Store) -> None:
    request = request_for(server, DEPTS, page_limit=50)
    progress: list[Progress] = []
    first = synchronise(content_store, request, progress=progress)
    assert first.status == "reussie"
    assert first.collections["directory"].added == len(ENTRIES)
    # an empty directory is loaded without its indexes, built once at the end of the pass
    assert [p.label for p in progress if "index" in p.label] == ["Annuaire : préparation de la recherche (index)…"]
    assert check_store(content_store) == []
    assert ENTRIES[3].national_id in [h.id for h in text_search(content_store.conn, ENTRIES[3].name, limit=50)]
    assert first.collections["articles"].added == 0  # the embedded pack is the same content
    assert all(converged(content_store, server, DEPTS).values())
    assert len(list((paths.data_dir() / MEDIA_DIR).rglob("*.svg"))) == 0  # stored by hash, not by name
    for sha, size in content_store.conn.execute("SELECT sha256, size FROM sync_asset"):
        data = media_path(paths.data_dir() / MEDIA_DIR, sha).read_bytes()
        assert len(data) == size and hashlib.sha256(data).hexdigest() == sha

    # The server publishes: one article changed, one new, one event deleted, directory moves.
    articles = server.db.live_records(Collection.ARTICLES)
    changed_id, some = next(iter(articles.items()))
    server.db.publish(Collection.ARTICLES, [{**some, "title": "Titre revu par le comité", "version": 2}])
    server.db.publish(Collection.ARTICLES, [{**some, "id": "nouvelle-fiche-essai", "title": "Une nouvelle fiche"}])
    event_id = next(iter(server.db.live_records(Collection.EVENTS)))
    server.db.delete(Collection.EVENTS, [event_id])
    changed_entries = [e.model_copy(update={"name": e.name + " (nouvelle adresse)"}) for e in ENTRIES[:5]]
    server.db.publish(Collection.DIRECTORY, changed_entries)
    server.db.delete(Collection.DIRECTORY, [str(e.national_id) for e in ENTRIES[5:8]])
    added = directory_sample(4, seed=99)
    added = [
        e.model_copy(
            update={
                "national_id": f"essai-{i}",
                "commune_insee": ENTRIES[0].commune_insee,
                "postcode": ENTRIES[0].postcode,
            }
        )
        for i, e in enumerate(added)
    ]
    server.db.publish(Collection.DIRECTORY, added)

    second = synchronise(content_store, request)
    assert second.status == "reussie"
    assert (second.collections["articles"].added, second.collections["articles"].changed) == (1, 1)
    assert second.collections["events"].deleted == 1
    got = second.collections["directory"]
    assert (got.added, got.changed, got.deleted) == (4, 5, 3)
    assert got.received == 12  # only what changed travelled
    assert all(converged(content_store, server, DEPTS).values())
    conn = content_store.conn
    assert content.article_badge(conn, "nouvelle-fiche-essai") == "new"
    assert content.article_badge(conn, changed_id) == "updated"
    assert content.get_article(conn, changed_id).title == "Titre revu par le comité"  # type: ignore[union-attr]
    assert content.get_event(conn, event_id) is None
    stored = directory.get_national(conn, str(ENTRIES[0].national_id))
    assert stored is not None and stored.name.endswith("(nouvelle adresse)")
    assert directory.get_national(conn, str(ENTRIES[6].national_id)) is None

    assert check_store(content_store) == []  # later passes keep the indexes in step, row by row
    assert str(ENTRIES[0].national_id) in [h.id for h in text_search(conn, "nouvelle adresse", limit=10)]
    before = snapshot(content_store)
    third = synchronise(content_store, request)
    assert all(r.received == 0 for r in third.collections.values())
    assert snapshot(content_store) == before  # nothing new: nothing written


def test_local_entries_notes_and_favourites_are_never_touched(server: SyncServer, content_store: Store) -> None:
    request = request_for(server, DEPTS)
    synchronise(content_store, request)
    noted = str(ENTRIES[0].national_id)
    with content_store.transaction() as conn:
        local_id = directory.add_local(conn, ENTRIES[1].model_copy(update={"name": "Ma sage-femme de garde"}))
        directory.set_note(conn, noted, "Appeler le matin, demander Claire.")
        directory.set_note(conn, local_id, "Note locale")
        article_id = content.list_articles(conn)[0].id
        content.set_favourite(conn, article_id, True)
    server.db.delete(Collection.DIRECTORY, [noted])
    server.db.publish(Collection.DIRECTORY, [ENTRIES[1].model_copy(update={"name": "Renommée"})])
    server.db.delete(Collection.ARTICLES, [article_id])
    synchronise(content_store, request)
    conn = content_store.conn
    assert directory.get_national(conn, noted) is None
    assert directory.get_note(conn, noted) == "Appeler le matin, demander Claire."  # the note outlives the entry
    local = directory.get_entry(conn, local_id)
    assert local is not None and local.entry.name == "Ma sage-femme de garde" and local.note == "Note locale"
    assert content.is_favourite(conn, article_id)
    server.db.publish(Collection.DIRECTORY, [ENTRIES[0]])  # the entry comes back, so does its note
    synchronise(content_store, request)
    entry = directory.get_entry(content_store.conn, noted)
    assert entry is not None and entry.note == "Appeler le matin, demander Claire."


def test_territory_subscription_adds_fetch_and_removals_purge(server: SyncServer, store: Store) -> None:
    by_dept: dict[str, int] = {}
    for entry in ENTRIES:
        by_dept[entry.departement] = by_dept.get(entry.departement, 0) + 1
    first, second = sorted(by_dept, key=lambda d: -by_dept[d])[:2]
    synchronise(store, request_for(server, frozenset({first})))
    assert directory.counts(store.conn)["national"] == by_dept[first]
    noted = next(str(e.national_id) for e in ENTRIES if e.departement == first)
    with store.transaction() as conn:
        directory.set_note(conn, noted, "note à garder")

    before = server.stats.changes
    run = synchronise(store, request_for(server, frozenset({first, second})))
    assert run.collections["directory"].added == by_dept[second]
    # only the new département travelled (content was already up to date)
    assert server.stats.changes - before == by_dept[second]
    streams = store.conn.execute(
        "SELECT stream, departements FROM sync_stream WHERE collection = 'directory'"
    ).fetchall()
    assert streams == [("directory", ",".join(sorted({first, second})))]
    assert converged(store, server, frozenset({first, second}))["directory"]

    synchronise(store, request_for(server, frozenset({second})))
    assert directory.counts(store.conn)["national"] == by_dept[second]
    assert directory.get_note(store.conn, noted) == "note à garder"
    assert converged(store, server, frozenset({second}))["directory"]


def test_entry_moving_to_another_departement(server: SyncServer, store: Store) -> None:
    entry = ENTRIES[0]
    other = next(e for e in ENTRIES if e.departement != entry.departement)
    both = frozenset({entry.departement, other.departement})
    synchronise(store, request_for(server, both))
    moved = entry.model_copy(
        update={"commune_insee": other.commune_insee, "postcode": other.postcode, "commune": other.commune}
    )
    server.db.publish(Collection.DIRECTORY, [moved])
    synchronise(store, request_for(server, both))
    stored = directory.get_national(store.conn, str(entry.national_id))
    assert stored is not None and stored.departement == other.departement
    assert converged(store, server, both)["directory"]


def test_cursor_too_old_resyncs_without_losing_local_data(server: SyncServer, content_store: Store) -> None:
    request = request_for(server, DEPTS, page_limit=20)
    synchronise(content_store, request)
    ids = sorted(server.db.live_records(Collection.ARTICLES))
    with content_store.transaction() as conn:
        content.set_favourite(conn, ids[0], True)
    server.db.delete(Collection.ARTICLES, ids[:2])
    server.db.publish(Collection.ARTICLES, [{**_article(server, ids[3]), "title": "Changée pendant l'absence"}])
    assert server.db.purge_tombstones() == 2  # the client's cursor is now too old

    # The full pass is cut half-way: nothing local may have been removed yet.
    server.db.add_fault("500", collection="articles", skip=2, times=-1)
    with pytest.raises(errors.ServerError):
        synchronise(content_store, request)
    assert content.get_article(content_store.conn, ids[0]) is not None
    assert content_store.conn.execute("SELECT full_pass FROM sync_stream WHERE stream = 'articles'").fetchone() == (1,)

    server.db.clear_faults()
    run = synchronise(content_store, request)
    assert run.status == "reussie"
    assert run.collections["articles"].deleted == 2
    assert content.get_article(content_store.conn, ids[0]) is None
    assert content.get_article(content_store.conn, ids[3]).title == "Changée pendant l'absence"  # type: ignore[union-attr]
    assert content.is_favourite(content_store.conn, ids[0])  # local data stays
    assert all(converged(content_store, server, DEPTS).values())


def test_outbox_is_idempotent_and_never_loses_a_correction(server: SyncServer, store: Store) -> None:
    request = request_for(server, DEPTS)
    synchronise(store, request)
    with store.transaction() as conn:
        first = directory.add_correction(conn, str(ENTRIES[0].national_id), "Le numéro a changé : 03 81 00 00 00.")
        directory.add_correction(conn, str(ENTRIES[1].national_id), "Fermé le samedi désormais.")
    server.db.add_fault("500", collection="corrections", times=-1)
    before = server.stats.pages
    # the server fails: the run stops at once (the downloads would fail the same way), nothing is lost
    with pytest.raises(errors.ServerError, match=r"\(code 500\)") as info:
        synchronise(store, request)
    assert server.stats.pages == before  # no page was asked for after the failure
    failed = info.value.run
    assert isinstance(failed, RunResult) and failed.status == "echec"
    assert failed.collections["corrections"].failed == 2
    assert "toujours dans la boîte d'envoi" in failed.collections["corrections"].message
    state = outbox_state(store.conn)
    assert state.pending == 2 and "500" in state.last_error

    # The server records the first one but its answer is lost: the retry must not duplicate it.
    server.db.clear_faults()
    server.db.add_fault("coupure", collection="corrections", times=1)
    run = synchronise(store, request)
    assert run.collections["corrections"].added == 2
    assert outbox_state(store.conn) == type(state)(pending=0, sent=2, last_error="")
    received = server.db.corrections()
    assert len(received) == 2 and first.uuid in {uuid for uuid, _, _ in received}


def test_asset_download_resumes_with_range(server: SyncServer, store: Store) -> None:
    data = os.urandom(400_000)
    record = server.db.add_asset(data, name="guide-allaitement.pdf", media_type="application/pdf")
    server.db.add_fault("coupure", collection="blobs", times=1)
    synchronise(store, request_for(server, frozenset()))
    target = media_path(paths.data_dir() / MEDIA_DIR, record.sha256)
    assert target.read_bytes() == data
    served = server.stats.blob_bytes
    assert served < len(data) * 1.6  # the second attempt asked only for the missing part
    assert not list((paths.data_dir() / MEDIA_DIR / "partiels").glob("*.part"))
    server.db.delete(Collection.ASSETS, [record.sha256])
    synchronise(store, request_for(server, frozenset()))
    assert not target.exists()


def test_token_is_never_logged(server: SyncServer, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server.db.add_fault("503", collection="stages", times=1, seconds=0)
    run = synchronise(store, request_for(server, DEPTS))
    assert run.status == "reussie"
    assert caplog.records  # something was logged (the retry)
    token = request_for(server).token
    assert token not in caplog.text
    assert all(token not in str(row) for row in store.conn.execute("SELECT * FROM sync_run"))


def test_wrong_token_is_refused_at_once(server: SyncServer, store: Store) -> None:
    request = request_for(server, DEPTS)
    bad = type(request)(**{**request.__dict__, "token": "mauvais-jeton"})
    with pytest.raises(errors.TokenRefused) as info:
        synchronise(store, bad)
    assert "jeton d'inscription" in info.value.message
    assert "mauvais-jeton" not in info.value.message


def test_one_synchronisation_at_a_time(server: SyncServer, store: Store) -> None:
    with SyncLock(paths.data_dir()), pytest.raises(errors.SyncBusy, match="déjà en cours"):
        synchronise(store, request_for(server, DEPTS))
    assert synchronise(store, request_for(server, DEPTS)).status == "reussie"


def test_cancel_keeps_whole_pages_and_resumes(server: SyncServer, store: Store) -> None:
    cancel = threading.Event()
    seen: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        seen.append(progress)
        if progress.collection == "directory":
            cancel.set()

    from sync.engine import DirectAccess, SyncEngine

    engine = SyncEngine(
        DirectAccess(store),
        request_for(server, DEPTS, page_limit=30),
        data_dir=paths.data_dir(),
        cancel=cancel,
        on_progress=on_progress,
    )
    with pytest.raises(Cancelled):
        engine.run()
    held = directory.counts(store.conn)["national"]
    assert held % 30 == 0 and 0 < held < len(ENTRIES)
    assert check_store(store) == []  # what came is indexed: the directory is searchable at once
    kept = directory.get_entry(
        store.conn, store.conn.execute("SELECT national_id FROM directory_national").fetchone()[0]
    )
    assert kept is not None and kept.id in [h.id for h in text_search(store.conn, kept.entry.name, limit=50)]
    assert store.conn.execute("SELECT status FROM sync_run ORDER BY id DESC").fetchone() == ("annulee",)
    run = synchronise(store, request_for(server, DEPTS, page_limit=30))
    assert run.collections["directory"].received == len(ENTRIES) - held
    assert all(converged(store, server, DEPTS).values())
    assert any(p.total == len(ENTRIES) for p in seen)


def test_configuration_errors_are_french(store: Store, tmp_path: Path) -> None:
    with pytest.raises(errors.InsecureServer, match="https://"):
        synchronise(store, SyncRequest(server_url="http://exemple.fr", token="t"))
    request = SyncRequest(server_url="https://exemple.fr", token="t", ca_bundle=str(tmp_path / "absent.pem"))
    with pytest.raises(errors.BadCaBundle, match="certificats"):
        synchronise(store, request)
    with pytest.raises(errors.NoToken):
        synchronise(store, SyncRequest(server_url="https://exemple.fr", token=""))
    with pytest.raises(errors.NoServer):
        synchronise(store, SyncRequest(server_url="", token="t"))


def test_tls_is_always_verified_and_a_ca_bundle_is_honoured(tmp_path: Path, store: Store) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "cle.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    with running_server(tmp_path / "tls", ssl_certfile=str(cert), ssl_keyfile=str(key)) as running:
        fill(running.db, directory=ENTRIES[:20], assets=False)
        with pytest.raises(errors.TlsFailure, match="certificat du serveur n'a pas pu être vérifié"):
            synchronise(store, request_for(running))
        run = synchronise(store, request_for(running, ca_bundle=str(cert)))
        assert run.status == "reussie" and running.url.startswith("https://")


def test_proxy_setting_is_used(server: SyncServer, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(errors.ProxyFailure, match="proxy"):
        synchronise(store, request_for(server, proxy="http://127.0.0.1:9"))


def test_a_large_load_is_checked_in_helper_processes(server: SyncServer, store: Store) -> None:
    from sync.engine import DirectAccess, SyncEngine

    request = request_for(server, DEPTS, page_limit=30, helpers=1, helpers_from=100)
    engine = SyncEngine(DirectAccess(store), request, data_dir=paths.data_dir())
    engine.checker.wait_for_helpers = True
    run = engine.run()
    assert run.status == "reussie" and run.collections["directory"].added == len(ENTRIES)
    assert engine.checker.helped == -(-len(ENTRIES) // 30)  # every directory page, none of the others
    assert all(converged(store, server, DEPTS).values())
    assert check_store(store) == []
    entry = ENTRIES[17]
    stored = directory.get_national(store.conn, str(entry.national_id))
    assert stored == entry  # the row built in the helper holds the record as the server sent it
    assert entry.national_id in [h.id for h in text_search(store.conn, entry.name, limit=50)]


def test_helpers_that_die_leave_the_checks_here(
    server: SyncServer, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    from sync.engine import DirectAccess, SyncEngine

    request = request_for(server, DEPTS, page_limit=30, helpers=1, helpers_from=100)
    killed: list[int | None] = []

    def kill_helpers(progress: Progress) -> None:
        pids = engine.checker.helper_pids()
        if progress.collection == "directory" and pids and not killed:
            for pid in pids:  # as the system would, out of memory
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    engine = SyncEngine(DirectAccess(store), request, data_dir=paths.data_dir(), on_progress=kill_helpers)
    engine.checker.wait_for_helpers = True
    with caplog.at_level(logging.WARNING, logger="sync.checking"):
        run = engine.run()
    assert killed and run.status == "reussie"
    assert "vérification sur place" in caplog.text or "indisponibles" in caplog.text
    assert all(converged(store, server, DEPTS).values())
    assert check_store(store) == []
