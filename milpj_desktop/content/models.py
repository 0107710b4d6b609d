"""Pydantic models of the content pack: the same shapes the national server sends."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

STAGE_IDS: tuple[str, ...] = (
    "projet",
    "conception",
    "debut-grossesse",
    "fin-grossesse",
    "accouchement",
    "0-3-mois",
    "4-12-mois",
    "1-2-ans",
    "2-3-ans",
)

THEME_IDS: tuple[str, ...] = (
    "sante",
    "bien-etre",
    "parentalite",
    "soins-enfant",
    "alimentation",
    "sommeil",
    "demarches",
    "handicap-enfants",
    "handicap-parents",
    "securite",
)

DIRECTORY_TYPE_IDS: tuple[str, ...] = (
    "pmi",
    "maternite",
    "maison-naissance",
    "caf",
    "cpam",
    "mairie",
    "planning-familial",
    "saad",
    "laep",
    "creche",
    "relais-petite-enfance",
    "sage-femme",
    "pediatre",
    "medecin-generaliste",
    "puericultrice",
    "lactation",
    "psy-perinatale",
    "bibliotheque",
    "association-parentalite",
)

SOURCE_BODIES: tuple[str, ...] = (
    "HAS",
    "Santé publique France",
    "Assurance maladie",
    "CAF",
    "Service-public.fr",
    "Ministère de la Santé",
    "Ministère du Travail",
    "1000 premiers jours",
    "ANSM",
    "Anses",
    "INPES",
    "Haut Conseil de la santé publique",
    "Éducation nationale",
    "CNSA",
    "MSA",
)

_URL = re.compile(r"^https://[^\s]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stage(_Strict):
    """One of the ordered stages of the 1000 days (étape)."""

    id: Slug
    name: Text
    description: Text
    order: int = Field(ge=1)
    # Offsets in days relative to the birth (or due date); None = open-ended.
    start_days: int | None
    end_days: int | None


class Theme(_Strict):
    """A thématique that cuts across stages."""

    id: Slug
    name: Text
    description: Text
    order: int = Field(ge=1)


class Section(_Strict):
    title: Text
    body: Text


class Link(_Strict):
    title: Text
    url: str

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not _URL.match(value):
            raise ValueError("l'adresse doit commencer par https://")
        return value


class Source(_Strict):
    """The public body whose published facts an article relies on."""

    body: str
    title: Text
    url: str | None = None

    @field_validator("body")
    @classmethod
    def _known_body(cls, value: str) -> str:
        if value not in SOURCE_BODIES:
            raise ValueError(f"organisme inconnu : {value}")
        return value


def _check_ids(values: list[str], allowed: tuple[str, ...], what: str, unknown_word: str = "inconnue(s)") -> list[str]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"{what} {unknown_word} : {', '.join(unknown)}")
    if len(set(values)) != len(values):
        raise ValueError(f"{what} en double")
    return values


StageIds = Annotated[list[str], AfterValidator(lambda v: _check_ids(v, STAGE_IDS, "étape"))]
ThemeIds = Annotated[list[str], AfterValidator(lambda v: _check_ids(v, THEME_IDS, "thématique"))]
DirectoryTypeIds = Annotated[
    list[str], AfterValidator(lambda v: _check_ids(v, DIRECTORY_TYPE_IDS, "type d'annuaire", "inconnu(s)"))
]


class Article(_Strict):
    """A fiche: plain-language guidance on one subject."""

    id: Slug
    title: Text
    summary: Text
    sections: list[Section] = Field(min_length=1)
    key_points: list[Text] = Field(default_factory=list, max_length=3)
    did_you_know: Text | None = None
    links: list[Link] = Field(default_factory=list)
    keywords: list[Text] = Field(default_factory=list)
    stages: StageIds = Field(min_length=1)
    themes: ThemeIds = Field(min_length=1)
    directory_types: DirectoryTypeIds = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    reviewed_on: dt.date
    version: int = Field(ge=1)
    updated_at: dt.datetime


class YearAnchor(_Strict):
    """A date fixed in the calendar year the child reaches an age (school enrolment: 1 March of the 3rd year)."""

    age_years: int = Field(ge=0, le=3)
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=28)


class Event(_Strict):
    """A dated milestone of the 1000 days, placed relative to the birth."""

    id: Slug
    name: Text
    description: Text
    offset_days: int = Field(ge=-400, le=1200)
    # When set, the date is this day of the year the child reaches `age_years` (offset_days then only
    # orders the event among others where no birth date is known).
    in_year_of_age: YearAnchor | None = None
    important: bool = False
    stages: StageIds = Field(min_length=1)
    themes: ThemeIds = Field(default_factory=list)
    articles: list[Slug] = Field(default_factory=list)
    directory_types: DirectoryTypeIds = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
