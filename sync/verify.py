"""Prove convergence on the records themselves: for each collection (the directory per département),
the server's content checksum against the one of what this store holds; where they differ, the
fingerprint of each record says which ones, and a repair removes the extra ones and fetches the others."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from milpj_desktop.store import Store
from milpj_desktop.validation import first_error
from sync import errors
from sync.apply import adopt_local, delete_record
from sync.engine import StoreAccess, SyncRequest
from sync.http import SyncHttp
from sync.protocol import (
    COLLECTIONS,
    LABELS,
    Collection,
    Fingerprints,
    StateInfo,
    content_checksum,
    departements_param,
)
from sync.state import Stream, directory_streams, load_stream, local_fingerprints, next_generation, save_stream


@dataclass
class Difference:
    """What differs in one collection: ids to fetch again (missing here or not as on the server), ids
    to remove (unknown to the server), and for the directory the départements concerned."""

    collection: Collection
    departements: frozenset[str] = frozenset()
    refetch: set[str] = field(default_factory=set)
    extra: set[str] = field(default_factory=set)


@dataclass
class Convergence:
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)  # label → what the command prints
    differences: list[Difference] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.differences


def _answer(http: SyncHttp, model: type[BaseModel], path: str, params: dict[str, str], what: str) -> Any:
    """A JSON answer read against its model: a wrong one is a French error, never a traceback."""
    try:
        return model.model_validate(http.retrying(lambda: http.get_json(path, params, what=what)))
    except ValidationError as exc:
        where, why = first_error(exc)
        raise errors.BadState(what, f"{where} : {why}" if where else why) from None


def verify_convergence(access: StoreAccess, request: SyncRequest) -> Convergence:
    """Compare every collection with the server, record by record; the directory within the subscription."""
    depts = frozenset(d.upper() for d in request.departements)
    http = SyncHttp(request.http_config())
    out = Convergence()
    try:
        for collection in COLLECTIONS:
            label = LABELS[collection]
            scope = depts if collection == Collection.DIRECTORY else None
            params: dict[str, str] = {}
            if scope is not None:
                params = {"departements": departements_param(scope), "detail": "1"}
            server: StateInfo = _answer(http, StateInfo, f"/{collection.value}/state", params, label)

            def read(store: Store, c: Collection = collection, s: frozenset[str] | None = scope) -> Any:
                return local_fingerprints(store.conn, c, s)

            local: dict[str, tuple[str, str]] = access.run(read)
            same = server.count == len(local) and server.content == content_checksum(
                (i, h) for i, (_, h) in local.items()
            )
            difference = None if same else _difference(http, collection, scope, server, local)
            if difference is not None and not (difference.refetch or difference.extra):
                difference = None  # the same records after all (a count that differed for no record)
            if difference is not None:
                out.differences.append(difference)
            out.checks[label] = {
                "local": len(local),
                "serveur": server.count,
                "identique": difference is None,
                "ecarts": len(difference.refetch) + len(difference.extra) if difference else 0,
            }
    finally:
        http.close()
    return out


def _difference(
    http: SyncHttp,
    collection: Collection,
    scope: frozenset[str] | None,
    server: StateInfo,
    local: dict[str, tuple[str, str]],
) -> Difference:
    """Which records differ: asked only for the départements whose checksums differ."""
    label = LABELS[collection]
    params: dict[str, str] = {}
    wanted = scope
    if scope is not None:
        if server.by_departement is not None:
            wanted = frozenset(
                d
                for d in scope
                if server.by_departement.get(d) != content_checksum((i, h) for i, (dd, h) in local.items() if dd == d)
            )
        if not wanted:
            return Difference(collection=collection)  # every département's records are the same
        params["departements"] = departements_param(wanted)
    remote: Fingerprints = _answer(http, Fingerprints, f"/{collection.value}/empreintes", params, label)
    here = {i: h for i, (d, h) in local.items() if wanted is None or d in wanted}
    return Difference(
        collection=collection,
        departements=wanted or frozenset(),
        refetch={i for i, h in remote.records.items() if here.get(i) != h},
        extra=set(here) - set(remote.records),
    )


def repair(access: StoreAccess, differences: list[Difference]) -> int:
    """Remove the records the server does not have, and make every other difference travel again: those
    records are marked unknown and their stream starts a full pass (the next run rewrites exactly them)."""

    def task(store: Store) -> int:
        count = 0
        with store.transaction() as conn:
            for difference in differences:
                collection = difference.collection
                for item_id in sorted(difference.extra):
                    delete_record(conn, collection, item_id)
                conn.executemany(
                    "UPDATE sync_record SET version = 0 WHERE collection = ? AND id = ?",
                    [(collection.value, i) for i in sorted(difference.refetch)],
                )
                count += len(difference.extra) + len(difference.refetch)
                if collection == Collection.DIRECTORY:
                    streams = [s for s in directory_streams(conn) if s.departements & difference.departements]
                else:
                    found = load_stream(conn, collection.value)
                    streams = [found] if found is not None else []
                for stream in streams:
                    save_stream(
                        conn,
                        Stream(
                            name=stream.name,
                            collection=collection,
                            departements=stream.departements,
                            full_pass=True,
                            generation=next_generation(conn),
                        ),
                    )
                adopt_local(conn, collection)
        return count

    result: int = access.run(task)
    return result
