"""Data assembly: what each kind of template is given, as plain dicts, lists and strings.

Templates never see a model object, a connection or a function: only the values below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from milpj_desktop.content import repository, timeline
from milpj_desktop.content.models import DIRECTORY_TYPE_IDS, Article, Event
from milpj_desktop.frenchdates import long_date, short_date
from milpj_desktop.handouts import numbers
from milpj_desktop.handouts.contacts import assemble_contacts, chosen_entries, entry_view
from milpj_desktop.handouts.errors import HandoutError, HandoutParamError
from milpj_desktop.handouts.purposes import type_view
from milpj_desktop.typography import clock

Context = dict[str, Any]
Assembler = Callable[[Any, dict[str, Any], dt.date], Context]
STAGE_ARTICLES = 5  # « its key articles in short form »: a stage sheet stays about two pages


# -- text helpers ------------------------------------------------------------------------------
def blocks(body: str) -> list[dict[str, Any]]:
    """Plain text → paragraphs and bullet lists (a line starting with « - » is a list item)."""
    out: list[dict[str, Any]] = []
    for number, chunk in enumerate(body.replace("\r\n", "\n").split("\n\n")):
        for line in (raw.strip() for raw in chunk.split("\n")):
            if not line:
                continue
            is_item = line.startswith("- ") or line == "-"
            kind = "ul" if is_item else "p"
            if not out or out[-1]["kind"] != kind or out[-1]["chunk"] != number:
                out.append({"kind": kind, "text": "", "entries": [], "chunk": number})
            if is_item:
                out[-1]["entries"].append(line[1:].strip())
            else:
                out[-1]["text"] = f"{out[-1]['text']} {line}".strip()
    for block in out:
        del block["chunk"]
    return out


def _ordered_types(type_ids: Iterable[str]) -> list[str]:
    wanted = set(type_ids)
    return [t for t in DIRECTORY_TYPE_IDS if t in wanted]


def _stage_names(conn: Any) -> dict[str, str]:
    return {s.id: s.name for s in repository.list_stages(conn)}


# -- fiche conseil -------------------------------------------------------------------------------
def article_view(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "summary": article.summary,
        "key_points": list(article.key_points),
        "sections": [{"title": s.title, "blocks": blocks(s.body)} for s in article.sections],
        "did_you_know": article.did_you_know or "",
        "links": [{"title": link.title, "url": link.url} for link in article.links],
        "sources": [{"body": s.body, "title": s.title} for s in article.sources],
        "reviewed_on": long_date(article.reviewed_on),
    }


def _articles(conn: Any, values: dict[str, Any], today: dt.date) -> Context:
    found = []
    for article_id in values["articles"]:
        article = repository.get_article(conn, article_id)
        if article is None:
            raise HandoutParamError("articles", f"Paramètre « articles » : article introuvable « {article_id} ».")
        found.append(article_view(article))
    return {"articles": found, "doc_title": " ; ".join(a["title"] for a in found)}


# -- calendrier des 1000 jours --------------------------------------------------------------------
def _calendar(conn: Any, values: dict[str, Any], today: dt.date) -> Context:
    birth: dt.date | None = values.get("naissance")
    due: dt.date | None = values.get("terme")
    anchor = birth or due
    assert anchor is not None  # one_of in the manifest guarantees one of them
    dated = timeline.upcoming_events(repository.list_events(conn), due_date=due, birth_date=birth, today=today)
    names = _stage_names(conn)
    groups: list[dict[str, Any]] = []
    for item in dated:
        stage_name = names.get(item.stage_id or "", "")
        if not groups or groups[-1]["stage_id"] != item.stage_id:
            groups.append({"stage_id": item.stage_id, "stage": stage_name, "events": []})
        groups[-1]["events"].append(
            {
                "date": short_date(item.date),
                "long_date": long_date(item.date, weekday=True),
                "name": item.event.name,
                "description": item.event.description,
                "important": item.event.important,
                "stage": stage_name,
            }
        )
    return {
        "label": f"{'naissance' if birth else 'terme'} {short_date(anchor)}",
        "basis": "naissance" if birth else "terme",
        "basis_date": long_date(anchor),
        "groups": groups,
        "count": len(dated),
        "position": timeline.describe_position(due_date=due, birth_date=birth, today=today)
        if not (birth and birth > today)
        else "",
    }


# -- fiche étape -----------------------------------------------------------------------------------
def key_articles(articles: list[Article], events: list[Event], limit: int = STAGE_ARTICLES) -> list[Article]:
    """The articles a stage's events point to first (in event order), then the others: at most `limit`."""
    by_id = {a.id: a for a in articles}
    chosen: list[Article] = []
    for article_id in [i for e in events for i in e.articles] + [a.id for a in articles]:
        article = by_id.get(article_id)
        if article is not None and article not in chosen:
            chosen.append(article)
    return chosen[:limit]


def first_sentence(text: str) -> str:
    """The first sentence of a description (the stage sheet lists many events: it stays short)."""
    for end in (". ", " ! ", " ? "):
        index = text.find(end)
        if index > 0:
            return text[: index + 1].strip()
    return text


def _stage(conn: Any, values: dict[str, Any], today: dt.date) -> Context:
    stage = repository.get_stage(conn, values["etape"])
    if stage is None:
        raise HandoutParamError("etape", f"Paramètre « etape » : étape « {values['etape']} » absente des contenus.")
    events: list[Event] = repository.list_events(conn, stage=stage.id)
    articles = key_articles(repository.list_articles(conn, stage=stage.id), events)
    types = _ordered_types(
        [t for a in articles for t in a.directory_types] + [t for e in events for t in e.directory_types]
    )
    return {
        "doc_title": f"Étape {stage.order} des 1000 premiers jours : {stage.name}",
        "stage": {"id": stage.id, "name": stage.name, "description": stage.description, "number": stage.order},
        "articles": [
            {"title": a.title, "summary": a.summary, "key_points": list(a.key_points), "id": a.id} for a in articles
        ],
        "events": [
            {"name": e.name, "description": first_sentence(e.description), "important": e.important} for e in events
        ],
        "types": [type_view(t) for t in types],
    }


# -- mon prochain rendez-vous ----------------------------------------------------------------------
def _appointment(conn: Any, values: dict[str, Any], today: dt.date) -> Context:
    day: dt.date | None = values.get("date")
    time: str | None = values.get("heure")
    place_id: str | None = values.get("structure")
    place = entry_view(chosen_entries(conn, [place_id], "structure")[0]) if place_id else None
    return {
        "date": long_date(day, weekday=True) if day else "",
        "time": clock(time) if time else "",
        "place": place,
        "copies_per_page": 2,
    }


# -- numéros utiles -------------------------------------------------------------------------------
LOCAL_NUMBERS = 4  # the structure's own line and a few local contacts: the sheet stays one page


def _numbers(conn: Any, values: dict[str, Any], today: dt.date) -> Context:
    ids: list[str] = values.get("structures", [])
    if len(ids) > LOCAL_NUMBERS:
        raise HandoutParamError(
            "structures", f"Numéros utiles : {LOCAL_NUMBERS} contacts locaux au plus, pour tenir sur une page."
        )
    return {
        "emergencies": [numbers.view(n) for n in numbers.EMERGENCIES],
        "helplines": [numbers.view(n) for n in numbers.HELPLINES],
        "poison": numbers.POISON_LINE,
        "locals": [entry_view(e) for e in chosen_entries(conn, ids, "structures")],
    }


# -- contacts utiles ------------------------------------------------------------------------------
def _contacts(conn: Any, values: dict[str, Any], today: dt.date) -> Context:
    return assemble_contacts(conn, values, today)


ASSEMBLERS: dict[str, Assembler] = {
    "articles": _articles,
    "contacts": _contacts,
    "calendar": _calendar,
    "stage": _stage,
    "appointment": _appointment,
    "numbers": _numbers,
}


def assemble(source: str, conn: Any, values: dict[str, Any], today: dt.date) -> Context:
    try:
        assembler = ASSEMBLERS[source]
    except KeyError:
        raise HandoutError(f"Source de données inconnue pour un modèle : « {source} ».") from None
    return assembler(conn, values, today)
