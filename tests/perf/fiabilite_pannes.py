"""Every fault of the reference server's fault mode, against the real client.

For each fault (500, 503, 401, 404, 429, stall, cut mid-body, truncated gzip, invalid JSON, schema-
invalid record, duplicate ids, cursor going back, oversize page, wrong content type): a store that
never synced runs `milpj-desktop synchroniser` with pages of 100 directory entries while the server
lets 2 directory requests through and then fails every later one. Checked:
- the command ends with exit code 2 and a one-line French message (no traceback, no English);
- the store is intact and holds exactly the directory entries of the 2 good requests — the same
  count as after a 401 on the third request, where nothing can be applied — so the bad page and
  everything after it applied nothing;
- once the fault is cleared, the next synchronisation converges to the server (--verifier).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE.parents[1]) not in sys.path:
    sys.path.insert(0, str(HERE.parents[1]))

from tests.perf import _serveur  # noqa: E402
from tests.perf._report import Row, emit, say  # noqa: E402
from tests.perf.fiabilite_fuzz import _french  # noqa: E402

PER_PAGE = 100
GOOD_REQUESTS = 2
STALL_S = 2.0


def directory_count(folder: Path) -> tuple[int, list[str]]:
    from milpj_desktop.store import Store

    store = Store.open(folder / "milpj.db", _serveur.PASSPHRASE)
    try:
        count = int(store.conn.execute("SELECT count(*) FROM directory_national").fetchone()[0])
        problems = store.verify()
    finally:
        store.close()
    return count, problems


def one_fault(kind: str, server: _serveur.Server, baseline: Path, folder: Path) -> dict[str, Any]:
    client = folder / kind
    shutil.copytree(baseline, client)
    server.admin("panne", "aucune")
    server.admin(
        "panne", kind, "--cible", "directory", "--apres", str(GOOD_REQUESTS), "--fois", "-1",
        "--secondes", str(STALL_S * 2.5 if kind == "lenteur" else 1),
    )  # fmt: skip
    started = time.perf_counter()
    done = _serveur.run_client(
        client, *_serveur.sync_args(server, "--par-page", str(PER_PAGE), "--delai", str(STALL_S)), timeout=300
    )
    took = time.perf_counter() - started
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    message = lines[-1] if lines else ""
    french = (
        done.returncode == 2
        and bool(message)
        and "Traceback" not in done.stderr
        and message.startswith("milpj-desktop :")
        and _french(message)
    )
    count, problems = directory_count(client)
    expected = GOOD_REQUESTS * PER_PAGE  # the entries of the good requests, and nothing after them
    server.admin("panne", "aucune")
    resumed = _serveur.run_client(client, *_serveur.sync_args(server, "--verifier"), timeout=300)
    return {
        "panne": kind,
        "code": done.returncode,
        "message": message,
        "message_ok": french,
        "annuaire": count,
        "attendu": expected,
        "magasin_ok": not problems and count == expected,
        "integrite": problems[:2],
        "reprise_ok": resumed.returncode == 0,
        "reprise": (resumed.stderr.strip().splitlines() or [""])[-1],
        "secondes": round(took, 1),
    }


def main() -> int:
    if not _serveur.available():
        emit([Row(figure="pannes du serveur de référence", value=None, note="serveur de référence absent")])
        return 0
    from sync.server.db import FAULT_KINDS

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="banc-pannes-") as tmp:
        root = Path(tmp)
        with _serveur.Server(root / "serveur", 2000) as server:
            baseline = root / "base"
            done = _serveur.run_client(baseline, "init")
            if done.returncode != 0:
                raise RuntimeError(f"init : {done.stderr.strip()}")
            for kind in sorted(FAULT_KINDS):
                result = one_fault(kind, server, baseline, root)
                say(
                    f"{kind:>16} : code {result['code']}, annuaire {result['annuaire']}/{result['attendu']}, "
                    f"reprise {'ok' if result['reprise_ok'] else 'NON'} ({result['secondes']} s) — {result['message']}"
                )
                results.append(result)
    total = len(results)
    bad_message = [r for r in results if not r["message_ok"]]
    bad_store = [r for r in results if not r["magasin_ok"]]
    not_resumed = [r for r in results if not r["reprise_ok"]]

    def which(rows: list[dict[str, Any]], what: str) -> str:
        return "; ".join(f"{r['panne']} : {str(r[what])[:140]}" for r in rows[:4])

    emit(
        [
            Row(
                figure=f"pannes du serveur ({total}) : sans message français d'une ligne (code 2)",
                value=len(bad_message),
                unit="pannes",
                goal="0",
                ok=not bad_message,
                note=which(bad_message, "message"),
                extra={"detail": results},
            ),
            Row(
                figure=f"pannes du serveur ({total}) : magasin changé au-delà de la dernière bonne page",
                value=len(bad_store),
                unit="pannes",
                goal="0",
                ok=not bad_store,
                note="; ".join(f"{r['panne']} : {r['annuaire']} fiches pour {r['attendu']}" for r in bad_store[:4]),
            ),
            Row(
                figure=f"pannes du serveur ({total}) : pas de convergence une fois la panne levée",
                value=len(not_resumed),
                unit="pannes",
                goal="0",
                ok=not not_resumed,
                note=which(not_resumed, "reprise"),
            ),
        ]
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
