"""French dates without depending on the system locale (a handout reads the same everywhere)."""

from __future__ import annotations

import datetime as dt
import re

from milpj_desktop.errors import KnownError
from milpj_desktop.typography import clock

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def long_date(day: dt.date, *, weekday: bool = False) -> str:
    """« 1er mars 2028 », or « mercredi 1er mars 2028 » with the weekday."""
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def short_date(day: dt.date) -> str:
    """« 01/03/2028 »: the form people write by hand."""
    return day.strftime("%d/%m/%Y")


DATE_HINT = "JJ/MM/AAAA"
_SEPARATED = re.compile(r"(\d{1,4})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{1,4})")


class BadDate(KnownError):
    """A date as typed that is not one: the message quotes it and shows the expected form."""

    def __init__(self, text: str) -> None:
        super().__init__(f"« {text} » n'est pas une date : écrivez-la {DATE_HINT}, par exemple 15/03/2027.")
        self.text = text


def _year(text: str) -> int:
    """Two digits mean this century (« 27 » → 2027): nobody types a 1900s due date."""
    value = int(text)
    return 2000 + value if len(text) <= 2 else value


def _make(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadDate(text) from None


def parse_date(text: str) -> dt.date:
    """What people type: 15/03/2027, 15-03-2027, 15.03.27, 15032027, 150327, or 2027-03-15 (ISO)."""
    typed = text.strip()
    match = _SEPARATED.fullmatch(typed)
    if match:
        first, month, last = match.groups()
        if len(first) == 4:  # ISO order: 2027-03-15
            return _make(int(first), int(month), int(last), typed)
        if len(first) > 2 or len(last) == 3:
            raise BadDate(typed)
        return _make(_year(last), int(month), int(first), typed)
    if typed.isascii() and typed.isdigit() and len(typed) in (6, 8):  # « ²… » is a digit, not a number
        day, month, year = int(typed[:2]), int(typed[2:4]), _year(typed[4:])
        try:
            return dt.date(year, month, day)
        except ValueError:
            if len(typed) == 8:  # 20270315: ISO without separators
                return _make(int(typed[:4]), int(typed[4:6]), int(typed[6:]), typed)
            raise BadDate(typed) from None
    raise BadDate(typed)


def local_moment(text: str) -> dt.datetime | None:
    """A stored ISO time (UTC) in the person's local time; None when absent or unreadable."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone()


def clock_time(moment: dt.datetime) -> str:
    """« 14 h 05 », « 9 h »: the hour as French texts write it (typography.clock)."""
    return clock(f"{moment.hour:02d}:{moment.minute:02d}")


def long_moment(moment: dt.datetime) -> str:
    """« 3 décembre 2026 à 14 h 05 »."""
    return f"{long_date(moment.date())} à {clock_time(moment)}"


def moment_since(moment: dt.datetime, reference: dt.datetime) -> str:
    """A second moment told next to a first one: « à 15 h 10 » the same day, else « le 4 décembre 2026 à 15 h 10 »."""
    if moment.date() == reference.date():
        return f"à {clock_time(moment)}"
    return f"le {long_moment(moment)}"
