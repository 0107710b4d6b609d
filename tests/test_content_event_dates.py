"""Dates of the pack's corrected events for real families, at the boundaries of the calendar year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from milpj_desktop.content.models import Event, YearAnchor
from milpj_desktop.content.pack import load_pack
from milpj_desktop.content.timeline import event_date, upcoming_events

D = dt.date
PACK = Path(__file__).resolve().parents[1] / "ressources" / "contenus"


@pytest.fixture(scope="module")
def events() -> dict[str, Event]:
    return {e.id: e for e in load_pack(PACK).events}


@pytest.mark.parametrize(
    ("birth", "enrolment"),
    [
        # Born on 31 December: turns 3 at the very end of 2027, enters school in September 2027.
        (D(2024, 12, 31), D(2027, 3, 1)),
        # Born the next day, 1 January: one school year later.
        (D(2025, 1, 1), D(2028, 3, 1)),
        # Born in autumn: day 1000 would fall in July 2027, too late for the rentrée of 2027.
        (D(2024, 10, 15), D(2027, 3, 1)),
        # Born on 29 February: the year, not the birthday, decides.
        (D(2024, 2, 29), D(2027, 3, 1)),
    ],
)
def test_school_enrolment_is_in_the_spring_of_the_year_the_child_turns_3(
    events: dict[str, Event], birth: D, enrolment: D
) -> None:
    event = events["inscription-ecole-maternelle"]
    assert event_date(event, anchor=birth) == enrolment
    assert enrolment < D(birth.year + 3, 9, 1), "avant la rentrée de septembre de l'année des 3 ans"


def test_school_enrolment_from_a_due_date_uses_the_due_date_year(events: dict[str, Event]) -> None:
    placed = upcoming_events([events["inscription-ecole-maternelle"]], due_date=D(2026, 12, 20), today=D(2026, 6, 1))
    assert [(p.event.id, p.date) for p in placed] == [("inscription-ecole-maternelle", D(2029, 3, 1))]


def test_birth_reminders_come_early_even_across_new_year(events: dict[str, Event]) -> None:
    born = D(2026, 12, 31)
    assert event_date(events["declaration-naissance"], anchor=born) == D(2027, 1, 1)
    assert event_date(events["examen-8e-jour"], anchor=born) <= D(2027, 1, 8)
    assert event_date(events["reste-conge-paternite"], anchor=born) == D(2027, 1, 7)
    assert event_date(events["prevenir-employeur-conge-paternite"], anchor=born) < D(2026, 12, 1)
    assert "au plus tard le 5e jour" in events["declaration-naissance"].description
    assert "entre 48 et 72 heures" in events["depistage-neonatal"].description.lower()


def test_offset_events_keep_their_offset(events: dict[str, Event]) -> None:
    assert event_date(events["vaccin-rotavirus"], anchor=D(2026, 1, 1)) == D(2026, 3, 3)


@pytest.mark.parametrize("fields", [{"age_years": 3, "month": 2, "day": 29}, {"age_years": 4, "month": 3, "day": 1}])
def test_year_anchor_rejects_days_that_do_not_exist_every_year_and_ages_past_3(fields: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        YearAnchor.model_validate(fields)
