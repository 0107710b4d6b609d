"""The store as the features see it: open it ready for use, check it whole (encryption, structure,
the directory's search indexes)."""

from __future__ import annotations

import logging
from pathlib import Path

from milpj_desktop.directory import indexing
from milpj_desktop.store import Store

log = logging.getLogger(__name__)


def open_store(path: Path, passphrase: str) -> Store:
    """Store.open, then index a first directory load that a killed synchronisation left unfinished."""
    store = Store.open(path, passphrase)
    try:
        if indexing.is_deferred(store.conn):
            with store.transaction() as conn:
                indexing.finish_deferred(conn)
            log.info("annuaire indexé à l'ouverture (première synchronisation interrompue)")
    except Exception:  # the store stays usable, only slower to search; the next opening tries again
        log.warning("indexation de l'annuaire reportée", exc_info=True)
    return store


def check_store(store: Store) -> list[str]:
    """Every problem found, in French (empty = all is well)."""
    return store.verify() + indexing.problems(store.conn)
