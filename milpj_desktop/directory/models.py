"""Directory records (annuaire): the entry — also the sync wire format — and the correction request."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from milpj_desktop.content.models import DIRECTORY_TYPE_IDS, STAGE_IDS
from milpj_desktop.directory.phone import normalize_phone
from milpj_desktop.validation import plausible_date

Kind = Literal["structure", "professionnel"]
Weekday = Literal["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
Accessibility = Literal["accessible", "non-accessible", "sur-demande"]
CorrectionState = Literal["pending", "sent"]

WEEKDAYS: tuple[Weekday, ...] = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

TYPE_LABELS: dict[str, str] = {
    "pmi": "PMI",
    "maternite": "Maternité",
    "maison-naissance": "Maison de naissance",
    "caf": "CAF",
    "cpam": "CPAM",
    "mairie": "Mairie",
    "planning-familial": "Planning familial / centre de santé sexuelle",
    "saad": "SAAD (aide à domicile)",
    "laep": "LAEP (lieu d'accueil enfants-parents)",
    "creche": "Crèche / EAJE",
    "relais-petite-enfance": "Relais petite enfance",
    "sage-femme": "Sage-femme",
    "pediatre": "Pédiatre",
    "medecin-generaliste": "Médecin généraliste",
    "puericultrice": "Infirmier·e puériculteur·rice",
    "lactation": "Consultant·e en lactation",
    "psy-perinatale": "Psychologie périnatale / CMP",
    "bibliotheque": "Bibliothèque-médiathèque",
    "association-parentalite": "Association de soutien à la parentalité",
}

# The kind a type usually has (the form proposes it; an entry may say otherwise).
TYPE_KINDS: dict[str, Kind] = {
    t: "professionnel"
    if t in {"sage-femme", "pediatre", "medecin-generaliste", "puericultrice", "lactation"}
    else "structure"
    for t in DIRECTORY_TYPE_IDS
}

KIND_LABELS: dict[str, str] = {"structure": "Structure", "professionnel": "Professionnel"}

ACCESSIBILITY_LABELS: dict[str, str] = {
    "accessible": "Accessible aux personnes à mobilité réduite",
    "non-accessible": "Non accessible aux personnes à mobilité réduite",
    "sur-demande": "Accessibilité sur demande",
}

# ISO 639-1 codes shown in French; others are accepted and shown as their code.
LANGUAGE_NAMES: dict[str, str] = {
    "fr": "français",
    "en": "anglais",
    "ar": "arabe",
    "es": "espagnol",
    "pt": "portugais",
    "it": "italien",
    "de": "allemand",
    "tr": "turc",
    "ro": "roumain",
    "pl": "polonais",
    "ru": "russe",
    "uk": "ukrainien",
    "zh": "chinois",
    "vi": "vietnamien",
    "ta": "tamoul",
    "wo": "wolof",
    "bm": "bambara",
    "ber": "berbère",
    "fa": "persan",
    "ps": "pachto",
    "ku": "kurde",
    "sq": "albanais",
    "hy": "arménien",
    "ka": "géorgien",
    "ln": "lingala",
    "sw": "swahili",
    "so": "somali",
    "ti": "tigrigna",
    "lsf": "langue des signes française",
    "rcf": "créole réunionnais",
    "gcf": "créole antillais",
}

_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_POSTCODE = re.compile(r"^\d{5}$")
_NATIONAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$")
# The whole address: no '?' or '%' (a mailto: link would read them as parameters such as ?attach=).
_EMAIL = re.compile(r"[\w.!#$&'*+/=^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_WHOLE_URL = re.compile(r"https?://[\w-]+(?:\.[\w-]+)+(?::\d{1,5})?(?:[/?#][^\s\"'<>\\^`{|}]*)?", re.IGNORECASE)
# Invisible characters that reorder or hide text (bidi overrides and isolates, zero-width, BOM): dropped.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# Control characters (C0 but tab and newlines, DEL, C1): never in a stored value.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("[\t\r\n]+")
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LANG = re.compile(r"^[a-z]{2,3}$")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Text from a form, a file or the server: invisible characters dropped, control characters refused.

    A one-line field gets its tabs and line breaks turned into a space (a spreadsheet cell on two lines);
    a multi-line one keeps them. Values without any suspect character come back as they are (fast path).
    """
    if not _SUSPECT.search(value):
        return value
    if "\x00" in value:
        raise ValueError("caractère nul (NUL) refusé")
    if _CONTROL.search(value):
        raise ValueError("caractère de contrôle refusé")
    value = _INVISIBLE.sub("", value)
    return value if multiline else _LINE_BREAKS.sub(" ", value).strip()


def _clean_line(value: str) -> str:
    return clean_text(value)


def _clean_name(value: str) -> str:
    value = clean_text(value)
    if not value:
        raise ValueError("nom vide")
    return value


def _clean_lines(value: str) -> str:
    return clean_text(value, multiline=True)


# Bounded first, then cleaned (cleaning only shortens).
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_clean_name)
]
Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(_clean_line)]

# Limits of one entry (documented in sync/PROTOCOLE.md): a server, an import file or a form cannot
# make an entry that freezes a window or fills a disk.
MAX_EMAIL = 254  # RFC 5321
MAX_WEBSITE = 2000  # what every browser accepts
MAX_PHONE = 40  # as typed, before normalising
MAX_HOUR_RANGES = 14  # two ranges a day
MAX_LANGUAGES = 30
MAX_STAGES = 20


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_KNOWN_STAGES = frozenset(STAGE_IDS)
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
_WEBSITE = re.compile(r"^https?://[^/\s.:@]+\.[^/\s]+", re.IGNORECASE)
# 'HH:MM', and 24:00 as a closing time; checked natively by pydantic (no Python call per slot)
Clock = Annotated[str, StringConstraints(pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")]


class TimeSlot(_Strict):
    """One opening slot, 'HH:MM' to 'HH:MM'; that it closes after it opens is checked by DayRange."""

    opens: Clock
    closes: Clock


class DayRange(_Strict):
    """Days first_day to last_day (inclusive, may wrap past dimanche) share the same slots."""

    first_day: Weekday
    last_day: Weekday
    slots: list[TimeSlot] = Field(min_length=1, max_length=6)

    @model_validator(mode="after")
    def _ordered(self) -> DayRange:
        """Each slot closes after it opens, and slots do not overlap (one call per range)."""
        for slot in self.slots:
            if slot.closes <= slot.opens:
                raise ValueError(f"créneau {slot.opens}–{slot.closes} : la fermeture doit suivre l'ouverture")
        if len(self.slots) < 2:
            return self
        ordered = sorted(self.slots, key=lambda s: s.opens)
        for before, after in itertools.pairwise(ordered):
            if after.opens < before.closes:
                raise ValueError(f"créneaux qui se chevauchent : {before.opens}–{before.closes} et {after.opens}")
        return self


class DirectoryEntry(_Strict):
    """A structure or a professional. National entries carry national_id; local ones have none."""

    national_id: str | None = None
    kind: Kind
    type: str
    name: Name
    address: Line = ""
    postcode: str = ""
    commune_insee: str = ""
    commune: Line = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    hours: list[DayRange] = Field(default_factory=list, max_length=MAX_HOUR_RANGES)
    accessibility: Accessibility | None = None
    languages: list[str] = Field(default_factory=list, max_length=MAX_LANGUAGES)
    stages: list[str] = Field(default_factory=list, max_length=MAX_STAGES)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    source: Line = ""
    updated_at: dt.datetime

    @field_validator("national_id")
    @classmethod
    def _national_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _NATIONAL_ID.match(value) or value.startswith("local-"):
            raise ValueError(f"identifiant national « {value} » invalide")
        return value

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        if value not in DIRECTORY_TYPE_IDS:
            raise ValueError(f"type « {value} » inconnu")
        return value

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        value = value.strip()
        if value and not _POSTCODE.match(value):
            raise ValueError(f"code postal « {value} » invalide (5 chiffres attendus)")
        return value

    @field_validator("commune_insee")
    @classmethod
    def _insee(cls, value: str) -> str:
        value = value.strip().upper()
        if value and not _INSEE.match(value):
            raise ValueError(f"code commune INSEE « {value} » invalide")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if len(value) > MAX_PHONE:
            raise ValueError(f"numéro de téléphone trop long ({MAX_PHONE} caractères au plus)")
        return normalize_phone(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return check_email(value)

    @field_validator("website")
    @classmethod
    def _website(cls, value: str) -> str:
        return check_website(value)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        if all(code in LANGUAGE_NAMES for code in value) and len(set(value)) == len(value):
            return value  # already canonical (every record the server sends)
        out: list[str] = []
        for code in value:
            code = code.strip().lower()
            if not _LANG.match(code):
                raise ValueError(f"langue « {code} » invalide (code ISO à 2 ou 3 lettres attendu)")
            if code not in out:
                out.append(code)
        return out

    @field_validator("stages")
    @classmethod
    def _stages(cls, value: list[str]) -> list[str]:
        if _KNOWN_STAGES.issuperset(value) and len(set(value)) == len(value):
            return value
        unknown = [s for s in value if s not in STAGE_IDS]
        if unknown:
            raise ValueError(f"étape(s) inconnue(s) : {', '.join(unknown)}")
        return list(dict.fromkeys(value))

    @field_validator("updated_at")
    @classmethod
    def _updated_at(cls, value: dt.datetime) -> dt.datetime:
        plausible_date(value)
        return value

    @model_validator(mode="after")
    def _coordinates(self) -> DirectoryEntry:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude et longitude vont ensemble")
        return self

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]

    @property
    def departement(self) -> str:
        """Département code from the INSEE code (else the postcode): '25', '2A', '974'."""
        return departement_of(self.commune_insee, self.postcode)


def check_email(value: str) -> str:
    """A plausible e-mail address as a whole ('' allowed); 'mailto:' is dropped, parameters are refused."""
    if len(value) > MAX_EMAIL + 10:  # checked first: the value is not repeated in the message
        raise ValueError(f"adresse électronique trop longue ({MAX_EMAIL} caractères au plus)")
    value = clean_text(value).strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if len(value) > MAX_EMAIL:
        raise ValueError(f"adresse électronique trop longue ({MAX_EMAIL} caractères au plus)")
    if value and not _EMAIL.fullmatch(value):
        raise ValueError(f"adresse électronique « {value} » invalide")
    return value


def check_website(value: str) -> str:
    """An http(s) address checked as a whole ('' allowed); 'www.exemple.fr' becomes 'https://www.exemple.fr'."""
    if len(value.strip()) > MAX_WEBSITE:  # checked first: the value is not repeated in the message
        raise ValueError(f"site web trop long ({MAX_WEBSITE} caractères au plus)")
    value = clean_text(value).strip()
    if not value:
        return ""
    if "@" in value.split("/")[0] or " " in value:
        raise ValueError(f"site web « {value} » invalide")
    if not _SCHEME.match(value):
        value = "https://" + value
    if not _WEBSITE.match(value) or not _whole_url(value):
        raise ValueError(f"site web « {value} » invalide")
    return value


def _whole_url(value: str) -> bool:
    """Scheme http(s), a host name, an optional port, and no space, quote or control character anywhere."""
    return _WHOLE_URL.fullmatch(value) is not None


def departement_of(insee: str, postcode: str = "") -> str:
    code = insee or postcode
    if not code:
        return ""
    if code.startswith("97") or code.startswith("98"):
        return code[:3]
    if insee:
        return code[:2]
    if code.startswith("20"):  # a Corsican postcode alone does not say 2A or 2B
        return "2A" if code < "20200" else "2B"
    return code[:2]


class Correction(_Strict):
    """A "Signaler une correction" request on a national entry, waiting in the outbox."""

    uuid: str
    national_id: str
    message: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), AfterValidator(_clean_lines)
    ]
    created_at: dt.datetime
    state: CorrectionState = "pending"
