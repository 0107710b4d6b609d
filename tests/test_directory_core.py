"""Directory core: phone numbers, hours, gazetteer, models (pure functions, no store)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from milpj_desktop.content.models import DIRECTORY_TYPE_IDS
from milpj_desktop.directory import communes
from milpj_desktop.directory.generate import FICTITIOUS_SOURCE, fictitious_entries, national_dataset
from milpj_desktop.directory.hours import (
    HoursError,
    describe_hours,
    format_hours,
    open_status,
    parse_hours,
)
from milpj_desktop.directory.models import TYPE_LABELS, DirectoryEntry
from milpj_desktop.directory.phone import PhoneError, format_phone, normalize_phone

# A Tuesday.
TUESDAY_10H = dt.datetime(2025, 3, 11, 10, 0)


@pytest.mark.parametrize(
    ("raw", "stored", "shown"),
    [
        ("04 74 24 03 08", "+33474240308", "04 74 24 03 08"),
        ("04.74.24.03.08", "+33474240308", "04 74 24 03 08"),
        ("+33 (0)4 74 24 03 08", "+33474240308", "04 74 24 03 08"),
        ("0033474240308", "+33474240308", "04 74 24 03 08"),
        ("474240308", "+33474240308", "04 74 24 03 08"),
        ("0262 12 34 56", "+262262123456", "02 62 12 34 56"),
        ("3939", "3939", "3939"),
        ("+41 22 123 45 67", "+41221234567", "+41221234567"),
    ],
)
def test_phone_normalised_and_shown_in_french(raw: str, stored: str, shown: str) -> None:
    assert normalize_phone(raw) == stored
    assert format_phone(stored) == shown


@pytest.mark.parametrize("raw", ["03 90 6", "01 23 45 67 89 00", "tél. 01", "0012"])
def test_bad_phone_is_refused_in_french(raw: str) -> None:
    with pytest.raises(PhoneError, match="numéro de téléphone"):
        normalize_phone(raw)


def test_hours_parse_text_and_json_alike() -> None:
    text = parse_hours("lundi-vendredi 9h-12h, 14h-17h30; sa 9h-12h")
    same = parse_hours("Du lundi au vendredi : 09:00-12:00 14:00-17:30\nsamedi 09:00-12:00")
    json_form = parse_hours(
        '[["lundi","vendredi",[["09:00:00","12:00:00"],["14:00:00","17:30:00"]]],["samedi","",[["09:00:00","12:00:00"]]]]'
    )
    assert text == same == json_form
    assert format_hours(text) == "lundi-vendredi 09:00-12:00 14:00-17:30; samedi 09:00-12:00"
    assert parse_hours(format_hours(text)) == text
    assert describe_hours(text) == ["Du lundi au vendredi : 9 h – 12 h, 14 h – 17 h 30", "Samedi : 9 h – 12 h"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("lundi 9h-25h", "heure"),
        ("jourdi 9h-12h", "jour « jourdi » inconnu"),
        ("lundi 12h-9h", "la fermeture doit suivre"),
        ("lundi 9h-12h 11h-14h", "chevauchent"),
        ("9h-12h", "jours puis créneaux"),
    ],
)
def test_bad_hours_say_why(text: str, fragment: str) -> None:
    with pytest.raises(HoursError, match=fragment):
        parse_hours(text)


def test_open_status_with_injected_clock() -> None:
    hours = parse_hours("lundi-vendredi 9h-12h, 14h-17h")
    assert open_status(hours, TUESDAY_10H).label == "Ouvert maintenant — ferme à 12 h"
    assert open_status(hours, TUESDAY_10H.replace(hour=12, minute=30)).label == "Fermé — ouvre aujourd'hui à 14 h"
    assert open_status(hours, TUESDAY_10H.replace(hour=18)).label == "Fermé — ouvre demain à 9 h"
    friday_evening = dt.datetime(2025, 3, 14, 19, 0)
    assert open_status(hours, friday_evening).label == "Fermé — ouvre lundi à 9 h"
    always = parse_hours("lundi-dimanche 0h-24h")
    assert open_status(always, friday_evening).open_now
    assert open_status([], friday_evening).label == "Horaires non renseignés"
    night = parse_hours("samedi 20h-24h")
    assert open_status(night, dt.datetime(2025, 3, 15, 22, 0)).label == "Ouvert maintenant — ferme à minuit"


def test_gazetteer_resolves_postcode_name_and_code() -> None:
    besancon = communes.resolve("25000")
    assert besancon is not None and besancon.insee == "25056" and besancon.name == "Besançon"
    assert communes.resolve("besancon") == besancon
    assert communes.resolve("BESANÇON") == besancon
    assert communes.resolve("25056") == besancon
    assert communes.resolve("trois lacs") is not None
    saint_denis = communes.resolve("Saint-Denis (93)")
    assert saint_denis is not None and saint_denis.departement == "93"
    assert communes.resolve("Nullepartville") is None
    assert besancon.lat is not None and abs(besancon.lat - 47.24) < 0.05


def test_gazetteer_completes_by_prefix_most_populous_first() -> None:
    names = [c.name for c in communes.complete("besan", 5)]
    assert names[0] == "Besançon"
    assert [c.name for c in communes.complete("st etien", 1)] == ["Saint-Étienne"]
    assert all(c.postcode.startswith("750") for c in communes.complete("750", 30))
    assert communes.complete("", 5) == []


def test_entry_validates_fields_with_french_reasons() -> None:
    base = {"kind": "structure", "type": "pmi", "name": "Centre de PMI", "updated_at": "2025-01-01T00:00:00Z"}
    entry = DirectoryEntry.model_validate({**base, "phone": "01 23 45 67 89", "website": "www.exemple.fr"})
    assert entry.phone == "+33123456789" and entry.website == "https://www.exemple.fr"
    for field, value, reason in [
        ("type", "boulangerie", "type « boulangerie » inconnu"),
        ("postcode", "2500", "code postal"),
        ("email", "pas-un-courriel", "adresse électronique"),
        ("stages", ["adolescence"], "étape"),
    ]:
        with pytest.raises(ValidationError, match=reason):
            DirectoryEntry.model_validate({**base, field: value})


def test_generator_is_deterministic_fictitious_and_covers_every_type() -> None:
    first = fictitious_entries(300, seed=7)
    again = fictitious_entries(300, seed=7)
    assert [e.model_dump() for e in first] == [e.model_dump() for e in again]
    assert {e.type for e in first} == set(DIRECTORY_TYPE_IDS) - {"mairie"}
    assert all(e.source == FICTITIOUS_SOURCE and "FICTIF" in e.source for e in first)
    for entry in first[:50]:
        commune = communes.get(entry.commune_insee)
        assert commune is not None and commune.name == entry.commune
        # round trip through the wire format
        assert DirectoryEntry.model_validate_json(entry.model_dump_json()).model_dump(mode="json") == entry.model_dump(
            mode="json"
        )
    assert set(TYPE_LABELS) == set(DIRECTORY_TYPE_IDS)


def test_national_dataset_slice_mixes_real_town_halls() -> None:
    slice_ = national_dataset(2000)
    assert len(slice_) == 2000
    halls = [e for e in slice_ if e.type == "mairie"]
    assert 600 < len(halls) < 800
    assert all(e.national_id and e.national_id.startswith("mairie-") for e in halls)
    assert len({e.national_id for e in slice_}) == 2000


def test_a_commune_chosen_in_a_list_reads_back_as_that_commune() -> None:
    """The lists show « Saint-Denis (93200) »: that text must give Saint-Denis of Seine-Saint-Denis,
    not the most populous Saint-Denis (La Réunion)."""
    assert communes.resolve("Saint-Denis (93200)").insee == "93066"  # type: ignore[union-attr]
    every = communes.gazetteer().by_insee.values()
    wrong = [c.label for c in every if c.postcode and communes.resolve(c.label) != c]
    assert wrong == []
