"""vCard 3.0 export (RFC 2426): the version phones, Outlook and Thunderbird all import."""

from __future__ import annotations

from pathlib import Path

from milpj_desktop.directory.hours import describe_hours
from milpj_desktop.directory.models import ACCESSIBILITY_LABELS, LANGUAGE_NAMES, TYPE_LABELS, DirectoryEntry
from milpj_desktop.files import replacing


def _escape(text: str) -> str:
    """RFC 2426 escaping of a property value: a stored value can never start another property."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "").replace("\n", "\\n")


def _fold_line(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (never inside a character)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def entry_vcard(entry: DirectoryEntry) -> str:
    """One VCARD block (CRLF line ends). Private notes never leave the encrypted store."""
    lines = ["BEGIN:VCARD", "VERSION:3.0"]
    lines.append(f"FN:{_escape(entry.name)}")
    if entry.kind == "professionnel":
        lines.append(f"N:{_escape(entry.name)};;;;")
        lines.append(f"TITLE:{_escape(TYPE_LABELS[entry.type])}")
    else:
        lines.append("N:;;;;")
        lines.append(f"ORG:{_escape(entry.name)}")
    lines.append(f"CATEGORIES:{_escape(TYPE_LABELS[entry.type])}")
    if entry.address or entry.commune or entry.postcode:
        lines.append(
            "ADR;TYPE=WORK:;;"
            + ";".join(_escape(p) for p in (entry.address, entry.commune, "", entry.postcode, "France"))
        )
    if entry.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{_escape(entry.phone)}")
    if entry.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{_escape(entry.email)}")
    if entry.website:
        lines.append(f"URL:{_escape(entry.website)}")
    if entry.latitude is not None and entry.longitude is not None:
        lines.append(f"GEO:{entry.latitude:.6f};{entry.longitude:.6f}")
    details = describe_hours(entry.hours)
    if entry.accessibility:
        details.append(ACCESSIBILITY_LABELS[entry.accessibility])
    if entry.languages:
        details.append("Langues : " + ", ".join(LANGUAGE_NAMES.get(c, c) for c in entry.languages))
    if entry.source:
        details.append(f"Source : {entry.source}")
    if details:
        lines.append("NOTE:" + _escape("\n".join(details)))
    lines.append(f"REV:{entry.updated_at.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    if entry.national_id:
        lines.append(f"UID:urn:milpj:annuaire:{_escape(entry.national_id)}")
    lines.append("END:VCARD")
    return "".join(_fold_line(line) + "\r\n" for line in lines)


def write_vcards(path: Path, entries: list[DirectoryEntry]) -> int:
    """Write entries as one .vcf file."""
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as handle:
        for entry in entries:
            handle.write(entry_vcard(entry))
    return len(entries)
