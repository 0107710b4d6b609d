"""Data for « Contacts utiles près de chez vous »: the entries the professional chose, or the closest of
each chosen type, each with a QR code; a national number when a type has nothing nearby."""

from __future__ import annotations

import datetime as dt
from typing import Any

from milpj_desktop.directory import communes
from milpj_desktop.directory import repository as directory_repository
from milpj_desktop.directory.hours import describe_hours
from milpj_desktop.directory.models import ACCESSIBILITY_LABELS, LANGUAGE_NAMES, TYPE_LABELS, DirectoryEntry
from milpj_desktop.directory.search import search
from milpj_desktop.frenchdates import long_date
from milpj_desktop.handouts import numbers
from milpj_desktop.handouts.errors import HandoutParamError
from milpj_desktop.handouts.purposes import type_view
from milpj_desktop.handouts.qr import qr_image, vcard
from milpj_desktop.typography import elide, phone

PER_TYPE = 2  # the closest two of each type: a sheet for the fridge (two pages at most), not the directory


def _km(distance: float | None) -> str:
    if distance is None:
        return ""
    if distance < 1:
        return "moins de 1 km"
    return f"{distance:.1f} km".replace(".", ",")


def entry_view(entry: DirectoryEntry, distance: float | None = None) -> dict[str, Any]:
    """A directory entry as a template sees it, with the QR code of its vCard."""
    languages = [LANGUAGE_NAMES.get(code, code) for code in entry.languages if code != "fr"]
    card = vcard(name=entry.name, phone=entry.phone, street=entry.address, postcode=entry.postcode, city=entry.commune)
    return {
        "name": entry.name,
        "type_label": TYPE_LABELS.get(entry.type, entry.type),
        "address": entry.address,
        "place": " ".join(part for part in (entry.postcode, entry.commune) if part),
        "phone": phone(entry.phone),
        "dial": entry.phone,
        "hours": describe_hours(entry.hours),
        "distance": _km(distance),
        "languages": ", ".join(languages),
        "accessibility": ACCESSIBILITY_LABELS.get(entry.accessibility or "", ""),
        **_qr(card),
    }


def national_view(number: numbers.National) -> dict[str, str]:
    """A national number as a contact, with its QR code (name and number only)."""
    return {**numbers.view(number), **_qr(vcard(name=number.name, phone=number.dial))}


def _qr(card: str) -> dict[str, Any]:
    image = qr_image(card)
    return {"qr": image.uri, "qr_px": image.px}


def chosen_entries(conn: Any, ids: list[str], param: str) -> list[DirectoryEntry]:
    """The entries picked by id, in the order given; an id that is gone is named."""
    found: list[DirectoryEntry] = []
    for entry_id in ids:
        stored = directory_repository.get_entry(conn, entry_id)
        if stored is None:
            raise HandoutParamError(
                param, f"La structure « {entry_id} » n'est plus dans l'annuaire : retirez-la de la fiche."
            )
        found.append(stored.entry)
    return found


def assemble_contacts(conn: Any, values: dict[str, Any], today: dt.date) -> dict[str, Any]:
    found = communes.lookup(values["commune"])
    if found.ambiguous:  # never chosen in silence: the professional says which one
        choices = " ; ".join(c.choice_label for c in found.communes[:6])
        raise HandoutParamError(
            "commune", f"« {values['commune']} » désigne plusieurs communes ({choices}) : choisissez-la dans la liste."
        )
    commune = found.communes[0] if found.communes else None
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
    chosen_ids: list[str] = values.get("structures", [])
    groups: list[dict[str, Any]] = []
    chosen: list[dict[str, Any]] = []
    updated: dt.datetime | None = None
    if chosen_ids:
        distances = {h.id: h.distance_km for h in hits}
        picked = chosen_entries(conn, chosen_ids, "structures")
        chosen = [entry_view(e, distances.get(i)) for i, e in zip(chosen_ids, picked, strict=True)]
        stamps = [e.updated_at for e in picked]
    else:
        stamps = []
        for type_id in types:
            closest = [h for h in hits if h.entry.type == type_id][:PER_TYPE]
            if closest:
                stamps += [h.entry.updated_at for h in closest]
                groups.append({**type_view(type_id), "entries": [entry_view(h.entry, h.distance_km) for h in closest]})
    for stamp in stamps:
        plain = stamp.replace(tzinfo=None)
        updated = plain if updated is None or plain > updated else updated
    present = {h.entry.type for h in hits}
    fallbacks: list[dict[str, str]] = []
    missing: list[str] = []
    for type_id in types:
        if type_id in present:
            continue
        national = numbers.FALLBACK_BY_TYPE.get(type_id)
        if national is None:
            missing.append(TYPE_LABELS.get(type_id, type_id))
        elif all(f["name"] != national.name for f in fallbacks):
            fallbacks.append(national_view(national))
    around = "autour " + elide("de", commune.name)
    count = len(chosen) + sum(len(g["entries"]) for g in groups)
    return {
        "label": commune.label,
        "place": commune.label,
        "around": around,
        "doc_title": f"Contacts utiles {around}",
        "radius_km": radius,
        "chosen": chosen,
        "groups": groups,
        "fallbacks": fallbacks,
        "missing": missing,
        "note": values.get("ligne", ""),
        "emergencies": [numbers.view(n) for n in (*numbers.EMERGENCIES, numbers.ENFANCE, numbers.VIOLENCES)],
        "poison": numbers.POISON_LINE,
        "count": count,
        "warning": "" if count else f"Aucun contact de l'annuaire {around} dans un rayon de {radius} km.",
        "updated": long_date(updated.date()) if updated else "",
    }
