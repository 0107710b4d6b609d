"""« Ouvert maintenant » with French public holidays, favourites and note markers, on a real store."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from milpj_desktop.directory import communes, repository
from milpj_desktop.directory.corrections import CorrectionError, correction_message, current_values, proposed_changes
from milpj_desktop.directory.hours import is_open, open_status, parse_hours
from milpj_desktop.directory.models import DirectoryEntry
from milpj_desktop.directory.public_holidays import holiday_name
from milpj_desktop.directory.search import Filters, search_rows
from milpj_desktop.store import Store

ASCENSION_2026_10H = dt.datetime(2026, 5, 14, 10, 0)  # a Thursday
GOOD_FRIDAY_2026_10H = dt.datetime(2026, 4, 3, 10, 0)  # a holiday in Alsace-Moselle only
WEEKDAYS_9_17 = "lundi-vendredi 9h-17h"
EVERY_DAY = "lundi-dimanche 0h-24h"


def _entry(national_id: str, name: str, postcode: str, hours: str) -> DirectoryEntry:
    place = communes.resolve(postcode)
    assert place is not None
    return DirectoryEntry.model_validate(
        {
            "national_id": national_id,
            "kind": "structure",
            "type": "pmi",
            "name": name,
            "postcode": postcode,
            "commune_insee": place.insee,
            "commune": place.name,
            "latitude": place.lat,
            "longitude": place.lon,
            "hours": [h.model_dump() for h in parse_hours(hours)],
            "updated_at": "2026-01-01T00:00:00Z",
        }
    )


def test_holidays_come_from_the_library_with_local_days() -> None:
    assert holiday_name(dt.date(2026, 5, 14)) == "Ascension"
    assert holiday_name(dt.date(2026, 4, 3), "25") is None
    assert holiday_name(dt.date(2026, 4, 3), "67") == "Vendredi saint"
    assert holiday_name(dt.date(2026, 4, 3), "57") == "Vendredi saint"
    assert holiday_name(dt.date(2026, 12, 20), "974") == "Abolition de l'esclavage"
    assert holiday_name(dt.date(2026, 5, 13)) is None


def test_open_status_closes_on_a_public_holiday_unless_open_every_day() -> None:
    weekdays = parse_hours(WEEKDAYS_9_17)
    assert open_status(weekdays, ASCENSION_2026_10H).open_now  # without a département: the weekly schedule only
    status = open_status(weekdays, ASCENSION_2026_10H, departement="25")
    assert not status.open_now
    assert status.label == "Fermé (jour férié : Ascension) — ouvre demain à 9 h"
    assert open_status(weekdays, GOOD_FRIDAY_2026_10H, departement="25").open_now
    assert not open_status(weekdays, GOOD_FRIDAY_2026_10H, departement="67").open_now
    wed = open_status(weekdays, dt.datetime(2026, 5, 13, 18, 0), departement="25")
    assert wed.label == "Fermé — ouvre vendredi à 9 h"  # Thursday is skipped
    assert open_status(parse_hours(EVERY_DAY), ASCENSION_2026_10H, departement="25").open_now


def test_is_open_reads_stored_hours() -> None:
    text = json.dumps(json.loads(_entry("x", "x", "25000", WEEKDAYS_9_17).model_dump_json())["hours"])
    assert is_open(text, dt.datetime(2026, 5, 13, 10, 0), "25")
    assert not is_open(text, dt.datetime(2026, 5, 13, 17, 0), "25")  # closes at 17 h
    assert not is_open(text, ASCENSION_2026_10H, "25")
    assert not is_open("[]", dt.datetime(2026, 5, 13, 10, 0), "25") and not is_open(None, ASCENSION_2026_10H, "25")


def test_search_filters_open_now_and_favourites_and_marks_rows(store: Store) -> None:
    with store.transaction() as conn:
        repository.upsert_national_many(
            conn,
            [
                _entry("pmi-besancon", "PMI de Besançon", "25000", WEEKDAYS_9_17),
                _entry("pmi-strasbourg", "PMI de Strasbourg", "67000", WEEKDAYS_9_17),
                _entry("maternite-dole", "Maternité de Dole", "39100", EVERY_DAY),
                _entry("pmi-sans-horaires", "PMI sans horaires", "39100", ""),
            ],
        )
        repository.set_favourite(conn, "pmi-strasbourg", True)
        repository.set_favourite(conn, "maternite-dole", True)
        repository.set_favourite(conn, "maternite-dole", True)  # twice: still one favourite
        repository.set_note(conn, "pmi-besancon", "Entrée par la cour")
    conn = store.conn

    def names(**kwargs: object) -> list[str]:
        return sorted(r.name for r in search_rows(conn, **kwargs))  # type: ignore[arg-type]

    assert len(names()) == 4
    assert names(filters=Filters(open_at=GOOD_FRIDAY_2026_10H)) == ["Maternité de Dole", "PMI de Besançon"]
    assert names(filters=Filters(open_at=ASCENSION_2026_10H)) == ["Maternité de Dole"]
    assert names(filters=Filters(favourites_only=True)) == ["Maternité de Dole", "PMI de Strasbourg"]
    both = Filters(favourites_only=True, open_at=GOOD_FRIDAY_2026_10H)
    assert names(text="strasbourg", filters=both) == []  # a favourite, closed on Good Friday in Alsace
    assert names(text="dole", filters=both) == ["Maternité de Dole"]
    marks = {r.id: (r.has_note, r.favourite) for r in search_rows(conn)}
    assert marks == {
        "pmi-besancon": (True, False),
        "pmi-strasbourg": (False, True),
        "maternite-dole": (False, True),
        "pmi-sans-horaires": (False, False),
    }
    stored = repository.get_entry(conn, "maternite-dole")
    assert stored is not None and stored.favourite
    with store.transaction() as conn:
        repository.set_favourite(conn, "maternite-dole", False)
        repository.upsert_national(conn, _entry("pmi-strasbourg", "PMI de Strasbourg (rue neuve)", "67000", ""))
    # a synchronisation replacing the entry leaves the favourite alone
    assert names(filters=Filters(favourites_only=True)) == ["PMI de Strasbourg (rue neuve)"]


def test_correction_field_by_field_checks_values_and_writes_one_message() -> None:
    entry = _entry("pmi-besancon", "PMI de Besançon", "25000", WEEKDAYS_9_17)
    entry = entry.model_copy(update={"phone": "+33381615050"})
    assert current_values(entry)["phone"] == "03 81 61 50 50"
    with pytest.raises(CorrectionError, match="Indiquez au moins"):
        correction_message(proposed_changes(entry, {"phone": "03 81 61 50 50"}), "  ")  # unchanged = nothing
    with pytest.raises(CorrectionError, match="Téléphone proposé"):
        proposed_changes(entry, {"phone": "03 81 6"})
    with pytest.raises(CorrectionError, match="Code postal proposé"):
        proposed_changes(entry, {"postcode": "2500"})
    changes = proposed_changes(entry, {"phone": "03 81 61 50 51", "name": "PMI de besançon ", "hours": "lundi 9h-12h"})
    assert [(c.label, c.current, c.proposed) for c in changes] == [
        ("Téléphone", "03 81 61 50 50", "03 81 61 50 51"),
        ("Horaires", "lundi-vendredi 09:00-17:00", "lundi 9h-12h"),
    ]
    assert correction_message(changes, "Fermé le vendredi depuis mars.") == (
        "Téléphone\u00a0: «\u00a003 81 61 50 50\u00a0» → «\u00a003 81 61 50 51\u00a0»\n"
        "Horaires\u00a0: «\u00a0lundi-vendredi 09:00-17:00\u00a0» → «\u00a0lundi 9h-12h\u00a0»\n"
        "Commentaire\u00a0: Fermé le vendredi depuis mars."
    )
