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
    finish_pending(store)
    return store


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
    """Every problem found, in French (empty = all is well)."""
    return store.verify() + indexing.problems(store.conn)
