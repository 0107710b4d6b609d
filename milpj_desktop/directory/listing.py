"""A printable list of structures (the Annuaire's « Imprimer la liste en PDF »): one table, what a
professional hands over or pins up — name and type, address, phone, hours. HTML for QTextDocument."""

from __future__ import annotations

import html

from milpj_desktop.directory.hours import describe_hours
from milpj_desktop.directory.models import TYPE_LABELS, DirectoryEntry
from milpj_desktop.shown import clip
from milpj_desktop.typography import phone, typeset

MAX_LISTED = 1000  # a longer list is not read on paper: the page asks to narrow the search

_STYLE = (
    "h1 { font-size: 15pt; color: #000091; margin-bottom: 2pt; }"
    "p.sous-titre { color: #3a3a3a; margin-top: 0; }"
    "table { border-collapse: collapse; }"
    "th { background-color: #e3e3fd; text-align: left; }"
    "th, td { border: 1px solid #9aa0b8; padding: 4px; vertical-align: top; }"
    "td.type { color: #3a3a3a; }"
)


def _text(value: str) -> str:
    return html.escape(typeset(clip(value)))


def _row(entry: DirectoryEntry) -> str:
    address = ", ".join(p for p in (entry.address, f"{entry.postcode} {entry.commune}".strip()) if p)
    hours = "<br>".join(_text(line) for line in describe_hours(entry.hours)) or "—"
    return (
        f"<tr><td><b>{_text(entry.name)}</b><br><span class='type'>{_text(TYPE_LABELS[entry.type])}</span></td>"
        f"<td>{_text(address) or '—'}</td>"
        f"<td>{html.escape(phone(entry.phone)) or '—'}</td>"
        f"<td>{hours}</td></tr>"
    )


def list_html(entries: list[DirectoryEntry], *, heading: str, subtitle: str) -> str:
    """The list as HTML: a heading, what was asked, then one row per structure (header repeated on each page)."""
    widths = (("Structure", 30), ("Adresse", 26), ("Téléphone", 19), ("Horaires", 25))
    head = "".join(f"<th width='{share}%'>{label}</th>" for label, share in widths)
    return (
        f"<html><head><style>{_STYLE}</style></head><body>"
        f"<h1>{_text(heading)}</h1><p class='sous-titre'>{_text(subtitle)}</p>"
        f"<table width='100%' cellspacing='0'><thead><tr>{head}</tr></thead><tbody>"
        + "".join(_row(e) for e in entries)
        + "</tbody></table></body></html>"
    )
