"""Template manifests: what each handout is called, which data it needs and which parameters it takes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from milpj_desktop import paths
from milpj_desktop.directory.models import TYPE_LABELS
from milpj_desktop.handouts.environment import refuse_symlinks
from milpj_desktop.handouts.errors import HandoutError
from milpj_desktop.handouts.params import ParamSpec, build_model, check_values, to_text
from milpj_desktop.typography import typeset
from milpj_desktop.validation import first_error

MANIFEST_FILE = "manifeste.json"
# Never written to the history: dates and times (birth, due date, appointment) and free text (a line
# typed for one family may name someone).
FAMILY_KINDS = frozenset({"date", "time", "text"})
TEMPLATE_FILE = "modele.html.j2"

# The data a template may be given: one assembly function each (milpj_desktop.handouts.data).
DataSource = Literal["articles", "contacts", "calendar", "stage", "appointment", "numbers"]


class Manifest(BaseModel):
    """The manifest of one template, validated before any template is trusted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    description: str
    data: DataSource
    order: int = 100
    parameters: list[ParamSpec] = Field(default_factory=list)
    one_of: list[list[str]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _coherent(self) -> Manifest:
        names = [p.name for p in self.parameters]
        if len(set(names)) != len(names):
            raise ValueError("paramètre déclaré deux fois")
        for group in self.one_of:
            for name in group:
                if name not in names:
                    raise ValueError(f"« one_of » cite un paramètre non déclaré : {name}")
        return self


@dataclass(frozen=True)
class HandoutTemplate:
    """A template ready to use: its manifest, its folder and its parameter model."""

    manifest: Manifest
    folder: Path

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def title(self) -> str:
        return self.manifest.title

    @property
    def template_name(self) -> str:
        """The loader name of the Jinja2 file (relative to modeles_docs/)."""
        return f"{self.folder.name}/{TEMPLATE_FILE}"

    @cached_property
    def _model(self) -> type[BaseModel]:
        return build_model(self.id, list(self.manifest.parameters))

    def spec(self, name: str) -> ParamSpec:
        return next(p for p in self.manifest.parameters if p.name == name)

    def validate(self, raw: Mapping[str, object]) -> dict[str, Any]:
        """Typed parameter values, or HandoutParamError naming the first problem."""
        return check_values(self.id, list(self.manifest.parameters), self.manifest.one_of, self._model, raw)

    def as_text(self, values: Mapping[str, Any]) -> dict[str, str]:
        """The « cle=valeur » form of validated values, in manifest order."""
        order = [p.name for p in self.manifest.parameters]
        return {k: to_text(values[k]) for k in order if k in values}

    def history_text(self, values: Mapping[str, Any]) -> dict[str, str]:
        """What the history may keep: the « cle=valeur » form without anything about a family
        (a birth date, a due date, an appointment's day and time, a free line)."""
        return {k: v for k, v in self.as_text(values).items() if self.spec(k).kind not in FAMILY_KINDS}

    def describe(self, params: Mapping[str, str], *, article_titles: Mapping[str, str] | None = None) -> str:
        """« Commune : Lyon · Rayon : 10 km · Types : PMI, CAF »: a history line a person can read."""
        parts: list[str] = []
        for spec in self.manifest.parameters:
            text = params.get(spec.name, "")
            if not text:
                continue
            items = [i for i in text.split(",") if i]
            if spec.kind == "articles":
                titles = article_titles or {}
                shown = " ; ".join(titles.get(i, i) for i in items)
            elif spec.kind == "directory_types":
                shown = ", ".join(TYPE_LABELS.get(i, i) for i in items)
            elif spec.kind in ("entries", "entry"):
                shown = f"{len(items)} choisie{'s' if len(items) > 1 else ''}"
            elif spec.kind == "radius_km":
                shown = f"{text} km"
            else:
                shown = text
            parts.append(f"{spec.label} : {shown}")
        return typeset(" · ".join(parts))

    def usage(self) -> str:
        """One line per parameter, for `fiche --liste` and tooltips."""
        lines = []
        for spec in self.manifest.parameters:
            flag = "obligatoire" if spec.required else "facultatif"
            if spec.default is not None:
                flag += f", défaut {spec.default}"
            lines.append(f"  {spec.name}=…  {spec.label} ({flag}){' — ' + spec.help if spec.help else ''}")
        for group in self.manifest.one_of:
            lines.append("  (un seul parmi : " + ", ".join(group) + ")")
        return "\n".join(lines)


def load_templates(root: Path | None = None) -> dict[str, HandoutTemplate]:
    """Every template folder of modeles_docs/ that has a manifest, in display order."""
    return dict(_load((root or paths.templates_dir()).resolve()))


@lru_cache(maxsize=8)
def _load(folder: Path) -> tuple[tuple[str, HandoutTemplate], ...]:
    found: list[HandoutTemplate] = []
    for manifest_path in sorted(folder.glob(f"*/{MANIFEST_FILE}")):
        for name in (MANIFEST_FILE, TEMPLATE_FILE):
            refuse_symlinks(folder, f"{manifest_path.parent.name}/{name}")
        try:
            manifest = Manifest.model_validate(json.loads(manifest_path.read_text(encoding="utf-8")))
        except ValidationError as exc:
            where, reason = first_error(exc)
            detail = f"champ « {where} » : {reason}" if where else reason
            raise HandoutError(f"Manifeste de modèle invalide : {manifest_path.parent.name} ({detail})") from exc
        except (OSError, ValueError) as exc:
            raise HandoutError(f"Manifeste de modèle invalide : {manifest_path.parent.name} ({exc})") from exc
        if manifest.id != manifest_path.parent.name:
            raise HandoutError(f"Modèle {manifest.id} : le dossier doit porter le nom de son identifiant.")
        if not (manifest_path.parent / TEMPLATE_FILE).is_file():
            raise HandoutError(f"Modèle {manifest.id} : fichier {TEMPLATE_FILE} manquant.")
        found.append(HandoutTemplate(manifest, manifest_path.parent))
    found.sort(key=lambda t: (t.manifest.order, t.title))
    return tuple((t.id, t) for t in found)


def get_template(template_id: str, root: Path | None = None) -> HandoutTemplate:
    templates = load_templates(root)
    if template_id not in templates:
        raise HandoutError(f"Modèle de fiche inconnu « {template_id} » (modèles disponibles : {', '.join(templates)}).")
    return templates[template_id]
