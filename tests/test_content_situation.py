"""A family placed from a due date, a birth, a last period or a dating scan; late appointments kept apart."""

from __future__ import annotations

import datetime as dt

import pytest

from milpj_desktop.content.models import Event, Source
from milpj_desktop.content.situation import (
    BIRTH,
    DUE,
    PERIOD,
    SCAN,
    catch_up_events,
    due_from_period,
    due_from_scan,
    family_dates,
    place_family,
)
from milpj_desktop.content.timeline import TimelineError, age_text, describe_position, gestational_age_text

D = dt.date


@pytest.mark.parametrize(
    ("period", "due"),
    [
        (D(2027, 1, 1), D(2027, 10, 15)),  # the French table: DDR 1st January, term (41 SA) 15 October
        (D(2028, 2, 29), D(2028, 12, 12)),  # a leap day
        (D(2026, 12, 31), D(2027, 10, 14)),  # a month end across the year
    ],
)
def test_due_date_from_the_last_period(period: D, due: D) -> None:
    assert due_from_period(period) == due
    assert family_dates(PERIOD, period, today=period) == (due, None)
    assert describe_position(due_date=due, today=period) == "0 SA"
    assert describe_position(due_date=due, today=period + dt.timedelta(days=7 * 24 + 3)) == "24 SA et 3 jours"


def test_due_date_from_a_dating_scan() -> None:
    scan = D(2027, 3, 15)
    due = due_from_scan(scan, weeks=12, days=3)
    assert due == D(2027, 10, 1)  # 200 days after the scan: 41 SA − 12 SA 3 j
    assert family_dates(SCAN, scan, today=D(2027, 4, 1), weeks=12, days=3) == (due, None)
    assert gestational_age_text(due_date=due, today=scan) == "12 SA et 3 jours"
    assert gestational_age_text(due_date=due, today=scan + dt.timedelta(days=5)) == "13 SA et 1 jour"
    # a scan on 29 February
    assert due_from_scan(D(2028, 2, 29), weeks=22, days=0) == D(2028, 7, 11)


@pytest.mark.parametrize(("weeks", "days"), [(3, 0), (43, 0), (12, 7), (12, -1)])
def test_impossible_scan_ages_are_refused_in_french(weeks: int, days: int) -> None:
    with pytest.raises(TimelineError, match=r"SA|jours"):
        due_from_scan(D(2027, 3, 15), weeks=weeks, days=days)


def test_dates_in_the_future_are_refused() -> None:
    today = D(2027, 3, 15)
    with pytest.raises(TimelineError, match=r"dernières règles .* postérieure"):
        family_dates(PERIOD, D(2027, 3, 16), today=today)
    with pytest.raises(TimelineError, match=r"échographie .* postérieure"):
        family_dates(SCAN, D(2027, 3, 16), today=today, weeks=12)
    assert family_dates(DUE, D(2027, 9, 1), today=today) == (D(2027, 9, 1), None)
    assert family_dates(BIRTH, D(2027, 1, 1), today=today) == (None, D(2027, 1, 1))


@pytest.mark.parametrize(
    ("birth", "today", "expected"),
    [
        (D(2026, 1, 15), D(2026, 1, 15), "jour de la naissance"),
        (D(2026, 1, 15), D(2026, 1, 16), "1 jour"),
        (D(2026, 1, 15), D(2026, 4, 30), "3 mois et 15 jours"),
        (D(2026, 1, 15), D(2026, 4, 16), "3 mois et 1 jour"),
        (D(2026, 1, 31), D(2026, 2, 27), "27 jours"),  # not yet a month: 28 February is
        (D(2026, 1, 31), D(2026, 2, 28), "1 mois"),
        (D(2026, 1, 31), D(2026, 3, 1), "1 mois et 1 jour"),
        (D(2028, 2, 29), D(2029, 2, 28), "12 mois"),  # a leap-day child is one on 28 February
        (D(2028, 2, 29), D(2029, 3, 1), "12 mois et 1 jour"),
        (D(2028, 2, 29), D(2030, 2, 28), "2 ans"),
        (D(2024, 1, 15), D(2026, 2, 18), "2 ans, 1 mois et 3 jours"),
        (D(2024, 1, 15), D(2026, 1, 20), "2 ans et 5 jours"),
        (D(2024, 1, 15), D(2025, 12, 14), "22 mois et 29 jours"),
    ],
)
def test_age_in_calendar_months_and_days(birth: D, today: D, expected: str) -> None:
    assert age_text(birth_date=birth, today=today) == expected


def test_gestational_age_boundaries() -> None:
    due = D(2026, 10, 15)
    assert gestational_age_text(due_date=due, today=D(2026, 10, 12)) == "40 SA et 4 jours"
    assert gestational_age_text(due_date=due, today=D(2026, 10, 14)) == "40 SA et 6 jours"
    assert gestational_age_text(due_date=due, today=D(2025, 12, 31)) == "grossesse non commencée à cette date"
    assert describe_position(due_date=due, today=D(2026, 10, 30)) == "15 jours (naissance estimée au terme)"


def _event(event_id: str, offset: int, *, themes: tuple[str, ...] = ("sante",)) -> Event:
    return Event(
        id=event_id,
        name=event_id.replace("-", " ").capitalize(),
        description="Description.",
        offset_days=offset,
        stages=["0-3-mois"],
        themes=list(themes),
        sources=[Source(body="HAS", title="Source")],
    )


EVENTS = [
    _event("examen-prenatal", -100),
    _event("naissance", 0),
    _event("examen-8e-jour", 8),
    _event("vaccins-2-mois", 61),
    _event("examen-4e-mois", 91),
    _event("examen-5e-mois", 122),
    _event("conge", 150, themes=("demarches",)),
    _event("examen-6e-mois", 152),
    _event("examen-9e-mois", 258),
]


def test_catch_up_keeps_vaccines_and_recent_appointments_of_this_part() -> None:
    birth = D(2026, 1, 15)
    today = D(2026, 8, 15)  # 7 months: 92 days back is 15 May 2026
    late = catch_up_events(EVENTS, birth_date=birth, today=today)
    assert [(p.event.id, p.date) for p in late] == [
        ("vaccins-2-mois", D(2026, 3, 17)),  # a vaccine, however old
        ("examen-5e-mois", D(2026, 5, 17)),
        ("examen-6e-mois", D(2026, 6, 16)),
    ]
    # the exact edge of the window: an appointment 92 days ago is kept, 93 days ago is not
    edge = D(2026, 5, 17) + dt.timedelta(days=92)
    assert "examen-5e-mois" in [p.event.id for p in catch_up_events(EVENTS, birth_date=birth, today=edge)]
    gone = edge + dt.timedelta(days=1)
    assert "examen-5e-mois" not in [p.event.id for p in catch_up_events(EVENTS, birth_date=birth, today=gone)]


def test_catch_up_during_pregnancy_and_on_the_day() -> None:
    due = D(2026, 10, 15)
    assert [p.event.id for p in catch_up_events(EVENTS, due_date=due, today=D(2026, 7, 8))] == ["examen-prenatal"]
    assert catch_up_events(EVENTS, due_date=due, today=D(2026, 7, 7)) == []  # due today: not late yet
    # after the (estimated) birth, a prenatal visit is no longer to catch up
    after = catch_up_events(EVENTS, due_date=due, today=D(2026, 10, 30))
    assert [p.event.id for p in after] == ["examen-8e-jour"]


def test_place_family_splits_late_and_ahead() -> None:
    found = place_family(EVENTS, birth_date=D(2026, 1, 15), today=D(2026, 8, 15), ahead=5)
    assert found.stage_id == "4-12-mois"
    assert found.position == "7 mois"
    assert [p.event.id for p in found.upcoming] == ["examen-9e-mois"]
    assert {p.event.id for p in found.catch_up}.isdisjoint(p.event.id for p in found.upcoming)
