"""Articles and a family's calendar as HTML for the reading view, built from plain text.

Every piece of text from the content (titles, bodies, URLs) goes through html.escape: a body that
contains markup shows that markup as text, it is never interpreted. Text people read goes first
through the French typography of milpj_desktop/typography.py (no-break spaces before : ; ! ? and
inside « », typographic apostrophes); URLs and identifiers do not. The markup here is the small
subset QTextBrowser renders (tables for coloured boxes, no flex, no border-radius).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from milpj_desktop.content.models import Article, Stage
from milpj_desktop.content.search import SearchHit, match_spans
from milpj_desktop.content.situation import Situation
from milpj_desktop.content.timeline import DatedEvent
from milpj_desktop.frenchdates import long_date
from milpj_desktop.typography import NBSP, typeset
from milpj_desktop.typography import phone as phone_text

ARTICLE_SCHEME = "article"  # internal links: article:<id>
DIRECTORY_SCHEME = "structure"  # structure:<entry id> opens the entry in the Annuaire page


HIGHLIGHT_STYLE = "background-color: #FFE88C;"
_BRIEF_BG = "#E8EDFF"
_KNOW_BG = "#FFF4D6"
_MUTED = "#555555"
_DATE = "#000091"


def french_date(day: dt.date, *, weekday: bool = False) -> str:
    """« 1er mars 2028 » (the same wording as the handouts)."""
    return long_date(day, weekday=weekday)


def esc(text: str, terms: Sequence[str] = ()) -> str:
    """Escape text for HTML; with search terms, wrap the matched words in a highlight."""
    if not terms:
        return html.escape(text, quote=True)
    out: list[str] = []
    cursor = 0
    for start, end in match_spans(text, terms):
        out.append(html.escape(text[cursor:start], quote=True))
        out.append(f'<span style="{HIGHLIGHT_STYLE}">{html.escape(text[start:end], quote=True)}</span>')
        cursor = end
    out.append(html.escape(text[cursor:], quote=True))
    return "".join(out)


def prose(text: str, terms: Sequence[str] = ()) -> str:
    """Text people read: French typography, then escaped (and highlighted) like esc()."""
    return esc(typeset(text), terms)


def body_html(body: str, terms: Sequence[str] = ()) -> str:
    """Plain body text to HTML: blank-line paragraphs, lines starting with "- " as list items."""
    out: list[str] = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        # consecutive lines of the same kind (text or list item) form one <p> or one <ul>
        run_kind = ""
        run: list[str] = []
        for line in [line.strip() for line in block.split("\n") if line.strip()] + [""]:
            is_item = line.startswith(("- ", "– ", "• "))
            kind = "" if not line else ("li" if is_item else "p")
            if kind != run_kind and run:
                out.append(_run_html(run_kind, run, terms))
                run = []
            run_kind = kind
            if line:
                run.append(line[2:].strip() if is_item else line)
    return "\n".join(out)


def _run_html(kind: str, lines: list[str], terms: Sequence[str]) -> str:
    if kind == "li":
        return "<ul>" + "".join(f"<li>{prose(item, terms)}</li>" for item in lines) + "</ul>"
    return "<p>" + "<br>".join(prose(text, terms) for text in lines) + "</p>"


def _box(title: str, inner: str, background: str) -> str:
    return (
        f'<table width="100%" cellpadding="10" cellspacing="0" style="background-color: {background}; '
        f'margin-top: 8px; margin-bottom: 8px;"><tr><td><b>{prose(title)}</b>{inner}</td></tr></table>'
    )


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def article_html(
    article: Article,
    *,
    stage_names: Mapping[str, str],
    theme_names: Mapping[str, str],
    badge_label: str | None = None,
    terms: Sequence[str] = (),
) -> str:
    """The whole reading view of one article."""
    parts = [f"<h1>{prose(article.title, terms)}</h1>"]
    meta = []
    if badge_label:
        meta.append(f'<span style="color: #FFFFFF; background-color: #000091;">&nbsp;{prose(badge_label)}&nbsp;</span>')
    meta.append(prose("Étapes : ") + prose(", ".join(stage_names.get(s, s) for s in article.stages)))
    meta.append(prose("Thématiques : ") + prose(", ".join(theme_names.get(t, t) for t in article.themes)))
    parts.append(f'<p style="color: {_MUTED};">' + " · ".join(meta) + "</p>")
    parts.append(f"<p><i>{prose(article.summary, terms)}</i></p>")
    if article.key_points:
        points = "".join(f"<li>{prose(p, terms)}</li>" for p in article.key_points)
        parts.append(_box("En bref", f"<ul>{points}</ul>", _BRIEF_BG))
    for section in article.sections:
        parts.append(f"<h2>{prose(section.title, terms)}</h2>")
        parts.append(body_html(section.body, terms))
    if article.did_you_know:
        parts.append(_box("Le saviez-vous ?", f"<p>{prose(article.did_you_know, terms)}</p>", _KNOW_BG))
    if article.links:
        links = "".join(
            f'<li><a href="{esc(link.url)}">{prose(link.title)}</a> <span style="color: {_MUTED};">'
            f"({esc(_host(link.url))})</span></li>"
            for link in article.links
        )
        parts.append(f"<h2>Pour aller plus loin</h2><ul>{links}</ul>")
    sources = []
    for source in article.sources:
        title = prose(source.title)
        if source.url:
            title = f'<a href="{esc(source.url)}">{title}</a>'
        sources.append(f"<li>{prose(source.body)} — {title}</li>")
    parts.append(f"<h2>Sources</h2><ul>{''.join(sources)}</ul>")
    parts.append(
        f'<p style="color: {_MUTED};">Relu le {esc(french_date(article.reviewed_on))} · version {article.version}'
        f" · mis à jour le {esc(french_date(article.updated_at.date()))}</p>"
    )
    return "\n".join(parts)


def directory_hit_html(hit: SearchHit) -> str:
    """A structure found by the global search; the Annuaire page shows the whole entry (one click)."""
    lines = [f"<h1>{prose(hit.title)}</h1>"]
    label, address, phone = hit.extra.get("type_libelle"), hit.extra.get("adresse"), hit.extra.get("telephone")
    if label:
        lines.append(f"<p><i>{prose(label)}</i></p>")
    elif hit.snippet.text:
        lines.append(f"<p>{prose(hit.snippet.text)}</p>")
    if address:
        lines.append(f"<p><b>{prose('Adresse :')}</b> {prose(address)}</p>")
    if phone:
        lines.append(f"<p><b>{prose('Téléphone :')}</b> {esc(phone_text(phone))}</p>")
    open_text = prose("Ouvrir dans l'Annuaire")
    detail = prose("(horaires, vos notes, signaler une correction)")
    lines.append(
        f'<p><a href="{DIRECTORY_SCHEME}:{esc(hit.id)}">{open_text}</a> <span style="color: {_MUTED};">{detail}</span></p>'
    )
    return "\n".join(lines)


def _event_rows(
    events: Sequence[DatedEvent], *, stage_names: Mapping[str, str], article_titles: Mapping[str, str]
) -> str:
    """One short block per event (date and stage, name, what it is): it reads in a narrow pane too."""
    blocks = []
    for placed in events:
        event = placed.event
        name = f"<b>{prose(event.name)}</b>" + (" (important)" if event.important else "")
        related = [
            f'<a href="{ARTICLE_SCHEME}:{esc(a)}">{prose(article_titles[a])}</a>'
            for a in event.articles
            if a in article_titles
        ]
        detail = prose(event.description)
        if related:
            detail += "<br>" + prose("À lire : ") + ", ".join(related)
        stage_name = stage_names.get(placed.stage_id or "", "")
        when = f'<span style="color: {_DATE};"><b>{esc(french_date(placed.date))}</b></span>'
        if stage_name:
            when += f' <span style="color: {_MUTED};">· {prose(stage_name)}</span>'
        blocks.append(f'<p style="margin-top: 10px;">{when}<br>{name}<br>{detail}</p>')
    return "".join(blocks)


def calendar_html(
    *,
    situation: Situation,
    stage: Stage | None,
    today: dt.date,
    stage_names: Mapping[str, str],
    article_titles: Mapping[str, str],
) -> str:
    """A family's stage, age, the appointments to catch up and the dated events ahead."""
    where = f"Au {french_date(today)} : {situation.position}."
    if situation.birth_date is None and situation.due_date is not None and situation.due_date > today:
        where += f" Terme prévu le {french_date(situation.due_date)} (41 SA)."
    where = where.replace(" SA", f"{NBSP}SA")  # « 27 SA » never splits across lines
    if stage is None:
        parts = ["<h1>Hors des 1000 premiers jours</h1>", f"<p>{prose(where)}</p>"]
    else:
        parts = [
            f"<h1>{prose(stage.name)}</h1>",
            f'<p style="color: {_MUTED};">{prose(where)}</p>',
            f"<p>{prose(stage.description)}</p>",
        ]
    names = {"stage_names": stage_names, "article_titles": article_titles}
    if situation.catch_up:
        parts.append("<h2>À rattraper</h2>")
        parts.append(
            f'<p style="color: {_MUTED};">'
            + prose(
                "Rendez-vous et vaccins dont la date est passée : à vérifier dans le carnet de santé, "
                "à faire s'ils ne l'ont pas été."
            )
            + "</p>"
        )
        parts.append(_event_rows(situation.catch_up, **names))
    parts.append("<h2>Prochains rendez-vous et repères</h2>")
    if situation.upcoming:
        parts.append(_event_rows(situation.upcoming, **names))
    else:
        parts.append("<p>Aucun événement à venir.</p>")
    return "\n".join(parts)
