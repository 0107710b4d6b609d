"""Hostile modes of the reference server with the command's default budgets, and the faults of other
requests than a directory page (the cases and their checks: fiabilite_pannes.py, hostile_main)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parents[1]) not in sys.path:
    sys.path.insert(0, str(HERE.parents[1]))

from tests.perf.fiabilite_pannes import hostile_main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(hostile_main())
