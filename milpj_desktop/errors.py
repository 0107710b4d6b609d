"""Expected errors: each carries a French message for the person, never a traceback."""

from __future__ import annotations


class KnownError(Exception):
    """An error the user can understand and act on; its message is French and complete."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
