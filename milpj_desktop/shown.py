"""What a window shows of a stored value: bounded, whatever the value (a record kept before the
limits of issue 15, an import, a bug), so that one field never freezes a view."""

from __future__ import annotations

SHOWN_CHARS = 300  # a field as shown in a detail pane
SHOWN_ITEMS = 20  # lines of a list (opening hours…)


def clip(text: str, limit: int = SHOWN_CHARS) -> str:
    """The text, or its first `limit` - 1 characters and « … »."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def clip_lines(lines: list[str], limit: int = SHOWN_ITEMS) -> list[str]:
    """The first `limit` lines (each clipped), and « … » when some were left out."""
    shown = [clip(line) for line in lines[:limit]]
    return [*shown, "…"] if len(lines) > limit else shown
