"""Check a content pack folder and list every problem, not only the first: python -m milpj_desktop.content.check DIR.

The loader stops at the first invalid file; this check reads the raw JSON so that a writer sees the
whole list at once (missing fields, home-page-only sources, events without a source, unknown stages
or thématiques, articles without review date) before the pack goes to families. Exit code 1 when
there is a problem, 2 when the folder cannot be read at all.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from milpj_desktop.content.models import STAGE_IDS, THEME_IDS

# Rule ids (stable: tests and CI select on them) and their French label for people.
MISSING_FIELD = "champ-manquant"
HOME_PAGE_SOURCE = "source-page-accueil"
EVENT_WITHOUT_SOURCE = "evenement-sans-source"
UNKNOWN_STAGE = "etape-inconnue"
UNKNOWN_THEME = "thematique-inconnue"
NO_REVIEW_DATE = "sans-date-de-relecture"
UNREADABLE = "fichier-illisible"

RULE_LABELS: dict[str, str] = {
    MISSING_FIELD: "champ manquant ou vide",
    HOME_PAGE_SOURCE: "source sans page exacte (page d'accueil ou pas d'adresse)",
    EVENT_WITHOUT_SOURCE: "événement sans source",
    UNKNOWN_STAGE: "étape inconnue",
    UNKNOWN_THEME: "thématique inconnue",
    NO_REVIEW_DATE: "article sans date de relecture",
    UNREADABLE: "fichier illisible",
}

ARTICLE_FIELDS = ("id", "title", "summary", "sections", "stages", "themes", "sources", "version", "updated_at")
EVENT_FIELDS = ("id", "name", "description", "offset_days", "stages")
SOURCE_FIELDS = ("body", "title")


class Problem(NamedTuple):
    """One thing to fix, with where it is (file and item) and what is wrong, in French."""

    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where} : {self.message}"


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and not value)


def is_home_page(url: str) -> bool:
    """A URL that names only a site, not a page: its path is empty or « / » and it has no query."""
    parts = urlsplit(url.strip())
    return parts.path in ("", "/") and not parts.query


def _check_sources(sources: list[Any], where: str) -> list[Problem]:
    problems = []
    for index, source in enumerate(sources, start=1):
        if not isinstance(source, dict):
            problems.append(Problem(MISSING_FIELD, where, f"source {index} n'est pas un objet"))
            continue
        for name in SOURCE_FIELDS:
            if _empty(source.get(name)):
                problems.append(Problem(MISSING_FIELD, where, f"source {index} : champ « {name} » manquant"))
        url = source.get("url")
        title = source.get("title") or "?"
        if _empty(url):
            problems.append(Problem(HOME_PAGE_SOURCE, where, f"source « {title} » sans adresse"))
        elif isinstance(url, str) and is_home_page(url):
            problems.append(Problem(HOME_PAGE_SOURCE, where, f"source « {title} » : page d'accueil seule ({url})"))
    return problems


def _check_ids(values: Any, known: tuple[str, ...], rule: str, word: str, where: str) -> list[Problem]:
    if not isinstance(values, list):
        return []
    return [Problem(rule, where, f"{word} inconnue « {v} »") for v in values if v not in known]


def check_article(data: Any, where: str) -> list[Problem]:
    """Problems of one article as read from its JSON file."""
    if not isinstance(data, dict):
        return [Problem(UNREADABLE, where, "l'article n'est pas un objet JSON")]
    problems = [
        Problem(MISSING_FIELD, where, f"champ « {name} » manquant") for name in ARTICLE_FIELDS if _empty(data.get(name))
    ]
    if _empty(data.get("reviewed_on")):
        problems.append(Problem(NO_REVIEW_DATE, where, "pas de date de relecture (« reviewed_on »)"))
    for index, section in enumerate(data.get("sections") or [], start=1):
        for name in ("title", "body"):
            if not isinstance(section, dict) or _empty(section.get(name)):
                problems.append(Problem(MISSING_FIELD, where, f"section {index} : champ « {name} » manquant"))
    problems += _check_ids(data.get("stages"), STAGE_IDS, UNKNOWN_STAGE, "étape", where)
    problems += _check_ids(data.get("themes"), THEME_IDS, UNKNOWN_THEME, "thématique", where)
    problems += _check_sources(data.get("sources") or [], where)
    return problems


def check_event(data: Any, where: str) -> list[Problem]:
    """Problems of one event of evenements.json."""
    if not isinstance(data, dict):
        return [Problem(UNREADABLE, where, "l'événement n'est pas un objet JSON")]
    problems = [
        Problem(MISSING_FIELD, where, f"champ « {name} » manquant") for name in EVENT_FIELDS if _empty(data.get(name))
    ]
    if _empty(data.get("sources")):
        problems.append(Problem(EVENT_WITHOUT_SOURCE, where, "aucune source"))
    problems += _check_ids(data.get("stages"), STAGE_IDS, UNKNOWN_STAGE, "étape", where)
    problems += _check_ids(data.get("themes"), THEME_IDS, UNKNOWN_THEME, "thématique", where)
    problems += _check_sources(data.get("sources") or [], where)
    return problems


def _read(path: Path) -> tuple[Any, Problem | None]:
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except FileNotFoundError:
        return None, Problem(UNREADABLE, path.name, "fichier manquant")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, Problem(UNREADABLE, path.name, f"JSON illisible ({exc})")


def check_folder(folder: Path) -> list[Problem]:
    """Every problem of the pack in `folder`, articles first (by file name), then events."""
    problems: list[Problem] = []
    paths = sorted((folder / "articles").glob("*.json"))
    if not paths:
        problems.append(Problem(UNREADABLE, "articles/", "aucun article"))
    for path in paths:
        data, error = _read(path)
        problems += [error] if error else check_article(data, f"articles/{path.name}")
    events, error = _read(folder / "evenements.json")
    if error:
        problems.append(error)
    elif not isinstance(events, list):
        problems.append(Problem(UNREADABLE, "evenements.json", "la liste des événements n'est pas une liste JSON"))
    else:
        for index, event in enumerate(events, start=1):
            name = event.get("id") if isinstance(event, dict) else None
            problems += check_event(event, f"evenements.json, {name or f'événement {index}'}")
    return problems


def counts(problems: list[Problem]) -> Counter[str]:
    """Number of problems per rule id."""
    return Counter(p.rule for p in problems)


def report(problems: list[Problem], rules: set[str] | None = None) -> str:
    """A readable French list, grouped by rule, with the count of each (optionally only some rules)."""
    chosen = [p for p in problems if rules is None or p.rule in rules]
    if not chosen:
        return "Aucun problème."
    lines = [f"{len(chosen)} problème(s) :"]
    for rule, count in sorted(counts(chosen).items()):
        lines.append(f"\n{RULE_LABELS.get(rule, rule)} ({count}) :")
        lines += [f"  - {p}" for p in chosen if p.rule == rule]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "ressources" / "contenus"
    if not folder.is_dir():
        print(f"ERREUR : dossier de contenus introuvable : {folder}", file=sys.stderr)
        return 2
    problems = check_folder(folder)
    print(report(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
