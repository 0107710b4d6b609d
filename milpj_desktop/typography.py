"""French typography in one place, for everything the app prints or shows (handouts, reading view, directory).

Pure functions on plain text (escape for HTML *after* calling them). Rules follow the Imprimerie
nationale usage (« Lexique des règles typographiques en usage à l'Imprimerie nationale »):

- ``typeset(text)``: the whole treatment below, idempotent (safe to call twice).
  * a narrow no-break space (U+202F) before ``; ! ?``, a no-break space (U+00A0) before ``:``
    and inside « »; a missing space is added only where the sign ends a word and is followed by
    a space or the end (``10:30``, ``https://``, ``a?b=c`` are left alone; ``?!`` stays together);
  * a no-break space between a number and ``%``, ``€``, ``km`` or ``h`` (« 20 % », « 9 h »);
  * the typographic apostrophe (U+2019) between two letters (« l’enfant »);
  * « 0 h – 24 h » (round-the-clock opening hours as the directory describes them) → « 24 h/24 ».
- ``elide(particle, word)``: « de » + « Ornans » → « d’Ornans »; « de » + « Le Havre » → « du Havre ».
- ``clock(hhmm)`` and ``time_span(opens, closes)``: « 9 h 30 », « 9 h – 12 h », « 24 h/24 ».
- ``phone(value)``: « 03 81 62 22 33 » with no-break spaces (a number never breaks across lines),
  from the stored form (+33381622233) or a number as typed; short numbers (15, 3919) unchanged;
  anything unreadable is returned stripped, never refused (display only).

Qt draws U+202F with DejaVu's plain space glyph (TECH-NOTES) but still never breaks a line there
(Unicode line-break class GL), which the handout tests check on printed pages.
"""

from __future__ import annotations

import re

from milpj_desktop.directory.phone import PhoneError, format_phone, normalize_phone

NBSP = "\u00a0"
NNBSP = "\u202f"
APOSTROPHE = "\u2019"

_SPACES = f"[ \\t{NBSP}{NNBSP}]"
# Elision before a vowel, or a mute h from this short list (an aspirated h, as in « halte-garderie »,
# « handicap », « Le Havre », « Haute-Savoie », keeps « de »): words not listed are treated as aspirated.
VOWELS = "aeiouàâäéèêëîïôöùûüœæ"
MUTE_H = frozenset(
    {
        "habitant",
        "habitat",
        "habitude",
        "hébergement",
        "hendaye",
        "herbe",
        "heure",
        "heures",
        "histoire",
        "hiver",
        "homme",
        "hôpital",
        "hôpitaux",
        "hôtel",
        "huile",
        "humeur",
        "hygiène",
    }
)
_ELIDING = {"de": "d", "le": "l", "la": "l", "que": "qu", "jusque": "jusqu", "lorsque": "lorsqu",
            "puisque": "puisqu", "ne": "n", "me": "m", "te": "t", "se": "s", "je": "j"}  # fmt: skip
# « de Le Havre » → « du Havre », « à Les Ulis » → « aux Ulis ».
_CONTRACTIONS = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\w)['\u02bc](?=\w)"), APOSTROPHE),
    (re.compile(f"«{_SPACES}*"), f"«{NBSP}"),
    (re.compile(f"{_SPACES}*»"), f"{NBSP}»"),
    (re.compile(f"{_SPACES}+([;!?])"), f"{NNBSP}\\1"),
    (re.compile(f"(?<=[\\w).»{APOSTROPHE}])([;!?])(?=\\s|$|[!?»)])"), f"{NNBSP}\\1"),
    (re.compile(f"{_SPACES}+:"), f"{NBSP}:"),
    (re.compile("(?<=[\\w).»])(:)(?=\\s|$)"), f"{NBSP}\\1"),
    (re.compile(f"(?<=\\d){_SPACES}+(%|€|km\\b|h\\b)"), f"{NBSP}\\1"),
    (re.compile(f"(?<=\\d{NBSP}h){_SPACES}+(?=\\d\\d\\b)"), NBSP),
    (re.compile(f"\\b0{_SPACES}h{_SPACES}*[–—-]{_SPACES}*24{_SPACES}h\\b"), f"24{NBSP}h/24"),
)


def typeset(text: str) -> str:
    """The French spacing, apostrophes and « 24 h/24 » of the module docstring, on plain text."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def apostrophes(text: str) -> str:
    """Only the typographic apostrophe: every character keeps its place (search highlights stay put)."""
    pattern, replacement = _RULES[0]
    return pattern.sub(replacement, text)


def _starts_with_vowel_sound(word: str) -> bool:
    lowered = word.lower()
    if not lowered:
        return False
    if lowered[0] in VOWELS:
        return True
    if lowered[0] == "y":  # « d'Yvetot », « d'Yssingeaux », but « de yaourt »
        return len(lowered) > 1 and lowered[1] not in VOWELS + "y"
    if lowered[0] == "h":
        return re.split(r"[\s'’-]", lowered, maxsplit=1)[0] in MUTE_H
    return False


def elide(particle: str, word: str) -> str:
    """« particle word » written the French way: « d’Ornans », « de Besançon », « du Havre »."""
    word = word.strip()
    key = particle.lower()
    head, _, rest = word.partition(" ")
    contracted = _CONTRACTIONS.get((key, head.lower()))
    if contracted and rest:
        return f"{_same_case(particle, contracted)} {rest}"
    short = _ELIDING.get(key)
    if short and _starts_with_vowel_sound(word):
        return f"{_same_case(particle, short)}{APOSTROPHE}{word}"
    return f"{particle} {word}"


def _same_case(model: str, word: str) -> str:
    return word.capitalize() if model[:1].isupper() else word


def clock(hhmm: str) -> str:
    """'09:00' → « 9 h », '14:30' → « 14 h 30 » (no-break space before h)."""
    hours, minutes = hhmm.split(":")[:2]
    return f"{int(hours)}{NBSP}h" if minutes == "00" else f"{int(hours)}{NBSP}h{NBSP}{minutes}"


def time_span(opens: str, closes: str) -> str:
    """« 9 h – 12 h », or « 24 h/24 » for a slot that covers the whole day."""
    if opens in {"00:00", "0:00"} and closes in {"24:00", "23:59"}:
        return f"24{NBSP}h/24"
    return f"{clock(opens)} – {clock(closes)}"


def phone(value: str) -> str:
    """« 03 81 62 22 33 » (no-break spaces) from a stored or typed number; short numbers as they are."""
    raw = value.strip()
    if not raw:
        return ""
    try:
        stored = normalize_phone(raw)
    except PhoneError:
        return raw
    return format_phone(stored).replace(" ", NBSP)


def grouped(value: int) -> str:
    """« 100 000 »: thousands separated by a narrow no-break space (a number never breaks across lines)."""
    return f"{value:,}".replace(",", NNBSP)
