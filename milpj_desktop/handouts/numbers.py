"""National phone numbers printed on handouts: emergencies, helplines, and the national line of a service.

Only numbers that are sure and stable belong here (each was checked against the service's own
site when added). A regional poison-control number is not listed: the 15 answers for poisoning
everywhere and puts the family through when needed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class National:
    """A number a family can call from anywhere in France."""

    name: str
    shown: str  # as the service writes it (« 0 800 00 3456 », « 39 89 »)
    dial: str  # what a phone dials (in a vCard)
    what: str


SAMU = National("SAMU", "15", "15", "Urgence médicale, y compris une intoxication (produit avalé, médicament).")
EUROPE = National("Urgences", "112", "112", "Numéro d'urgence européen, depuis n'importe quel téléphone.")
POLICE = National("Police secours", "17", "17", "Danger, violence, besoin d'une intervention de police.")
POMPIERS = National("Pompiers", "18", "18", "Incendie, accident, personne en danger.")
SOURDS = National(
    "Urgences pour les personnes sourdes ou malentendantes", "114", "114", "Par SMS, pour joindre les secours."
)
ENFANCE = National(
    "Allô enfance en danger", "119", "119", "Un enfant en danger ou en risque de l'être. Gratuit, 24 h/24."
)
VIOLENCES = National(
    "Violences Femmes Info",
    "3919",
    "3919",
    "Écoute et orientation des femmes victimes de violences. Gratuit, anonyme, 24 h/24.",
)
SUICIDE = National(
    "Prévention du suicide",
    "3114",
    "3114",
    "Souffrance psychique, idées suicidaires, inquiétude pour un proche. Gratuit, 24 h/24.",
)
ALLO_PARENTS_BEBE = National(
    "Allô Parents Bébé",
    "0 800 00 3456",
    "0800003456",
    "Questions de parents sur la grossesse et les tout-petits. Appel gratuit.",
)
TABAC = National("Tabac info service", "39 89", "3989", "Aide pour arrêter de fumer, avec un tabacologue.")
CAF = National("Caf", "3230", "3230", "Prestations familiales, aides à la garde et au logement.")
ASSURANCE_MALADIE = National(
    "Assurance maladie", "3646", "3646", "Carte Vitale, remboursements, congé maternité ou paternité."
)

POISON_LINE = (
    "Intoxication, produit ou médicament avalé : appelez le 15, qui vous met en relation avec un centre antipoison."
)

EMERGENCIES: tuple[National, ...] = (SAMU, EUROPE, POLICE, POMPIERS, SOURDS)
HELPLINES: tuple[National, ...] = (ENFANCE, VIOLENCES, SUICIDE, ALLO_PARENTS_BEBE, TABAC, CAF, ASSURANCE_MALADIE)

# When a contacts sheet finds nothing nearby for a type, the family still gets a number to call.
FALLBACK_BY_TYPE: dict[str, National] = {
    "caf": CAF,
    "cpam": ASSURANCE_MALADIE,
    "pmi": ALLO_PARENTS_BEBE,
    "puericultrice": ALLO_PARENTS_BEBE,
    "association-parentalite": ALLO_PARENTS_BEBE,
}


def view(number: National) -> dict[str, str]:
    """A number as a template sees it."""
    shown = number.shown.replace(" ", "\u00a0")  # a number never breaks across lines
    return {"name": number.name, "shown": shown, "dial": number.dial, "what": number.what}
