"""French dates without depending on the system locale (a handout reads the same everywhere)."""

from __future__ import annotations

import datetime as dt

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
