"""The dated events of « Mon calendrier des 1000 jours » as an iCalendar file for the family's phone.

Written with the `icalendar` library (maintained, RFC 5545 folding and escaping). Each event is a
whole day; an important one carries a reminder a week before and another the day before, at 9 h
(an all-day event starts at midnight: « -1 day » alone would ring at midnight). A step that protects
a right (theme « demarches »: declaring the birth, telling the employer, the rest of the paternity
leave, school enrolment) is reminded even when not marked important, and once more on the day.
Nothing in the file names the family: the dates are the family's own, on its own phone.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from icalendar import Alarm, Calendar
from icalendar import Event as IcsEvent

from milpj_desktop import PRODUCT_NAME
from milpj_desktop.content import repository, timeline
from milpj_desktop.files import replacing
from milpj_desktop.handouts.errors import HandoutParamError
from milpj_desktop.typography import typeset

# Before the start of an all-day event (its midnight): 9 h a week before, 9 h the day before.
REMINDERS = (dt.timedelta(days=-7, hours=9), dt.timedelta(days=-1, hours=9))
ON_THE_DAY = dt.timedelta(hours=9)  # a deadline that protects a right is also reminded on the day, at 9 h
RIGHTS_THEME = "demarches"


def reminders_for(important: bool, themes: list[str]) -> tuple[dt.timedelta, ...]:
    """The alarms of one event: none, or a week and a day before (and on the day for a right's deadline)."""
    if RIGHTS_THEME in themes:
        return (*REMINDERS, ON_THE_DAY)
    return REMINDERS if important else ()


def calendar_ics(
    conn: Any,
    *,
    birth: dt.date | None = None,
    due: dt.date | None = None,
    today: dt.date,
    now: dt.datetime,
    structure: str = "",
) -> bytes:
    """The events from today on, dated from the birth (or the due date), as an .ics file."""
    if (birth is None) == (due is None):
        raise HandoutParamError("naissance", "Indiquez la date de naissance ou la date prévue d'accouchement.")
    names = {s.id: s.name for s in repository.list_stages(conn)}
    dated = timeline.upcoming_events(repository.list_events(conn), due_date=due, birth_date=birth, today=today)
    calendar = Calendar()
    calendar.add("prodid", f"-//{PRODUCT_NAME}//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Mes 1000 premiers jours")
    anchor = (birth or due or today).isoformat()
    for item in dated:
        event = IcsEvent()
        event.add("uid", f"{item.event.id}-{anchor}@1000-premiers-jours")
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", item.date)
        event.add("dtend", item.date + dt.timedelta(days=1))
        event.add("summary", typeset(item.event.name))
        stage = names.get(item.stage_id or "", "")
        lines = [typeset(item.event.description)]
        if stage:
            lines.append(typeset(f"Étape : {stage}."))
        lines.append("Date indicative : fixez-la avec le professionnel qui vous suit.")
        if structure:
            lines.append(typeset(f"Remis par : {structure}."))
        event.add("description", "\n\n".join(lines))
        event.add("transp", "TRANSPARENT")
        if item.event.important:
            event.add("priority", 1)
        for before in reminders_for(item.event.important, list(item.event.themes)):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", typeset(item.event.name))
            alarm.add("trigger", before)
            event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def write_ics(path: Path, data: bytes) -> None:
    """Write the file whole or not at all (a French error names the file if the disk refuses)."""
    with replacing(path) as temporary:
        temporary.write_bytes(data)


def calendar_dates(values: dict[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    """(birth, due) from the validated parameters of the calendar template."""
    return values.get("naissance"), values.get("terme")
