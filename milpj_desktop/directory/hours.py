"""Opening hours: parse the text people write, show them in French, say whether it is open now.

Pure functions; the clock is a parameter, so "ouvert maintenant" is testable at any instant.
Given the entry's département, a French public holiday (public_holidays) closes a place that is not
open every day of the week; a place open seven days a week (a maternity ward) is taken as open on
holidays too.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass

from milpj_desktop.directory.models import WEEKDAYS, DayRange, TimeSlot, Weekday
from milpj_desktop.directory.public_holidays import holiday_name


class HoursError(ValueError):
    """Hours that cannot be read; the message says where."""


_DAY_ALIASES: dict[str, int] = {}
for _i, _name in enumerate(WEEKDAYS):
    for _alias in (_name, _name[:2], _name[:3], _name[:3] + "."):
        _DAY_ALIASES.setdefault(_alias, _i)
_DAY_ALIASES.update({"me": 2, "mer": 2, "je": 3, "jeu": 3, "di": 6, "dim": 6})

_TIME = r"(\d{1,2})\s*(?:[h:]\s*(\d{2})?)?(?::\d{2})?"
_SLOT = re.compile(rf"^{_TIME}\s*(?:-|–|—|à|a)\s*{_TIME}$")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _day(word: str, where: str) -> int:
    direct = _DAY_ALIASES.get(word)
    if direct is not None:
        return direct
    key = _fold(word.strip()).rstrip(".")
    if key in _DAY_ALIASES:
        return _DAY_ALIASES[key]
    if key + "." in _DAY_ALIASES:
        return _DAY_ALIASES[key + "."]
    raise HoursError(f"{where} : jour « {word.strip()} » inconnu")


def _hhmm(hours: str, minutes: str | None, where: str) -> str:
    h = int(hours)
    m = int(minutes or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        raise HoursError(f"{where} : heure {hours}h{minutes or ''} invalide")
    return f"{h:02d}:{m:02d}"


def parse_hours(text: str) -> list[DayRange]:
    """Read 'lundi-vendredi 9h-12h, 14h-17h; samedi 9h-12h' (also 'lu-ve 09:00-12:00 14:00-17:00').

    Groups are separated by ';' or a new line; each names a day or a day range, then slots.
    The JSON list of [first_day, last_day, [[opens, closes], …]] (the town-hall file) is read too.
    """
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        return parse_hours_json(text)
    out: list[DayRange] = []
    for number, group in enumerate(re.split(r"[;\n]+", text), start=1):
        group = group.strip()
        if not group:
            continue
        where = f"horaires, groupe {number} « {group} »"
        match = re.match(r"^([^\d]+?)\s*:?\s+(?=\d)(.*)$", group)
        if not match:
            raise HoursError(f"{where} : jours puis créneaux attendus (ex. « lundi-vendredi 9h-12h »)")
        days_text, slots_text = match.groups()
        days_text = re.sub(r"^(du|le|les)\s+", "", days_text.strip(), flags=re.IGNORECASE)
        parts = re.split(r"\s*(?:-|–|—|\bau\b|\ba\b|\bà\b)\s*", days_text)
        parts = [p for p in parts if p]
        if len(parts) == 1:
            first = last = _day(parts[0], where)
        elif len(parts) == 2:
            first, last = _day(parts[0], where), _day(parts[1], where)
        else:
            raise HoursError(f"{where} : plage de jours illisible")
        slots = []
        for slot_text in re.split(r"\s*(?:,|\bet\b|\s)\s*(?=\d)", slots_text.strip()):
            slot_match = _SLOT.match(slot_text.strip())
            if not slot_match:
                raise HoursError(f"{where} : créneau « {slot_text.strip()} » illisible (ex. 9h-12h)")
            h1, m1, h2, m2 = slot_match.groups()
            slots.append((_hhmm(h1, m1, where), _hhmm(h2, m2, where)))
        out.append(_make_range(WEEKDAYS[first], WEEKDAYS[last], slots, where))
    return out


def parse_hours_json(text: str) -> list[DayRange]:
    """The town-hall format: [["lundi","vendredi",[["09:00:00","12:00:00"]]], …] ("" = same day)."""
    return list(_parse_hours_json(text))


@functools.lru_cache(maxsize=8192)
def _parse_hours_json(text: str) -> tuple[DayRange, ...]:
    """Town halls share few schedules: each distinct text is parsed once."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HoursError(f"horaires : JSON illisible ({exc.msg})") from exc
    if not isinstance(raw, list):
        raise HoursError("horaires : une liste est attendue")
    out: list[DayRange] = []
    for number, item in enumerate(raw, start=1):
        where = f"horaires, groupe {number}"
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[2], list)):
            raise HoursError(f"{where} : [premier jour, dernier jour, créneaux] attendu")
        first = _day(str(item[0]), where)
        last = _day(str(item[1]), where) if str(item[1]).strip() else first
        slots = []
        for slot in item[2]:
            if not (isinstance(slot, list) and len(slot) == 2):
                raise HoursError(f"{where} : créneau [ouverture, fermeture] attendu")
            slots.append((str(slot[0]), str(slot[1])))
        out.append(_make_range(WEEKDAYS[first], WEEKDAYS[last], slots, where))
    return tuple(out)


_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")
_CLOCKS = {f"{h:02d}:{m:02d}{s}": f"{h:02d}:{m:02d}" for h in range(24) for m in range(60) for s in ("", ":00")}


def _clock(text: str, where: str) -> str:
    known = _CLOCKS.get(text)
    if known is not None:
        return known
    match = _CLOCK.match(text.strip())
    if not match:
        raise HoursError(f"{where} : heure « {text} » invalide (HH:MM attendu)")
    return _hhmm(match.group(1), match.group(2), where)


def _make_range(first: Weekday, last: Weekday, slots: list[tuple[str, str]], where: str) -> DayRange:
    """Check and build a range (this runs for every row of a national import, so no revalidation)."""
    if not slots:
        raise HoursError(f"{where} : aucun créneau")
    if len(slots) > 6:
        raise HoursError(f"{where} : plus de 6 créneaux")
    checked = sorted((_clock(o, where), _clock(c, where)) for o, c in slots)
    for opens, closes in checked:
        if closes <= opens:
            raise HoursError(f"{where} : créneau {opens}–{closes} : la fermeture doit suivre l'ouverture")
    for (_, closes), (opens, _) in itertools.pairwise(checked):
        if opens < closes:
            raise HoursError(f"{where} : créneaux qui se chevauchent ({closes} après {opens})")
    return _range(first, last, tuple(checked))


@functools.lru_cache(maxsize=4096)
def _slot(opens: str, closes: str) -> TimeSlot:
    return TimeSlot.model_construct(opens=opens, closes=closes)


@functools.lru_cache(maxsize=16384)
def _range(first: Weekday, last: Weekday, slots: tuple[tuple[str, str], ...]) -> DayRange:
    """Checked ranges are immutable and shared (many places keep the same hours)."""
    return DayRange.model_construct(first_day=first, last_day=last, slots=[_slot(o, c) for o, c in slots])


def days_of(day_range: DayRange) -> list[int]:
    """Weekday numbers (lundi = 0) a range covers, wrapping past dimanche."""
    first = WEEKDAYS.index(day_range.first_day)
    last = WEEKDAYS.index(day_range.last_day)
    count = (last - first) % 7 + 1
    return [(first + k) % 7 for k in range(count)]


def weekly(hours: list[DayRange]) -> list[list[TimeSlot]]:
    """Slots for each weekday, lundi first, sorted by opening time."""
    week: list[list[TimeSlot]] = [[] for _ in range(7)]
    for day_range in hours:
        for day in days_of(day_range):
            week[day].extend(day_range.slots)
    for slots in week:
        slots.sort(key=lambda s: s.opens)
    return week


def format_hours(hours: list[DayRange]) -> str:
    """The canonical text form, read back by parse_hours (CSV export)."""
    groups = []
    for day_range in hours:
        days = (
            day_range.first_day
            if day_range.first_day == day_range.last_day
            else (f"{day_range.first_day}-{day_range.last_day}")
        )
        groups.append(f"{days} " + " ".join(f"{s.opens}-{s.closes}" for s in day_range.slots))
    return "; ".join(groups)


def french_time(hhmm: str) -> str:
    """'09:00' → '9 h', '14:30' → '14 h 30'."""
    hours, minutes = hhmm.split(":")
    return f"{int(hours)} h" if minutes == "00" else f"{int(hours)} h {minutes}"


def describe_hours(hours: list[DayRange]) -> list[str]:
    """One French line per group of consecutive days with the same slots."""
    week = weekly(hours)
    lines: list[str] = []
    day = 0
    while day < 7:
        slots = week[day]
        end = day
        while end + 1 < 7 and week[end + 1] == slots:
            end += 1
        if slots:
            times = ", ".join(f"{french_time(s.opens)} – {french_time(s.closes)}" for s in slots)
            if end == day:
                label = WEEKDAYS[day].capitalize()
            elif end == day + 1:
                label = f"{WEEKDAYS[day].capitalize()} et {WEEKDAYS[end]}"
            else:
                label = f"Du {WEEKDAYS[day]} au {WEEKDAYS[end]}"
            lines.append(f"{label} : {times}")
        day = end + 1
    return lines


@dataclass(frozen=True)
class OpenStatus:
    """Where an entry stands at one instant: open or not, and a French sentence for it."""

    open_now: bool
    label: str
    next_change: dt.datetime | None


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    if hhmm == "24:00":
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0))
    hours, minutes = hhmm.split(":")
    return dt.datetime.combine(day, dt.time(int(hours), int(minutes)))


def _when(moment: dt.datetime, now: dt.datetime) -> str:
    delta = (moment.date() - now.date()).days
    time = french_time(moment.strftime("%H:%M"))
    if delta == 0:
        return f"aujourd'hui à {time}"
    if delta == 1:
        return f"demain à {time}"
    return f"{WEEKDAYS[moment.weekday()]} à {time}"


def _closed_for_holiday(week: list[list[TimeSlot]], departement: str | None) -> bool:
    """Whether public holidays close this place (known département, not open every day)."""
    return departement is not None and not all(week)


def open_status(hours: list[DayRange], now: dt.datetime, *, departement: str | None = None) -> OpenStatus:
    """'Ouvert maintenant — ferme à 12 h', 'Fermé — ouvre demain à 9 h', or 'Horaires non renseignés'.

    With `departement` (even ''), public holidays close the place unless it opens every day.
    """
    if not hours:
        return OpenStatus(False, "Horaires non renseignés", None)
    now = now.replace(tzinfo=None, second=0, microsecond=0)
    week = weekly(hours)
    holidays_close = _closed_for_holiday(week, departement)
    intervals: list[tuple[dt.datetime, dt.datetime]] = []
    for offset in range(-1, 15):
        day = now.date() + dt.timedelta(days=offset)
        if holidays_close and holiday_name(day, departement or ""):
            continue
        intervals += [(_at(day, s.opens), _at(day, s.closes)) for s in week[day.weekday()]]
    intervals.sort()
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    today = holiday_name(now.date(), departement or "") if holidays_close else None
    closed = f"Fermé (jour férié : {today})" if today else "Fermé"
    for start, end in merged:
        if start <= now < end:
            if end.date() == now.date():
                closing = f"à {french_time(end.strftime('%H:%M'))}"
            elif end.time() == dt.time(0, 0) and (end.date() - now.date()).days == 1:
                closing = "à minuit"
            else:
                closing = _when(end, now)
            return OpenStatus(True, f"Ouvert maintenant — ferme {closing}", end)
        if start > now:
            return OpenStatus(False, f"{closed} — ouvre {_when(start, now)}", start)
    return OpenStatus(False, closed, None)


@functools.lru_cache(maxsize=16384)
def _week_of(hours_json: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    """The weekly (opens, closes) slots of an entry's stored hours (many places share a schedule)."""
    ranges = [DayRange.model_validate(item) for item in json.loads(hours_json)]
    return tuple(tuple((s.opens, s.closes) for s in day) for day in weekly(ranges))


def is_open(hours_json: str | None, now: dt.datetime, departement: str) -> bool:
    """Open at `now` (holidays included), from the JSON of an entry's hours: the search filter's test."""
    if not hours_json or hours_json == "[]":
        return False
    week = _week_of(hours_json)
    if not all(week) and holiday_name(now.date(), departement):
        return False
    hhmm = now.strftime("%H:%M")
    return any(opens <= hhmm < closes for opens, closes in week[now.weekday()])
