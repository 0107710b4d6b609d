"""How fresh the store is, told truthfully: when the contents and each part of the directory last
caught up with the server (whatever failed after), kept apart from how the last attempt went."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from milpj_desktop.frenchdates import clock_time, local_moment, long_moment, moment_since, short_date
from sync import errors
from sync.protocol import COLLECTIONS, Collection
from sync.state import RunResult, last_run, last_successful_run, stream_freshness

CONTENT_COLLECTIONS = frozenset(c.value for c in COLLECTIONS if c != Collection.DIRECTORY)

# The named errors (sync.errors) after which the server could not be reached or could not answer.
# An error is told by its class or the nearest parent class named here (TlsExpired → TlsFailure).
UNREACHABLE = frozenset(
    {"Unreachable", "Stalled", "ConnectionCut", "ProxyFailure", "DamagedPage", "DamagedFile", "TooSlow", "RunTooLong"}
)
UNAVAILABLE = frozenset({"ServerError", "ServerBusy"})
REFUSALS = {
    "ProxyAuth": "le proxy demande une identification",
    "ProxyUnsupported": "type de proxy non pris en charge",
    "NotTheServer": "une autre machine a répondu (portail, proxy)",
    "TokenRefused": "jeton refusé",
    "TlsFailure": "certificat refusé",
    "NotFound": "adresse inconnue",
    "InsecureServer": "adresse non chiffrée",
    "BadServerUrl": "adresse invalide",
    "BadCaBundle": "certificats d’autorité illisibles",
}

REASONS = {
    "manuelle": "lancée à la main",
    "démarrage": "au démarrage",
    "connexion retrouvée": "au retour de la connexion",
    "nouveaux réglages": "après l’enregistrement des réglages",
    "ligne de commande": "en ligne de commande",
}
STATUSES = {
    "reussie": "réussie",
    "partielle": "partielle",
    "echec": "échec",
    "annulee": "annulée",
    "interrompue": "interrompue",
    "en-cours": "en cours",
}


@dataclass(frozen=True)
class DirectoryPart:
    """Some départements of the directory and when they last caught up ('' = never)."""

    departements: frozenset[str]
    completed_at: str


@dataclass(frozen=True)
class Freshness:
    """What the home page and the status bar tell about the synchronisation."""

    content_at: str  # '' while some content collection never caught up with the server
    content_begun: bool  # some content collection did catch up (a first synchronisation cut short)
    directory: tuple[DirectoryPart, ...]
    last_attempt: RunResult | None
    last_success: RunResult | None

    @property
    def attempt_failed_after_success(self) -> bool:
        attempt, success = self.last_attempt, self.last_success
        return attempt is not None and (success is None or attempt.run_id != success.run_id)


def read_freshness(conn: Any) -> Freshness:
    """Read in one store task; ISO times in UTC as stored."""
    streams = stream_freshness(conn)
    content = {s.collection: s.completed_at for s in streams if s.collection in CONTENT_COLLECTIONS}
    content_at = ""
    if content.keys() >= CONTENT_COLLECTIONS and all(content.values()):
        content_at = min(content.values())  # contents are as fresh as their stalest collection
    parts = tuple(
        DirectoryPart(s.departements, s.completed_at) for s in streams if s.collection == Collection.DIRECTORY.value
    )
    attempt = last_run(conn)
    success = last_successful_run(conn)
    begun = any(content.values())
    return Freshness(content_at, begun, directory=parts, last_attempt=attempt, last_success=success)


# -- French wording ------------------------------------------------------------------------------------
def when_text(iso: str) -> str:
    """« 3 décembre 2026 à 14 h 05 » in local time, or « date inconnue »."""
    moment = local_moment(iso)
    return long_moment(moment) if moment is not None else "date inconnue"


def run_moment(run: RunResult) -> str:
    return run.finished_at or run.started_at


def reason_text(run: RunResult) -> str:
    return REASONS.get(run.reason, run.reason)


def content_phrase(freshness: Freshness) -> str:
    """« Contenus à jour du 3 décembre 2026 à 14 h 05 », or that they never were synchronised."""
    if freshness.content_at:
        return f"Contenus à jour du {when_text(freshness.content_at)}"
    if freshness.content_begun:
        return "Contenus synchronisés en partie seulement : la prochaine synchronisation complétera"
    return "Contenus jamais synchronisés avec le serveur national (ceux livrés avec l’application)"


def _departements(codes: frozenset[str]) -> str:
    ordered = sorted(codes)
    word = "département" if len(ordered) == 1 else "départements"
    return f"{word} {', '.join(ordered)}"


def directory_phrase(freshness: Freshness) -> str:
    """« Annuaire à jour du … (départements 25, 39) », what is still missing, or that none is followed."""
    parts = [p for p in freshness.directory if p.departements]
    if not parts:
        return "Annuaire national : aucun département suivi (à choisir sur la page Synchronisation)"
    done = [p for p in parts if p.completed_at]
    waiting = frozenset().union(*(p.departements for p in parts if not p.completed_at))
    if not done:
        return f"Annuaire jamais synchronisé ({_departements(waiting)})"
    covered = frozenset().union(*(p.departements for p in done))
    oldest = min(p.completed_at for p in done)
    text = f"Annuaire à jour du {when_text(oldest)} ({_departements(covered)})"
    if waiting:
        text += f" ; {_departements(waiting)} : pas encore synchronisé{'s' if len(waiting) > 1 else ''}"
    return text


def _attempt_tail(attempt: RunResult, reference: dt.datetime | None) -> str:
    moment = local_moment(run_moment(attempt))
    if moment is None:
        when = "à une date inconnue"
    elif reference is None:
        when = f"le {long_moment(moment)}"
    else:
        when = moment_since(moment, reference)
    if attempt.status == "en-cours":
        return f"synchronisation en cours depuis {when.removeprefix('à ').removeprefix('le ')}"
    if attempt.status == "echec":
        return f"échec de la dernière tentative {when}"
    return f"dernière tentative {STATUSES.get(attempt.status, attempt.status)} {when}"


def last_sync_phrase(freshness: Freshness) -> str:
    """« Dernière synchronisation réussie : … — échec de la dernière tentative à 15 h 10 », in local time."""
    attempt, success = freshness.last_attempt, freshness.last_success
    if attempt is None:
        return "Jamais synchronisé"
    if success is None:
        return f"Aucune synchronisation réussie — {_attempt_tail(attempt, None)}"
    text = f"Dernière synchronisation réussie : {when_text(run_moment(success))}"
    if freshness.attempt_failed_after_success:
        text += f" — {_attempt_tail(attempt, local_moment(run_moment(success)))}"
    return text


def _short(iso: str) -> str:
    moment = local_moment(iso)
    return f"{short_date(moment.date())} à {clock_time(moment)}" if moment is not None else "date inconnue"


def last_sync_compact(freshness: Freshness) -> str:
    """The same as last_sync_phrase where room is short: « Réussie le 03/12/2026 à 14 h 05 — échec à 15 h 10 »."""
    attempt, success = freshness.last_attempt, freshness.last_success
    if attempt is None:
        return "Jamais synchronisé"
    status = "échec" if attempt.status == "echec" else STATUSES.get(attempt.status, attempt.status)
    if success is None:
        return f"Aucune synchronisation réussie — {status} le {_short(run_moment(attempt))}"
    text = f"Synchronisé le {_short(run_moment(success))}"
    if freshness.attempt_failed_after_success:
        moment, since = local_moment(run_moment(attempt)), local_moment(run_moment(success))
        when = (
            f"à {clock_time(moment)}"
            if moment and since and moment.date() == since.date()
            else f"le {_short(run_moment(attempt))}"
        )
        text += f" — {status} {when}"
    return text


def server_phrase(run: RunResult | None) -> str:
    """What the last attempt says of the server ('' when it says nothing bad)."""
    if run is None or run.status != "echec":
        return ""
    for name in _lineage(run.error):
        if name in UNREACHABLE:
            return "Serveur injoignable"
        if name in UNAVAILABLE:
            return "Serveur indisponible"
        if name in REFUSALS:
            return f"Serveur : {REFUSALS[name]}"
    return "Serveur : échec de la synchronisation"


def _lineage(name: str) -> list[str]:
    """The error's class name, then its parents' (a run records the exact class that ended it)."""
    found = getattr(errors, name, None)
    if isinstance(found, type) and issubclass(found, errors.SyncError):
        return [c.__name__ for c in found.__mro__]
    return [name]
