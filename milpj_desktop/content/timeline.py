"""Where a family stands in the 1000 days: the current stage and the dated events ahead.

Pure functions; "today" is always passed in so that tests and printed calendars are reproducible.

Rules (the same ranges as ``etapes.json``):

- The term is fixed at 41 weeks of amenorrhoea (SA), i.e. 287 days after the first day of the last
  period. During pregnancy a day is placed by its offset to the due date, ``day - due_date``:
  ``-287 <= offset < -189`` (0 SA to 14 SA) is ``debut-grossesse``; ``-189 <= offset < 0`` (14 SA
  to the term) is ``fin-grossesse``. More than 287 days before the due date: no stage.
- After the birth, ages are counted in calendar months from the birth date (a child born on
  31 January is one month old on 28 or 29 February): up to and including the day the child is
  3 months old, ``0-3-mois``; up to and including the 1st birthday, ``4-12-mois``; up to and
  including the 2nd birthday, ``1-2-ans``; up to and including the 3rd birthday, ``2-3-ans``;
  after that, no stage (the 1000 days are over).
- With only a due date and the due date reached, the birth is estimated at the due date.
  A known birth date always wins over a due date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from milpj_desktop.content.models import Event
from milpj_desktop.errors import KnownError

TERM_DAYS = 287  # 41 SA × 7
EARLY_PREGNANCY_END = -189  # 14 SA, offset to the due date
MAX_AGE_YEARS = 3

PREGNANCY_STAGES = ("debut-grossesse", "fin-grossesse")
# Events of the birth itself (offset 0 to 7 days) that name this stage are placed in it.
BIRTH_STAGE = "accouchement"
BIRTH_STAGE_DAYS = 7
# (stage, age limit in calendar months, inclusive)
CHILD_STAGES: tuple[tuple[str, int], ...] = (
    ("0-3-mois", 3),
    ("4-12-mois", 12),
    ("1-2-ans", 24),
    ("2-3-ans", 36),
)


class TimelineError(KnownError):
    """Dates that cannot place a family in the 1000 days."""


class DatedEvent(NamedTuple):
    """An event placed on the calendar of one family."""

    event: Event
    date: dt.date
    stage_id: str | None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year = day.year + index // 12
    month = index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def _anchor(due_date: dt.date | None, birth_date: dt.date | None) -> tuple[dt.date, bool]:
    """The date offsets are counted from, and whether it is a real birth date."""
    if birth_date is not None:
        return birth_date, True
    if due_date is not None:
        return due_date, False
    raise TimelineError("Indiquez une date prévue d'accouchement (terme) ou une date de naissance.")


def stage_on(day: dt.date, *, anchor: dt.date) -> str | None:
    """The stage a given day falls into, for a birth (or estimated birth) on `anchor`."""
    offset = (day - anchor).days
    if offset < -TERM_DAYS:
        return None
    if offset < EARLY_PREGNANCY_END:
        return PREGNANCY_STAGES[0]
    if offset < 0:
        return PREGNANCY_STAGES[1]
    for stage_id, months in CHILD_STAGES:
        if day <= add_months(anchor, months):
            return stage_id
    return None


def current_stage(*, due_date: dt.date | None = None, birth_date: dt.date | None = None, today: dt.date) -> str | None:
    """The stage id for today, or None before the pregnancy or after the 3rd birthday."""
    anchor, is_birth = _anchor(due_date, birth_date)
    if is_birth and anchor > today:
        raise TimelineError(
            f"La date de naissance ({anchor:%d/%m/%Y}) est postérieure à aujourd'hui ({today:%d/%m/%Y})."
        )
    return stage_on(today, anchor=anchor)


def amenorrhoea_weeks(*, due_date: dt.date, today: dt.date) -> tuple[int, int]:
    """Weeks and days of amenorrhoea on `today` (41 SA on the due date)."""
    elapsed = (today - due_date).days + TERM_DAYS
    return elapsed // 7, elapsed % 7


def age_in_months(*, birth_date: dt.date, today: dt.date) -> int:
    """Completed calendar months since the birth."""
    months = (today.year - birth_date.year) * 12 + today.month - birth_date.month
    if add_months(birth_date, months) > today:
        months -= 1
    return months


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 and not word.endswith('s') else ''}"


def _french_list(parts: list[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def gestational_age_text(*, due_date: dt.date, today: dt.date) -> str:
    """« 24 SA et 3 jours »: weeks of amenorrhoea and days, the way a pregnancy follow-up writes it."""
    weeks, days = amenorrhoea_weeks(due_date=due_date, today=today)
    if weeks < 0:
        return "grossesse non commencée à cette date"
    return f"{weeks} SA" + (f" et {_plural(days, 'jour')}" if days else "")


def age_text(*, birth_date: dt.date, today: dt.date) -> str:
    """« 3 mois et 15 jours », « 2 ans, 1 mois et 3 jours »: calendar months, then the days since."""
    months = age_in_months(birth_date=birth_date, today=today)
    days = (today - add_months(birth_date, months)).days
    if months == 0 and days == 0:
        return "jour de la naissance"
    years, rest = divmod(months, 12) if months >= 24 else (0, months)
    parts = [_plural(years, "an")] if years else []
    parts += [f"{rest} mois"] if rest else []
    parts += [_plural(days, "jour")] if days else []
    return _french_list(parts)


def describe_position(*, due_date: dt.date | None = None, birth_date: dt.date | None = None, today: dt.date) -> str:
    """A short French phrase: « 22 SA et 3 jours », « 4 mois et 2 jours », « 2 ans et 1 mois »."""
    anchor, is_birth = _anchor(due_date, birth_date)
    if not is_birth and today < anchor:
        return gestational_age_text(due_date=anchor, today=today)
    if today < anchor:
        return "naissance à venir"
    estimated = "" if is_birth else " (naissance estimée au terme)"
    return age_text(birth_date=anchor, today=today) + estimated


def event_date(event: Event, *, anchor: dt.date) -> dt.date:
    """An event's date: the birth (or due) date plus its offset in days, or a day of the year the child reaches an age."""
    fixed = event.in_year_of_age
    if fixed is not None:
        return dt.date(anchor.year + fixed.age_years, fixed.month, fixed.day)
    return anchor + dt.timedelta(days=event.offset_days)


def _event_stage(event: Event, day: dt.date, *, anchor: dt.date) -> str | None:
    """The stage an event's date falls into; the birth's first week is "accouchement" for events of it."""
    if BIRTH_STAGE in event.stages and 0 <= (day - anchor).days <= BIRTH_STAGE_DAYS:
        return BIRTH_STAGE
    return stage_on(day, anchor=anchor) or (event.stages[0] if event.stages else None)


def upcoming_events(
    events: Iterable[Event],
    *,
    due_date: dt.date | None = None,
    birth_date: dt.date | None = None,
    today: dt.date,
    horizon: dt.timedelta | int | None = None,
    include_past: bool = False,
) -> list[DatedEvent]:
    """Events dated from today on (or all, with include_past), in date order, with their stage.

    `horizon` (a timedelta or a number of days) drops events later than today + horizon.
    The stage is the one the event's date falls into ("accouchement" for an event of that stage
    dated in the first week), or the event's first stage when the date is outside the 1000 days.
    """
    anchor, _ = _anchor(due_date, birth_date)
    limit: dt.date | None = None
    if horizon is not None:
        span = horizon if isinstance(horizon, dt.timedelta) else dt.timedelta(days=horizon)
        limit = today + span
    placed = []
    for event in events:
        day = event_date(event, anchor=anchor)
        if not include_past and day < today:
            continue
        if limit is not None and day > limit:
            continue
        stage = _event_stage(event, day, anchor=anchor)
        placed.append(DatedEvent(event, day, stage))
    placed.sort(key=lambda d: (d.date, not d.event.important, d.event.name))
    return placed
