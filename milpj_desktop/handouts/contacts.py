"""Data for « Contacts utiles près de chez vous »: directory entries of chosen types around a commune."""

from __future__ import annotations

import datetime as dt
from typing import Any

from milpj_desktop.directory import communes
from milpj_desktop.directory.hours import describe_hours
from milpj_desktop.directory.models import ACCESSIBILITY_LABELS, LANGUAGE_NAMES, DirectoryEntry
from milpj_desktop.directory.phone import format_phone
from milpj_desktop.directory.search import search
from milpj_desktop.frenchdates import long_date
from milpj_desktop.handouts.errors import HandoutParamError
from milpj_desktop.handouts.purposes import type_view

PER_TYPE = 6  # the closest few of each type: a sheet for the fridge, not the whole directory


def _km(distance: float | None) -> str:
    if distance is None:
        return ""
    if distance < 1:
        return "moins de 1 km"
    return f"{distance:.1f} km".replace(".", ",")


def entry_view(entry: DirectoryEntry, distance: float | None) -> dict[str, Any]:
    languages = [LANGUAGE_NAMES.get(code, code) for code in entry.languages if code != "fr"]
    return {
        "name": entry.name,
        "address": entry.address,
        "place": " ".join(part for part in (entry.postcode, entry.commune) if part),
        "phone": format_phone(entry.phone),
        "hours": describe_hours(entry.hours),
        "distance": _km(distance),
        "languages": ", ".join(languages),
        "accessibility": ACCESSIBILITY_LABELS.get(entry.accessibility or "", ""),
    }


def assemble_contacts(conn: Any, values: dict[str, Any], today: dt.date) -> dict[str, Any]:
    commune = communes.resolve(values["commune"])
    if commune is None:
        raise HandoutParamError(
            "commune", f"Paramètre « commune » : commune ou code postal introuvable « {values['commune']} »."
        )
    types: list[str] = values["types"]
    radius: int = values["rayon"]
    if commune.lat is not None and commune.lon is not None:
        hits = search(conn, types=types, around=commune, radius_km=radius, limit=PER_TYPE * len(types) * 20)
    else:  # no coordinates in the gazetteer: the commune itself only
        hits = search(conn, types=types, commune=commune, limit=PER_TYPE * len(types) * 20)
    groups = []
    updated: dt.datetime | None = None
    for type_id in types:
        chosen = [h for h in hits if h.entry.type == type_id][:PER_TYPE]
        if not chosen:
            continue
        for hit in chosen:
            stamp = hit.entry.updated_at.replace(tzinfo=None)
            updated = stamp if updated is None or stamp > updated else updated
        groups.append({**type_view(type_id), "entries": [entry_view(h.entry, h.distance_km) for h in chosen]})
    return {
        "label": commune.label,
        "place": commune.label,
        "radius_km": radius,
        "groups": groups,
        "updated": long_date(updated.date()) if updated else "",
    }
