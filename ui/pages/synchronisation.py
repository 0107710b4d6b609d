"""Synchronisation page (placeholder until its issue lands)."""

from __future__ import annotations

from ui.context import AppContext
from ui.pages.base import Page, PlaceholderPage


def create_page(app: AppContext) -> Page:
    return PlaceholderPage(
        app,
        "Synchronisation",
        "La synchronisation avec le serveur national arrive dans une prochaine version. L'outil fonctionne entièrement hors ligne.",
    )
