"""Local history of printed handouts: template, parameters, options and date — never a family's identity."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from milpj_desktop.changes import Changes
from milpj_desktop.handouts.build import Handout
from milpj_desktop.store import Store

Output = Literal["pdf", "imprimante"]
HISTORY_LIMIT = 200  # older lines are dropped: the history is a shortcut, not an archive


@dataclass(frozen=True)
class PrintRecord:
    id: int
    template_id: str
    params: dict[str, str]
    large_print: bool
    copies: int
    output: Output
    printed_at: dt.datetime

    def params_text(self) -> str:
        """« articles=a,b commune=Lyon »: the command-line form, also shown in the window."""
        return " ".join(f"{k}={v}" for k, v in self.params.items())


def record_print(
    conn: Any,
    *,
    template_id: str,
    params: dict[str, str],
    large_print: bool,
    copies: int,
    output: Output,
    at: dt.datetime,
) -> int:
    """Add one line (the caller owns the transaction) and keep the history bounded."""
    cursor = conn.execute(
        "INSERT INTO handout_print(template_id, params, large_print, copies, output, printed_at) "
        "VALUES(?, ?, ?, ?, ?, ?)",
        (
            template_id,
            json.dumps(params, ensure_ascii=False, sort_keys=False),
            int(large_print),
            copies,
            output,
            at.isoformat(timespec="seconds"),
        ),
    )
    conn.execute(
        "DELETE FROM handout_print WHERE id NOT IN (SELECT id FROM handout_print ORDER BY printed_at DESC, id DESC LIMIT ?)",
        (HISTORY_LIMIT,),
    )
    return int(cursor.lastrowid)


def record_printed(
    store: Store, handouts: Sequence[Handout], *, copies: int, output: Output, at: dt.datetime
) -> tuple[int, Changes]:
    """The use case « a print is done » (window and command line): one history line per handout,
    in one transaction; returns how many lines, and that the history changed."""
    with store.transaction() as conn:
        for handout in handouts:
            record_print(
                conn,
                template_id=handout.template_id,
                params=handout.params,
                large_print=handout.large_print,
                copies=copies,
                output=output,
                at=at,
            )
    return len(handouts), Changes(handouts=bool(handouts))


def list_prints(conn: Any, *, limit: int = 50) -> list[PrintRecord]:
    rows = conn.execute(
        "SELECT id, template_id, params, large_print, copies, output, printed_at FROM handout_print "
        "ORDER BY printed_at DESC, id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [
        PrintRecord(
            id=int(r[0]),
            template_id=str(r[1]),
            params={str(k): str(v) for k, v in json.loads(r[2]).items()},
            large_print=bool(r[3]),
            copies=int(r[4]),
            output="pdf" if r[5] == "pdf" else "imprimante",
            printed_at=dt.datetime.fromisoformat(r[6]),
        )
        for r in rows
    ]


def get_print(conn: Any, record_id: int) -> PrintRecord | None:
    return next((r for r in list_prints(conn, limit=HISTORY_LIMIT) if r.id == record_id), None)


def clear_prints(conn: Any) -> int:
    return int(conn.execute("DELETE FROM handout_print").rowcount)
