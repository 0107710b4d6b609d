"""What an operation changed, so each view refreshes only when its data moved (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    content: bool = False
    favourites: bool = False
    directory: bool = False
    settings: bool = False
    handouts: bool = False
    sync: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            content=self.content or other.content,
            favourites=self.favourites or other.favourites,
            directory=self.directory or other.directory,
            settings=self.settings or other.settings,
            handouts=self.handouts or other.handouts,
            sync=self.sync or other.sync,
        )

    def any(self) -> bool:
        return any((self.content, self.favourites, self.directory, self.settings, self.handouts, self.sync))
