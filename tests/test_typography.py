"""French typography rules: spacing, apostrophes, elision, hours and phone numbers (pure functions)."""

from __future__ import annotations

import pytest

from milpj_desktop.typography import clock, elide, phone, time_span, typeset

N = "\u00a0"  # no-break space
F = "\u202f"  # narrow no-break space


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Attention : il dort ?", f"Attention{N}: il dort{F}?"),
        ("Attention: il dort? Oui!", f"Attention{N}: il dort{F}? Oui{F}!"),
        ("Bon ; et après", f"Bon{F}; et après"),
        ("« Le saviez-vous ? »", f"«{N}Le saviez-vous{F}?{N}»"),
        ("«bien»", f"«{N}bien{N}»"),
        ("Vraiment ?!", f"Vraiment{F}?!"),
        ("l'enfant d'aujourd'hui", "l\u2019enfant d\u2019aujourd\u2019hui"),
        ("Ouvert de 0 h – 24 h", f"Ouvert de 24{N}h/24"),
        ("Lundi : 9 h 30 – 12 h", f"Lundi{N}: 9{N}h{N}30 – 12{N}h"),
        ("20 % des parents", f"20{N}% des parents"),
        ("rendez-vous à 10:30 sur https://exemple.fr/a?b=c", "rendez-vous à 10:30 sur https://exemple.fr/a?b=c"),
        ("", ""),
    ],
)
def test_typeset(raw: str, expected: str) -> None:
    assert typeset(raw) == expected


def test_typeset_is_idempotent() -> None:
    text = "« Note : l'heure ? » Ouvert 0 h – 24 h ; voir 20 %!"
    once = typeset(text)
    assert typeset(once) == once
    assert " :" not in once and " ?" not in once and " ;" not in once


@pytest.mark.parametrize(
    ("particle", "word", "expected"),
    [
        ("de", "Ornans", "d\u2019Ornans"),
        ("de", "Besançon", "de Besançon"),
        ("de", "Évian-les-Bains", "d\u2019Évian-les-Bains"),
        ("De", "Ornans", "D\u2019Ornans"),
        ("de", "Le Havre", "du Havre"),
        ("à", "Le Mans", "au Mans"),
        ("de", "Les Ulis", "des Ulis"),
        ("de", "La Rochelle", "de La Rochelle"),
        ("de", "hôpital", "d\u2019hôpital"),
        ("la", "heure", "l\u2019heure"),
        ("de", "halte-garderie", "de halte-garderie"),
        ("de", "Haute-Goulaine", "de Haute-Goulaine"),
        ("de", "Yvetot", "d\u2019Yvetot"),
        ("de", "yaourt", "de yaourt"),
        ("à", "Ornans", "à Ornans"),
    ],
)
def test_elide(particle: str, word: str, expected: str) -> None:
    assert elide(particle, word) == expected


def test_hours() -> None:
    assert clock("09:00") == f"9{N}h"
    assert clock("14:30") == f"14{N}h{N}30"
    assert time_span("09:00", "12:00") == f"9{N}h – 12{N}h"
    assert time_span("00:00", "24:00") == f"24{N}h/24"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+33381622233", f"03{N}81{N}62{N}22{N}33"),
        ("0381000000", f"03{N}81{N}00{N}00{N}00"),
        ("03.81.62.22.33", f"03{N}81{N}62{N}22{N}33"),
        ("+262262123456", f"02{N}62{N}12{N}34{N}56"),
        ("3919", "3919"),
        ("15", "15"),
        ("pas un numéro", "pas un numéro"),
        ("", ""),
    ],
)
def test_phone(value: str, expected: str) -> None:
    assert phone(value) == expected
