"""What the status bar says about the connection and the last synchronisation."""

from __future__ import annotations

import datetime as dt

from sync.state import RunResult

_STATUS = {
    "reussie": "réussie",
    "partielle": "partielle",
    "echec": "en échec",
    "annulee": "annulée",
    "interrompue": "interrompue",
    "en-cours": "en cours",
}


def connection_text(online: bool | None) -> str:
    if online is None:
        return "Connexion : état inconnu"
    return "En ligne" if online else "Hors ligne"


def last_sync_text(run: RunResult | None) -> str:
    """« Dernière synchronisation : 23/11/2026 à 07:40 (réussie) », in local time."""
    if run is None:
        return "Dernière synchronisation : jamais"
    when = run.finished_at or run.started_at
    try:
        moment = dt.datetime.fromisoformat(when)
        if moment.tzinfo is not None:
            moment = moment.astimezone()
        shown = f"{moment:%d/%m/%Y} à {moment:%H:%M}"
    except ValueError:
        shown = "date inconnue"
    return f"Dernière synchronisation : {shown} ({_STATUS.get(run.status, run.status)})"
