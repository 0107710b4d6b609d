"""A national-size directory for tests and benchmarks: the real town halls plus fictitious
entries of every other type, placed in real communes, each marked fictitious in its source.

Deterministic for a given seed. Phone numbers use the ranges ARCEP reserves for fiction
(01 99 00…, 02 61 91…, 03 53 01…, 04 65 71…, 05 36 49…, 06 39 98…); e-mail addresses and web
sites use the reserved example.org domain.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from functools import lru_cache
from pathlib import Path

from milpj_desktop.content.models import DIRECTORY_TYPE_IDS
from milpj_desktop.directory.communes import Commune, fold, gazetteer
from milpj_desktop.directory.models import TYPE_KINDS, DayRange, DirectoryEntry, TimeSlot, Weekday
from milpj_desktop.directory.phone import normalize_phone

FICTITIOUS_SOURCE = "FICTIF — fiche générée pour les essais, ne correspond à aucune structure réelle"
MAIRIES_CSV = Path("/work/shared/data/mairies.csv")
NATIONAL_SIZE = 100_000
_STAMP = dt.datetime(2025, 1, 15, 8, 0, tzinfo=dt.UTC)

# Relative frequency of each fictitious type (roughly what a département holds).
_WEIGHTS: dict[str, int] = {
    "pmi": 40,
    "maternite": 5,
    "maison-naissance": 1,
    "caf": 4,
    "cpam": 4,
    "planning-familial": 10,
    "saad": 40,
    "laep": 25,
    "creche": 160,
    "relais-petite-enfance": 30,
    "sage-femme": 120,
    "pediatre": 45,
    "medecin-generaliste": 300,
    "puericultrice": 40,
    "lactation": 20,
    "psy-perinatale": 25,
    "bibliotheque": 80,
    "association-parentalite": 50,
}
_STAGES: dict[str, list[str]] = {
    "pmi": ["fin-grossesse", "0-3-mois", "4-12-mois", "1-2-ans", "2-3-ans"],
    "maternite": ["debut-grossesse", "fin-grossesse", "accouchement"],
    "maison-naissance": ["debut-grossesse", "fin-grossesse", "accouchement"],
    "caf": ["debut-grossesse", "0-3-mois"],
    "cpam": ["debut-grossesse", "0-3-mois"],
    "planning-familial": ["projet", "conception", "debut-grossesse"],
    "saad": ["fin-grossesse", "0-3-mois"],
    "laep": ["0-3-mois", "4-12-mois", "1-2-ans", "2-3-ans"],
    "creche": ["4-12-mois", "1-2-ans", "2-3-ans"],
    "relais-petite-enfance": ["fin-grossesse", "4-12-mois", "1-2-ans", "2-3-ans"],
    "sage-femme": ["projet", "debut-grossesse", "fin-grossesse", "0-3-mois"],
    "pediatre": ["0-3-mois", "4-12-mois", "1-2-ans", "2-3-ans"],
    "medecin-generaliste": ["projet", "debut-grossesse", "0-3-mois", "1-2-ans"],
    "puericultrice": ["0-3-mois", "4-12-mois"],
    "lactation": ["fin-grossesse", "0-3-mois", "4-12-mois"],
    "psy-perinatale": ["debut-grossesse", "fin-grossesse", "0-3-mois"],
    "bibliotheque": ["4-12-mois", "1-2-ans", "2-3-ans"],
    "association-parentalite": ["0-3-mois", "1-2-ans", "2-3-ans"],
}
_STRUCTURE_NAMES: dict[str, list[str]] = {
    "pmi": ["Centre de PMI {c}", "PMI {c} — {s}", "Centre de protection maternelle et infantile {c}"],
    "maternite": ["Maternité du centre hospitalier {c}", "Maternité {s}"],
    "maison-naissance": ["Maison de naissance {s}"],
    "caf": ["CAF — accueil de {c}", "Point d'accueil CAF {c}"],
    "cpam": ["CPAM — accueil de {c}", "Assurance maladie, agence de {c}"],
    "planning-familial": ["Centre de santé sexuelle {c}", "Planning familial {c}"],
    "saad": ["Aide à domicile {s}", "SAAD {s} {c}"],
    "laep": ["LAEP {s}", "Lieu d'accueil enfants-parents « {s} »"],
    "creche": ["Crèche {s}", "Multi-accueil {s}", "Micro-crèche {s}"],
    "relais-petite-enfance": ["Relais petite enfance {c}", "RPE {s}"],
    "psy-perinatale": ["CMP périnatal {c}", "Unité de psychiatrie périnatale {s}"],
    "bibliotheque": ["Médiathèque {s}", "Bibliothèque municipale de {c}"],
    "association-parentalite": ["Association {s}", "Café des parents {s}"],
}
# (title for a woman, title for a man)
_PRO_TITLES: dict[str, tuple[str, str]] = {
    "sage-femme": ("{n}, sage-femme", "{n}, sage-femme"),
    "pediatre": ("Dr {n}, pédiatre", "Dr {n}, pédiatre"),
    "medecin-generaliste": ("Dr {n}", "Dr {n}"),
    "puericultrice": ("{n}, infirmière puéricultrice", "{n}, infirmier puériculteur"),
    "lactation": ("{n}, consultante en lactation IBCLC", "{n}, consultant en lactation IBCLC"),
}
_WOMEN = [
    "Camille",
    "Claire",
    "Sophie",
    "Julie",
    "Amandine",
    "Nadia",
    "Fatima",
    "Léa",
    "Chloé",
    "Inès",
    "Sarah",
    "Émilie",
    "Marion",
    "Aurélie",
    "Hélène",
    "Yasmine",
    "Laura",
    "Manon",
    "Élodie",
    "Céline",
    "Aïcha",
    "Mélanie",
    "Anne",
    "Lucie",
]
_MEN = [
    "Thomas",
    "Nicolas",
    "Karim",
    "Julien",
    "Antoine",
    "Mathieu",
    "Hugo",
    "Olivier",
    "Samir",
    "Vincent",
    "Mamadou",
    "Pierre",
]
_LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Benali",
    "Nguyen",
    "Haddad",
    "Diallo",
    "Traoré",
    "Costa",
    "Ferreira",
]
_SYMBOLIC = [
    "Les Petits Pas",
    "Arc-en-ciel",
    "Les Lucioles",
    "Pomme d'Api",
    "Les Coccinelles",
    "Le Jardin des Bambins",
    "Les Câlins",
    "La Ribambelle",
    "Les Hirondelles",
    "Graine d'éveil",
    "Les Petits Loups",
    "La Maison Bleue",
    "Le Nid",
    "Les Farfadets",
    "Les Marmousets",
    "Le Petit Prince",
    "Les Galopins",
    "L'Île aux enfants",
    "Les Mille Pattes",
    "Le Cocon",
]
_STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "place de la Mairie",
    "rue Pasteur",
    "rue des Écoles",
    "boulevard Gambetta",
    "rue du Général de Gaulle",
    "allée des Tilleuls",
    "rue des Lilas",
    "chemin des Vignes",
    "rue de la Gare",
    "avenue de la Libération",
    "rue Jules Ferry",
    "place du Marché",
    "rue des Acacias",
]
_FICTION_PREFIXES = ("019900", "026191", "035301", "046571", "053649", "063998")
_LANGUAGES = ("en", "ar", "es", "pt", "tr", "ro", "wo", "zh", "lsf", "uk")


@lru_cache(maxsize=1)
def _cached_mairies(path_text: str) -> tuple[DirectoryEntry, ...]:
    from milpj_desktop.directory.csvio import mairies_entries

    return tuple(mairies_entries(Path(path_text)))


@lru_cache(maxsize=1)
def _schedules() -> dict[str, list[list[DayRange]]]:
    """A few weekly schedules per sort of place, built once (the generator picks among them)."""
    office: list[list[DayRange]] = []
    lasts: tuple[Weekday, ...] = ("jeudi", "vendredi")
    for opens, closes, last in itertools.product(("08:30", "09:00"), ("17:00", "18:30"), lasts):
        slots = [TimeSlot(opens=opens, closes="12:00"), TimeSlot(opens="13:30", closes=closes)]
        week = [DayRange(first_day="lundi", last_day=last, slots=slots)]
        office.append(week)
        office.append([*week, DayRange(first_day="samedi", last_day="samedi", slots=[slots[0]])])
    return {
        "office": office,
        "creche": [[DayRange(first_day="lundi", last_day="vendredi", slots=[TimeSlot(opens="07:30", closes="18:30")])]],
        "maternite": [
            [DayRange(first_day="lundi", last_day="dimanche", slots=[TimeSlot(opens="00:00", closes="24:00")])]
        ],
    }


def _hours(rng: random.Random, type_id: str) -> list[DayRange]:
    schedules = _schedules()
    return rng.choice(schedules.get(type_id, schedules["office"]))


def _slug(text: str) -> str:
    return fold(text).replace(" ", "-")[:40] or "structure"


class _Placer:
    """Picks communes weighted by population (so Paris gets many entries, a hamlet few)."""

    def __init__(self) -> None:
        communes = [c for c in gazetteer().communes if c.lat is not None and c.insee not in ("75056", "69123", "13055")]
        self.communes = communes
        self.cumulative = list(itertools.accumulate(max(c.population, 50) for c in communes))

    def pick(self, rng: random.Random) -> Commune:
        return rng.choices(self.communes, cum_weights=self.cumulative, k=1)[0]


def fictitious_entries(count: int, *, seed: int = 1000) -> list[DirectoryEntry]:
    """`count` fictitious entries of every type but town halls, in real communes."""
    rng = random.Random(seed)
    placer = _Placer()
    types = list(_WEIGHTS)
    cumulative = list(itertools.accumulate(_WEIGHTS[t] for t in types))
    chosen = rng.choices(types, cum_weights=cumulative, k=count)
    for index, type_id in enumerate(DIRECTORY_TYPE_IDS[: min(count, len(DIRECTORY_TYPE_IDS))]):
        if type_id != "mairie":
            chosen[index] = type_id  # even a small slice has every type
    out: list[DirectoryEntry] = []
    for number, type_id in enumerate(chosen, start=1):
        commune = placer.pick(rng)
        assert commune.lat is not None and commune.lon is not None
        kind = TYPE_KINDS[type_id]
        if kind == "professionnel":
            woman = rng.random() < 0.75
            person = f"{rng.choice(_WOMEN if woman else _MEN)} {rng.choice(_LAST)}"
            name = _PRO_TITLES[type_id][0 if woman else 1].format(n=person)
        else:
            name = rng.choice(_STRUCTURE_NAMES[type_id]).format(c=commune.name, s=rng.choice(_SYMBOLIC))
        # 0.3 to 4 km from the town hall, so no fictitious entry sits exactly on it
        distance = rng.uniform(0.3, 4.0)
        bearing = rng.uniform(0, 2 * math.pi)
        lat = commune.lat + distance / 111.2 * math.cos(bearing)
        lon = commune.lon + distance / (111.2 * max(math.cos(math.radians(commune.lat)), 0.01)) * math.sin(bearing)
        prefix = rng.choice(_FICTION_PREFIXES)
        phone = normalize_phone(f"{prefix}{rng.randrange(0, 10_000):04d}")
        national_id = f"fictif-{seed}-{number:06d}"
        languages = ["fr"] + (rng.sample(_LANGUAGES, rng.randint(1, 2)) if rng.random() < 0.25 else [])
        accessibility = rng.choice(["accessible", "accessible", "non-accessible", "sur-demande"])
        entry = DirectoryEntry.model_construct(
            national_id=national_id,
            kind=kind,
            type=type_id,
            name=name,
            address=f"{rng.randint(1, 180)} {rng.choice(_STREETS)}",
            postcode=commune.postcode,
            commune_insee=commune.insee,
            commune=commune.name,
            phone=phone,
            email=f"contact.{number}@example.org",
            website=f"https://example.org/{_slug(name)}-{number}" if kind == "structure" else "",
            hours=_hours(rng, type_id),
            accessibility=accessibility,
            languages=languages,
            stages=_STAGES[type_id],
            latitude=round(lat, 6),
            longitude=round(lon, 6),
            source=FICTITIOUS_SOURCE,
            updated_at=_STAMP,
        )
        out.append(entry)
    return out


def mairies_sample(count: int, *, path: Path = MAIRIES_CSV) -> list[DirectoryEntry]:
    """`count` real town halls spread over the whole file (all of them when count is large)."""
    every = _cached_mairies(str(path))
    if count >= len(every):
        return list(every)
    if count <= 0:
        return []
    step = len(every) / count
    return [every[int(i * step)] for i in range(count)]


def national_dataset(
    size: int = NATIONAL_SIZE, *, seed: int = 1000, mairies_path: Path = MAIRIES_CSV
) -> list[DirectoryEntry]:
    """`size` national entries: real town halls (in the national proportion, ≈ 35 %) + fictitious ones.

    national_dataset(100_000) holds all 34,861 town halls and 65,139 fictitious entries.
    """
    total_mairies = len(_cached_mairies(str(mairies_path)))
    share = round(size * total_mairies / NATIONAL_SIZE)
    mairies = mairies_sample(min(share, total_mairies, size), path=mairies_path)
    return mairies + fictitious_entries(size - len(mairies), seed=seed)
