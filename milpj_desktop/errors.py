"""Expected errors: each carries a French message for the person, never a traceback."""

from __future__ import annotations

from typing import Any


class KnownError(Exception):
    """An error the user can understand and act on; its message is French and complete."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        """Picklable whatever the subclass's __init__ takes (it may cross to or from a helper process)."""
        return (_restore, (type(self), self.message, dict(self.__dict__)))


def _restore(kind: type[KnownError], message: str, state: dict[str, Any]) -> KnownError:
    error = kind.__new__(kind)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error
