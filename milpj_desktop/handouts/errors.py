"""Expected errors of handout rendering, each with a French message naming what is wrong."""

from __future__ import annotations

from milpj_desktop.errors import KnownError


class HandoutError(KnownError):
    """A handout cannot be produced (unknown template, broken template, missing data)."""


class HandoutParamError(HandoutError):
    """A parameter is missing, unknown or invalid; the message names it."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.param = name


class TemplateSecurityError(HandoutError):
    """A template tried to reach something other than the data it was given."""
