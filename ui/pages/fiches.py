"""Fiches page (placeholder until its issue lands)."""

from __future__ import annotations

from ui.context import AppContext
from ui.pages.base import Page, PlaceholderPage


def create_page(app: AppContext) -> Page:
    return PlaceholderPage(
        app, "Fiches", "L'impression des fiches pour les familles arrive dans une prochaine version."
    )
