"""Check a page of changes before anything of it is applied: header, checksum, count, order,
each record against its pydantic model, no duplicate id, no change from outside the subscription."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from milpj_desktop.validation import first_error, plausible_date
from sync import errors
from sync.protocol import (
    LABELS,
    MAX_RECORD_BYTES,
    NDJSON,
    Change,
    Collection,
    PageHeader,
    page_checksum,
    record_id,
    record_model,
)


@dataclass(frozen=True)
class Page:
    """A page that passed every check: its header and its typed changes, in ascending order."""

    header: PageHeader
    changes: list[Change[Any]]
    size: int
    # directory rows ready for the store, by id (sync.apply.prepare, on the prefetch thread)
    rows: dict[str, tuple[Any, ...]] = field(default_factory=dict)


@cache
def change_model(collection: Collection) -> type[Change[Any]]:
    model: type[BaseModel] = record_model(collection)
    return Change[model]  # type: ignore[valid-type]


def _first_error(exc: ValidationError) -> str:
    """The first problem, in French (a refused dictionary key is named by its field: the reason quotes it)."""
    where, reason = first_error(exc, skip=("record",))
    if where.endswith(".[key]"):
        where = where.split(".", 1)[0]
    return f"champ « {where} » invalide : {reason}" if where else reason


def parse_page(
    collection: Collection,
    content_type: str,
    body: bytes,
    *,
    since_seq: int,
    limit: int,
    departements: frozenset[str] | None = None,
) -> Page:
    """Validate a whole page or raise: DamagedPage (retry) when altered in transit, BadPage otherwise."""
    header, rest = read_page(collection, content_type, body)
    return check_changes(collection, header, rest, since_seq=since_seq, limit=limit, departements=departements)


def read_page(collection: Collection, content_type: str, body: bytes) -> tuple[PageHeader, bytes]:
    """The cheap first half, done as the page arrives: type, header and checksum; returns (header, lines)."""
    what = LABELS[collection]
    if content_type.split(";")[0].strip().lower() != NDJSON:
        raise errors.BadPage(
            what,
            f"type de contenu inattendu « {content_type or 'aucun'} » ; un réseau Wi-Fi public vous "
            "redirige peut-être vers sa page de connexion",
        )
    head, sep, rest = body.partition(b"\n")
    if not sep:
        raise errors.DamagedPage(what, "en-tête incomplet")
    try:
        header = PageHeader.model_validate_json(head)
    except ValidationError as exc:
        raise errors.BadPage(what, f"en-tête illisible : {_first_error(exc)}") from None
    if page_checksum(rest) != header.checksum:
        raise errors.DamagedPage(what, "somme de contrôle différente")
    return header, rest


def check_changes(
    collection: Collection,
    header: PageHeader,
    rest: bytes,
    *,
    since_seq: int,
    limit: int,
    departements: frozenset[str] | None = None,
) -> Page:
    """The costly second half (every record against its model): may run in a helper process."""
    try:
        return _parse_changes(collection, header, rest, since_seq=since_seq, limit=limit, departements=departements)
    except errors.BadPage as exc:
        exc.refused = header.count
        raise


def _parse_changes(
    collection: Collection,
    header: PageHeader,
    rest: bytes,
    *,
    since_seq: int,
    limit: int,
    departements: frozenset[str] | None,
) -> Page:
    what = LABELS[collection]
    if header.collection != collection:
        raise errors.BadPage(what, f"page de la collection « {header.collection} »")
    lines = rest.split(b"\n")
    if lines[-1] != b"":
        raise errors.BadPage(what, "dernière ligne incomplète")
    lines.pop()
    if len(lines) != header.count:
        raise errors.BadPage(what, f"{len(lines)} lignes pour {header.count} annoncées")
    if header.count > limit:
        raise errors.BadPage(what, f"page trop grande : {header.count} changements pour {limit} demandés au plus")
    if header.upto < since_seq:
        raise errors.BadPage(what, "le curseur renvoyé recule")
    if header.more and header.count == 0:
        raise errors.BadPage(what, "page vide annoncée comme suivie d'autres")
    model = change_model(collection)
    changes: list[Change[Any]] = []
    seen: set[tuple[str, str]] = set()
    last = since_seq
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_RECORD_BYTES:  # before parsing: a 7 MB field is never read
            raise errors.BadPage(
                what, f"ligne {number} : enregistrement trop volumineux (plus de {MAX_RECORD_BYTES >> 10} Ko)"
            )
        try:
            change = model.model_validate_json(line)
        except ValidationError as exc:
            raise errors.BadPage(what, f"ligne {number} : {_first_error(exc)}") from None
        if change.seq <= last or change.seq > header.upto:
            raise errors.BadPage(what, f"ligne {number} : numéro de changement hors de l'ordre")
        last = change.seq
        if (change.id, change.dept) in seen:
            raise errors.BadPage(what, f"identifiant « {change.id} » présent deux fois")
        seen.add((change.id, change.dept))
        if change.op == "put":
            if change.record is None:
                raise errors.BadPage(what, f"ligne {number} : enregistrement manquant")
            if record_id(collection, change.record) != change.id:
                raise errors.BadPage(what, f"ligne {number} : identifiant de l'enregistrement différent")
            problem = _date_problem(change.record) if collection != Collection.DIRECTORY else ""  # its model checks
            if problem:
                raise errors.BadPage(what, f"ligne {number} : {problem}")
        elif change.record is not None:
            raise errors.BadPage(what, f"ligne {number} : une suppression ne porte pas d'enregistrement")
        if departements is not None and change.op == "put":
            if change.dept not in departements:
                raise errors.BadPage(what, f"ligne {number} : département {change.dept or '?'} non abonné")
            if getattr(change.record, "departement", change.dept) != change.dept:
                raise errors.BadPage(what, f"ligne {number} : département annoncé différent de celui de la fiche")
        changes.append(change)
    return Page(header=header, changes=changes, size=len(rest))


def _date_problem(record: BaseModel) -> str:
    """'' when every top-level date of the record is plausible (2000–2099), else why not."""
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, dt.date):
            try:
                plausible_date(value)
            except ValueError as exc:
                return f"champ « {name} » invalide : {exc}"
    return ""
