"""rechercher, etape: search the library and place a family in the 1000 days, from the terminal."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from typing import Any

from milpj_desktop.commands.common import open_store
from milpj_desktop.content import repository as repo
from milpj_desktop.content.search import KIND_ARTICLE, SearchHit, global_search
from milpj_desktop.content.situation import BIRTH, DUE, PERIOD, SCAN, family_dates, place_family
from milpj_desktop.content.timeline import DatedEvent
from milpj_desktop.errors import KnownError
from milpj_desktop.frenchdates import BadDate, parse_date

KIND_LABELS = {KIND_ARTICLE: "article", "annuaire": "annuaire"}
DEFAULT_EVENT_COUNT = 8


def register(sub: Any) -> None:
    search = sub.add_parser(
        "rechercher",
        help="chercher dans les contenus (et l'annuaire)",
        description="Cherche dans les articles et l'annuaire : sans accents, début de mot, classé par pertinence.",
    )
    search.add_argument("texte", nargs="+", metavar="TEXTE", help="mots à chercher")
    search.add_argument("--json", action="store_true", help="sortie JSON (tableau d'objets type, id, titre, extrait)")
    search.add_argument("--limite", type=int, default=20, metavar="N", help="nombre maximal d'articles (20)")
    search.set_defaults(func=cmd_search)

    stage = sub.add_parser(
        "etape",
        help="étape, rendez-vous à rattraper et prochains (terme, naissance, dernières règles ou échographie)",
        description=(
            "Calcule l'étape des 1000 jours (terme fixé à 41 SA, comptées depuis le premier jour des dernières "
            "règles), liste les rendez-vous et vaccins à rattraper puis les prochains événements datés."
        ),
    )
    which = stage.add_mutually_exclusive_group(required=True)
    which.add_argument("--terme", metavar="DATE", help="date prévue d'accouchement (JJ/MM/AAAA ou AAAA-MM-JJ)")
    which.add_argument("--naissance", metavar="DATE", help="date de naissance (JJ/MM/AAAA ou AAAA-MM-JJ)")
    which.add_argument("--ddr", metavar="DATE", help="premier jour des dernières règles (JJ/MM/AAAA ou AAAA-MM-JJ)")
    which.add_argument("--echographie", metavar="DATE", help="date d'une échographie de datation (avec --sa)")
    stage.add_argument(
        "--sa", metavar="SA[+J]", help="âge de la grossesse à l'échographie, ex. 12+3 (12 SA et 3 jours)"
    )
    stage.add_argument("--aujourdhui", metavar="DATE", help="date de référence (aujourd'hui par défaut)")
    stage.add_argument(
        "--nombre", type=int, default=DEFAULT_EVENT_COUNT, metavar="N", help="nombre d'événements listés (8)"
    )
    stage.add_argument("--json", action="store_true", help="sortie JSON")
    stage.set_defaults(func=cmd_stage)


def _date(text: str, what: str) -> dt.date:
    """A date option, JJ/MM/AAAA or AAAA-MM-JJ; the error names which date was wrong."""
    try:
        return parse_date(text)
    except BadDate as exc:
        raise KnownError(f"Date {what} : {exc.message}") from None


_SCAN_AGE = re.compile(r"\s*(\d{1,2})\s*(?:SA)?\s*(?:\+\s*(\d)\s*j?)?\s*", re.IGNORECASE)


def _scan_age(text: str | None) -> tuple[int, int]:
    """« 12+3 » → (12, 3): weeks of amenorrhoea and days at the scan."""
    match = _SCAN_AGE.fullmatch(text or "")
    if not match:
        raise KnownError("Indiquez l'âge de la grossesse à l'échographie avec --sa, par exemple --sa 12+3.")
    return int(match.group(1)), int(match.group(2) or 0)


def _print_hits(hits: list[SearchHit]) -> None:
    if not hits:
        print("Aucun résultat.")
        return
    for number, hit in enumerate(hits, 1):
        print(f"{number:>2}. [{KIND_LABELS.get(hit.kind, hit.kind)}] {hit.title}  ({hit.id})")
        if hit.snippet.text:
            print(f"    {hit.snippet.marked('«', '»')}")


def cmd_search(args: argparse.Namespace) -> int:
    text = " ".join(args.texte)
    if args.limite < 1:
        raise KnownError("La limite doit être un nombre entier positif.")
    store = open_store()
    try:
        hits = global_search(store.conn, text, limit=args.limite)
    finally:
        store.close()
    if args.json:
        json.dump([h.to_json() for h in hits], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_hits(hits)
        if hits.directory_broad:
            print("Annuaire : trop de structures correspondent à ce texte ; précisez (une commune, un nom…).")
    return 0


def _event_json(placed: DatedEvent, stage_names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": placed.event.id,
        "nom": placed.event.name,
        "date": placed.date.isoformat(),
        "important": placed.event.important,
        "etape": placed.stage_id,
        "etape_nom": stage_names.get(placed.stage_id or ""),
    }


def cmd_stage(args: argparse.Namespace) -> int:
    today = _date(args.aujourdhui, "de référence") if args.aujourdhui else dt.date.today()
    if args.nombre < 0:
        raise KnownError("Le nombre d'événements doit être positif ou nul.")
    kind, text, what = next(
        (kind, value, what)
        for kind, value, what in (
            (DUE, args.terme, "du terme"),
            (BIRTH, args.naissance, "de naissance"),
            (PERIOD, args.ddr, "des dernières règles"),
            (SCAN, args.echographie, "de l'échographie"),
        )
        if value
    )
    weeks, days = _scan_age(args.sa) if kind == SCAN else (0, 0)
    due, birth = family_dates(kind, _date(text, what), today=today, weeks=weeks, days=days)
    store = open_store()
    try:
        stages = {s.id: s for s in repo.list_stages(store.conn)}
        found = place_family(
            repo.list_events(store.conn), due_date=due, birth_date=birth, today=today, ahead=args.nombre
        )
        stage_id, position, ahead = found.stage_id, found.position, found.upcoming
        articles = repo.list_article_summaries(store.conn, stage=stage_id) if stage_id else []
    finally:
        store.close()
    names = {k: v.name for k, v in stages.items()}
    if args.json:
        payload = {
            "aujourdhui": today.isoformat(),
            "position": position,
            "etape": stage_id,
            "etape_nom": names.get(stage_id or ""),
            "terme": due.isoformat() if due else None,
            "articles": [{"id": a.id, "titre": a.title} for a in articles],
            "a_rattraper": [_event_json(p, names) for p in found.catch_up],
            "evenements": [_event_json(p, names) for p in ahead],
        }
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if stage_id is None:
        print(f"Hors des 1000 premiers jours au {today:%d/%m/%Y} ({position}).")
    else:
        print(f"Étape au {today:%d/%m/%Y} : {names.get(stage_id, stage_id)} ({position}).")
        print(f"{len(articles)} article(s) pour cette étape.")
    if found.catch_up:
        print("À rattraper (date passée, à vérifier dans le carnet de santé) :")
        for placed in found.catch_up:
            print(f"  {placed.date:%d/%m/%Y}  {placed.event.name}")
    if ahead:
        print("Prochains événements :")
        for placed in ahead:
            mark = " (important)" if placed.event.important else ""
            print(f"  {placed.date:%d/%m/%Y}  {placed.event.name}{mark}")
    else:
        print("Aucun événement à venir.")
    return 0
