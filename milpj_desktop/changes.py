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

    def any(self) -> bool:
        return any((self.content, self.favourites, self.directory, self.settings, self.handouts, self.sync))
