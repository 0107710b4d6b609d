"""« Signaler une correction » field by field: what is wrong, what it should be, and why — checked
here and written as one readable message for the correction outbox (the national team reads it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from milpj_desktop.directory.hours import HoursError, format_hours, parse_hours
from milpj_desktop.directory.models import DirectoryEntry, check_email, check_website
from milpj_desktop.directory.phone import PhoneError, format_phone, normalize_phone
from milpj_desktop.errors import KnownError

NBSP = "\u00a0"

# (field, label) in the order the form shows them
FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Nom"),
    ("address", "Adresse"),
    ("postcode", "Code postal"),
    ("commune", "Commune"),
    ("phone", "Téléphone"),
    ("email", "Courriel"),
    ("website", "Site web"),
    ("hours", "Horaires"),
)
LABELS = dict(FIELDS)


class CorrectionError(KnownError):
    """A proposed value that cannot be right, or nothing proposed at all."""


@dataclass(frozen=True)
class FieldChange:
    """One field to correct: its label, what the directory says, what it should say."""

    field: str
    label: str
    current: str
    proposed: str


def current_values(entry: DirectoryEntry) -> dict[str, str]:
    """What the directory says now, as the form shows it."""
    return {
        "name": entry.name,
        "address": entry.address,
        "postcode": entry.postcode,
        "commune": entry.commune,
        "phone": format_phone(entry.phone),
        "email": entry.email,
        "website": entry.website,
        "hours": format_hours(entry.hours),
    }


def _postcode(text: str) -> str:
    if not re.fullmatch(r"\d{5}", text):
        raise ValueError("5 chiffres attendus")
    return text


_CHECKS: dict[str, Callable[[str], object]] = {
    "postcode": _postcode,
    "phone": normalize_phone,
    "email": check_email,
    "website": check_website,
    "hours": parse_hours,
}


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def proposed_changes(entry: DirectoryEntry, proposed: Mapping[str, str]) -> list[FieldChange]:
    """The fields given a new value (empty or unchanged ones are left out); a value that cannot be
    right raises CorrectionError naming the field."""
    current = current_values(entry)
    changes: list[FieldChange] = []
    for field, label in FIELDS:
        value = " ".join(proposed.get(field, "").split())
        if not value or _same(value, current[field]):
            continue
        check = _CHECKS.get(field)
        if check is not None:
            try:
                check(value)
            except (ValueError, PhoneError, HoursError) as exc:
                raise CorrectionError(f"{label} proposé{NBSP}: {exc}") from None
        changes.append(FieldChange(field, label, current[field], value))
    return changes


def correction_message(changes: list[FieldChange], comment: str) -> str:
    """The outbox message: one line per field (« actuel » → « proposé »), then the comment."""
    comment = comment.strip()
    if not changes and not comment:
        raise CorrectionError("Indiquez au moins une valeur proposée ou un commentaire.")
    lines = [f"{c.label}{NBSP}: «{NBSP}{c.current or '(vide)'}{NBSP}» → «{NBSP}{c.proposed}{NBSP}»" for c in changes]
    if comment:
        lines.append(f"Commentaire{NBSP}: {comment}")
    return "\n".join(lines)
