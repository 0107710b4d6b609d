"""The offline commune gazetteer: a typed commune or postcode resolves with no network.

Data: ressources/communes.json.gz (rebuilt by ressources/communes_rebuild.py from the INSEE list).
"""

from __future__ import annotations

import bisect
import gzip
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from milpj_desktop import paths


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


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


class Gazetteer:
    """Every commune, indexed by INSEE code, postcode and folded name."""

    def __init__(self, communes: list[Commune]) -> None:
        self.communes = communes
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
        return cls(communes)

    def get(self, insee: str) -> Commune | None:
        return self.by_insee.get(insee.upper())

    def resolve(self, text: str) -> Commune | None:
        """'25000', '25056', 'Besançon', 'besancon', 'Saint-Denis (974)', 'Saint-Denis (93200)',
        '25000 Besançon' → a commune.

        A postcode or name shared by several communes gives the most populous one.
        """
        raw = text.strip()
        if not raw:
            return None
        code = re.match(r"^(\d{5}|2[ABab]\d{3})\b\s*(.*)$", raw)
        if code:
            number, rest = code.group(1).upper(), code.group(2)
            candidates = self.by_postcode.get(number, [])
            if rest:
                named = [c for c in candidates if fold(c.name) == fold(rest)]
                if named:
                    return named[0]
            if candidates:
                return candidates[0]
            return self.by_insee.get(number)
        labelled = _LABELLED.match(raw)  # 'Saint-Denis (93200)': the form lists show (Commune.label)
        if labelled:
            name = fold(labelled.group(1))
            for commune in self.by_postcode.get(labelled.group(2), []):
                if fold(commune.name) == name:
                    return commune
        folded = fold(raw)
        found = self.by_name.get(folded)
        if found:
            return found[0]
        suffix = _DEPT_SUFFIX.match(folded)
        if suffix:
            name, dept = suffix.group(1), suffix.group(2).upper()
            for commune in self.by_name.get(name, []):
                if commune.departement == dept:
                    return commune
        for commune in self.complete(raw, 5):
            if _ARTICLE.sub("", fold(commune.name)) == _ARTICLE.sub("", folded):
                return commune
        return None

    def complete(self, prefix: str, limit: int = 10) -> list[Commune]:
        """Communes whose name (with or without its article) or postcode starts with the prefix,
        most populous first."""
        raw = prefix.strip()
        if not raw or limit <= 0:
            return []
        if raw.isdigit():
            seen: dict[str, Commune] = {}
            start = bisect.bisect_left(self._postcodes, raw)
            for code in self._postcodes[start:]:
                if not code.startswith(raw):
                    break
                for commune in self.by_postcode[code]:
                    seen.setdefault(commune.insee, commune)
            return sorted(seen.values(), key=lambda c: -c.population)[:limit]
        folded = fold(raw)
        if not folded:
            return []
        start = bisect.bisect_left(self._keys, folded)
        found: dict[str, Commune] = {}
        for index in range(start, len(self._keys)):
            if not self._keys[index].startswith(folded):
                break
            commune = self._key_communes[index]
            found.setdefault(commune.insee, commune)
        ranked = sorted(found.values(), key=lambda c: (fold(c.name) != folded, -c.population))
        return ranked[:limit]


def default_path() -> Path:
    return paths.resources_dir() / "communes.json.gz"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded once (≈ 0.1 s)."""
    return Gazetteer.load(default_path())


def resolve(text: str) -> Commune | None:
    return gazetteer().resolve(text)


def complete(prefix: str, limit: int = 10) -> list[Commune]:
    return gazetteer().complete(prefix, limit)


def get(insee: str) -> Commune | None:
    return gazetteer().get(insee)
