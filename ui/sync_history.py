"""The Synchronisation page's history: what each run brought, read in one store task and told in
French (local times, grouped figures); the last run that brought something is kept in view."""

from __future__ import annotations

import html
from dataclasses import dataclass

from milpj_desktop.frenchdates import clock_time, local_moment, short_date
from milpj_desktop.settings import Settings, load_settings
from milpj_desktop.typography import grouped
from milpj_desktop.worker import TaskContext
from sync.freshness import STATUSES, Freshness, last_sync_phrase, read_freshness, reason_text, run_moment, when_text
from sync.outbox import OUTBOX, OutboxState, outbox_state
from sync.protocol import COLLECTIONS
from sync.state import CollectionResult, RunResult, last_run_that_brought, recent_runs
from ui.qt import Qt, QTreeWidgetItem

HISTORY = 10  # runs shown, plus the last one that brought something when it is older
COLUMNS = ["Synchronisation", "État", "Ajoutés", "Modifiés", "Supprimés", "Refusés"]  # figures last, right-aligned
SHORT_REASONS = {
    "manuelle": "à la main",
    "démarrage": "au démarrage",
    "connexion retrouvée": "connexion retrouvée",
    "nouveaux réglages": "nouveaux réglages",
    "ligne de commande": "ligne de commande",
}


@dataclass(frozen=True)
class SyncView:
    """What the page shows, read in one store task."""

    settings: Settings
    freshness: Freshness
    runs: list[RunResult]  # newest first
    brought: RunResult | None  # the last run after which something had arrived, left or been sent
    outbox: OutboxState


def read_view(ctx: TaskContext) -> SyncView:
    conn = ctx.store.conn
    runs = recent_runs(conn, HISTORY)
    brought = last_run_that_brought(conn)
    if brought is not None and all(r.run_id != brought.run_id for r in runs):
        runs.append(brought)
    return SyncView(load_settings(conn), read_freshness(conn), runs, brought, outbox_state(conn))


def short_when(iso: str) -> str:
    """« 03/12/2026 à 14 h 05 » in local time (a column of the history)."""
    moment = local_moment(iso)
    return f"{short_date(moment.date())} à {clock_time(moment)}" if moment is not None else "date inconnue"


def arrivals(run: RunResult) -> tuple[int, int, int, int]:
    """Added, changed, deleted, refused over the collections received (corrections sent apart)."""
    received = [r for key, r in run.collections.items() if key != OUTBOX]
    return (
        sum(r.added for r in received),
        sum(r.changed for r in received),
        sum(r.deleted for r in received),
        sum(r.failed for r in received),
    )


def outcome_text(run: RunResult) -> str:
    """« Synchronisation réussie (nouveaux réglages) : 412 changements reçus », said when it ends."""
    status = "réussie avec avertissements" if run.warned else STATUSES.get(run.status, run.status)
    reason = reason_text(run)
    head = f"Synchronisation {status}" + (f" ({reason})" if reason else "")
    added, changed, deleted, refused = arrivals(run)
    moved = added + changed + deleted
    if moved == 0 and refused == 0:
        return f"{head} : rien de nouveau sur le serveur."
    parts = [f"{grouped(moved)} changement(s) reçu(s)"]
    if refused:
        parts.append(f"{grouped(refused)} refusé(s)")
    return f"{head} : {', '.join(parts)} (détail ci-dessous)."


ORDER = [c.value for c in COLLECTIONS] + [OUTBOX]


def protocol_order(result: CollectionResult) -> int:
    return ORDER.index(result.collection) if result.collection in ORDER else len(ORDER)


def align_numbers(item: QTreeWidgetItem) -> None:
    for column in range(2, 6):
        item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def summary_html(view: SyncView) -> str:
    lines = [html.escape(last_sync_phrase(view.freshness) + ".")]
    brought = view.brought
    if brought is None:
        lines.append("Rien n’a encore été reçu du serveur.")
    else:
        reason = reason_text(brought)
        origin = f" ({reason})" if reason else ""
        lines.append(
            html.escape(
                f"Dernières données reçues : synchronisation du {when_text(run_moment(brought))}{origin}, "
                "détaillée ci-dessous."
            )
        )
    return "<br>".join(lines)


def run_item(run: RunResult) -> QTreeWidgetItem:
    """One run of the history: its totals, and below them each collection where something happened."""
    reason = SHORT_REASONS.get(run.reason, run.reason)
    label = short_when(run_moment(run)) + (f" ({reason})" if reason else "")
    status = "avec avertissements" if run.warned else STATUSES.get(run.status, run.status)
    item = QTreeWidgetItem([label, status, *(grouped(n) for n in arrivals(run))])
    tip = f"Synchronisation du {when_text(run_moment(run))}"
    if reason_text(run):
        tip += f" ({reason_text(run)})"
    item.setToolTip(0, tip)
    if run.message:
        item.setToolTip(1, run.message)
    align_numbers(item)
    for result in sorted(run.collections.values(), key=protocol_order):
        if not (result.added or result.changed or result.deleted or result.failed or result.status != "reussie"):
            continue  # what really arrived: a collection with nothing new is not listed
        child = QTreeWidgetItem(
            [
                result.label.capitalize(),
                STATUSES.get(result.status, result.status),
                grouped(result.added),
                grouped(result.changed),
                grouped(result.deleted),
                grouped(result.failed),
            ]
        )
        if result.message:
            child.setToolTip(1, result.message)
        align_numbers(child)
        item.addChild(child)
    if item.childCount() == 0:
        item.addChild(QTreeWidgetItem(["Rien de nouveau"]))
    return item
