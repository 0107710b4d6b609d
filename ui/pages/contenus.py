"""Contenus page (placeholder until its issue lands)."""

from __future__ import annotations

from ui.context import AppContext
from ui.pages.base import Page, PlaceholderPage


def create_page(app: AppContext) -> Page:
    return PlaceholderPage(
        app,
        "Contenus",
        "La bibliothèque des contenus (étapes, thématiques, articles, recherche instantanée) arrive dans une prochaine version. Les contenus embarqués sont déjà chargés dans vos données chiffrées.",
    )
