"""Current stage and upcoming events, at the exact boundaries."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from milpj_desktop.content.models import Event, Source
from milpj_desktop.content.timeline import (
    TimelineError,
    add_months,
    age_in_months,
    amenorrhoea_weeks,
    current_stage,
    describe_position,
    upcoming_events,
)

D = dt.date
ETAPES = Path(__file__).resolve().parents[1] / "ressources" / "contenus" / "etapes.json"


def _due_in(days: int, today: D) -> D:
    return today + dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("days_before_due", "expected"),
    [
        (288, None),  # before the first day of amenorrhoea
        (287, "debut-grossesse"),  # 0 SA
        (190, "debut-grossesse"),  # 13 SA + 6 days
        (189, "fin-grossesse"),  # 14 SA
        (1, "fin-grossesse"),  # the day before the term
        (0, "0-3-mois"),  # due date reached: birth estimated at the term
    ],
)
def test_pregnancy_boundaries(days_before_due: int, expected: str | None) -> None:
    today = D(2026, 3, 1)
    assert current_stage(due_date=_due_in(days_before_due, today), today=today) == expected


def test_pregnancy_offsets_match_the_pack() -> None:
    stages = {s["id"]: s for s in json.loads(ETAPES.read_text(encoding="utf-8"))}
    assert stages["debut-grossesse"]["start_days"] == -287
    assert stages["debut-grossesse"]["end_days"] == -189
    assert stages["fin-grossesse"]["start_days"] == -189
    assert stages["fin-grossesse"]["end_days"] == 0


@pytest.mark.parametrize(
    ("birth", "today", "expected"),
    [
        (D(2026, 1, 15), D(2026, 1, 15), "0-3-mois"),  # the day of birth
        (D(2026, 1, 15), D(2026, 4, 15), "0-3-mois"),  # exactly 3 months
        (D(2026, 1, 15), D(2026, 4, 16), "4-12-mois"),  # 3 months and a day
        (D(2026, 1, 15), D(2027, 1, 15), "4-12-mois"),  # 1st birthday
        (D(2026, 1, 15), D(2027, 1, 16), "1-2-ans"),
        (D(2026, 1, 15), D(2028, 1, 15), "1-2-ans"),  # 2nd birthday
        (D(2026, 1, 15), D(2028, 1, 16), "2-3-ans"),
        (D(2026, 1, 15), D(2029, 1, 15), "2-3-ans"),  # 3rd birthday
        (D(2026, 1, 15), D(2029, 1, 16), None),  # the 1000 days are over
        # calendar months, not 30 days: born 30 November, 3 months on 28 February (not 1 March)
        (D(2025, 11, 30), D(2026, 2, 28), "0-3-mois"),
        (D(2025, 11, 30), D(2026, 3, 1), "4-12-mois"),
        # a leap-day birth is one year old on 28 February
        (D(2028, 2, 29), D(2029, 2, 28), "4-12-mois"),
        (D(2028, 2, 29), D(2029, 3, 1), "1-2-ans"),
    ],
)
def test_child_boundaries_in_calendar_months(birth: D, today: D, expected: str | None) -> None:
    assert current_stage(birth_date=birth, today=today) == expected


def test_birth_date_wins_over_due_date() -> None:
    today = D(2026, 6, 1)
    assert current_stage(due_date=D(2026, 9, 1), birth_date=D(2026, 5, 1), today=today) == "0-3-mois"


def test_bad_dates_are_known_errors() -> None:
    with pytest.raises(TimelineError, match="postérieure"):
        current_stage(birth_date=D(2026, 7, 1), today=D(2026, 6, 1))
    with pytest.raises(TimelineError, match="date prévue"):
        current_stage(today=D(2026, 6, 1))


def test_calendar_helpers() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)
    assert age_in_months(birth_date=D(2026, 1, 31), today=D(2026, 2, 27)) == 0
    assert age_in_months(birth_date=D(2026, 1, 31), today=D(2026, 2, 28)) == 1
    assert amenorrhoea_weeks(due_date=D(2026, 10, 15), today=D(2026, 10, 15)) == (41, 0)
    assert amenorrhoea_weeks(due_date=D(2026, 10, 15), today=D(2026, 10, 12)) == (40, 4)
    assert describe_position(due_date=D(2026, 10, 15), today=D(2026, 10, 12)) == "40 SA et 4 jours"
    assert describe_position(birth_date=D(2024, 1, 15), today=D(2026, 3, 20)) == "2 ans, 2 mois et 5 jours"
    assert describe_position(birth_date=D(2026, 1, 15), today=D(2026, 1, 16)) == "1 jour"


def _event(event_id: str, offset: int, *, important: bool = False) -> Event:
    return Event(
        id=event_id,
        name=f"Événement {event_id}",
        description="Description.",
        offset_days=offset,
        important=important,
        stages=["fin-grossesse"],
        sources=[Source(body="HAS", title="Source")],
    )


def test_upcoming_events_dates_order_horizon_and_stage() -> None:
    events = [_event("apres", 60), _event("passe", -200), _event("bientot", -10), _event("naissance", 0)]
    due = D(2026, 10, 15)
    today = D(2026, 9, 1)
    found = upcoming_events(events, due_date=due, today=today)
    assert [(d.event.id, d.date, d.stage_id) for d in found] == [
        ("bientot", D(2026, 10, 5), "fin-grossesse"),
        ("naissance", D(2026, 10, 15), "0-3-mois"),
        ("apres", D(2026, 12, 14), "0-3-mois"),
    ]
    within = upcoming_events(events, due_date=due, today=today, horizon=44)
    assert [d.event.id for d in within] == ["bientot", "naissance"]
    assert [d.event.id for d in upcoming_events(events, due_date=due, today=today, horizon=dt.timedelta(days=43))] == [
        "bientot"
    ]
    everything = upcoming_events(events, due_date=due, today=today, include_past=True)
    assert everything[0].event.id == "passe"
    assert everything[0].date == D(2026, 3, 29)
    event, day, stage = everything[0]  # a plain tuple for callers that unpack
    assert (event.id, day, stage) == ("passe", D(2026, 3, 29), "debut-grossesse")


def test_upcoming_events_after_birth_use_the_birth_date() -> None:
    events = [_event("j8", 8), _event("m9", 274)]
    found = upcoming_events(events, birth_date=D(2026, 1, 10), due_date=D(2026, 1, 20), today=D(2026, 1, 12))
    assert [(d.event.id, d.date, d.stage_id) for d in found] == [
        ("j8", D(2026, 1, 18), "0-3-mois"),
        ("m9", D(2026, 10, 11), "4-12-mois"),
    ]


def test_same_day_events_put_the_important_first() -> None:
    events = [_event("a", 5), _event("b", 5, important=True)]
    found = upcoming_events(events, birth_date=D(2026, 1, 1), today=D(2026, 1, 1))
    assert [d.event.id for d in found] == ["b", "a"]


def test_events_of_the_birth_week_are_placed_in_accouchement() -> None:
    birth_event = Event(
        id="declaration",
        name="Déclaration de naissance",
        description="Dans les 5 jours.",
        offset_days=5,
        stages=["accouchement", "0-3-mois"],
        sources=[Source(body="Service-public.fr", title="Déclaration")],
    )
    later = _event("examen-8-jours", 8)
    found = upcoming_events([birth_event, later], birth_date=D(2026, 1, 1), today=D(2026, 1, 1))
    assert [(d.event.id, d.stage_id) for d in found] == [
        ("declaration", "accouchement"),
        ("examen-8-jours", "0-3-mois"),
    ]
