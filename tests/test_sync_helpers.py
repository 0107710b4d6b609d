"""Helper processes of a large synchronisation end with the process that started them, even when
that one is killed (SIGKILL): nothing is left running on the professional's computer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.conftest import PASSPHRASE
from tests.test_sync_support import TOKEN, departements_of, directory_sample, fill, running_server

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = directory_sample(300, seed=31)

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from milpj_desktop import paths
    from milpj_desktop.upkeep import create_with_default_content
    from sync.engine import DirectAccess, SyncEngine, SyncRequest

    url, token, passphrase, depts = sys.argv[1:5]
    store = create_with_default_content(passphrase)
    request = SyncRequest(server_url=url, token=token, departements=frozenset(depts.split(",")), page_limit=30,
                          helpers=1, helpers_from=1, stall_timeout=120)
    told = []

    def progress(p):
        pids = engine.checker.helper_pids()
        if p.collection == "directory" and pids and not told:
            told.append(True)
            print(" ".join(str(pid) for pid in pids), flush=True)

    engine = SyncEngine(DirectAccess(store), request, data_dir=paths.data_dir(), on_progress=progress)
    engine.checker.wait_for_helpers = True
    engine.run()
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))  # a zombie has ended


def test_helpers_end_with_a_killed_synchronisation(tmp_path: Path) -> None:
    with running_server(tmp_path / "serveur") as server:
        fill(server.db, directory=ENTRIES, assets=False)
        server.db.add_fault("lenteur", collection="directory", skip=2, times=-1, seconds=60)  # the run hangs there
        depts = ",".join(sorted(departements_of(ENTRIES)))
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, server.url, TOKEN, PASSPHRASE, depts],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert child.stdout is not None
            helpers = [int(pid) for pid in child.stdout.readline().split()]
            assert helpers and all(_alive(pid) for pid in helpers)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
            for stream in (child.stdout, child.stderr):
                if stream:
                    stream.close()
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in helpers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in helpers)
        server.db.clear_faults()
