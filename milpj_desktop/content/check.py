"""Validate a content pack folder from the command line: python -m milpj_desktop.content.check DIR."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from milpj_desktop.content.pack import load_pack
from milpj_desktop.errors import KnownError


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "ressources" / "contenus"
    try:
        pack = load_pack(folder)
    except KnownError as exc:
        print(f"ERREUR : {exc}", file=sys.stderr)
        return 2
    stages = Counter(s for a in pack.articles for s in a.stages)
    themes = Counter(t for a in pack.articles for t in a.themes)
    print(
        f"{len(pack.articles)} articles, {len(pack.events)} événements, {len(pack.stages)} étapes, {len(pack.themes)} thématiques"
    )
    print("articles par étape :", dict(stages))
    print("articles par thématique :", dict(themes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
