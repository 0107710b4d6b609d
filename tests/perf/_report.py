"""The one last-line format every benchmark and reliability script prints, so one runner gathers them.

A script ends with ``emit(rows)``, which prints a single line::

    RESULTATS [{"figure": "…", "value": 12.3, "unit": "ms", "goal": "≤ 15 ms",
                "baseline": 11.0, "ratio": 1.12, "ok": true}, …]

- ``figure``: what was measured, in French (« recherche p95, annuaire 100k »);
- ``value`` and ``unit``: the figure itself (a number, or null when it could not be measured);
- ``goal``: the promise, as a person reads it (« ≤ 15 ms », « 0 », « ≥ 10 000/s ») or "" when none;
- ``baseline``: the same work done the reference way in the same run (same unit), or null;
- ``ratio``: value / baseline (or the ratio the goal is about), or null;
- ``ok``: true / false against the goal, null when there is no goal;
- ``note`` (optional): a short French remark (« jeu réduit (--rapide) », « serveur absent »).

``python tests/perf/lancer_bancs.py`` runs every ``bench_*.py`` (and ``fiabilite_*.py`` with
``--fiabilite``), reads that line and prints one table. Scripts read ``MILPJ_BANC_RAPIDE=1`` to run
a reduced version, and ``MILPJ_BANC_CACHE`` for the folder of the cached national data set.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MARKER = "RESULTATS "
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Row:
    """One figure of the table."""

    figure: str
    value: float | None
    unit: str = ""
    goal: str = ""
    baseline: float | None = None
    ratio: float | None = None
    ok: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not self.note:
            del data["note"]
        if not self.extra:
            del data["extra"]
        return data


def _clean(value: Any) -> Any:
    """JSON has no NaN nor infinity: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def encode(rows: Iterable[Row | dict[str, Any]]) -> str:
    """The last line for these rows."""
    items = [r.as_dict() if isinstance(r, Row) else dict(r) for r in rows]
    return MARKER + json.dumps(_clean(items), ensure_ascii=False, separators=(",", ":"))


def emit(rows: Iterable[Row | dict[str, Any]]) -> None:
    """Print the machine-readable last line; call it once, last."""
    sys.stdout.flush()
    print(encode(rows), flush=True)


def parse_line(line: str) -> list[dict[str, Any]] | None:
    """Rows from a last line in our format, or None when the line is not in it."""
    text = line.strip()
    if not text.startswith(MARKER.strip()):
        return None
    try:
        data = json.loads(text[len(MARKER.strip()) :])
    except ValueError:
        return None
    if isinstance(data, dict):
        data = data.get("rows", data.get("lignes"))
    if not isinstance(data, list) or not all(isinstance(r, dict) and "figure" in r for r in data):
        return None
    return data


# -- helpers for scripts ---------------------------------------------------------------------
def quick() -> bool:
    """True when the runner asked for the reduced version (``--rapide``)."""
    return os.environ.get("MILPJ_BANC_RAPIDE", "") not in ("", "0")


def at_most(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def at_least(value: float | None, limit: float) -> bool | None:
    return None if value is None else value >= limit


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or baseline is None or baseline == 0:
        return None
    return value / baseline


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) — p50, p95 as people mean them."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples) if samples else math.nan


def time_ms(fn: Callable[[], object], *, repeat: int, warmup: int = 1) -> list[float]:
    """Run fn repeat times (after warmup runs) and return each duration in milliseconds."""
    for _ in range(warmup):
        fn()
    out: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def say(text: str) -> None:
    """Progress for people (stderr, so the last line of stdout stays ours)."""
    print(text, file=sys.stderr, flush=True)
