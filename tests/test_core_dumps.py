"""Issue 16 item 2 (part): the started app may write no core file and, on Linux, is not dumpable."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import run_cli

# Starts the real application (ui.app.run_app) on the offscreen platform, reads what the kernel says
# about the process once the window is up, then quits.
_PROBE = """
import ctypes, resource, sys
from ui.qt import QApplication, QTimer
from ui.app import run_app
app = QApplication(sys.argv)
def probe():
    dumpable = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0) if sys.platform.startswith("linux") else "?"  # PR_GET_DUMPABLE
    print("core", resource.getrlimit(resource.RLIMIT_CORE), "dumpable", dumpable, flush=True)
    app.quit()
QTimer.singleShot(0, probe)
run_app()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="no core files nor RLIMIT_CORE on Windows")
def test_the_started_app_allows_no_core_dump() -> None:
    done = run_cli("-c", _PROBE, command=(sys.executable,), env={"QT_QPA_PLATFORM": "offscreen"}, passphrase=None)
    assert done.returncode == 0, done.stderr
    line = next(li for li in done.stdout.splitlines() if li.startswith("core"))
    assert "core (0, 0)" in line
    if sys.platform.startswith("linux"):
        assert line.endswith("dumpable 0")  # PR_GET_DUMPABLE: gcore and ptrace refused
