"""kill -9 of the client at random points of a synchronisation, many times (100; 20 with --rapide).

The real client (`milpj-desktop synchroniser`, its own process) syncs from the real reference server
on 127.0.0.1 and is killed with SIGKILL at a random moment of its run. After every kill the store is
opened as the window opens it and checked: SQLCipher and SQLite integrity, the directory's indexes,
the professional's local entry and private notes, unchanged, and no helper process left running. Kills come in cycles: a cycle starts either from a store that never synced (the
first synchronisation is cut) or after the server published and deleted records (an incremental one
is cut); each cycle ends with a synchronisation run to the end with --verifier, which must converge
to the server's checksum of every collection.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE.parents[1]) not in sys.path:
    sys.path.insert(0, str(HERE.parents[1]))

from tests.perf import _serveur  # noqa: E402
from tests.perf._report import Row, emit, quick, say  # noqa: E402

LOCAL_NAME = "Relais des familles Octavie Brézillac"
LOCAL_NOTE = "Note locale : rappeler Mme Brézillac le mardi, code 7741"
NATIONAL_NOTE = "Note privée sur une fiche nationale : accueil sans rendez-vous"
KILLS_PER_CYCLE = 8


def _prepare_baseline(folder: Path, national_id: str) -> None:
    """A store after `init`, with one local entry, its note, and a note on a national id."""
    done = _serveur.run_client(folder, "init")
    if done.returncode != 0:
        raise RuntimeError(f"init : {done.stderr.strip()}")
    code = f"""
import datetime as dt
from milpj_desktop import paths
from milpj_desktop.store import Store
from milpj_desktop.directory import repository as r
from milpj_desktop.directory.models import DirectoryEntry
s = Store.open(paths.store_path(), {_serveur.PASSPHRASE!r})
entry = DirectoryEntry(kind="structure", type="laep", name={LOCAL_NAME!r}, postcode="25000",
                       commune_insee="25056", commune="Besançon", updated_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
with s.transaction() as c:
    ident = r.add_local(c, entry)
    r.set_note(c, ident, {LOCAL_NOTE!r})
    r.set_note(c, {national_id!r}, {NATIONAL_NOTE!r})
s.close()
"""
    done = subprocess.run(
        [sys.executable, "-c", code], env=_serveur.client_env(folder), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"données locales : {done.stderr.strip()[-400:]}")


def check_store(folder: Path) -> tuple[list[str], bool]:
    """(integrity problems, local data intact) of the client's store, opened as the window opens it
    (an interrupted first load gets its indexes then): encryption, structure, directory indexes."""
    from milpj_desktop.errors import KnownError
    from milpj_desktop.upkeep import check_store as problems_of
    from milpj_desktop.upkeep import open_store

    try:
        store = open_store(folder / "milpj.db", _serveur.PASSPHRASE)
    except KnownError as exc:
        return [f"ouverture impossible : {exc.message}"], False
    try:
        problems = problems_of(store)
        conn = store.conn
        names = [r[0] for r in conn.execute("SELECT name FROM directory_local")]
        notes = {r[0] for r in conn.execute("SELECT note FROM directory_note")}
    finally:
        store.close()
    intact = names == [LOCAL_NAME] and {LOCAL_NOTE, NATIONAL_NOTE} <= notes
    return problems, intact


def helpers_left(folder: Path, wait: float = 5.0) -> int:
    """Processes still running with this client's data folder (its helper processes), after `wait` s."""
    mark = f"MILPJ_DATA_DIR={folder}".encode()
    deadline = time.monotonic() + wait
    while True:
        left = 0
        for environ in Path("/proc").glob("[0-9]*/environ"):
            try:
                if mark in environ.read_bytes().split(b"\0"):
                    left += 1
            except OSError:
                continue
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def _changes_on_server(server: _serveur.Server, entries: list[dict[str, Any]], rng: random.Random, round_: int) -> None:
    """Publish changed versions of some national entries and delete a few others."""
    changed = []
    for record in rng.sample(entries, min(300, len(entries))):
        copy = dict(record)
        copy["name"] = f"{record['name']} (modifiée {round_})"[:200]
        copy["updated_at"] = f"2025-02-{1 + round_ % 27:02d}T08:00:00Z"
        changed.append(copy)
    path = server.folder / f"changes-{round_}.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    server.admin("publier", "directory", str(path))
    victims = [str(r["national_id"]) for r in rng.sample(entries, 10)]
    server.admin("supprimer", "directory", *victims)
    for victim in victims:
        entries[:] = [r for r in entries if r["national_id"] != victim]


def _killed_run(folder: Path, server: _serveur.Server, delay: float) -> tuple[bool, float]:
    """Start a sync, SIGKILL it after delay seconds; (killed before it ended, seconds it ran)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        _serveur.client_command(*_serveur.sync_args(server, "--par-page", "500")),
        env=_serveur.client_env(folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        proc.wait(timeout=delay)
        return False, time.perf_counter() - start
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True, time.perf_counter() - start


def main() -> int:
    if not _serveur.available():
        emit([Row(figure="kill -9 pendant la synchronisation", value=None, note="serveur de référence absent")])
        return 0
    kills = 20 if quick() else 100
    size = 6000  # from 5 000, a first synchronisation checks its pages in helper processes
    rng = random.Random(20251123)
    integrity_failures = 0
    local_lost = 0
    cycles = 0
    not_converged = 0
    completed_early = 0
    orphans = 0
    first_problem = ""
    with tempfile.TemporaryDirectory(prefix="banc-kill9-") as tmp:
        root = Path(tmp)
        from milpj_desktop.directory.generate import national_dataset

        entries = [json.loads(e.model_dump_json()) for e in national_dataset(size)]
        say("serveur de référence…")
        with _serveur.Server(root / "serveur", size) as server:
            baseline = root / "base"
            _prepare_baseline(baseline, str(entries[0]["national_id"]))
            client = root / "client"
            shutil.copytree(baseline, client)
            started = time.perf_counter()
            done = _serveur.run_client(client, *_serveur.sync_args(server, "--par-page", "500"))
            full_run = time.perf_counter() - started
            if done.returncode != 0:
                raise RuntimeError(f"synchronisation de calibrage : {done.stderr.strip()[-300:]}")
            say(f"synchronisation complète : {full_run:.1f} s")
            done_kills = 0
            incremental_run = full_run / 2
            while done_kills < kills:
                cycles += 1
                first_sync = cycles % 3 != 0
                if first_sync:
                    shutil.rmtree(client)
                    shutil.copytree(baseline, client)  # the first synchronisation will be cut
                else:
                    _changes_on_server(server, entries, rng, cycles)  # an incremental one will be cut
                for _ in range(KILLS_PER_CYCLE):
                    if done_kills >= kills:
                        break
                    longest = full_run if first_sync else incremental_run
                    killed, ran = _killed_run(client, server, rng.uniform(0.3, longest))
                    if not killed:  # it finished first: this cycle's synchronisation is complete
                        completed_early += 1
                        if not first_sync:
                            incremental_run = ran
                        break
                    done_kills += 1
                    orphans += helpers_left(client)
                    problems, intact = check_store(client)
                    integrity_failures += bool(problems)
                    local_lost += not intact
                    if (problems or not intact) and not first_problem:
                        first_problem = f"coupure {done_kills} : {problems[:1] or 'données locales modifiées'}"
                final = _serveur.run_client(client, *_serveur.sync_args(server, "--verifier"))
                if final.returncode != 0:
                    not_converged += 1
                    if not first_problem:
                        first_problem = f"cycle {cycles} : {final.stderr.strip()[-200:]}"
                problems, intact = check_store(client)
                integrity_failures += bool(problems)
                local_lost += not intact
                say(f"{done_kills} coupures, {cycles} cycles, {not_converged} non convergés")
    note = (
        f"{kills} SIGKILL en {cycles} cycles (annuaire de {size} fiches, synchronisation complète {full_run:.1f} s ; "
        f"{completed_early} synchronisations finies avant le kill prévu, non comptées)"
    )
    rows = [
        Row(
            figure=f"kill -9 × {kills} : défauts d'intégrité du magasin",
            value=integrity_failures,
            unit="défauts",
            goal="0",
            ok=integrity_failures == 0,
            note=note + (f" ; {first_problem}" if first_problem else ""),
        ),
        Row(
            figure=f"kill -9 × {kills} : fiches locales ou notes privées perdues",
            value=local_lost,
            unit="pertes",
            goal="0",
            ok=local_lost == 0,
        ),
        Row(
            figure=f"kill -9 × {kills} : processus d'aide encore en vie 5 s après",
            value=orphans,
            unit="processus",
            goal="0",
            ok=orphans == 0,
        ),
        Row(
            figure=f"kill -9 : cycles non convergés vers la somme de contrôle du serveur (sur {cycles})",
            value=not_converged,
            unit="cycles",
            goal="0",
            ok=not_converged == 0,
        ),
    ]
    emit(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
