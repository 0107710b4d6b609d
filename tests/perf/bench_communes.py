"""Commune completion and look-up as people type: p95 of one keystroke (every prefix of names,
postcodes, arrondissement shorthand, former communes, names with one wrong letter), against a
baseline in the same process (the same prefixes matched by scanning every name).

    .venv/bin/python tests/perf/bench_communes.py

Figures on the last line.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from milpj_desktop.directory import communes  # noqa: E402
from milpj_desktop.directory.communes import fold  # noqa: E402
from tests.perf._report import Row, emit  # noqa: E402

TYPED = (
    "Paris 11e",
    "Lyon 3e",
    "Marseille 1er",
    "Saint-Denis (93)",
    "Evry",
    "Annecy-le-Vieux",
    "Besanson",
    "Cherbourg",
)


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def _prefixes(rng: random.Random) -> list[str]:
    gaz = communes.gazetteer()
    picked = rng.sample(gaz.communes, 300)
    out: list[str] = []
    for commune in picked:
        out += [commune.name[:n] for n in range(1, min(len(commune.name), 12) + 1)]
        out += [commune.postcode[:n] for n in range(1, len(commune.postcode) + 1)]
    return out


def main() -> None:
    rng = random.Random(7)
    gaz = communes.gazetteer()
    gaz.lookup("Besanson")  # the one-letter index is built once, on first need
    prefixes = _prefixes(rng)
    names = [(fold(c.name), c) for c in gaz.communes]

    cold: list[float] = []  # first visit of a short prefix: nothing cached yet
    for text in [*"abcdefghijklmnopqrstuvwxyz", *[str(d) for d in range(10)], "sa", "sai", "la", "le", "13", "75"]:
        start = time.perf_counter()
        gaz.complete(text, 10)
        cold.append((time.perf_counter() - start) * 1000)
    ours: list[float] = []
    for text in prefixes:
        start = time.perf_counter()
        gaz.complete(text, 10)
        ours.append((time.perf_counter() - start) * 1000)
    looked: list[float] = []
    for text in TYPED * 20:
        start = time.perf_counter()
        gaz.lookup(text)
        looked.append((time.perf_counter() - start) * 1000)
    base: list[float] = []
    for text in prefixes[:400]:
        start = time.perf_counter()
        folded = fold(text)
        sorted((c for n, c in names if n.startswith(folded)), key=lambda c: -c.population)[:10]
        base.append((time.perf_counter() - start) * 1000)
    print(f"complétion : {len(ours)} frappes, p50 {statistics.median(ours):.3f} ms, p95 {p95(ours):.3f} ms")
    print(f"première frappe d'un préfixe court (rien en cache) : max {max(cold):.2f} ms")
    print(f"recherche d'une commune telle que tapée : p95 {p95(looked):.3f} ms")
    print(f"référence (parcours de tous les noms) : p95 {p95(base):.2f} ms")
    emit(
        [
            Row(
                "communes : complétion d'une frappe p95",
                p95(ours),
                "ms",
                "≤ 5 ms",
                baseline=p95(base),
                ratio=p95(ours) / p95(base),
                ok=p95(ours) <= 5,
                note="référence : parcours de tous les noms",
            ),
            Row(
                "communes : première frappe d'un préfixe court, rien en cache (max)",
                max(cold),
                "ms",
                baseline=p95(base),
                ratio=max(cold) / p95(base),
            ),
            Row(
                "communes : lecture d'un nom tel que tapé p95 (arrondissement, ancienne commune, homonyme, faute)",
                p95(looked),
                "ms",
                "≤ 5 ms",
                baseline=p95(base),
                ratio=p95(looked) / p95(base),
                ok=p95(looked) <= 5,
            ),
        ]
    )


if __name__ == "__main__":
    main()
