"""A family's situation from the date the professional has: due date, birth, last period or a dating scan.

Pure functions, « aujourd'hui » passed in. The rules (French convention, as timeline.py):

- Weeks of amenorrhoea (SA) are counted from the first day of the last period (DDR); the term is
  fixed at 41 SA, so the due date is DDR + 287 days.
- A dating ultrasound gives the pregnancy's age on the day of the scan (« 12 SA et 3 jours »): the
  equivalent DDR is the scan date minus that age, and the due date follows as above.
- Health appointments and vaccinations (events of the « santé » thématique, the birth itself left
  out) dated before today in the current part of the 1000 days (the pregnancy, or since the birth)
  are listed apart « à rattraper »: vaccinations however old (they are caught up at any age),
  other appointments of the last CATCH_UP_DAYS only (an older examination has been replaced by
  the next one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from milpj_desktop.content.models import Event
from milpj_desktop.content.timeline import (
    TERM_DAYS,
    DatedEvent,
    TimelineError,
    current_stage,
    describe_position,
    upcoming_events,
)

DUE, BIRTH, PERIOD, SCAN = "terme", "naissance", "ddr", "echographie"
CATCH_UP_DAYS = 92  # about three months
HEALTH_THEME = "sante"
VACCINE_PREFIX = "vaccin"  # event ids of the pack: vaccin-…, vaccins-…
SCAN_WEEKS = (4, 42)  # gestational ages a scan can be dated at, in SA


@dataclass(frozen=True)
class Situation:
    """Where a family stands today and what is due: late (to catch up) and ahead."""

    due_date: dt.date | None
    birth_date: dt.date | None
    stage_id: str | None
    position: str
    catch_up: list[DatedEvent]
    upcoming: list[DatedEvent]


def due_from_period(first_day: dt.date) -> dt.date:
    """The due date (41 SA) from the first day of the last period."""
    return first_day + dt.timedelta(days=TERM_DAYS)


def due_from_scan(scan_day: dt.date, *, weeks: int, days: int) -> dt.date:
    """The due date from an ultrasound dated `weeks` SA and `days` days on `scan_day`."""
    low, high = SCAN_WEEKS
    if not low <= weeks <= high:
        raise TimelineError(f"Âge de la grossesse à l'échographie : entre {low} et {high} SA.")
    if not 0 <= days <= 6:
        raise TimelineError("Nombre de jours en plus des semaines d'aménorrhée (SA) : de 0 à 6.")
    return due_from_period(scan_day - dt.timedelta(days=weeks * 7 + days))


def family_dates(
    kind: str, day: dt.date, *, today: dt.date, weeks: int = 0, days: int = 0
) -> tuple[dt.date | None, dt.date | None]:
    """(due date, birth date) from what was typed; a period or a scan in the future is refused."""
    if kind == DUE:
        return day, None
    if kind == BIRTH:
        return None, day
    if kind not in (PERIOD, SCAN):
        raise TimelineError(f"Type de date inconnu : « {kind} ».")
    if day > today:
        what = "des dernières règles" if kind == PERIOD else "de l'échographie"
        raise TimelineError(f"La date {what} ({day:%d/%m/%Y}) est postérieure à aujourd'hui ({today:%d/%m/%Y}).")
    return (due_from_period(day) if kind == PERIOD else due_from_scan(day, weeks=weeks, days=days)), None


def is_vaccination(event: Event) -> bool:
    return event.id.startswith(VACCINE_PREFIX)


def catch_up_events(
    events: Iterable[Event], *, due_date: dt.date | None = None, birth_date: dt.date | None = None, today: dt.date
) -> list[DatedEvent]:
    """Appointments and vaccinations already due in the current part of the 1000 days, oldest first."""
    born = birth_date is not None or (due_date is not None and due_date <= today)
    since = today - dt.timedelta(days=CATCH_UP_DAYS)
    late = []
    for placed in upcoming_events(events, due_date=due_date, birth_date=birth_date, today=today, include_past=True):
        event = placed.event
        if placed.date >= today or HEALTH_THEME not in event.themes or event.offset_days == 0:
            continue
        if (event.offset_days > 0) != born:
            continue  # a prenatal visit is not caught up after the birth, nor a child's before it
        if placed.date >= since or is_vaccination(event):
            late.append(placed)
    return late


def place_family(
    events: Iterable[Event],
    *,
    due_date: dt.date | None = None,
    birth_date: dt.date | None = None,
    today: dt.date,
    ahead: int,
) -> Situation:
    """Stage, position, what is late and the next `ahead` events, for one family."""
    stage_id = current_stage(due_date=due_date, birth_date=birth_date, today=today)
    listed = list(events)
    return Situation(
        due_date=due_date,
        birth_date=birth_date,
        stage_id=stage_id,
        position=describe_position(due_date=due_date, birth_date=birth_date, today=today),
        catch_up=catch_up_events(listed, due_date=due_date, birth_date=birth_date, today=today),
        upcoming=upcoming_events(listed, due_date=due_date, birth_date=birth_date, today=today)[:ahead],
    )
