"""One plain-language line per directory type: what a family goes there for (printed on handouts)."""

from __future__ import annotations

from milpj_desktop.directory.models import TYPE_LABELS

TYPE_PURPOSES: dict[str, str] = {
    "pmi": "Suivi gratuit de la grossesse et des enfants de moins de 6 ans : pesées, vaccins, conseils.",
    "maternite": "Suivi de la grossesse, accouchement et premiers jours avec le bébé.",
    "maison-naissance": "Suivi de la grossesse et accouchement accompagnés par des sages-femmes.",
    "caf": "Prestations familiales, aides pour la garde de l'enfant et le logement.",
    "cpam": "Carte Vitale, remboursements, congé maternité ou paternité.",
    "mairie": "Déclaration de naissance, état civil, inscriptions en crèche et à l'école.",
    "planning-familial": "Contraception, grossesse, sexualité, écoute ; gratuit et confidentiel.",
    "saad": "Aide à domicile pour le ménage, les repas ou la garde pendant une période difficile.",
    "laep": "Un lieu pour jouer avec votre enfant et rencontrer d'autres parents, sans inscription.",
    "creche": "Accueil de votre enfant pendant que vous travaillez ou vous formez.",
    "relais-petite-enfance": "Informations sur les modes de garde et liste des assistantes maternelles.",
    "sage-femme": "Suivi de la grossesse, préparation à la naissance, rééducation, contraception.",
    "pediatre": "Médecin des enfants : examens de suivi, vaccins, maladies.",
    "medecin-generaliste": "Votre médecin traitant, pour vous et pour votre enfant.",
    "puericultrice": "Conseils sur les soins, l'alimentation et le sommeil du bébé, à domicile ou en consultation.",
    "lactation": "Aide pour l'allaitement : mise au sein, douleurs, reprise du travail.",
    "psy-perinatale": "Écoute et soins si vous vous sentez triste, épuisé·e ou inquiet·ète autour de la naissance.",
    "bibliotheque": "Livres et comptines pour les tout-petits, lectures pour les parents ; inscription gratuite.",
    "association-parentalite": "Groupes de parents, ateliers et soutien près de chez vous.",
}


def purpose(type_id: str) -> str:
    return TYPE_PURPOSES.get(type_id, "")


def type_view(type_id: str) -> dict[str, str]:
    """A directory type as a template sees it: label and what it is for."""
    return {"id": type_id, "label": TYPE_LABELS.get(type_id, type_id), "purpose": purpose(type_id)}
