"""Search criteria typed by a person (CLI and window): a type by id or label, a place by name or postcode."""

from __future__ import annotations

from milpj_desktop.content.models import DIRECTORY_TYPE_IDS
from milpj_desktop.directory.communes import Commune, UnknownCommune, fold, resolve_unique
from milpj_desktop.directory.models import TYPE_LABELS
from milpj_desktop.errors import KnownError

_BY_TEXT = {fold(label): type_id for type_id, label in TYPE_LABELS.items()} | {
    fold(type_id): type_id for type_id in DIRECTORY_TYPE_IDS
}


class UnknownType(KnownError):
    def __init__(self, text: str) -> None:
        super().__init__(f"Type « {text} » inconnu. Types possibles : {', '.join(DIRECTORY_TYPE_IDS)}.")


UnknownPlace = UnknownCommune  # the name the command line and the window used before


def parse_type(text: str) -> str:
    """'pmi', 'PMI', 'creche', 'Crèche / EAJE' → the type id."""
    found = _BY_TEXT.get(fold(text))
    if found is None:
        raise UnknownType(text)
    return found


def parse_types(values: list[str]) -> list[str]:
    """Several --type options, each possibly a comma-separated list."""
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                type_id = parse_type(part.strip())
                if type_id not in out:
                    out.append(type_id)
    return out


def commune_of(text: str, *, most_populous: bool = False) -> Commune:
    """A commune from a name or postcode; a French error when none matches, or when several do
    (their list), unless the most populous is asked for."""
    return resolve_unique(text, most_populous=most_populous)


def place(text: str, *, most_populous: bool = False) -> Commune:
    """A commune to measure distances from (it must have coordinates)."""
    found = commune_of(text, most_populous=most_populous)
    if found.lat is None or found.lon is None:
        raise KnownError(f"La commune {found.name} n'a pas de coordonnées : impossible de mesurer des distances.")
    return found


def check_radius(radius_km: float | None, around: str | None) -> None:
    if radius_km is None:
        return
    if around is None:
        raise KnownError("Le rayon (--rayon) s'utilise avec un point de départ (--autour COMMUNE_OU_CP).")
    if not 0 < radius_km <= 1000:
        raise KnownError(f"Rayon de {radius_km:g} km invalide : donnez un nombre entre 0 et 1000.")
