"""pydantic's validation errors told in French (our own validators already speak French)."""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_FRENCH = {
    "extra_forbidden": "champ non prévu",
    "missing": "champ manquant",
    "string_pattern_mismatch": "format non reconnu",
    "string_type": "texte attendu",
    "string_too_short": "texte trop court ou vide",
    "string_too_long": "texte trop long",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_type": "nombre attendu",
    "float_parsing": "nombre attendu",
    "bool_type": "vrai ou faux attendu",
    "bool_parsing": "vrai ou faux attendu",
    "literal_error": "valeur non prévue",
    "enum": "valeur non prévue",
    "json_invalid": "ce n'est pas du JSON valide",
    "json_type": "JSON attendu",
    "greater_than": "valeur trop petite",
    "greater_than_equal": "valeur trop petite",
    "less_than": "valeur trop grande",
    "less_than_equal": "valeur trop grande",
    "too_short": "liste ou texte trop court",
    "too_long": "liste ou texte trop long",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "date_type": "date attendue (AAAA-MM-JJ)",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "date_from_datetime_inexact": "date attendue (AAAA-MM-JJ)",
    "datetime_type": "date et heure attendues",
    "datetime_parsing": "date et heure attendues",
    "datetime_from_date_parsing": "date et heure attendues",
    "timezone_aware": "fuseau horaire attendu",
    "url_parsing": "adresse web invalide",
    "url_scheme": "adresse web invalide",
    "frozen_instance": "valeur non modifiable",
    "union_tag_invalid": "valeur non prévue",
    "union_tag_not_found": "champ manquant",
}


def french_reason(error: ErrorDetails) -> str:
    """Why one value was refused, in French."""
    kind = str(error.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        return str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return _FRENCH.get(kind, "valeur invalide")


def first_error(exc: ValidationError, *, skip: tuple[str, ...] = ()) -> tuple[str, str]:
    """(where, why) of the first problem; `where` is a dotted path without the `skip` parts."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"] if str(p) not in skip)
    return where, french_reason(first)


# Dates a record may carry (an update, a review): outside, it is a mistake or a hostile value.
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2099, 12, 31)


def plausible_date(value: dt.date) -> None:
    """Raise ValueError (French) for a date before 2000 or after 2099 (a datetime counts by its day)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(f"date {day.isoformat()} hors des bornes (de 2000 à 2099)")
