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

fiabilite_hostile.py (hostile_main, below) runs the hostile modes with the command's default budgets (30 s of silence, 50 s of failures per call,
Retry-After capped at 30 s, changes capped at what the server announced): a server that never answers,
one that sends a byte at a time, one that asks to come back in 300 s, one whose pages never end —
each must give its French message within 60 s, with the store as after the last good page. And the
faults of other requests than a directory page: a damaged media file (« réussie avec avertissements »,
code 0), a template file name escaping its folder, an acknowledgement for another uuid, an unreadable
/state under --verifier (each a French line).
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
TOLD_WITHIN_S = 60.0
# directory-page faults run with the default budgets (no --delai): kind → --secondes
HOSTILE_DEFAULTS = {"muet": 120.0, "goutte-a-goutte": 120.0, "503": 300.0, "sans-fin": 1.0}
# faults of other requests: kind → (--cible, extra command arguments, exit code expected, on a first sync)
ELSEWHERE = {
    "fichier-abime": ("blobs", (), 0, True),
    "chemin-modele": ("templates", (), 2, True),
    "accuse-autre-uuid": ("corrections", (), 2, False),
    "etat-invalide": ("etat", ("--verifier",), 2, False),
}


def directory_count(folder: Path) -> tuple[int, list[str]]:
    from milpj_desktop.store import Store

    store = Store.open(folder / "milpj.db", _serveur.PASSPHRASE)
    try:
        count = int(store.conn.execute("SELECT count(*) FROM directory_national").fetchone()[0])
        problems = store.verify()
    finally:
        store.close()
    return count, problems


def _fault_seconds(kind: str) -> float:
    return {"lenteur": STALL_S * 2.5, "muet": STALL_S * 2.5, "goutte-a-goutte": 30.0}.get(kind, 1.0)


def one_fault(
    kind: str, server: _serveur.Server, baseline: Path, folder: Path, *, defaults: bool = False
) -> dict[str, Any]:
    """One directory-page fault; with `defaults`, the command's own budgets (no --delai)."""
    client = folder / (kind + ("-defauts" if defaults else ""))
    shutil.copytree(baseline, client)
    server.admin("panne", "aucune")
    seconds = HOSTILE_DEFAULTS[kind] if defaults else _fault_seconds(kind)
    server.admin(
        "panne", kind, "--cible", "directory", "--apres", str(GOOD_REQUESTS), "--fois", "-1",
        "--secondes", str(seconds),
    )  # fmt: skip
    budget = () if defaults else ("--delai", str(STALL_S))
    started = time.perf_counter()
    done = _serveur.run_client(client, *_serveur.sync_args(server, "--par-page", str(PER_PAGE), *budget), timeout=300)
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


def other_fault(kind: str, server: _serveur.Server, baseline: Path, folder: Path) -> dict[str, Any]:
    """A fault of another request than a directory page, on a store that already synchronised."""
    target, extra, expected, _ = ELSEWHERE[kind]
    client = folder / kind
    shutil.copytree(baseline, client)
    server.admin("panne", "aucune")
    if kind == "accuse-autre-uuid":
        from milpj_desktop.directory import repository as directory
        from milpj_desktop.store import Store

        store = Store.open(client / "milpj.db", _serveur.PASSPHRASE)
        try:
            national = str(store.conn.execute("SELECT national_id FROM directory_national LIMIT 1").fetchone()[0])
            with store.transaction() as conn:
                directory.add_correction(conn, national, "Correction du banc de fiabilité.")
        finally:
            store.close()
    server.admin("panne", kind, "--cible", target, "--fois", "-1")
    started = time.perf_counter()
    done = _serveur.run_client(client, *_serveur.sync_args(server, *extra), timeout=300)
    took = time.perf_counter() - started
    shown = done.stderr.strip().splitlines()[-1:] if done.returncode else done.stdout.strip().splitlines()[:1]
    message = shown[0] if shown else ""
    french = (
        done.returncode == expected
        and "Traceback" not in done.stderr
        and (expected == 0 or (message.startswith("milpj-desktop :") and _french(message)))
        and (expected != 0 or "avec avertissements" in done.stdout)
    )
    server.admin("panne", "aucune")
    resumed = _serveur.run_client(client, *_serveur.sync_args(server, "--verifier"), timeout=300)
    return {
        "panne": kind,
        "code": done.returncode,
        "message": message,
        "message_ok": french,
        "reprise_ok": resumed.returncode == 0,
        "reprise": (resumed.stderr.strip().splitlines() or [""])[-1],
        "secondes": round(took, 1),
    }


def which(rows: list[dict[str, Any]], what: str) -> str:
    return "; ".join(f"{r['panne']} : {str(r[what])[:140]}" for r in rows[:4])


def hostile_main() -> int:
    """The hostile modes with the default budgets, and the faults of other requests (fiabilite_hostile.py)."""
    if not _serveur.available():
        emit([Row(figure="modes hostiles du serveur de référence", value=None, note="serveur de référence absent")])
        return 0
    hostile: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="banc-hostile-") as tmp:
        root = Path(tmp)
        with _serveur.Server(root / "serveur", 2000) as server:
            baseline = root / "base"
            done = _serveur.run_client(baseline, "init")
            if done.returncode != 0:
                raise RuntimeError(f"init : {done.stderr.strip()}")
            for kind in HOSTILE_DEFAULTS:
                result = one_fault(kind, server, baseline, root, defaults=True)
                say(
                    f"{kind:>16} (budgets par défaut) : code {result['code']}, annuaire {result['annuaire']}/"
                    f"{result['attendu']}, message après {result['secondes']} s — {result['message']}"
                )
                hostile.append(result)
            synced = root / "synchronise"
            shutil.copytree(baseline, synced)
            first = _serveur.run_client(synced, *_serveur.sync_args(server))
            if first.returncode != 0:
                raise RuntimeError(f"synchronisation de référence : {first.stderr.strip()}")
            for kind, (_, _, _, first_sync) in ELSEWHERE.items():
                result = other_fault(kind, server, baseline if first_sync else synced, root)
                say(
                    f"{kind:>16} : code {result['code']}, reprise {'ok' if result['reprise_ok'] else 'NON'} "
                    f"({result['secondes']} s) — {result['message']}"
                )
                others.append(result)
    slowest = max((r["secondes"] for r in hostile), default=None)
    bad_hostile = [r for r in hostile if not (r["message_ok"] and r["magasin_ok"] and r["secondes"] <= TOLD_WITHIN_S)]
    bad_others = [r for r in others if not (r["message_ok"] and r["reprise_ok"])]
    emit(
        [
            Row(
                figure=f"modes hostiles, budgets par défaut ({len(hostile)}) : temps avant le message (le plus long)",
                value=slowest,
                unit="s",
                goal=f"≤ {TOLD_WITHIN_S:g} s",
                ok=slowest is not None and slowest <= TOLD_WITHIN_S,
                note=", ".join(f"{r['panne']} {r['secondes']} s" for r in hostile),
                extra={"detail": hostile},
            ),
            Row(
                figure=f"modes hostiles, budgets par défaut ({len(hostile)}) : sans message, trop lents ou magasin changé",
                value=len(bad_hostile),
                unit="pannes",
                goal="0",
                ok=not bad_hostile,
                note=which(bad_hostile, "message"),
            ),
            Row(
                figure=f"pannes hors pages d'annuaire ({len(others)}) : sans ligne française ou sans convergence ensuite",
                value=len(bad_others),
                unit="pannes",
                goal="0",
                ok=not bad_others,
                note=which(bad_others, "message"),
                extra={"detail": others},
            ),
        ]
    )
    return 0


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
            # sans-fin (≈ 2 000 requests here) is measured once, in fiabilite_hostile.py
            for kind in sorted(set(FAULT_KINDS) - set(ELSEWHERE) - {"sans-fin"}):
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
