"""Every fault of the reference server gives its French message and leaves the store exactly as it
was after the last good page; once the fault is gone, the next synchronisation converges."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from milpj_desktop.directory import repository as directory
from milpj_desktop.store import Store
from sync import errors
from sync.engine import DirectAccess, SyncEngine
from sync.server.db import FAULT_KINDS
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

ENTRIES = directory_sample(150, seed=11)
DEPTS = departements_of(ENTRIES)
PAGE = 25
GOOD_PAGES = 2

# kind → (exception raised, or None when only the directory fails; words of the French message)
CASES: dict[str, tuple[type[errors.SyncError] | None, str]] = {
    "500": (errors.ServerError, "a rencontré une erreur (code 500)"),
    "503": (errors.ServerBusy, "surchargé ou en maintenance (code 503) ; il demande d'attendre 2 s"),
    "429": (errors.ServerBusy, "(code 429)"),
    "401": (errors.TokenRefused, "jeton d'inscription de cet appareil a été refusé"),
    "404": (errors.NotFound, "ne connaît pas l'adresse demandée"),
    "lenteur": (errors.Stalled, "ne répond plus"),
    "coupure": (errors.ConnectionCut, "connexion a été coupée"),
    "gzip-tronque": (errors.DamagedPage, "abîmée pendant le transfert"),
    "json-invalide": (None, "annuaire : ligne 1 : ce n'est pas du JSON valide"),
    "schema-invalide": (None, "champ « champ_inconnu » invalide : champ non prévu"),
    "doublon": (None, "présent deux fois"),
    "curseur-recule": (None, "le curseur renvoyé recule"),
    "page-enorme": (None, "page trop volumineuse"),
    "mauvais-type": (None, "type de contenu inattendu « text/html"),
    # hostile modes (issue 15)
    "muet": (errors.Stalled, "ne répond plus"),
    "goutte-a-goutte": (errors.TooSlow, "beaucoup trop lentement"),
    "sans-fin": (None, "plus de changements qu'il n'en avait annoncé"),
    "curseur-enorme": (None, "en-tête illisible : champ « next » invalide : texte trop long"),
    "entier-enorme": (None, "en-tête illisible : champ « upto » invalide : valeur trop grande"),
    "champ-enorme": (None, "site web trop long (2000 caractères au plus)"),
    "horaires-enormes": (None, "enregistrement trop volumineux"),
    "date-hors-bornes": (None, "date 3000-01-01 hors des bornes"),
}

# faults of other requests than a directory page, and the tests that cover them
ELSEWHERE = {
    "chemin-modele": "test_sync_hostile.py::test_template_file_names_stay_inside_their_folder",
    "fichier-abime": "test_sync_hostile.py::test_a_failed_media_file_does_not_stop_the_others",
    "accuse-autre-uuid": "test_sync_hostile.py::test_an_acknowledgement_for_another_uuid_keeps_the_correction",
    "etat-invalide": "test_sync_hostile.py::test_verifier_with_junk_state_is_one_french_line",
}


def test_every_fault_of_the_server_is_covered() -> None:
    assert set(CASES) | set(ELSEWHERE) == set(FAULT_KINDS)
    assert not set(CASES) & set(ELSEWHERE)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncServer]:
    with running_server(tmp_path_factory.mktemp("serveur")) as running:
        fill(running.db, directory=ENTRIES, assets=False)
        yield running


# the pages these faults break are refused by the record checks: also run them in a helper process
CHECKED = ("doublon", "curseur-recule", "json-invalide", "schema-invalide")


@pytest.mark.parametrize(("kind", "helpers"), [(kind, 0) for kind in sorted(CASES)] + [(kind, 1) for kind in CHECKED])
def test_fault_message_and_store_after_last_good_page(
    kind: str, helpers: int, server: SyncServer, store: Store
) -> None:
    raised, words = CASES[kind]
    request = request_for(
        server,
        DEPTS,
        page_limit=PAGE,
        stall_timeout=5.0 if kind == "horaires-enormes" else 0.5,  # a 5 MB page takes the server a while
        max_attempts=3,
        helpers=helpers,
        helpers_from=1,
        change_margin=5,
    )
    server.db.clear_faults()
    server.db.add_fault(kind, collection="directory", skip=GOOD_PAGES, times=-1, seconds=2)
    engine = SyncEngine(DirectAccess(store), request, data_dir=store.path.parent, sleep=lambda s: None)
    engine.checker.wait_for_helpers = True
    try:
        if raised is None:
            run = engine.run()
            assert run.status == "partielle"
            result = run.collections["directory"]
            assert result.status == "echec" and result.failed >= 1
            message = result.message
            assert "refusée entière" in message
        else:
            with pytest.raises(raised) as info:
                engine.run()
            message = info.value.message
            stored = store.conn.execute("SELECT status, message FROM sync_run ORDER BY id DESC").fetchone()
            assert stored == ("echec", message)
    finally:
        server.db.clear_faults()
    assert words in message
    assert (engine.checker.helped > GOOD_PAGES) == bool(helpers)  # the refused page was checked there
    # exactly the good pages are in the store, with the cursor of the last one
    assert directory.counts(store.conn)["national"] == GOOD_PAGES * PAGE
    assert store.conn.execute("SELECT count(*) FROM sync_record WHERE collection = 'directory'").fetchone() == (
        GOOD_PAGES * PAGE,
    )
    assert store.verify() == []
    waits = engine.http.stats.waits if engine.http else []
    if kind in {"401", "404"} or raised is None:
        assert waits == []  # refused at once, never retried
    else:
        assert len(waits) == 2  # three attempts, backoff between them
    if kind == "503":
        assert all(w >= 2 for w in waits)  # Retry-After honoured
    before = snapshot(store)
    again = synchronise(store, request)
    assert again.status == "reussie"
    # resumed, not restarted (but the endless pages carried cursors the server never issued: a new full pass)
    resumed = len(ENTRIES) if kind == "sans-fin" else len(ENTRIES) - GOOD_PAGES * PAGE
    assert again.collections["directory"].received == resumed
    assert all(converged(store, server, DEPTS).values())
    assert snapshot(store)["articles"] == before["articles"]


def test_cursor_stays_after_a_refused_page(server: SyncServer, store: Store, tmp_path: Path) -> None:
    """A bad page in one collection does not stop the others."""
    request = request_for(server, DEPTS, page_limit=PAGE)
    server.db.clear_faults()
    server.db.add_fault("schema-invalide", collection="articles", times=-1)
    try:
        run = synchronise(store, request)
    finally:
        server.db.clear_faults()
    assert run.collections["articles"].status == "echec"
    assert "champ_inconnu" in run.collections["articles"].message
    assert run.collections["directory"].status == "reussie"
    assert directory.counts(store.conn)["national"] == len(ENTRIES)
    assert store.conn.execute("SELECT count(*) FROM article").fetchone() == (0,)


def test_a_refused_page_crosses_processes_whole() -> None:
    """Known errors are pickled by message and state: a helper's BadPage comes back as itself."""
    import pickle

    refused = errors.BadPage("annuaire", "ligne 3 : champ « type » invalide")
    refused.refused = 25
    back = pickle.loads(pickle.dumps(refused))
    assert type(back) is errors.BadPage
    assert (back.message, back.refused, str(back)) == (refused.message, 25, refused.message)
