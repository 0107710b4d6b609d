"""Send the correction outbox. Each correction carries the uuid the client gave it: sending it twice
(a lost answer, a retry) is harmless, and it stays in the outbox until the server acknowledged it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from milpj_desktop.directory import repository as directory
from milpj_desktop.directory.models import Correction
from milpj_desktop.store import Store
from sync import errors
from sync.http import SyncHttp
from sync.protocol import CorrectionAck, CorrectionIn
from sync.state import now_text

OUTBOX = "corrections"


@dataclass(frozen=True)
class OutboxState:
    """What the window shows of the outbox."""

    pending: int
    sent: int
    last_error: str


def outbox_state(conn: Any) -> OutboxState:
    pending, sent = conn.execute(
        "SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'sent') "
        "FROM directory_correction"
    ).fetchone()
    row = conn.execute(
        "SELECT a.last_error FROM sync_outbox_attempt a JOIN directory_correction c ON c.uuid = a.uuid "
        "WHERE c.state = 'pending' AND a.last_error != '' ORDER BY a.last_attempt_at DESC LIMIT 1"
    ).fetchone()
    return OutboxState(pending=int(pending or 0), sent=int(sent or 0), last_error=str(row[0]) if row else "")


def _note_attempt(conn: Any, uuid: str, error: str) -> None:
    conn.execute(
        "INSERT INTO sync_outbox_attempt(uuid, attempts, last_attempt_at, last_error) VALUES(?, 1, ?, ?) "
        "ON CONFLICT(uuid) DO UPDATE SET attempts = attempts + 1, last_attempt_at = excluded.last_attempt_at, "
        "last_error = excluded.last_error",
        (uuid, now_text(), error),
    )


def _payload(correction: Correction) -> dict[str, str]:
    return CorrectionIn(
        uuid=correction.uuid,
        national_id=correction.national_id,
        message=correction.message,
        created_at=correction.created_at.isoformat(),
    ).model_dump()


@dataclass
class Pushed:
    """What sending the outbox did; `stopped` is the failure that must end the run (network, server)."""

    sent: int = 0
    unsent: int = 0
    reason: str = ""
    stopped: errors.SyncError | None = None


def push(run_in_store: Any, http: SyncHttp) -> Pushed:
    """Send every pending correction. One the server refuses (or acknowledges wrongly) stays in the
    outbox and the others go on; after a failure of the server or the network the rest waits for the
    next run, and the run itself stops there (the same server would fail the downloads too)."""

    def pending(store: Store) -> list[Correction]:
        return directory.pending_corrections(store.conn)

    out = Pushed()
    waiting = run_in_store(pending)

    def note(text: str, uuid: str) -> None:
        def task(store: Store) -> None:
            with store.transaction() as conn:
                _note_attempt(conn, uuid, text)

        run_in_store(task)

    for number, correction in enumerate(waiting):
        http.check_cancelled()
        payload = _payload(correction)
        try:
            answer = http.retrying(partial(http.post_json, "/corrections", payload, what="l'envoi d'une correction"))
            try:
                ack = CorrectionAck.model_validate(answer)
            except ValueError:
                raise errors.NotTheServer("l'envoi d'une correction", "JSON inattendu") from None
            if ack.uuid != correction.uuid:
                raise errors.BadAck()
        except (errors.Refused, errors.NotFound, errors.BadAck) as exc:
            out.unsent += 1
            out.reason = exc.message
            note(exc.message, correction.uuid)
            continue
        except errors.SyncError as exc:
            note(exc.message, correction.uuid)
            out.unsent += len(waiting) - number
            out.reason = exc.message
            out.stopped = exc
            return out

        def done(store: Store, uuid: str = correction.uuid) -> None:
            with store.transaction() as conn:
                directory.mark_correction_sent(conn, uuid)
                conn.execute("DELETE FROM sync_outbox_attempt WHERE uuid = ?", (uuid,))

        run_in_store(done)
        out.sent += 1
    return out
