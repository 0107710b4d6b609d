"""The store as the features see it: created with the embedded contents, opened ready for use,
checked whole (encryption, structure, the directory's search indexes)."""

from __future__ import annotations

import logging
from pathlib import Path

from milpj_desktop import loadlock, paths
from milpj_desktop.content.pack import load_pack
from milpj_desktop.content.repository import import_pack
from milpj_desktop.directory import indexing
from milpj_desktop.store import Store, StoreExists
from milpj_desktop.store.store import check_passphrase, remove_store

log = logging.getLogger(__name__)


def open_store(path: Path, passphrase: str) -> Store:
    """Store.open, then index a first directory load that a killed synchronisation left unfinished,
    unless a synchronisation (another process, or this one's) is loading right now: it will, at its end."""
    store = Store.open(path, passphrase)
    with loadlock.held_if_free(path.parent) as free:
        if free:
            finish_pending(store)
    return store


def loading_elsewhere(store: Store) -> bool:
    """True while a first load of the directory is under way in a synchronisation that holds the lock."""
    return indexing.is_deferred(store.conn) and loadlock.loading_elsewhere(store.path.parent)


def finish_pending(store: Store) -> bool:
    """Build the indexes an interrupted first load of the directory went without; True if it did.

    A failure is logged, not raised: the store stays usable (slower to sort) and the next opening
    or synchronisation tries again.
    """
    try:
        if not indexing.is_deferred(store.conn):
            return False
        with store.transaction() as conn:
            indexing.finish_deferred(conn)
    except Exception:
        log.warning("indexation de l'annuaire reportée", exc_info=True)
        return False
    log.info("annuaire indexé après une première synchronisation interrompue")
    return True


def check_store(store: Store) -> list[str]:
    """Every problem found, in French (empty = all is well). During another process's first load the
    directory's indexes are not built yet by design: that is not a problem, they are checked afterwards."""
    problems = store.verify()
    if not loading_elsewhere(store):
        problems += indexing.problems(store.conn)
    return problems


def create_with_default_content(passphrase: str) -> Store:
    """Create the store and load the embedded content pack in one transaction."""
    check_passphrase(passphrase)
    if paths.store_path().exists():
        raise StoreExists(paths.store_path())
    pack = load_pack(paths.resources_dir() / "contenus")
    store = Store.create(paths.store_path(), passphrase)
    try:
        with store.transaction() as conn:
            import_pack(conn, pack)
    except BaseException:
        store.close()
        remove_store(paths.store_path())  # a store without its content is not left behind
        raise
    return store
