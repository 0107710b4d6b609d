"""Named failures of a synchronisation, each with the French message the person reads.

`retry` says whether trying again later may help (network trouble, a busy server, a page damaged
in transit); the others are refused at once (no retry on 400/401/403/404/409/412, nor on a page
the server built wrong).
"""

from __future__ import annotations

from milpj_desktop.errors import KnownError


class SyncError(KnownError):
    """Base of the synchronisation errors; `run` is the run it ended (for the command line's table)."""

    retry = False
    run: object | None = None


# -- configuration ------------------------------------------------------------------------------
class NoServer(SyncError):
    def __init__(self) -> None:
        super().__init__(
            "Aucun serveur de synchronisation n'est réglé : indiquez son adresse (page Synchronisation "
            "ou option --serveur)."
        )


class InsecureServer(SyncError):
    def __init__(self, url: str) -> None:
        super().__init__(
            f"L'adresse « {url} » n'est pas une connexion chiffrée : le serveur national doit être joint "
            "en https:// (seule une adresse locale de test peut être en http://)."
        )


class BadServerUrl(SyncError):
    def __init__(self, url: str) -> None:
        super().__init__(f"Adresse de serveur invalide : « {url} » (exemple : https://contenus.exemple.fr).")


class NoToken(SyncError):
    def __init__(self) -> None:
        super().__init__(
            "Cet appareil n'est pas encore inscrit : saisissez le jeton d'inscription fourni par votre "
            "structure (page Synchronisation, ou variable MILPJ_JETON en ligne de commande)."
        )


class BadCaBundle(SyncError):
    def __init__(self, path: str) -> None:
        super().__init__(f"Le fichier de certificats d'autorité « {path} » est introuvable ou illisible.")


class SyncBusy(SyncError):
    def __init__(self) -> None:
        super().__init__("Une synchronisation est déjà en cours sur ce poste : attendez qu'elle se termine.")


# -- transport (retried) ----------------------------------------------------------------------
class Unreachable(SyncError):
    retry = True

    def __init__(self, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            "Le serveur national est injoignable : vérifiez la connexion à Internet (ou le proxy) et "
            f"réessayez{extra}. Rien n'a été perdu : la synchronisation reprendra où elle s'est arrêtée."
        )


class Stalled(SyncError):
    retry = True

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"Le serveur ne répond plus (aucune donnée reçue pendant {seconds:g} s) : la connexion est "
            "probablement coupée. Rien n'a été perdu : la synchronisation reprendra où elle s'est arrêtée."
        )


class ConnectionCut(SyncError):
    retry = True

    def __init__(self) -> None:
        super().__init__(
            "La connexion a été coupée pendant le téléchargement. Rien n'a été perdu : la synchronisation "
            "reprendra où elle s'est arrêtée."
        )


class DamagedPage(SyncError):
    """Truncated or altered in transit: the checksum (or the count of lines) does not match."""

    retry = True

    def __init__(self, collection: str, detail: str) -> None:
        super().__init__(
            f"Page de données abîmée pendant le transfert ({collection} : {detail}) : elle a été refusée "
            "entière. Rien n'a été perdu : la synchronisation reprendra où elle s'est arrêtée."
        )


class TlsFailure(SyncError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            "Le certificat du serveur n'a pas pu être vérifié : la connexion a été refusée par sécurité. "
            "Si votre structure utilise son propre certificat, indiquez le fichier de l'autorité "
            f"(page Synchronisation, « Certificats d'autorité »). Détail : {detail}"
        )


class ProxyFailure(SyncError):
    retry = True

    def __init__(self) -> None:
        super().__init__(
            "Le proxy réglé ne répond pas ou refuse la connexion : vérifiez son adresse sur la page Synchronisation."
        )


# -- answers of the server ------------------------------------------------------------------------
class ServerError(SyncError):
    retry = True

    def __init__(self, status: int) -> None:
        super().__init__(
            f"Le serveur national a rencontré une erreur (code {status}) et n'a pas pu répondre. "
            "Réessayez plus tard : rien n'a été perdu."
        )


class ServerBusy(SyncError):
    retry = True

    def __init__(self, status: int, wait: float | None) -> None:
        when = f" ; il demande d'attendre {wait:g} s" if wait is not None else ""
        super().__init__(
            f"Le serveur national est surchargé ou en maintenance (code {status}){when}. "
            "Réessayez plus tard : rien n'a été perdu."
        )
        self.wait = wait


class TokenRefused(SyncError):
    def __init__(self, status: int) -> None:
        text = "Le jeton d'inscription de cet appareil a été refusé"
        if status == 403:
            text = "Le jeton d'inscription de cet appareil n'autorise pas cette opération"
        super().__init__(
            f"{text} (code {status}) : vérifiez-le sur la page Synchronisation ou demandez-en un nouveau "
            "à votre structure."
        )


class NotFound(SyncError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"Le serveur ne connaît pas l'adresse demandée ({path}, code 404) : vérifiez l'adresse du serveur "
            "de synchronisation."
        )


class Refused(SyncError):
    """400, 409, 412 and other client errors: not retried."""

    def __init__(self, status: int, detail: str) -> None:
        extra = f" : {detail.rstrip('.')}" if detail else ""
        super().__init__(f"Le serveur national a refusé la demande (code {status}){extra}.")


# -- pages built wrong (not retried) ------------------------------------------------------------------
class BadDepartement(SyncError):
    def __init__(self, code: str) -> None:
        super().__init__(f"Département invalide : « {code} » (exemples : 25, 2A, 974).")


class BadPage(SyncError):
    """A page that arrived whole but breaks the protocol: refused entirely, nothing of it applied."""

    refused = 0  # changes announced by the refused page, when its header could be read

    def __init__(self, collection: str, detail: str) -> None:
        super().__init__(
            f"Le serveur a envoyé une page de données non conforme ({collection} : {detail}). Elle a été "
            "refusée entière et rien après elle n'a été appliqué ; les données déjà reçues sont intactes."
        )


class DamagedFile(SyncError):
    """A downloaded file that does not match its sha256: thrown away and fetched again."""

    retry = True

    def __init__(self, name: str) -> None:
        super().__init__(
            f"Le fichier « {name} » est arrivé abîmé (il ne correspond pas à son empreinte) : il a été écarté "
            "et sera téléchargé de nouveau. Rien n'a été perdu."
        )


class BadAsset(SyncError):
    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"Le fichier « {name} » reçu du serveur est refusé : {detail}.")
