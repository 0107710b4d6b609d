"""Named, expected errors of the encrypted store, each with its French message."""

from __future__ import annotations

from pathlib import Path

from milpj_desktop.errors import KnownError

MIN_PASSPHRASE = 10
PASSPHRASE_ADVICE = (
    "La phrase secrète doit compter au moins 10 caractères et être difficile à deviner\u00a0: c’est "
    "elle seule qui protège les coordonnées et les notes enregistrées si l’ordinateur est perdu ou "
    "volé. Quatre mots sans lien entre eux sont plus sûrs qu’un mot de passe court ou un mot seul."
)


class StoreMissing(KnownError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"Aucun magasin de données dans {path.parent}. Lancez d'abord « milpj-desktop init ».")


class StoreExists(KnownError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"Un magasin de données existe déjà : {path}. Il n'a pas été modifié.")


class WrongPassphrase(KnownError):
    def __init__(self, *, maybe_corrupt: bool = False) -> None:
        text = "Phrase secrète incorrecte."
        if maybe_corrupt:
            text = "Phrase secrète incorrecte, ou fichier de données endommagé."
        super().__init__(text + " Le fichier n'a pas été modifié.")


class WeakPassphrase(KnownError):
    def __init__(self, explanation: str = "", advice: str = "") -> None:
        super().__init__(" ".join(part for part in (explanation, advice) if part) or PASSPHRASE_ADVICE)


class NotOurFile(KnownError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"Le fichier {path.name} n'est pas un magasin chiffré de 1000 premiers jours ({detail}).")


class TruncatedFile(KnownError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Le fichier {path.name} est tronqué (taille incomplète) : il ne peut pas être ouvert. "
            "Restaurez une sauvegarde."
        )


class CorruptStore(KnownError):
    def __init__(self, path: Path, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"Le magasin {path.name} est endommagé{extra}. La phrase secrète est correcte, mais les "
            "données ne peuvent pas être lues. Restaurez une sauvegarde."
        )


class StoreLocked(KnownError):
    def __init__(self) -> None:
        super().__init__("Le magasin de données est utilisé par un autre programme. Réessayez dans un instant.")


class StoreFull(KnownError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Le disque est plein\u00a0: la dernière opération n’a pas été enregistrée, le magasin {path.name} est "
            f"intact. Libérez de la place sur le disque (dossier {path.parent}), puis recommencez."
        )


class StoreReadOnly(KnownError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Le magasin {path.name} ne peut pas être modifié\u00a0: le fichier ou son dossier est en lecture seule "
            f"({path.parent}). Vérifiez les droits du dossier ou le disque, puis recommencez."
        )


class StoreDiskError(KnownError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Erreur de lecture ou d’écriture du disque sur le magasin {path.name}\u00a0: la dernière opération n’a "
            "pas été enregistrée. Vérifiez le disque (ou la clé USB), puis lancez « milpj-desktop verifier »."
        )


class StoreUnreadable(KnownError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Le magasin {path.name} ne peut plus être lu avec la clé en mémoire\u00a0: sa phrase secrète a "
            "peut-être été changée par un autre programme. Verrouillez puis déverrouillez avec la phrase actuelle."
        )


class StoreInUse(KnownError):
    def __init__(self) -> None:
        super().__init__(
            "Le magasin de données est ouvert par un autre programme (la fenêtre ou une commande)\u00a0: "
            "fermez-le, puis recommencez. La phrase secrète n’a pas été changée."
        )


class ChangeInterrupted(KnownError):
    def __init__(self, *, old_still_valid: bool) -> None:
        if old_still_valid:
            text = (
                "Le changement de phrase secrète a été interrompu avant la fin\u00a0: c’est l’ancienne phrase "
                "secrète qui ouvre le magasin. Le fichier n’a pas été modifié."
            )
        else:
            text = (
                "Cette phrase secrète n’est plus valable\u00a0: elle a été changée, ouvrez avec la nouvelle. "
                "Le fichier n’a pas été modifié."
            )
        super().__init__(text)


class StoreLockedByUser(KnownError):
    def __init__(self) -> None:
        super().__init__("Les données sont verrouillées : déverrouillez-les avec votre phrase secrète.")
