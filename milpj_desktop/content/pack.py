"""Load and validate the embedded content pack (plain JSON files in ressources/contenus)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from milpj_desktop.content.models import Article, Event, Stage, Theme
from milpj_desktop.errors import KnownError
from milpj_desktop.validation import first_error

M = TypeVar("M", bound=BaseModel)


class ContentPackError(KnownError):
    """The content pack on disk is missing or invalid."""


class PackManifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int
    version: str
    published_on: str


@dataclass(frozen=True)
class ContentPack:
    """Everything the pack holds, validated and cross-checked."""

    manifest: PackManifest
    stages: list[Stage]
    themes: list[Theme]
    articles: list[Article]
    events: list[Event]


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ContentPackError(f"Fichier de contenu manquant : {path.name}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContentPackError(f"Fichier de contenu illisible : {path.name} ({exc})") from exc


def _validate(model: type[M], data: Any, origin: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        where, reason = first_error(exc)
        raise ContentPackError(f"{origin} : champ « {where} » invalide ({reason})") from exc


def load_pack(folder: Path) -> ContentPack:
    """Read every file of the pack, validate it and check that references resolve."""
    manifest = _validate(PackManifest, _read_json(folder / "manifest.json"), "manifest.json")
    stages = [_validate(Stage, s, "etapes.json") for s in _read_json(folder / "etapes.json")]
    themes = [_validate(Theme, t, "thematiques.json") for t in _read_json(folder / "thematiques.json")]
    articles = []
    for path in sorted((folder / "articles").glob("*.json")):
        article = _validate(Article, _read_json(path), f"articles/{path.name}")
        if article.id != path.stem:
            raise ContentPackError(
                f"articles/{path.name} : l'identifiant « {article.id} » ne correspond pas au nom du fichier"
            )
        articles.append(article)
    events = [_validate(Event, e, "evenements.json") for e in _read_json(folder / "evenements.json")]
    pack = ContentPack(manifest=manifest, stages=stages, themes=themes, articles=articles, events=events)
    check_references(pack)
    return pack


def check_references(pack: ContentPack) -> None:
    """Every id is unique and every reference points at something in the pack."""
    for label, ids in (
        ("d'étape", [s.id for s in pack.stages]),
        ("de thématique", [t.id for t in pack.themes]),
        ("d'article", [a.id for a in pack.articles]),
        ("d'événement", [e.id for e in pack.events]),
    ):
        seen: set[str] = set()
        for item_id in ids:
            if item_id in seen:
                raise ContentPackError(f"Identifiant {label} en double : {item_id}")
            seen.add(item_id)
    stage_ids = {s.id for s in pack.stages}
    theme_ids = {t.id for t in pack.themes}
    article_ids = {a.id for a in pack.articles}
    for article in pack.articles:
        _require(article.stages, stage_ids, f"article {article.id}", "étape")
        _require(article.themes, theme_ids, f"article {article.id}", "thématique")
    for event in pack.events:
        _require(event.stages, stage_ids, f"événement {event.id}", "étape")
        _require(event.themes, theme_ids, f"événement {event.id}", "thématique")
        _require(event.articles, article_ids, f"événement {event.id}", "article")


def _require(values: list[str], known: set[str], owner: str, what: str) -> None:
    missing = sorted(set(values) - known)
    if missing:
        raise ContentPackError(f"{owner} : {what} introuvable : {', '.join(missing)}")
