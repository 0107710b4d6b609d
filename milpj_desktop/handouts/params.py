"""Handout parameters: the kinds a manifest may declare and their validation (pydantic, French messages)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError, create_model

from milpj_desktop import frenchdates
from milpj_desktop.content.models import DIRECTORY_TYPE_IDS, STAGE_IDS
from milpj_desktop.handouts.errors import HandoutParamError
from milpj_desktop.validation import french_reason

ParamKind = Literal[
    "articles", "commune", "radius_km", "directory_types", "date", "stage", "time", "copies", "entries", "entry", "text"
]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TIME = re.compile(r"^([01]?\d|2[0-3])\s*[:h]\s*([0-5]\d)?$")
_ENTRY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")
MAX_ARTICLES = 12
MAX_ENTRIES = 30
MAX_LINE = 160
MIN_YEAR, MAX_YEAR = 1990, 2100


def _items(value: object) -> list[str]:
    """A comma-separated string (command line) or a list (window, history) → clean items."""
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list | tuple):
        parts = [str(v) for v in value]
    else:
        raise ValueError("liste attendue, séparée par des virgules")
    seen: list[str] = []
    for part in (p.strip() for p in parts):
        if part and part not in seen:
            seen.append(part)
    return seen


def parse_articles(value: object) -> list[str]:
    ids = _items(value)
    if not ids:
        raise ValueError("au moins un identifiant d'article est attendu (ID,ID)")
    bad = [i for i in ids if not _SLUG.match(i)]
    if bad:
        raise ValueError(f"identifiant d'article mal formé « {bad[0]} »")
    if len(ids) > MAX_ARTICLES:
        raise ValueError(f"{MAX_ARTICLES} articles au plus par fiche")
    return ids


def parse_commune(value: object) -> str:
    text = str(value).strip()
    if not text:
        raise ValueError("indiquez un code postal ou un nom de commune")
    if len(text) > 100:
        raise ValueError("nom de commune trop long")
    return text


def parse_radius(value: object) -> int:
    text = str(value).strip().lower().removesuffix("km").strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"nombre entier de kilomètres attendu (reçu « {value} »)")
    km = int(text)
    if not 1 <= km <= 100:
        raise ValueError("le rayon doit être compris entre 1 et 100 km")
    return km


def parse_directory_types(value: object) -> list[str]:
    types = _items(value)
    if not types:
        raise ValueError("au moins un type de structure est attendu (T,T)")
    unknown = [t for t in types if t not in DIRECTORY_TYPE_IDS]
    if unknown:
        raise ValueError(f"type inconnu « {unknown[0]} » (types possibles : {', '.join(DIRECTORY_TYPE_IDS)})")
    return types


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip()
        try:
            day = frenchdates.parse_date(text)
        except frenchdates.BadDate:
            raise ValueError(f"date attendue au format JJ/MM/AAAA ou AAAA-MM-JJ (reçu « {text} »)") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"année hors de la plage {MIN_YEAR}–{MAX_YEAR}")
    return day


def parse_stage(value: object) -> str:
    text = str(value).strip()
    if text.isascii() and text.isdigit() and 1 <= int(text) <= len(STAGE_IDS):
        return STAGE_IDS[int(text) - 1]
    if text in STAGE_IDS:
        return text
    raise ValueError(f"numéro d'étape de 1 à {len(STAGE_IDS)} ou identifiant attendu ({', '.join(STAGE_IDS)})")


def parse_time(value: object) -> str:
    match = _TIME.match(str(value).strip().lower())
    if not match:
        raise ValueError(f"heure attendue au format HH:MM (reçu « {value} »)")
    return f"{int(match.group(1)):02d}:{match.group(2) or '00'}"


def parse_copies(value: object) -> int:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 500:
        raise ValueError("nombre d'exemplaires de 1 à 500 attendu")
    return int(text)


def parse_entries(value: object) -> list[str]:
    ids = _items(value)
    bad = [i for i in ids if not _ENTRY_ID.match(i)]
    if bad:
        raise ValueError(f"identifiant de structure mal formé « {bad[0]} »")
    if len(ids) > MAX_ENTRIES:
        raise ValueError(f"{MAX_ENTRIES} structures au plus par fiche")
    return ids


def parse_entry(value: object) -> str:
    ids = parse_entries(value)
    if len(ids) != 1:
        raise ValueError("une seule structure attendue")
    return ids[0]


def parse_text(value: object) -> str:
    text = " ".join(str(value).split())
    if len(text) > MAX_LINE:
        raise ValueError(f"{MAX_LINE} caractères au plus")
    return text


PARSERS: dict[str, Callable[[object], Any]] = {
    "articles": parse_articles,
    "commune": parse_commune,
    "radius_km": parse_radius,
    "directory_types": parse_directory_types,
    "date": parse_date,
    "stage": parse_stage,
    "time": parse_time,
    "copies": parse_copies,
    "entries": parse_entries,
    "entry": parse_entry,
    "text": parse_text,
}
PY_TYPES: dict[str, Any] = {
    "articles": list[str],
    "commune": str,
    "radius_km": int,
    "directory_types": list[str],
    "date": dt.date,
    "stage": str,
    "time": str,
    "copies": int,
    "entries": list[str],
    "entry": str,
    "text": str,
}


class ParamSpec(BaseModel):
    """One parameter a template takes, as its manifest declares it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]
    kind: ParamKind
    label: str
    help: str = ""
    required: bool = False
    default: str | None = None
    batch: bool = False  # may vary in a batch (several communes, several dates)


def build_model(template_id: str, specs: list[ParamSpec]) -> type[BaseModel]:
    """A pydantic model for one template's parameters: each field parsed by its kind."""
    fields: dict[str, Any] = {}
    for spec in specs:
        python_type: Any = PY_TYPES[spec.kind]
        annotated: Any = Annotated[python_type | None, BeforeValidator(_optional(PARSERS[spec.kind]))]
        fields[spec.name] = (annotated, None)
    model: type[BaseModel] = create_model(
        f"Params_{template_id.replace('-', '_')}",
        __config__=ConfigDict(extra="forbid", frozen=True),
        **fields,
    )
    return model


def _optional(parse: Callable[[object], Any]) -> Callable[[object], Any]:
    def run(value: object) -> Any:
        return None if value is None else parse(value)

    return run


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str | list | tuple) and len(value) == 0)


def check_values(
    template_id: str,
    specs: list[ParamSpec],
    one_of: list[list[str]],
    model: type[BaseModel],
    raw: Mapping[str, object],
) -> dict[str, Any]:
    """Validate raw values (strings or typed); raise HandoutParamError naming the first bad parameter."""
    names = [s.name for s in specs]
    for key in raw:
        if key not in names:
            accepted = ", ".join(names) if names else "aucun"
            raise HandoutParamError(
                key, f"Paramètre inconnu « {key} » pour le modèle « {template_id} » (paramètres acceptés : {accepted})."
            )
    values: dict[str, object] = {}
    for spec in specs:
        value = raw.get(spec.name)
        if is_blank(value):
            value = spec.default
        if is_blank(value):
            if spec.required:
                raise HandoutParamError(
                    spec.name,
                    f"Paramètre « {spec.name} » manquant ({spec.label.lower()}"
                    + (f" : {spec.help}" if spec.help else "")
                    + ").",
                )
            continue
        values[spec.name] = value
    for group in one_of:
        given = [n for n in group if n in values]
        if len(given) != 1:
            listed = " ou ".join(f"« {n} »" for n in group)
            raise HandoutParamError(group[0], f"Indiquez le paramètre {listed}, un seul des deux.")
    try:
        validated = model.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "?"
        reason = french_reason(error)
        raise HandoutParamError(name, f"Paramètre « {name} » invalide : {reason}.") from None
    return {k: v for k, v in validated.model_dump().items() if v is not None}


def to_text(value: object) -> str:
    """The command-line form of a validated value (history, « cle=valeur »)."""
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
