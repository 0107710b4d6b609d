"""Growing waits after wrong passphrases typed in the window: 2 s after the third, doubling, capped."""

from __future__ import annotations

FREE_TRIES = 2
FIRST_WAIT_S = 2
MAX_WAIT_S = 30


def wait_after(failures: int) -> int:
    """Seconds to wait before the next try, after this many wrong passphrases in a row."""
    if failures <= FREE_TRIES:
        return 0
    return min(FIRST_WAIT_S << min(failures - FREE_TRIES - 1, 8), MAX_WAIT_S)


def countdown_text(message: str, seconds: int) -> str:
    """The failure's own French message, then how long the window waits."""
    unit = "seconde" if seconds == 1 else "secondes"
    return f"{message} Nouvel essai possible dans {seconds}\u00a0{unit}."
