"""The offline commune gazetteer: a commune as people say it resolves with no network.

Data: ressources/communes.json.gz (rebuilt by ressources/communes_rebuild.py from the official
geographic code): current communes, the municipal arrondissements of Paris, Lyon and Marseille, and
the communes déléguées and associées that merged into a new commune but that families still name.

What resolves: a postcode or INSEE code, a name with or without accents, article, « St »/« Ste »,
« Paris 11e » / « Lyon 3 » / « Marseille 1er », a former commune (to the commune it belongs to,
saying so), « Évry (91) » and « Saint-Denis (93200) », one wrong letter in a name of 6 letters or
more. A name shared by several communes is never settled in silence: `lookup` lists them, and
`resolve_unique` refuses with the list (the most populous only when asked for).
"""

from __future__ import annotations

import bisect
import gzip
import heapq
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from milpj_desktop import paths
from milpj_desktop.errors import KnownError


@dataclass(frozen=True)
class Commune:
    """One commune (or municipal arrondissement) with its postcodes and coordinates."""

    insee: str
    name: str
    postcodes: tuple[str, ...]
    departement: str
    departement_name: str
    population: int
    lat: float | None
    lon: float | None

    @property
    def postcode(self) -> str:
        """The main postcode ('' for Paris, Lyon, Marseille as a whole)."""
        return self.postcodes[0] if self.postcodes else ""

    @property
    def label(self) -> str:
        """What a list shows: 'Besançon (25000)', 'Paris (75)'."""
        return f"{self.name} ({self.postcode or self.departement})"

    @property
    def choice_label(self) -> str:
        """What a completion list shows, so that homonyms can be told apart:
        'Saint-Denis (93200) — Seine-Saint-Denis'; `resolve` reads it back."""
        return f"{self.label} — {self.departement_name}" if self.departement_name else self.label


@dataclass(frozen=True)
class FormerCommune:
    """A commune déléguée or associée: a name people still use, inside a current commune."""

    insee: str
    name: str
    kind: str  # 'deleguee' or 'associee'
    successor: Commune

    @property
    def note(self) -> str:
        """« Annecy-le-Vieux : commune déléguée d'Annecy »."""
        nature = "commune déléguée" if self.kind == "deleguee" else "commune associée"
        return f"{self.name} : {nature} {elide_de(self.successor.name)}"


@dataclass(frozen=True)
class Lookup:
    """What a typed place gives: the communes it may mean, best first, and what to tell about it."""

    communes: tuple[Commune, ...] = ()
    note: str = ""

    @property
    def ambiguous(self) -> bool:
        return len(self.communes) > 1


class UnknownCommune(KnownError):
    """Nothing in the gazetteer answers to this text."""

    def __init__(self, text: str, note: str = "") -> None:
        super().__init__(note or f"Commune ou code postal « {text.strip()} » introuvable dans la liste des communes.")


class AmbiguousCommune(KnownError):
    """Several communes answer to this name: the user chooses."""

    def __init__(self, text: str, communes: tuple[Commune, ...]) -> None:
        choices = " ; ".join(f"{c.label} — {c.departement_name or c.departement}" for c in communes[:8])
        more = f" (et {len(communes) - 8} autres)" if len(communes) > 8 else ""
        super().__init__(
            f"« {text.strip()} » désigne plusieurs communes : {choices}{more}. "
            "Précisez le code postal ou le département, par exemple « Saint-Denis (93) »."
        )
        self.communes = communes


def elide_de(name: str) -> str:
    """« de Besançon », « d'Annecy », « du Havre », « des Abymes », « de La Rochelle »."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    first = fold(name)[:1]
    return f"d'{name}" if first and first in "aeiouyh" and not name.startswith("La ") else f"de {name}"


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_STE = re.compile(r"\bste\b")
_ST = re.compile(r"\bst\b")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no accents, words separated by one space: 'L'Haÿ-les-Roses' → 'l hay les roses'."""
    plain = text.lower()
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain.replace("œ", "oe").replace("æ", "ae"))
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _NOT_ALNUM.sub(" ", plain).strip()
    if "st" in plain:
        plain = _STE.sub("sainte", plain)
        plain = _ST.sub("saint", plain)
    return plain


_ARTICLE = re.compile(r"^(le|la|les|l) ")
_LABELLED = re.compile(r"^(.*\S)\s*\((\d{5})\)$")
_DEPT_SUFFIX = re.compile(r"^(.*?)\s*\(?\b(\d{2,3}|2[ab])\)?$")
# « Paris 11e », « paris 11 », « Lyon 3eme », « Marseille 1er », « Paris 11e arrondissement »
_ARRONDISSEMENT = re.compile(r"^(paris|lyon|marseille) (\d{1,2}) ?(?:e|er|eme|ieme)?(?: arrondissement)?$")
_ARRONDISSEMENT_CODES = {"paris": ("751", 20), "lyon": ("6938", 9), "marseille": ("132", 16)}
CEDEX_NOTE = (
    "« {code} » n'est le code postal d'aucune commune : c'est peut-être un code CEDEX (courrier des "
    "entreprises et administrations), qui ne désigne pas une commune. Donnez le code postal ou le nom de la commune."
)
TYPO_MIN_LETTERS = 6  # one wrong letter is forgiven from this length on
DWARFED = 10  # an exact name this many times smaller than « name-… » leaves the choice to the user


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


class Gazetteer:
    """Every commune, indexed by INSEE code, postcode and folded name."""

    def __init__(
        self, communes: list[Commune], former: list[FormerCommune] | None = None, version: str = "", source: str = ""
    ) -> None:
        self.communes = communes
        self.former = former or []
        self.version = version
        self.source = source or version
        self.former_by_name: dict[str, list[FormerCommune]] = {}
        for old in self.former:
            self.former_by_name.setdefault(fold(old.name), []).append(old)
        self._typo_index: dict[str, list[str]] | None = None
        self.cedex: dict[str, Commune] = {}  # the town halls' CEDEX codes
        self.by_insee = {c.insee: c for c in communes}
        self.by_postcode: dict[str, list[Commune]] = {}
        self.by_name: dict[str, list[Commune]] = {}
        keys: list[tuple[str, int, str]] = []
        for index, commune in enumerate(communes):
            for code in commune.postcodes:
                self.by_postcode.setdefault(code, []).append(commune)
            folded = fold(commune.name)
            self.by_name.setdefault(folded, []).append(commune)
            keys.append((folded, index, commune.insee))
            bare = _ARTICLE.sub("", folded)
            if bare != folded:
                keys.append((bare, index, commune.insee))
        for found in (*self.by_postcode.values(), *self.by_name.values()):
            found.sort(key=lambda c: -c.population)
        keys.sort()
        self._postcodes = sorted(self.by_postcode)
        self._keys = [k for k, _, _ in keys]
        self._key_communes = [communes[i] for _, i, _ in keys]
        self._key_population = [c.population for c in self._key_communes]

    @classmethod
    def load(cls, path: Path) -> Gazetteer:
        payload = json.loads(gzip.decompress(path.read_bytes()))
        names: dict[str, str] = payload["departements"]
        communes = []
        for insee, name, postcodes, population, lat, lon in payload["communes"]:
            dept = insee[:3] if insee.startswith(("97", "98")) else insee[:2]
            communes.append(
                Commune(insee, name, tuple(postcodes.split()), dept, names.get(dept, ""), population, lat, lon)
            )
        by_insee = {c.insee: c for c in communes}
        former = [FormerCommune(code, name, kind, by_insee[now]) for code, name, kind, now in payload.get("former", [])]
        gaz = cls(communes, former, str(payload.get("version", "")), str(payload.get("source", "")))
        gaz.cedex = {code: by_insee[insee] for code, insee in payload.get("cedex", {}).items() if insee in by_insee}
        return gaz

    def get(self, insee: str) -> Commune | None:
        return self.by_insee.get(insee.upper())

    def resolve(self, text: str) -> Commune | None:
        """'25000', '25056', 'Besançon', 'besancon', 'Saint-Denis (974)', 'Saint-Denis (93200)',
        '25000 Besançon', 'Paris 11e', 'Annecy-le-Vieux' → a commune.

        Where several communes answer, the most populous: for what a person typed, prefer `lookup`
        or `resolve_unique`, which never choose in silence.
        """
        found = self.lookup(text).communes
        return found[0] if found else None

    def resolve_unique(self, text: str, *, most_populous: bool = False) -> Commune:
        """The one commune the text means; UnknownCommune or AmbiguousCommune (French) otherwise."""
        found = self.lookup(text)
        if not found.communes:
            raise UnknownCommune(text, found.note)
        if found.ambiguous and not most_populous:
            raise AmbiguousCommune(text, found.communes)
        return found.communes[0]

    def lookup(self, text: str) -> Lookup:
        """Every commune the text may mean, best first (one when it is clear), and a note."""
        raw = text.strip()
        if not raw:
            return Lookup()
        code = re.match(r"^(\d{5}|2[ABab]\d{3})\b\s*(.*)$", raw)
        if code:
            return self._by_code(code.group(1).upper(), code.group(2))
        raw = raw.split(" — ", 1)[0].strip() or raw  # 'Saint-Denis (93200) — Seine-Saint-Denis'
        labelled = _LABELLED.match(raw)  # 'Saint-Denis (93200)': the form lists show (Commune.label)
        if labelled:
            name = fold(labelled.group(1))
            for commune in self.by_postcode.get(labelled.group(2), []):
                if fold(commune.name) == name:
                    return Lookup((commune,))
        folded = fold(raw)
        district = None if "(" in raw else self._arrondissement(folded)  # « Marseille (13) » is the city
        if district is not None:
            return Lookup((district,))
        named = self._named(folded)
        if named.communes:
            return named
        suffix = _DEPT_SUFFIX.match(folded)  # 'Évry (91)', 'Saint-Denis 974'
        if suffix:
            within = self._named(suffix.group(1))
            dept = suffix.group(2).upper()
            kept = tuple(c for c in within.communes if c.departement == dept)
            if kept:
                return Lookup(kept, within.note if len(kept) == len(within.communes) else "")
        for commune in self.complete(raw, 5):
            if _ARTICLE.sub("", fold(commune.name)) == _ARTICLE.sub("", folded):
                return Lookup((commune,))
        if len(folded) >= 4:  # « Cherbourg » for Cherbourg-en-Cotentin
            longer = sorted({c.insee: c for c in self._starting(folded + " ")}.values(), key=lambda c: -c.population)
            if longer:
                return Lookup(tuple(longer[:5]))
        return self._near_miss(folded)

    def _by_code(self, number: str, rest: str) -> Lookup:
        candidates = self.by_postcode.get(number, [])
        if rest:
            named = [c for c in candidates if fold(c.name) == fold(rest)]
            if named:
                return Lookup((named[0],))
        if candidates:  # communes sharing a postcode are neighbours: the most populous stands for them
            return Lookup((candidates[0],))
        commune = self.by_insee.get(number)
        if commune is not None:
            return Lookup((commune,))
        for old in self.former:
            if old.insee == number:
                return Lookup((old.successor,), old.note)
        if number in self.cedex:
            commune = self.cedex[number]
            return Lookup((commune,), f"{number} : code CEDEX {elide_de(commune.name)}")
        if number.isdigit() and number[:2] in self._departement_prefixes():
            return Lookup(note=CEDEX_NOTE.format(code=number))
        return Lookup()

    def _departement_prefixes(self) -> set[str]:
        return {code[:2] for code in self._postcodes}

    def _arrondissement(self, folded: str) -> Commune | None:
        shorthand = _ARRONDISSEMENT.match(folded)
        if not shorthand:
            return None
        prefix, last = _ARRONDISSEMENT_CODES[shorthand.group(1)]
        number = int(shorthand.group(2))
        if not 1 <= number <= last:
            return None
        return self.by_insee.get(f"{prefix}{number:0{5 - len(prefix)}d}")

    def _named(self, folded: str) -> Lookup:
        """Current communes of that exact name, then former communes of that name (to their commune)."""
        current = list(self.by_name.get(folded, []))
        if not current and _ARTICLE.sub("", folded) != folded:
            current = list(self.by_name.get(_ARTICLE.sub("", folded), []))
        former = [old for old in self.former_by_name.get(folded, []) if old.successor not in current]
        found = current + [old.successor for old in former if old.successor not in current]
        if current and len(current) == 1:
            # « Évry » is a village of the Yonne, but people mean Évry-Courcouronnes: offer both
            larger = [
                c
                for c in self._starting(folded + " ")
                if c.population > DWARFED * max(1, current[0].population) and c not in found
            ]
            found += larger[:3]
        found.sort(key=lambda c: -c.population)
        note = former[0].note if former and not current and len(found) == 1 else ""
        return Lookup(tuple(found), note)

    def _starting(self, folded: str) -> list[Commune]:
        start = bisect.bisect_left(self._keys, folded)
        out: list[Commune] = []
        for index in range(start, len(self._keys)):
            if not self._keys[index].startswith(folded):
                break
            out.append(self._key_communes[index])
        return out

    def _near_miss(self, folded: str) -> Lookup:
        """One wrong, missing or extra letter in a name of TYPO_MIN_LETTERS letters or more."""
        if sum(ch.isalpha() for ch in folded) < TYPO_MIN_LETTERS:
            return Lookup()
        index = self._typos()
        names: set[str] = set()
        for variant in (folded, *_deletions(folded)):
            names.update(index.get(variant, ()))
        found: dict[str, Commune] = {}
        note = ""
        for name in sorted(names):
            if not _one_edit(folded, name):
                continue
            for commune in self.by_name.get(name, []):
                found.setdefault(commune.insee, commune)
            for old in self.former_by_name.get(name, []):
                found.setdefault(old.successor.insee, old.successor)
                note = note or old.note
        ranked = tuple(sorted(found.values(), key=lambda c: -c.population))
        return Lookup(ranked, note if len(ranked) == 1 else "")

    def _typos(self) -> dict[str, list[str]]:
        """Names by each of their one-letter deletions (built on first need, ≈ 0.3 s)."""
        if self._typo_index is None:
            index: dict[str, list[str]] = {}
            for name in (*self.by_name, *self.former_by_name):
                if sum(ch.isalpha() for ch in name) < TYPO_MIN_LETTERS - 1:
                    continue
                for variant in (name, *_deletions(name)):
                    index.setdefault(variant, []).append(name)
            self._typo_index = index
        return self._typo_index

    def complete(self, prefix: str, limit: int = 10) -> list[Commune]:
        """Communes whose name (with or without its article) or postcode starts with the prefix,
        most populous first."""
        raw = prefix.strip()
        if not raw or limit <= 0:
            return []
        return self._complete(raw, limit)

    def _complete(self, raw: str, limit: int) -> list[Commune]:
        if raw.isdigit():
            start = bisect.bisect_left(self._postcodes, raw)
            end = bisect.bisect_left(self._postcodes, raw + "\uffff")
            coded = {c.insee: c for code in self._postcodes[start:end] for c in self.by_postcode[code]}
            return heapq.nlargest(limit, coded.values(), key=_population)
        folded = fold(raw)
        if not folded:
            return []
        start = bisect.bisect_left(self._keys, folded)
        end = bisect.bisect_left(self._keys, folded + "\uffff")
        # « s » matches thousands of names: only the most populous are ranked (a name and its
        # article-less form are the same commune, hence a few more than the limit)
        best = heapq.nlargest(2 * limit, range(start, end), key=self._key_population.__getitem__)
        found: dict[str, Commune] = {}
        for index in best:
            found.setdefault(self._key_communes[index].insee, self._key_communes[index])
        exact = self.by_name.get(folded, [])
        ranked = exact + sorted((c for c in found.values() if c not in exact), key=lambda c: -c.population)
        return ranked[:limit]


def _population(commune: Commune) -> int:
    return commune.population


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """True when b is a with one letter changed, added or removed (or equal)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def default_path() -> Path:
    return paths.resources_dir() / "communes.json.gz"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded once (≈ 0.1 s)."""
    return Gazetteer.load(default_path())


def resolve(text: str) -> Commune | None:
    return gazetteer().resolve(text)


def lookup(text: str) -> Lookup:
    return gazetteer().lookup(text)


def resolve_unique(text: str, *, most_populous: bool = False) -> Commune:
    return gazetteer().resolve_unique(text, most_populous=most_populous)


def complete(prefix: str, limit: int = 10) -> list[Commune]:
    return gazetteer().complete(prefix, limit)


def get(insee: str) -> Commune | None:
    return gazetteer().get(insee)
