"""A hostile or broken server (issue 15), against the real reference server on 127.0.0.1: each case
ends with a French message, within its budgets, and the store keeps what it had."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError

from milpj_desktop import paths
from milpj_desktop.content import repository as content
from milpj_desktop.directory import repository as directory
from milpj_desktop.directory.models import DirectoryEntry
from milpj_desktop.directory.repository import StoredEntry
from milpj_desktop.settings import load_settings
from milpj_desktop.store import Store
from milpj_desktop.validation import first_error
from sync import errors
from sync.apply import media_path
from sync.engine import MEDIA_DIR, DirectAccess, SyncEngine
from sync.lock import SyncLock
from sync.outbox import outbox_state
from sync.protocol import Collection
from sync.server.demo import template_records
from sync.verify import repair, verify_convergence
from tests.conftest import PASSPHRASE, run_cli
from tests.test_sync_support import (
    TOKEN,
    SyncServer,
    converged,
    departements_of,
    directory_sample,
    request_for,
    synchronise,
)

ENTRIES = directory_sample(120, seed=23)
DEPTS = departements_of(ENTRIES)


# the `server` fixture of tests/conftest.py serves this module's ENTRIES


# -- item 3: one media file does not block everything ---------------------------------------------
@pytest.mark.parametrize("kind", ["fichier-abime", "404"])
def test_a_failed_media_file_does_not_stop_the_others(kind: str, server: SyncServer, store: Store) -> None:
    server.db.add_fault(kind, collection="blobs", skip=1, times=-1)
    run = synchronise(store, request_for(server, DEPTS))
    assert run.status == "reussie" and run.warned  # « réussie avec avertissements »
    assert run.status_text == "réussie avec avertissements"
    assert run.collections["directory"].added == len(ENTRIES)  # the collections after the media went on
    media = run.collections["assets"]
    assert media.status == "reussie" and media.failed >= 1
    assert "nouvel essai à la prochaine synchronisation" in media.message
    assert ("abîmé" if kind == "fichier-abime" else "absent du serveur (code 404)") in media.message
    missing = store.conn.execute("SELECT count(*) FROM sync_asset WHERE present = 0").fetchone()[0]
    assert missing == media.failed
    stored = store.conn.execute("SELECT status, message FROM sync_run ORDER BY id DESC").fetchone()
    assert stored == ("reussie", media.message)

    server.db.clear_faults()
    again = synchronise(store, request_for(server, DEPTS))  # the failed files are fetched now
    assert again.status == "reussie" and not again.warned
    for sha, size in store.conn.execute("SELECT sha256, size FROM sync_asset"):
        assert media_path(paths.data_dir() / MEDIA_DIR, sha).stat().st_size == size
    assert all(converged(store, server, DEPTS).values())


# -- item 4: an acknowledgement must name what was sent -------------------------------------------
def test_an_acknowledgement_for_another_uuid_keeps_the_correction(server: SyncServer, store: Store) -> None:
    synchronise(store, request_for(server, DEPTS))
    with store.transaction() as conn:
        sent = directory.add_correction(conn, str(ENTRIES[0].national_id), "Le numéro a changé.")
    server.db.add_fault("accuse-autre-uuid", collection="corrections", times=1)
    run = synchronise(store, request_for(server, DEPTS))
    result = run.collections["corrections"]
    assert (result.added, result.failed) == (0, 1)
    assert "autre correction que celle envoyée" in result.message
    state = outbox_state(store.conn)
    assert state.pending == 1 and "autre correction" in state.last_error
    again = synchronise(store, request_for(server, DEPTS))  # sent again: now acknowledged as itself
    assert again.collections["corrections"].added == 1
    assert outbox_state(store.conn).pending == 0
    assert [u for u, _, _ in server.db.corrections()] == [sent.uuid]


# -- item 6: bounded waits ------------------------------------------------------------------------
def test_a_silent_server_on_the_corrections_ends_the_run_at_once(server: SyncServer, store: Store) -> None:
    with store.transaction() as conn:
        directory.add_correction(conn, str(ENTRIES[0].national_id), "Fermé le samedi.")
    server.db.add_fault("muet", collection="corrections", times=-1, seconds=2)
    request = request_for(server, DEPTS, stall_timeout=0.3, max_attempts=2)
    with pytest.raises(errors.Stalled, match="ne répond plus") as info:
        synchronise(store, request)
    assert server.stats.pages == 0  # no stream was tried after the failure
    assert info.value.run is not None
    assert outbox_state(store.conn).pending == 1


def test_retry_after_is_capped_and_waits_have_a_budget(server: SyncServer, store: Store) -> None:
    # too long a wait asked: not honoured, told at once
    server.db.add_fault("503", collection="stages", times=-1, seconds=300)
    engine = SyncEngine(
        DirectAccess(store), request_for(server, max_attempts=10), data_dir=paths.data_dir(), sleep=lambda s: None
    )
    with pytest.raises(errors.ServerBusy, match="il demande d'attendre 300 s"):
        engine.run()
    assert engine.http is not None and engine.http.stats.waits == []
    # honoured waits stop once the failure budget (50 s by default) would be passed, not after 10 attempts
    server.db.clear_faults()
    server.db.add_fault("503", collection="stages", times=-1, seconds=20)
    engine = SyncEngine(
        DirectAccess(store), request_for(server, max_attempts=10), data_dir=paths.data_dir(), sleep=lambda s: None
    )
    with pytest.raises(errors.ServerBusy):
        engine.run()
    assert engine.http is not None and len(engine.http.stats.waits) == 2
    assert all(20 <= w < 21 for w in engine.http.stats.waits)


def test_a_run_has_a_total_budget(server: SyncServer, store: Store) -> None:
    ticks = itertools.count()
    engine = SyncEngine(
        DirectAccess(store),
        request_for(server, DEPTS, page_limit=10, run_budget=60.0),
        data_dir=paths.data_dir(),
        sleep=lambda s: None,
        clock=lambda: float(next(ticks)),  # one second per look at the clock
    )
    with pytest.raises(errors.RunTooLong, match="durée maximale") as info:
        engine.run()
    assert info.value.run is not None
    held = directory.counts(store.conn)["national"]
    assert held % 10 == 0 and held < len(ENTRIES)  # whole pages only
    assert store.verify() == []
    assert synchronise(store, request_for(server, DEPTS)).status == "reussie"  # and it resumes
    assert all(converged(store, server, DEPTS).values())


# -- item 8: a refused run changes nothing; purges are counted ------------------------------------
def test_purged_departements_are_counted(server: SyncServer, store: Store) -> None:
    by_dept: dict[str, int] = {}
    for entry in ENTRIES:
        by_dept[entry.departement] = by_dept.get(entry.departement, 0) + 1
    kept, dropped = sorted(by_dept, key=lambda d: -by_dept[d])[:2]
    synchronise(store, request_for(server, frozenset({kept, dropped})))
    run = synchronise(store, request_for(server, frozenset({kept})))
    assert run.collections["directory"].deleted == by_dept[dropped]
    assert directory.counts(store.conn)["national"] == by_dept[kept]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={"MILPJ_JETON": TOKEN, **(env or {})})


def test_a_refused_sync_keeps_the_subscription(server: SyncServer, data_dir: Path) -> None:
    first = sorted(DEPTS)[0]
    assert _cli("init").returncode == 0
    assert _cli("synchroniser", "--serveur", server.url, "--departements", first).returncode == 0
    with SyncLock(paths.data_dir()):
        busy = _cli("synchroniser", "--departements", ",".join(sorted(DEPTS)[:3]))
    assert busy.returncode == 2 and "déjà en cours" in busy.stderr
    store = Store.open(paths.store_path(), PASSPHRASE)
    try:
        assert load_settings(store.conn).departements == [first]  # not saved by the refused run
    finally:
        store.close()


# -- item 9: --verifier compares the records themselves and repairs them ---------------------------
def test_verifier_finds_and_repairs_records_that_differ(server: SyncServer, content_store: Store) -> None:
    request = request_for(server, DEPTS)
    synchronise(content_store, request)
    access = DirectAccess(content_store)
    assert verify_convergence(access, request).identical
    changed = ENTRIES[4]
    stranger = ENTRIES[5].model_copy(update={"national_id": "inconnu-du-serveur"})
    article_id = content.list_articles(content_store.conn)[0].id
    with content_store.transaction() as conn:  # as an import would do: same ids, other contents
        directory.upsert_national(conn, changed.model_copy(update={"name": "Nom changé sur ce poste"}))
        directory.upsert_national(conn, stranger)
        article = content.get_article(conn, article_id)
        assert article is not None
        content.upsert_article(conn, article.model_copy(update={"title": "Titre changé sur ce poste"}))
    assert all(converged(content_store, server, DEPTS).values())  # ids and versions alone see nothing

    found = verify_convergence(access, request)
    assert not found.identical
    assert found.checks["annuaire"]["identique"] is False and found.checks["annuaire"]["ecarts"] == 2
    assert found.checks["articles"]["ecarts"] == 1
    assert found.checks["étapes"]["identique"] is True
    assert repair(access, found.differences) == 3
    assert directory.get_national(content_store.conn, "inconnu-du-serveur") is None
    run = synchronise(content_store, request)
    assert run.collections["directory"].changed == 1 and run.collections["articles"].changed == 1
    assert verify_convergence(access, request).identical
    assert directory.get_national(content_store.conn, str(changed.national_id)) == changed
    assert content.get_article(content_store.conn, article_id).title != "Titre changé sur ce poste"  # type: ignore[union-attr]


def test_verifier_command_repairs_then_says_identical(server: SyncServer, data_dir: Path) -> None:
    assert _cli("init").returncode == 0
    depts = ",".join(sorted(DEPTS))
    assert _cli("synchroniser", "--serveur", server.url, "--departements", depts).returncode == 0
    store = Store.open(paths.store_path(), PASSPHRASE)
    try:
        with store.transaction() as conn:
            directory.upsert_national(conn, ENTRIES[7].model_copy(update={"name": "Changé par un import"}))
    finally:
        store.close()
    done = _cli("synchroniser", "--verifier", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["repares"] == 1
    assert all(check["identique"] for check in report["convergence"].values())


def test_verifier_with_junk_state_is_one_french_line(server: SyncServer, data_dir: Path) -> None:
    assert _cli("init").returncode == 0
    server.db.add_fault("etat-invalide", collection="etat", times=-1)
    done = _cli("synchroniser", "--serveur", server.url, "--verifier")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith("milpj-desktop : Le serveur a répondu à la vérification (étapes) par un état illisible")


# -- item 12: one French line ---------------------------------------------------------------------
def test_a_refused_page_is_one_french_line(server: SyncServer, data_dir: Path) -> None:
    assert _cli("init").returncode == 0
    server.db.add_fault("schema-invalide", collection="directory", times=-1)
    done = _cli("synchroniser", "--serveur", server.url, "--departements", ",".join(sorted(DEPTS)))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "milpj-desktop : Le serveur a envoyé une page de données non conforme (annuaire : ligne 1 : champ "
        "« champ_inconnu » invalide : champ non prévu). Elle a été refusée entière et rien après elle n'a été "
        "appliqué ; les données déjà reçues sont intactes."
    ]


def test_a_portal_answering_the_corrections_is_told_as_such(server: SyncServer, data_dir: Path) -> None:
    assert _cli("init").returncode == 0
    store = Store.open(paths.store_path(), PASSPHRASE)
    try:
        with store.transaction() as conn:
            directory.add_correction(conn, "fictif-1", "Adresse fausse.")
    finally:
        store.close()
    server.db.add_fault("mauvais-type", collection="corrections", times=-1)
    done = _cli("synchroniser", "--serveur", server.url)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("milpj-desktop : La réponse reçue pour l'envoi d'une correction ne vient pas du serveur")
    assert "portail" not in last or "Wi-Fi" in last


def test_a_huge_csv_field_is_one_french_line(data_dir: Path, tmp_path: Path) -> None:
    assert _cli("init").returncode == 0
    source = tmp_path / "annuaire.csv"
    source.write_text('nom,type,code_postal,site_web\nCrèche,creche,25000,"' + "a" * 10_000_000 + '"\n')
    done = _cli("annuaire", "importer", str(source))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "milpj-desktop : Ligne 2 : un champ dépasse 128 Ko ; le fichier n'a pas été importé."
    ]


# -- item 13: dates and template file names ---------------------------------------------------------
def test_template_file_names_stay_inside_their_folder(server: SyncServer, store: Store) -> None:
    server.db.publish(Collection.TEMPLATES, template_records(paths.templates_dir()))
    server.db.add_fault("chemin-modele", collection="templates", times=-1)
    run = synchronise(store, request_for(server, DEPTS))
    result = run.collections["templates"]
    assert result.status == "echec"
    assert "champ « files » invalide : nom de fichier « ../../evil.html » refusé" in result.message
    assert store.conn.execute("SELECT count(*) FROM sync_template").fetchone() == (0,)
    assert run.collections["directory"].status == "reussie"


def test_an_article_dated_1900_is_refused(server: SyncServer, content_store: Store) -> None:
    article_id, record = next(iter(server.db.live_records(Collection.ARTICLES).items()))
    server.db.publish(Collection.ARTICLES, [{**record, "reviewed_on": "1900-01-01"}])
    before = content.get_article(content_store.conn, article_id)
    run = synchronise(content_store, request_for(server, DEPTS))
    result = run.collections["articles"]
    assert result.status == "echec"
    assert "champ « reviewed_on » invalide : date 1900-01-01 hors des bornes (de 2000 à 2099)" in result.message
    assert content.get_article(content_store.conn, article_id) == before


# -- item 2: bounded records ------------------------------------------------------------------------
HUGE_VALUES: dict[str, object] = {
    "website": "https://exemple.fr/" + "a" * 7_000_000,
    "email": "a" * 3_000_000 + "@exemple.fr",
    "hours": [{"first_day": "lundi", "last_day": "lundi", "slots": [{"opens": "09:00", "closes": "10:00"}]}] * 60_000,
    "phone": "0" * 1000,
    "languages": ["fr", "en"] * 100,
    "updated_at": "3000-01-01T00:00:00Z",
}


@pytest.mark.parametrize("name", sorted(HUGE_VALUES))
def test_an_entry_has_limits_told_in_a_short_french_reason(name: str) -> None:
    base = directory_sample(1, seed=3)[0].model_dump(mode="json")
    with pytest.raises(ValidationError) as info:
        DirectoryEntry.model_validate({**base, name: HUGE_VALUES[name]})
    where, why = first_error(info.value)
    assert where.split(".")[0] == name
    assert len(why) < 120 and ("trop" in why or "hors des bornes" in why)


def test_the_detail_pane_cuts_what_was_stored_before_the_limits() -> None:
    from ui.annuaire_detail import entry_html

    entry = directory_sample(1, seed=3)[0]
    huge = DirectoryEntry.model_construct(
        **{**dict(entry), "website": "https://exemple.fr/" + "a" * 7_000_000, "email": "b" * 3_000_000 + "@x.fr"}
    )
    shown = entry_html(StoredEntry(str(entry.national_id), "national", huge, ""), dt.datetime(2026, 1, 5, 10), {})
    assert len(shown) < 10_000
    assert "https://exemple.fr/aaa" in shown and "…" in shown


# -- item 5: a poisoned cursor kept by an older version does not fail every later run ----------------
@pytest.mark.parametrize("cursor", ["A" * 300, "x" * 1_000_000, "Zm9vYmFy"])
def test_a_poisoned_stored_cursor_starts_the_collection_over(cursor: str, server: SyncServer, store: Store) -> None:
    request = request_for(server, DEPTS)
    synchronise(store, request)
    with store.transaction() as conn:
        conn.execute("UPDATE sync_stream SET cursor = ? WHERE stream IN ('articles', 'directory')", (cursor,))
    run = synchronise(store, request)
    assert run.status == "reussie"
    assert all(converged(store, server, DEPTS).values())
    kept = store.conn.execute("SELECT max(length(cursor)) FROM sync_stream").fetchone()[0]
    assert kept <= 200
    assert synchronise(store, request).status == "reussie"
