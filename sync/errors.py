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
    def __init__(self, path: str, problem: str = "introuvable ou illisible") -> None:
        super().__init__(
            f"Le fichier de certificats d'autorité « {path} » est {problem} : corrigez-le ou retirez-le "
            "(page Synchronisation, « Certificats d'autorité »)."
        )


class ProxyUnsupported(SyncError):
    def __init__(self, scheme: str) -> None:
        super().__init__(
            f"Ce type de proxy (« {scheme or 'sans préfixe'} ») n'est pas pris en charge : indiquez un proxy "
            "http:// ou https:// sur la page Synchronisation."
        )


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
    """The certificate is signed by an authority this computer does not know."""

    def __init__(self) -> None:
        super().__init__(
            "Le certificat du serveur n'a pas pu être vérifié : il est signé par une autorité que ce poste ne "
            "connaît pas, la connexion a été refusée par sécurité. Si votre structure utilise son propre "
            "certificat, indiquez le fichier de l'autorité (page Synchronisation, « Certificats d'autorité »)."
        )


class TlsExpired(TlsFailure):
    def __init__(self) -> None:
        SyncError.__init__(
            self,
            "Le certificat du serveur a expiré (ou n'est pas encore valable) : la connexion a été refusée par "
            "sécurité. Vérifiez la date et l'heure de ce poste ; si elles sont justes, prévenez le responsable "
            "du serveur.",
        )


class TlsWrongHost(TlsFailure):
    def __init__(self, host: str) -> None:
        SyncError.__init__(
            self,
            f"Le certificat présenté n'est pas celui de « {host} » : la connexion a été refusée par sécurité. "
            "Vérifiez l'adresse du serveur ; un réseau qui intercepte les connexions peut aussi en être la cause.",
        )


class NotTls(TlsFailure):
    def __init__(self) -> None:
        SyncError.__init__(
            self,
            "Le serveur ne répond pas en connexion chiffrée (https) à cette adresse : vérifiez l'adresse et "
            "le port du serveur sur la page Synchronisation.",
        )


class TlsHandshake(TlsFailure):
    def __init__(self) -> None:
        SyncError.__init__(
            self,
            "La connexion chiffrée avec le serveur n'a pas pu être établie (protocole ou chiffrement refusé) : "
            "réessayez plus tard ou prévenez le responsable du serveur.",
        )


class ProxyFailure(SyncError):
    retry = True

    def __init__(self) -> None:
        super().__init__(
            "Le proxy réglé ne répond pas ou refuse la connexion : vérifiez son adresse sur la page Synchronisation."
        )


class ProxyAuth(SyncError):
    def __init__(self, status: int = 407) -> None:
        super().__init__(
            f"Le proxy demande une identification ou refuse l'identifiant et le mot de passe réglés (code {status}) : "
            "vérifiez-les dans l'adresse du proxy (http://identifiant:mot-de-passe@proxy:port, page "
            "Synchronisation)."
        )


class TooSlow(SyncError):
    retry = True

    def __init__(self, rate: float) -> None:
        super().__init__(
            f"Le serveur envoie les données beaucoup trop lentement (moins de {rate / 1024:g} Ko par seconde) : "
            "la synchronisation a été arrêtée. Rien n'a été perdu : elle reprendra où elle s'est arrêtée."
        )


class RunTooLong(SyncError):
    def __init__(self, seconds: float) -> None:
        minutes = max(1, round(seconds / 60))
        super().__init__(
            f"La synchronisation a dépassé sa durée maximale ({minutes} min) et s'est arrêtée. Les données déjà "
            "reçues sont conservées : relancez-la pour continuer."
        )


class NotTheServer(SyncError):
    """A 2xx answer that is not the server's JSON: a captive portal or a proxy page."""

    def __init__(self, what: str, content_type: str) -> None:
        super().__init__(
            f"La réponse reçue pour {what} ne vient pas du serveur national (contenu « {content_type or 'aucun'} ») : "
            "un réseau Wi-Fi public demande peut-être de se connecter dans le navigateur. Rien n'a été perdu."
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


class BadState(SyncError):
    """The answer to a verification is not the protocol's (junk JSON, wrong fields)."""

    def __init__(self, what: str, detail: str) -> None:
        super().__init__(
            f"Le serveur a répondu à la vérification ({what}) par un état illisible ({detail}) : la comparaison "
            "n'a pas pu être faite. Rien n'a été modifié."
        )


class BadAck(SyncError):
    """The server acknowledged another correction than the one sent."""

    def __init__(self) -> None:
        super().__init__(
            "Le serveur a accusé réception d'une autre correction que celle envoyée : elle reste dans la boîte "
            "d'envoi et sera renvoyée."
        )


class DamagedFile(SyncError):
    """A downloaded file that does not match its sha256: thrown away and fetched again."""

    retry = True

    def __init__(self, name: str) -> None:
        super().__init__(
            f"Le fichier « {name} » est arrivé abîmé (il ne correspond pas à son empreinte) : il a été écarté "
            "et sera téléchargé de nouveau. Rien n'a été perdu."
        )


class MissingFile(SyncError):
    def __init__(self, name: str) -> None:
        super().__init__(f"Le fichier « {name} » est absent du serveur (code 404).")


class BadAsset(SyncError):
    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"Le fichier « {name} » reçu du serveur est refusé : {detail}.")
