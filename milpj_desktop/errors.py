"""Expected errors: each carries a French message for the person, never a traceback."""

from __future__ import annotations

import errno
from pathlib import Path
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


class FileWriteError(KnownError):
    """A file we write (key file, export, media, PDF) could not be written: the disk said why."""

    def __init__(self, path: Path, exc: OSError) -> None:
        self.errno = exc.errno
        super().__init__(f"Écriture impossible de {path}\u00a0: {os_reason(exc)}")


_REASONS = {
    errno.ENOSPC: "le disque est plein. Libérez de la place sur le disque, puis recommencez.",
    errno.EDQUOT: "votre quota d’espace disque est atteint. Libérez de la place, puis recommencez.",
    errno.EFBIG: "le fichier dépasse la taille permise sur ce disque. Choisissez un autre emplacement.",
    errno.EROFS: "le disque est en lecture seule. Choisissez un autre emplacement.",
    errno.EACCES: "accès refusé. Vérifiez les droits du dossier ou choisissez un autre emplacement.",
    errno.EPERM: "accès refusé. Vérifiez les droits du dossier ou choisissez un autre emplacement.",
    errno.ENOENT: "le dossier n’existe pas. Choisissez un autre emplacement.",
    errno.EIO: "erreur de lecture ou d’écriture du disque. Vérifiez le disque (ou la clé USB), puis recommencez.",
}


def os_reason(exc: OSError) -> str:
    """The French reason for an OS error on a file, with what to do."""
    return _REASONS.get(
        exc.errno or 0, f"erreur du système ({exc.strerror or exc}). Vérifiez le disque, puis recommencez."
    )
