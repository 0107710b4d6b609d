"""Directory at national size: 100,000 entries (34,861 real town halls + fictitious ones) in an
encrypted store; search p50 / p95 over a mix of text, type, commune and radius queries, against a
baseline in the same process (a full scan with LIKE and haversine on every row).

    .venv/bin/python tests/perf/bench_directory.py [TAILLE]

Figures on the last line.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from milpj_desktop.directory import communes, repository  # noqa: E402
from milpj_desktop.directory.communes import haversine_km  # noqa: E402
from milpj_desktop.directory.generate import national_dataset  # noqa: E402
from milpj_desktop.directory.search import search, search_rows  # noqa: E402
from milpj_desktop.store import Store  # noqa: E402
from tests.perf._report import Row, emit  # noqa: E402

PLACES = ("25000", "69001", "Rennes", "13001", "97400", "Brest", "Dole", "59000", "Ajaccio", "Tulle")
TEXTS = ("crèche", "mairie", "sage-femme", "pmi", "lactation", "bibliotheque", "dr martin", "maternite")


def _queries() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, place_text in enumerate(PLACES):
        place = communes.resolve(place_text)
        assert place is not None
        text = TEXTS[i % len(TEXTS)]
        out += [
            {"text": text},
            {"text": f"{text} {place.name[:5]}"},
            {"around": place, "radius_km": 10.0},
            {"around": place, "radius_km": 25.0, "types": ["pmi", "maternite"]},
            {"text": text, "around": place, "radius_km": 20.0},
            {"commune": place, "types": ["creche"]},
        ]
    return out


def _baseline(conn: Any, query: dict[str, Any]) -> int:
    """What one would write without indexes: scan every row, LIKE on the name, haversine in Python."""
    sql = "SELECT name, type, latitude, longitude, commune_insee, data FROM directory_national"
    hits = []
    words = (query.get("text") or "").lower().split()
    place = query.get("around")
    for name, type_id, lat, lon, insee, _data in conn.execute(sql):
        if words and not all(w in name.lower() for w in words):
            continue
        if query.get("types") and type_id not in query["types"]:
            continue
        if query.get("commune") is not None and insee != query["commune"].insee:
            continue
        if place is not None and (lat is None or haversine_km(lat, lon, place.lat, place.lon) > query["radius_km"]):
            continue
        hits.append(name)
    return len(hits)


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        entries = national_dataset(size)
        generated = time.perf_counter() - start
        store = Store.create(Path(folder) / "bench.db", "phrase du banc de mesure")
        start = time.perf_counter()
        with store.transaction() as conn:
            repository.upsert_national_many(conn, entries)
        inserted = time.perf_counter() - start
        conn = store.conn
        queries = _queries()
        for query in queries[:6]:  # warm the page cache as a real session would
            search(conn, limit=50, **query)
        ours = [_timed(lambda q=q: search(conn, limit=50, **q)) for q in queries for _ in range(3)]
        base = [_timed(lambda q=q: _baseline(conn, q)) for q in queries[:12]]
        full_list = _timed(lambda: search_rows(conn))
        store.close()
    print(f"jeu national : {size} fiches générées en {generated:.1f} s, écrites (FTS + RTREE) en {inserted:.1f} s")
    print(f"recherche (limite 50) : {len(ours)} requêtes, p50 {statistics.median(ours):.1f} ms")
    print(f"liste complète pour la fenêtre : {full_list:.0f} ms")
    print(f"référence (parcours complet) : p50 {statistics.median(base):.0f} ms, p95 {p95(base):.0f} ms")
    print(
        f"annuaire {size} fiches : recherche p50 {statistics.median(ours):.1f} ms, p95 {p95(ours):.1f} ms ; "
        f"référence p95 {p95(base):.0f} ms ; rapport {p95(base) / p95(ours):.0f}×"
    )
    emit(
        [
            Row(
                f"annuaire {size} fiches : recherche p50 (texte, type, commune, rayon)",
                statistics.median(ours),
                "ms",
                baseline=statistics.median(base),
                ratio=statistics.median(ours) / statistics.median(base),
            ),
            Row(
                f"annuaire {size} fiches : recherche p95 (texte, type, commune, rayon)",
                p95(ours),
                "ms",
                "≤ 15 ms",
                baseline=p95(base),
                ratio=p95(ours) / p95(base),
                ok=p95(ours) <= 15,
                note="référence : parcours complet (LIKE + haversine sur chaque fiche)",
            ),
        ]
    )


if __name__ == "__main__":
    main()
