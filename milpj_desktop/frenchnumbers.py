"""Numbers as French texts print them, whatever the system locale says."""

from __future__ import annotations

NARROW_NBSP = "\u202f"


def grouped(value: int) -> str:
    """« 100 000 »: thousands separated by a narrow non-breaking space, never broken across lines."""
    return f"{value:,}".replace(",", NARROW_NBSP)
