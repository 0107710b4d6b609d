"""French public holidays, from the maintained `holidays` package, with Alsace-Moselle's and the
overseas départements' own days: « Ouvert maintenant » must not send a family to a closed door."""

from __future__ import annotations

import datetime as dt
import functools

import holidays

# département code → the package's subdivision (Alsace-Moselle keeps Good Friday and 26 December;
# each overseas département has its abolition-of-slavery day)
_SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}


@functools.lru_cache(maxsize=64)
def _calendar(subdivision: str | None, year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("FR", years=year, subdiv=subdivision, language="fr").items())


def holiday_name(day: dt.date, departement: str = "") -> str | None:
    """The French name of the public holiday on `day` in that département (« Ascension »), else None."""
    return _calendar(_SUBDIVISIONS.get(departement), day.year).get(day)
