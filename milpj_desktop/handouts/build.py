"""From a template id and raw parameters to the HTML of a handout, ready for the printing code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milpj_desktop.frenchdates import long_date
from milpj_desktop.handouts.data import assemble
from milpj_desktop.handouts.environment import render
from milpj_desktop.handouts.errors import HandoutParamError
from milpj_desktop.handouts.manifest import HandoutTemplate, get_template
from milpj_desktop.settings import Settings
from milpj_desktop.typography import phone, typeset


@dataclass(frozen=True)
class Letterhead:
    """The header and footer of every page: who hands the sheet over, and when."""

    structure: str = ""
    professional: str = ""
    phone: str = ""
    email: str = ""
    printed_on: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, today: dt.date) -> Letterhead:
        return cls(
            structure=settings.structure_name,
            professional=settings.professional_name,
            phone=phone(settings.professional_phone),
            email=settings.professional_email,
            printed_on=long_date(today),
        )

    def contact_line(self) -> str:
        """« Nom du professionnel · 01 23 45 67 89 · courriel »: what the family can use to call back."""
        return typeset(" · ".join(part for part in (self.professional, self.phone, self.email) if part))

    def has_header(self) -> bool:
        """A page header only when there is someone to name: an empty header line is no header."""
        return bool(self.structure or self.contact_line())


@dataclass(frozen=True)
class Handout:
    """One rendered handout: its HTML plus what the page header, footer and history need."""

    template_id: str
    title: str
    html: str
    params: dict[str, str]  # what the history keeps: never a birth, due or appointment date
    large_print: bool
    letterhead: Letterhead
    label: str = ""  # what tells batch items apart (« Lyon 69003 », « terme 2026-05-01 »)
    doc_title: str = ""  # the real title of what is printed (the articles' titles, « … autour d'Ornans »)
    warning: str = ""  # said before printing (a contacts sheet with no contact), never printed


def prepare(
    conn: Any,
    template_id: str,
    raw: Mapping[str, object],
    *,
    settings: Settings,
    today: dt.date,
    large_print: bool = False,
    root: Path | None = None,
) -> Handout:
    """Validate, assemble the data, render through the sandbox: the one path every output takes."""
    template = get_template(template_id, root)
    values = template.validate(raw)
    return _prepare_valid(conn, template, values, settings=settings, today=today, large_print=large_print, root=root)


def _prepare_valid(
    conn: Any,
    template: HandoutTemplate,
    values: dict[str, Any],
    *,
    settings: Settings,
    today: dt.date,
    large_print: bool,
    root: Path | None,
) -> Handout:
    letterhead = Letterhead.from_settings(settings, today)
    context = assemble(template.manifest.data, conn, values, today)
    context.update(
        {
            "handout": {"id": template.id, "title": template.title},
            "large_print": large_print,
            "today": long_date(today),
            "structure": {
                "name": letterhead.structure,
                "professional": letterhead.professional,
                "phone": letterhead.phone,
                "contact": letterhead.contact_line(),
                "email": letterhead.email,
            },
        }
    )
    html = render(template.template_name, context, root=root)
    return Handout(
        template_id=template.id,
        title=template.title,
        html=html,
        params=template.history_text(values),
        large_print=large_print,
        letterhead=letterhead,
        label=str(context.get("label", "")),
        doc_title=typeset(str(context.get("doc_title") or template.title)),
        warning=str(context.get("warning", "")),
    )


def prepare_batch(
    conn: Any,
    template_id: str,
    raw: Mapping[str, object],
    *,
    vary: str | None,
    variants: Sequence[str],
    settings: Settings,
    today: dt.date,
    large_print: bool = False,
    root: Path | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    check_cancelled: Callable[[], None] | None = None,
) -> list[Handout]:
    """The same handout for several values of one parameter (communes, dates); all are checked first."""
    template = get_template(template_id, root)
    if vary is None:
        runs: list[dict[str, Any]] = [template.validate(raw)]
    else:
        if vary not in [p.name for p in template.manifest.parameters]:
            raise HandoutParamError(vary, f"Paramètre inconnu « {vary} » pour le modèle « {template_id} ».")
        if not variants:
            raise HandoutParamError(vary, f"Lot vide : indiquez au moins une valeur pour « {vary} ».")
        runs = [template.validate({**raw, vary: v}) for v in variants]
    out = []
    for index, values in enumerate(runs):
        if check_cancelled is not None:
            check_cancelled()
        out.append(
            _prepare_valid(conn, template, values, settings=settings, today=today, large_print=large_print, root=root)
        )
        if progress is not None:
            progress(index + 1, len(runs), f"Préparation {index + 1} / {len(runs)}")
    return out
