"""The wire protocol shared by the client and the reference server (see sync/PROTOCOLE.md).

A page of changes is NDJSON: one header line (`PageHeader`), then one line per change (`Change`).
The header's checksum is the sha256 of every byte after the header line, so a page is checked
before any of it is parsed, and a server can serve pre-built pages from a cache or a CDN.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from milpj_desktop.content.models import Article, Event, Stage, Theme
from sync.errors import BadDepartement

PROTOCOL_VERSION = 1
API_PREFIX = "/v1"
NDJSON = "application/x-ndjson"

DEFAULT_LIMIT = 1000  # changes a client asks for per page
MAX_LIMIT = 5000  # the server never sends more changes in one page
PAGE_BYTES = 1 << 20  # the server closes a page once it holds this many bytes (at least one change)
MAX_PAGE_BYTES = 8 << 20  # a client refuses a page larger than this (decoded)
MAX_RECORD_BYTES = 256 << 10  # one record line may not exceed this
MAX_ASSET_BYTES = 64 << 20
MAX_CURSOR = 200  # characters of an opaque cursor (the server refuses a longer `since`)
MAX_NUMBER = 2**53 - 1  # change numbers, versions, counts: exact in JSON and far inside SQLite's integers
MAX_TEMPLATE_FILES = 50

CURSOR_EXPIRED = "curseur_expire"  # error code of the 410 answer: resynchronise the collection
CURSOR_INVALID = "curseur_invalide"  # 400: a cursor the server cannot read (stored by an older client)


class Collection(StrEnum):
    """The synchronised collections, in the order a synchronisation walks them."""

    STAGES = "stages"
    THEMES = "themes"
    ARTICLES = "articles"
    EVENTS = "events"
    TEMPLATES = "templates"
    ASSETS = "assets"
    DIRECTORY = "directory"


COLLECTIONS: tuple[Collection, ...] = tuple(Collection)

LABELS: dict[str, str] = {
    Collection.STAGES: "étapes",
    Collection.THEMES: "thématiques",
    Collection.ARTICLES: "articles",
    Collection.EVENTS: "événements",
    Collection.TEMPLATES: "modèles de fiches",
    Collection.ASSETS: "médias",
    Collection.DIRECTORY: "annuaire",
    "corrections": "corrections envoyées",
}

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
# printable ASCII only: a cursor travels back in a query string and is stored as it came
Cursor = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]*$", max_length=MAX_CURSOR)]
Number = Annotated[int, Field(ge=0, le=MAX_NUMBER)]
_CURSOR = re.compile(r"^[\x21-\x7e]*$")


def cursor_ok(cursor: str) -> bool:
    """A cursor this client would accept from a server today (a store may hold one from before)."""
    return len(cursor) <= MAX_CURSOR and bool(_CURSOR.match(cursor))


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
_DEPARTEMENT = re.compile(r"^(\d{2}|2[AB]|97\d|98\d)$")  # 25, 2A, 974, 988


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PageHeader(_Wire):
    """First line of a page of changes."""

    format: Literal[1]
    collection: Collection
    since: Cursor = Field(description="le curseur demandé (vide = depuis le début)")
    next: Cursor = Field(
        min_length=1, description="le curseur à renvoyer pour la page suivante (200 caractères au plus)"
    )
    upto: Number = Field(description="numéro de changement que représente `next` (ne fait que croître)")
    more: bool = Field(description="d'autres changements suivent")
    count: int = Field(ge=0, le=MAX_LIMIT, description="nombre de lignes de changement")
    checksum: Sha256 = Field(description="sha256 hexadécimal des octets qui suivent la ligne d'en-tête")
    remaining: Number | None = Field(default=None, description="changements restant après cette page")


def _relative_name(name: str) -> str:
    """A file name inside the template's folder: no absolute path, no '..' nor empty segment."""
    if name.startswith("/") or any(part in {"", ".", ".."} for part in name.split("/")):
        raise ValueError(f"nom de fichier « {name} » refusé (chemin relatif au modèle attendu)")
    return name


TemplateFileName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9._/-]{1,120}$"), AfterValidator(_relative_name)
]


class TemplateRecord(_Wire):
    """A handout template as published: its id, version and files (kept opaque by the client)."""

    id: Slug
    version: int = Field(ge=1, le=MAX_NUMBER)
    title: str = Field(min_length=1, max_length=200)
    files: dict[TemplateFileName, str] = Field(max_length=MAX_TEMPLATE_FILES)


class AssetRecord(_Wire):
    """A binary file (image, document) known by the sha256 of its bytes."""

    sha256: Sha256
    size: int = Field(ge=0, le=MAX_ASSET_BYTES)
    media_type: Annotated[str, StringConstraints(pattern=r"^[a-z]+/[a-z0-9.+-]+$")]
    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,120}$")]


def _directory_model() -> type[BaseModel]:
    from milpj_desktop.directory.models import DirectoryEntry

    return DirectoryEntry


R = TypeVar("R", bound=BaseModel)


class Change(_Wire, Generic[R]):
    """One change line: an upsert ("put", with its record) or a tombstone ("del")."""

    seq: int = Field(ge=1, le=MAX_NUMBER, description="numéro de changement, strictement croissant dans une page")
    op: Literal["put", "del"]
    id: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    version: int = Field(ge=1, le=MAX_NUMBER)
    dept: str = Field(default="", description="département (annuaire seulement)")
    record: R | None = None


def record_model(collection: Collection) -> type[BaseModel]:
    """The pydantic model of a collection's records (the directory's comes from its package)."""
    models: dict[Collection, type[BaseModel]] = {
        Collection.STAGES: Stage,
        Collection.THEMES: Theme,
        Collection.ARTICLES: Article,
        Collection.EVENTS: Event,
        Collection.TEMPLATES: TemplateRecord,
        Collection.ASSETS: AssetRecord,
    }
    if collection == Collection.DIRECTORY:
        return _directory_model()
    return models[collection]


def record_id(collection: Collection, record: Any) -> str:
    """The id a record carries, to check it matches its change line."""
    if collection == Collection.DIRECTORY:
        return str(record.national_id)
    if collection == Collection.ASSETS:
        return str(record.sha256)
    return str(record.id)


class StateInfo(_Wire):
    """What the server holds for a collection, to prove that a client converged."""

    collection: Collection
    count: Number
    checksum: Sha256
    upto: Number
    content: Sha256 | None = Field(default=None, description="content_checksum des enregistrements eux-mêmes")
    by_departement: dict[Annotated[str, StringConstraints(max_length=3)], Sha256] | None = Field(
        default=None, description="annuaire : content_checksum par département (avec detail=1)"
    )


class Fingerprints(_Wire):
    """id → record_hash of every live record of a scope: what differs is found without a download."""

    collection: Collection
    records: dict[Annotated[str, StringConstraints(max_length=120)], Sha256]


class CorrectionIn(_Wire):
    """A correction request sent from a client outbox; the uuid makes sending it twice harmless."""

    uuid: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F-]{32,36}$")]
    national_id: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    message: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    created_at: str


class CorrectionAck(_Wire):
    """The server's receipt: it must name the uuid that was sent, or the correction stays in the outbox."""

    uuid: Annotated[str, StringConstraints(max_length=36)]
    status: Literal["recue", "deja-recue"]


class ErrorBody(_Wire):
    """The JSON body of every error answer."""

    code: str
    message: str


def page_checksum(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def state_checksum(rows: Iterable[tuple[str, int]]) -> str:
    """sha256 of "id<TAB>version<LF>" lines sorted by id: equal on both sides = converged."""
    digest = hashlib.sha256()
    for item_id, version in sorted(rows):
        digest.update(f"{item_id}\t{version}\n".encode())
    return digest.hexdigest()


def record_hash(record: Any) -> str:
    """sha256 of a record's canonical JSON (sorted keys, no spaces): the same record gives the same hash
    on the server (as published) and in a store (as kept), whatever the key order of either."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def content_checksum(hashes: Iterable[tuple[str, str]]) -> str:
    """sha256 of "id<TAB>record_hash<LF>" lines sorted by id: equal on both sides = the same records."""
    digest = hashlib.sha256()
    for item_id, item_hash in sorted(hashes):
        digest.update(f"{item_id}\t{item_hash}\n".encode())
    return digest.hexdigest()


def parse_departements(text: str) -> list[str]:
    """'25, 39; 2a 974' → ['25', '2A', '39', '974'] (sorted, once each); BadDepartement names a wrong code.

    One reading for the window, the command line and the server's `departements` parameter."""
    codes = sorted({c.upper() for c in re.split(r"[,;\s]+", text) if c})
    bad = [c for c in codes if not _DEPARTEMENT.match(c)]
    if bad:
        raise BadDepartement(bad[0])
    return codes


def departements_param(departements: Iterable[str]) -> str:
    return ",".join(sorted(set(departements)))
