"""Per-package coverage from coverage.py's JSON report: the three rooms, then their sub-packages."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path


def package_of(path: str, depth: int) -> str:
    parts = Path(path).parts[:-1]  # the folder of the file
    return "/".join(parts[:depth]) if parts else "."


def table(files: dict[str, dict[str, dict[str, int]]], depth: int) -> list[tuple[str, int, int]]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path, data in files.items():
        summary = data["summary"]
        name = package_of(path, depth)
        totals[name][0] += summary["num_statements"]
        totals[name][1] += summary["covered_lines"]
    return sorted((name, statements, covered) for name, (statements, covered) in totals.items())


def main(report: str) -> int:
    files = json.loads(Path(report).read_text(encoding="utf-8"))["files"]
    for depth, title in ((1, "paquet"), (2, "sous-paquet")):
        print(f"{title:<28}{'lignes':>9}{'couvertes':>11}{'taux':>8}")
        for name, statements, covered in table(files, depth):
            rate = 100 * covered / statements if statements else 100.0
            print(f"{name:<28}{statements:>9}{covered:>11}{rate:>7.1f} %".replace(".", ","))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
