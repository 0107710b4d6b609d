"""The reference server (FastAPI): the protocol of sync/PROTOCOLE.md over its own sqlite database,
its OpenAPI document at /openapi.json, and the fault injection the tests use."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel

from sync.errors import BadDepartement
from sync.protocol import (
    API_PREFIX,
    CURSOR_EXPIRED,
    CURSOR_INVALID,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_PAGE_BYTES,
    NDJSON,
    PROTOCOL_VERSION,
    Change,
    Collection,
    CorrectionAck,
    CorrectionIn,
    ErrorBody,
    Fingerprints,
    PageHeader,
    StateInfo,
    content_checksum,
    page_checksum,
    parse_departements,
)
from sync.server.db import ChangePage, CursorError, Fault, ServerDB

_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")
_PORTAL = "<html><body><h1>Portail de connexion Wi-Fi</h1></body></html>"
_DESCRIPTION = """Serveur de référence des contenus nationaux des 1000 premiers jours.

Protocole : voir `sync/PROTOCOLE.md`. Chaque collection a un flux de changements paginé
(`GET /v1/{collection}/changes`, NDJSON : une ligne d'en-tête `PageHeader`, puis une ligne
`Change` par changement), un état (`/state`) pour prouver la convergence, les fichiers par
empreinte sha256 (`/v1/blobs/{sha256}`, requêtes Range acceptées) et la boîte d'envoi des
corrections (`POST /v1/corrections`, idempotente par uuid)."""


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


@dataclass
class ServerStats:
    """Counters the tests read (the server runs in their process)."""

    pages: int = 0
    changes: int = 0
    blob_bytes: int = 0


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(ErrorBody(code=code, message=message).model_dump(), status_code=status, headers=headers)


def _fault_response(fault: Fault) -> Response | None:
    """Faults that replace the answer whatever the request."""
    wait = {"Retry-After": str(max(0, round(fault.seconds)))}
    if fault.kind == "muet":  # the request is taken, nothing comes back for a while (bounded), then 503
        time.sleep(fault.seconds)
        return _error(503, "indisponible", "Réponse après un long silence (simulé).")
    if fault.kind == "500":
        return _error(500, "erreur_interne", "Erreur interne simulée.")
    if fault.kind == "503":
        return _error(503, "indisponible", "Serveur en maintenance (simulé).", wait)
    if fault.kind == "429":
        return _error(429, "trop_de_requetes", "Trop de requêtes (simulé).", wait)
    if fault.kind == "401":
        return _error(401, "jeton_refuse", "Jeton refusé (simulé).")
    if fault.kind == "404":
        return _error(404, "introuvable", "Adresse inconnue (simulée).")
    return None


def create_app(db: ServerDB, *, page_bytes: int | None = None) -> FastAPI:
    """The application over one database; `page_bytes` overrides the byte bound of a page (tests)."""
    app = FastAPI(
        title="milpj-serveur",
        version=str(PROTOCOL_VERSION),
        description=_DESCRIPTION,
        responses={400: {"model": ErrorBody}, 401: {"model": ErrorBody}},
    )
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    app.state.db = db
    stats = ServerStats()
    app.state.stats = stats

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"msg": "requête invalide", "loc": ()}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(400, "requete_invalide", f"Requête invalide ({where} : {first.get('msg')}).")

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        token = (authorization or "").removeprefix("Bearer ").strip()
        if not token or not db.token_ok(token):
            raise ApiError(401, "jeton_refuse", "Jeton d'appareil absent ou inconnu.")

    def departements_of(value: str | None) -> list[str] | None:
        if value is None:
            return None
        try:
            return parse_departements(value)
        except BadDepartement as exc:
            raise ApiError(400, "departement_invalide", exc.message) from None

    @app.get(f"{API_PREFIX}/sante", tags=["service"])
    def health() -> dict[str, Any]:
        """Disponibilité et version du protocole (sans jeton)."""
        return {"statut": "ok", "protocole": PROTOCOL_VERSION}

    @app.get(
        API_PREFIX + "/{collection}/changes",
        tags=["changements"],
        dependencies=[Depends(authorised)],
        response_class=Response,
        responses={
            200: {
                "description": "Une page NDJSON : une ligne `PageHeader`, puis `count` lignes `Change`.",
                "content": {NDJSON: {"schema": {"$ref": "#/components/schemas/PageHeader"}}},
            },
            410: {"model": ErrorBody, "description": "Curseur trop ancien : resynchroniser la collection."},
            429: {"model": ErrorBody},
            503: {"model": ErrorBody},
        },
    )
    def changes(
        collection: Collection,
        since: Annotated[str, Query(max_length=200)] = "",
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        departements: Annotated[str | None, Query(max_length=2000)] = None,
        total: Annotated[int, Query(ge=0, le=1)] = 0,
    ) -> Response:
        """Les changements d'une collection après `since`, dans l'ordre, avec les suppressions."""
        fault = db.take_fault(collection.value, page=True)
        if fault is not None:
            early = _fault_response(fault)
            if early is not None:
                return early
            if fault.kind == "mauvais-type":
                return HTMLResponse(_PORTAL)
        depts = departements_of(departements) if collection == Collection.DIRECTORY else None
        if fault is not None and fault.kind == "sans-fin":
            return _endless(db, collection, since, depts, bool(total))
        try:
            since_seq, floor = db.seq_of(since)
            page = db.changes(
                collection,
                since_seq,
                limit,
                depts,
                floor=floor,
                want_total=bool(total),
                **({"page_bytes": page_bytes} if page_bytes else {}),
            )
        except CursorError as exc:
            if exc.expired:
                raise ApiError(410, CURSOR_EXPIRED, "Curseur trop ancien : resynchronisez la collection.") from None
            raise ApiError(400, CURSOR_INVALID, "Curseur illisible.") from None
        stats.pages += 1
        stats.changes += len(page.lines)
        return _page_response(db, collection, since, since_seq, page, fault)

    @app.get(
        API_PREFIX + "/{collection}/state",
        tags=["changements"],
        dependencies=[Depends(authorised)],
        response_model=StateInfo,
    )
    def state(
        collection: Collection,
        departements: Annotated[str | None, Query(max_length=2000)] = None,
        detail: Annotated[int, Query(ge=0, le=1)] = 0,
    ) -> StateInfo:
        """Nombre d'enregistrements, somme de contrôle (lignes « id<TAB>version » triées) et somme du
        contenu (lignes « id<TAB>empreinte de l'enregistrement ») ; par département avec detail=1."""
        depts = departements_of(departements) if collection == Collection.DIRECTORY else None
        fault = db.take_fault("etat")
        if fault is not None:
            early = _fault_response(fault)
            if early is not None:
                return early  # type: ignore[return-value]
            return JSONResponse({"collection": collection.value, "count": "beaucoup", "checksum": None})  # type: ignore[return-value]
        count, checksum, upto = db.state(collection, depts)
        prints = db.fingerprints(collection, depts)
        by_dept: dict[str, list[tuple[str, str]]] | None = None
        if detail and collection == Collection.DIRECTORY:
            by_dept = {code: [] for code in depts or []}
            for item_id, (dept, item_hash) in prints.items():
                by_dept.setdefault(dept, []).append((item_id, item_hash))
        return StateInfo(
            collection=collection,
            count=count,
            checksum=checksum,
            upto=upto,
            content=content_checksum((i, h) for i, (_, h) in prints.items()),
            by_departement={d: content_checksum(rows) for d, rows in by_dept.items()} if by_dept is not None else None,
        )

    @app.get(
        API_PREFIX + "/{collection}/empreintes",
        tags=["changements"],
        dependencies=[Depends(authorised)],
        response_model=Fingerprints,
    )
    def fingerprints(
        collection: Collection, departements: Annotated[str | None, Query(max_length=2000)] = None
    ) -> Fingerprints:
        """L'empreinte (sha256 du JSON canonique) de chaque enregistrement : ce qui diffère se retrouve
        sans tout télécharger."""
        depts = departements_of(departements) if collection == Collection.DIRECTORY else None
        prints = db.fingerprints(collection, depts)
        return Fingerprints(collection=collection, records={i: h for i, (_, h) in prints.items()})

    @app.get(
        API_PREFIX + "/blobs/{sha256}",
        tags=["fichiers"],
        dependencies=[Depends(authorised)],
        response_class=Response,
        responses={
            200: {"description": "Le fichier"},
            206: {"description": "Une partie (Range)"},
            404: {"model": ErrorBody},
        },
    )
    def blob(sha256: str, request: Request) -> Response:
        """Un fichier par son empreinte ; reprise avec l'en-tête Range (bytes=N-)."""
        fault = db.take_fault("blobs", page=False)
        if fault is not None:
            early = _fault_response(fault)
            if early is not None:
                return early
        data = db.asset(sha256)
        if data is None:
            raise ApiError(404, "introuvable", "Fichier inconnu.")
        headers = {
            "Accept-Ranges": "bytes",
            "ETag": f'"{sha256}"',
            "Cache-Control": "public, max-age=31536000, immutable",
        }
        status = 200
        start = 0
        match = _RANGE.match(request.headers.get("range", ""))
        if match:
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else len(data) - 1
            if start >= len(data) or end < start:
                return Response(status_code=416, headers={"Content-Range": f"bytes */{len(data)}"})
            end = min(end, len(data) - 1)
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            data = data[start : end + 1]
            status = 206
        stats.blob_bytes += len(data)
        if fault is not None and fault.kind == "coupure":
            return _cut(data, status, headers)
        if fault is not None and fault.kind == "fichier-abime":  # same length, other bytes
            data = bytes([data[0] ^ 0xFF]) + data[1:] if data else b"?"
        return Response(data, status_code=status, headers=headers, media_type="application/octet-stream")

    @app.post(
        API_PREFIX + "/corrections",
        tags=["corrections"],
        dependencies=[Depends(authorised)],
        response_model=CorrectionAck,
        status_code=201,
        responses={200: {"model": CorrectionAck, "description": "Déjà reçue (même uuid)"}, 409: {"model": ErrorBody}},
    )
    def correction(body: CorrectionIn) -> Response:
        """Reçoit une correction ; renvoyer la même (même uuid) ne l'enregistre pas deux fois."""
        fault = db.take_fault("corrections", page=False)
        if fault is not None:
            early = _fault_response(fault)
            if early is not None:
                return early
            if fault.kind == "mauvais-type":  # a captive portal answers 200 with its page
                return HTMLResponse(_PORTAL)
        verdict = db.receive_correction(body.uuid, body.national_id, body.message, body.created_at)
        if verdict == "conflit":
            raise ApiError(409, "uuid_reutilise", "Cet identifiant de correction a déjà servi pour un autre contenu.")
        ack = CorrectionAck(uuid=body.uuid, status="recue" if verdict == "recue" else "deja-recue")
        if fault is not None and fault.kind == "accuse-autre-uuid":
            ack = CorrectionAck(uuid=str(uuid.uuid4()), status="recue")
        if fault is not None and fault.kind == "coupure":  # received, but the answer is lost on the way
            return _cut(ack.model_dump_json().encode() * 4, 201, {}, media_type="application/json")
        return JSONResponse(ack.model_dump(), status_code=201 if verdict == "recue" else 200)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["PageHeader"] = PageHeader.model_json_schema(ref_template="#/components/schemas/{model}")
            components["Change"] = Change[BaseModel].model_json_schema(ref_template="#/components/schemas/{model}")
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _page_response(
    db: ServerDB, collection: Collection, since: str, since_seq: int, page: ChangePage, fault: Fault | None
) -> Response:
    lines = list(page.lines)
    upto = page.upto
    more = page.more
    kind = fault.kind if fault is not None else ""
    if kind == "json-invalide":
        lines[:1] = [b'{"seq": 1, "op": "put", "id": ']
    elif kind == "schema-invalide":
        lines[:1] = [_spoil(lines[0] if lines else None, since_seq)]
    elif kind == "doublon" and lines:
        first = json.loads(lines[0])
        if len(lines) >= 2:
            second = json.loads(lines[1])
            second["id"], second["dept"] = first["id"], first.get("dept", "")
            lines[1] = json.dumps(second, ensure_ascii=False).encode()
        else:
            first["seq"] += 1
            upto = max(upto, first["seq"])
            lines.append(json.dumps(first, ensure_ascii=False).encode())
    elif kind == "curseur-recule":
        lines, upto, more = [], max(0, since_seq - 1), False
    elif kind in _RECORD_SPOILERS:
        lines[:1] = [_hostile_record(lines[0], kind)] if lines else []
    body = b"".join(line + b"\n" for line in lines)
    header = PageHeader(
        format=1,
        collection=collection,
        since=since,
        next=db.cursor_for(upto, page.floor),
        upto=upto,
        more=more,
        count=len(lines),
        checksum=page_checksum(body),
        remaining=page.remaining,
    ).model_dump(mode="json")
    if kind == "curseur-enorme":  # built by hand: the protocol's model would refuse it
        header["next"] = "A" * 300
    elif kind == "entier-enorme":
        header["upto"] = 2**70
    full = json.dumps(header).encode() + b"\n" + body
    if kind == "gzip-tronque":
        packed = gzip.compress(full)
        cut = packed[: max(20, len(packed) * 2 // 3)]
        return Response(cut, media_type=NDJSON, headers={"Content-Encoding": "gzip"})
    if kind == "coupure":
        return _cut(full, 200, {}, media_type=NDJSON)
    if kind == "lenteur":
        return _stall(full, fault.seconds if fault else 1.0)
    if kind == "page-enorme":
        return _oversize(full)
    if kind == "goutte-a-goutte":
        return _trickle(full, fault.seconds if fault else 1.0)
    return Response(full, media_type=NDJSON)


def _hostile_record(line: bytes, kind: str) -> bytes:
    """The first change of the page with a record no client should keep (checksum kept right)."""
    item = json.loads(line)
    record = item.get("record")
    if item.get("op") != "put" or not isinstance(record, dict):
        return line
    _RECORD_SPOILERS[kind](record)
    return json.dumps(item, ensure_ascii=False).encode()


def _huge_website(record: dict[str, Any]) -> None:
    if "website" in record:
        record["website"] = "https://exemple.fr/" + "a" * 5000


def _huge_hours(record: dict[str, Any]) -> None:
    if "hours" in record:
        slot = {"opens": "09:00", "closes": "10:00"}
        record["hours"] = [{"first_day": "lundi", "last_day": "lundi", "slots": [slot]}] * 60_000


def _far_date(record: dict[str, Any]) -> None:
    if "updated_at" in record:
        record["updated_at"] = "3000-01-01T00:00:00Z"


def _escaping_file(record: dict[str, Any]) -> None:
    if isinstance(record.get("files"), dict):
        record["files"]["../../evil.html"] = "<p>hors du dossier</p>"


_RECORD_SPOILERS = {
    "champ-enorme": _huge_website,
    "horaires-enormes": _huge_hours,
    "date-hors-bornes": _far_date,
    "chemin-modele": _escaping_file,
}


def _endless(db: ServerDB, collection: Collection, since: str, depts: list[str] | None, want_total: bool) -> Response:
    """A page that says more follows, forever: the same record under the next change number, each
    request answered at once (the client must stop on its own: it was told 2 changes remain)."""
    since_seq = db.raw_seq(since)
    line = db.first_line(collection, depts)
    if line is None:
        return _error(404, "introuvable", "Collection vide.")
    item = json.loads(line)
    item["seq"] = since_seq + 1
    body = json.dumps(item, ensure_ascii=False).encode() + b"\n"
    header = PageHeader(
        format=1,
        collection=collection,
        since=since,
        next=db.cursor_for(since_seq + 1, 0),
        upto=since_seq + 1,
        more=True,
        count=1,
        checksum=page_checksum(body),
        remaining=2 if want_total else None,
    )
    return Response(header.model_dump_json().encode() + b"\n" + body, media_type=NDJSON)


def _trickle(data: bytes, seconds: float) -> Response:
    """Ten bytes a second, for `seconds` at most, then the connection drops."""

    async def body() -> AsyncIterator[bytes]:
        started = time.monotonic()
        for index in range(len(data)):
            if time.monotonic() - started > seconds:
                raise ConnectionResetError("goutte-à-goutte terminé")
            yield data[index : index + 1]
            await asyncio.sleep(0.1)

    headers = {"Content-Length": str(len(data)), "Content-Encoding": "identity"}
    return StreamingResponse(body(), media_type=NDJSON, headers=headers)


def _spoil(line: bytes | None, since_seq: int) -> bytes:
    """A change whose record breaks the schema (an unknown field), checksum kept right."""
    if line is not None:
        item = json.loads(line)
        if item.get("op") == "put":
            item["record"]["champ_inconnu"] = 1
            return json.dumps(item, ensure_ascii=False).encode()
    return json.dumps(
        {"seq": since_seq + 1, "op": "put", "id": "x", "version": 1, "record": {"champ_inconnu": 1}}
    ).encode()


def _cut(data: bytes, status: int, headers: dict[str, str], media_type: str = "application/octet-stream") -> Response:
    """Announce the whole length, send half of it, then drop the connection."""
    half = data[: len(data) // 2]

    async def body() -> AsyncIterator[bytes]:
        yield half
        await asyncio.sleep(0.05)
        raise ConnectionResetError("coupure simulée")

    headers = {**headers, "Content-Length": str(len(data)), "Content-Encoding": "identity"}
    return StreamingResponse(body(), status_code=status, headers=headers, media_type=media_type)


def _stall(data: bytes, seconds: float) -> Response:
    head, _, rest = data.partition(b"\n")

    async def body() -> AsyncIterator[bytes]:
        yield head + b"\n"
        await asyncio.sleep(seconds)
        yield rest

    return StreamingResponse(
        body(), media_type=NDJSON, headers={"Content-Length": str(len(data)), "Content-Encoding": "identity"}
    )


def _oversize(data: bytes) -> Response:
    head, _, rest = data.partition(b"\n")
    filler = (rest.split(b"\n")[0] if rest else b"{}") + b"\n"

    async def body() -> AsyncIterator[bytes]:
        yield head + b"\n"
        sent = 0
        block = filler * max(1, (1 << 20) // len(filler))
        while sent <= MAX_PAGE_BYTES + (1 << 20):
            yield block
            sent += len(block)

    return StreamingResponse(body(), media_type=NDJSON)
