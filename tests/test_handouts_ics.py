"""The calendar as an .ics file: parsed back with icalendar, from the core, the command line and the window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from icalendar import Calendar
from pytestqt.qtbot import QtBot

from milpj_desktop.content import repository, timeline
from milpj_desktop.handouts.ics import calendar_ics
from milpj_desktop.store import Store
from tests.conftest import run_cli
from tests.test_handouts_ui import choose, editor, page  # noqa: F401 — the page fixture
from ui.fiches_params import DateEdit
from ui.pages.fiches import FichesPage
from ui.qt import Qt

TODAY = dt.date(2026, 3, 12)
NOW = dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC)


def events_of(data: bytes) -> list[dict[str, object]]:
    calendar = Calendar.from_ical(data)
    return [
        {
            "summary": str(e.get("summary")),
            "start": e.decoded("dtstart"),
            "description": str(e.get("description")),
            "alarms": [a.decoded("trigger") for a in e.walk("VALARM")],
            "uid": str(e.get("uid")),
        }
        for e in calendar.walk("VEVENT")
    ]


def test_ics_holds_the_same_dated_events_as_the_printed_calendar(content_store: Store) -> None:
    due = dt.date(2026, 5, 1)
    data = calendar_ics(content_store.conn, due=due, today=TODAY, now=NOW, structure="PMI d'Ornans")
    events = events_of(data)
    expected = timeline.upcoming_events(repository.list_events(content_store.conn), due_date=due, today=TODAY)
    # Summaries are in French typography (« l’école »): compared with the content's straight apostrophes.
    summaries = [(str(e["summary"]).replace("\u2019", "'"), e["start"]) for e in events]
    assert summaries == [(d.event.name, d.date) for d in expected]
    assert len({e["uid"] for e in events}) == len(events)  # importing twice does not duplicate
    first = events[0]
    assert first["start"] >= TODAY  # type: ignore[operator]
    description = str(first["description"])
    assert "Date indicative" in description and "PMI d\u2019Ornans" in description and "\\n" not in description
    important = [e for e, d in zip(events, expected, strict=True) if d.event.important and not is_step(d.event.themes)]
    # 9 h a week before and 9 h the day before (from the all-day event's midnight), not at midnight.
    week, day = dt.timedelta(days=-6, hours=-15), dt.timedelta(hours=-15)
    assert important and all(e["alarms"] == [week, day] for e in important)


def is_step(themes: list[str]) -> bool:
    return "demarches" in themes


def alarm_times(event: dict[str, object]) -> list[dt.datetime]:
    start = event["start"]
    assert isinstance(start, dt.date)
    midnight = dt.datetime.combine(start, dt.time())
    return sorted(midnight + t for t in event["alarms"])  # type: ignore[attr-defined]


def test_steps_that_protect_rights_are_reminded_early_enough(content_store: Store) -> None:
    due = dt.date(2026, 5, 1)
    data = calendar_ics(content_store.conn, due=due, today=TODAY, now=NOW)
    by_id = {str(e["uid"]).split("-2026-05-01@")[0]: e for e in events_of(data)}
    expected_dates = {
        "prevenir-employeur-conge-paternite": dt.date(2026, 3, 17),  # about 6 weeks before the term
        "declaration-naissance": dt.date(2026, 5, 2),  # day 1
        "reste-conge-paternite": dt.date(2026, 5, 8),  # day 7
        "inscription-ecole-maternelle": dt.date(2029, 3, 1),  # March of the year the child turns 3
    }
    for event_id, date in expected_dates.items():
        event = by_id[event_id]
        assert event["start"] == date, event_id
        times = alarm_times(event)
        # A week before and the day before, at 9 h, and on the day itself.
        assert times == [
            dt.datetime.combine(date - dt.timedelta(days=7), dt.time(9)),
            dt.datetime.combine(date - dt.timedelta(days=1), dt.time(9)),
            dt.datetime.combine(date, dt.time(9)),
        ], (event_id, times)
    # The employer must hear of the paternity leave at least a month before it starts (at the birth).
    assert alarm_times(by_id["prevenir-employeur-conge-paternite"])[0] <= dt.datetime.combine(
        due - dt.timedelta(days=31), dt.time(23, 59)
    )
    # The birth is declared within 5 days: a reminder rings on the day after the birth at the latest.
    assert alarm_times(by_id["declaration-naissance"])[-1] < dt.datetime.combine(due + dt.timedelta(days=5), dt.time())


def test_cli_writes_the_ics(content_store: Store, tmp_path: Path) -> None:
    content_store.close()
    target = tmp_path / "agenda.ics"
    done = run_cli(
        "fiche", "--modele", "calendrier-1000-jours", "--param", "naissance=2026-02-01", "--ics", str(target)
    )
    assert done.returncode == 0, done.stderr
    assert "Agenda écrit" in done.stdout
    events = events_of(target.read_bytes())
    assert events and all(isinstance(e["start"], dt.date) for e in events)
    refused = run_cli("fiche", "--modele", "fiche-etape", "--param", "etape=3", "--ics", str(tmp_path / "x.ics"))
    assert refused.returncode == 2 and "calendrier" in refused.stderr and "Traceback" not in refused.stderr


def test_window_saves_the_ics_for_the_calendar(qtbot: QtBot, page: FichesPage, tmp_path: Path) -> None:  # noqa: F811
    choose(page, "fiche-conseil")
    assert not page.ics_button.isVisible()
    choose(page, "calendrier-1000-jours")
    assert page.form is not None
    page.form.choices["terme"].setChecked(True)
    due = editor(page, "terme")
    assert isinstance(due, DateEdit)
    next_year = dt.date.today().year + 1
    due.edit.clear()
    qtbot.keyClicks(due.edit, f"28/02/{next_year}")  # typed as people do, Entrée validates
    qtbot.keyClick(due.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(page.ics_button.isEnabled, timeout=5000)
    target = tmp_path / "famille.ics"
    page.ask_ics_path = lambda suggested: target
    page.ics_button.click()
    qtbot.waitUntil(lambda: "Agenda enregistré" in page.feedback.text(), timeout=10000)
    events = events_of(target.read_bytes())
    assert events and events[-1]["start"] > dt.date(next_year, 2, 28)  # type: ignore[operator]
