"""Prove convergence: for each collection, the server's (count, checksum) against this store's."""

from __future__ import annotations

from functools import partial
from typing import Any

from milpj_desktop.store import Store
from sync.engine import StoreAccess, SyncRequest
from sync.http import SyncHttp
from sync.protocol import COLLECTIONS, LABELS, Collection, StateInfo, departements_param
from sync.state import collection_state


def verify_convergence(access: StoreAccess, request: SyncRequest) -> dict[str, dict[str, Any]]:
    """label → {"local": count, "serveur": count, "identique": bool}; the directory within the subscription."""
    depts = frozenset(d.upper() for d in request.departements)
    http = SyncHttp(request.http_config())
    out: dict[str, dict[str, Any]] = {}
    try:
        for collection in COLLECTIONS:
            params: dict[str, str] = {}
            scope: frozenset[str] | None = None
            if collection == Collection.DIRECTORY:
                scope = depts
                params["departements"] = departements_param(depts)
            server = StateInfo.model_validate(
                http.retrying(partial(http.get_json, f"/{collection.value}/state", params))
            )

            def local(store: Store, c: Collection = collection, s: frozenset[str] | None = scope) -> tuple[int, str]:
                return collection_state(store.conn, c, s)

            count, checksum = access.run(local)
            out[LABELS[collection]] = {
                "local": count,
                "serveur": server.count,
                "identique": count == server.count and checksum == server.checksum,
            }
    finally:
        http.close()
    return out
