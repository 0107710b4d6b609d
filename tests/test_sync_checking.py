"""Helper processes that die in the middle of a result, or stop answering, never freeze a
synchronisation: the page is checked here instead (out-of-memory killer, a stopped process)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from sync import checking
from sync.checking import PageChecker, PageJob
from sync.page import Page
from sync.protocol import Collection, PageHeader

HEADER = PageHeader(
    format=1, collection=Collection.DIRECTORY, since="", next="c1", upto=1, more=False, count=0, checksum="0" * 64
)
HERE_ROWS = {"ici": ("vérifiée dans ce processus",)}


@dataclass(frozen=True)
class DyingJob(PageJob):
    """In a helper: hands back a result too large for the pipe and is killed while sending it.
    Here (the fallback): a small page."""

    behaviour: str = "meurt"

    def run(self) -> Page:
        if multiprocessing.parent_process() is None:
            return Page(header=self.header, changes=[], size=0, rows=dict(HERE_ROWS))
        if self.behaviour == "muette":
            os.kill(os.getpid(), signal.SIGSTOP)  # alive, never answers
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGKILL)).start()
        return Page(header=self.header, changes=[], size=0, rows={"gros": ("x" * 40_000_000,)})


def _dead(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().split(") ")[-1].startswith("Z")


def _job(behaviour: str) -> DyingJob:
    return DyingJob(Collection.DIRECTORY, HEADER, b"", 0, 100, None, behaviour=behaviour)


def test_a_helper_killed_in_the_middle_of_its_answer_leaves_the_page_checked_here() -> None:
    checker = PageChecker(1)
    checker.wait_for_helpers = True
    checker.start_helpers()
    try:
        checked = checker.submit(_job("meurt"))
        assert checker.helped == 1
        (pid,) = checker.helper_pids()

        def until_dead() -> None:  # nothing is read before the helper is dead: its message stays cut
            while not _dead(pid):
                time.sleep(0.02)

        page = checked.result(until_dead)
        assert page.rows == HERE_ROWS
        assert not checker.helping  # later pages are checked here from the start
        assert checker.submit(_job("meurt")).result(lambda: None).rows == HERE_ROWS
    finally:
        checker.close()


def test_a_helper_that_stops_answering_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checking, "HELPER_PATIENCE", 1.0)
    checker = PageChecker(1)
    checker.wait_for_helpers = True
    checker.start_helpers()
    try:
        checked = checker.submit(_job("muette"))
        (pid,) = checker.helper_pids()
        page = checked.result(lambda: None)
        assert page.rows == HERE_ROWS
    finally:
        checker.close()
    assert _dead(pid)  # closing the checker ended the stopped helper too


def test_a_refused_page_in_a_helper_comes_back_as_its_own_error() -> None:
    from sync import errors

    checker = PageChecker(1)
    checker.wait_for_helpers = True
    checker.start_helpers()
    try:
        bad = PageJob(Collection.DIRECTORY, HEADER, b"pas du json\n", 0, 100, None)
        checked = checker.submit(bad)
        assert checker.helped == 1
        with pytest.raises(errors.BadPage) as refused:
            checked.result(lambda: None)
        assert refused.value.message  # French text from the helper, not a pickling error
        assert checker.helping  # a refusal is not a broken helper
    finally:
        checker.close()
