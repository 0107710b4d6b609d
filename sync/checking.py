"""Where the records of a page are checked: on the prefetch thread, or — for a large load of the
directory — in helper processes.

Checking a directory record against its pydantic model costs ≈ 35 µs of Python, and building its
row ≈ 15 µs: for a first load of 100 000 entries, five seconds of work that, in one process, takes
turns with the network and the store writes under the GIL (each SQLite call then waits for the GIL
to come back). In a helper process it runs on another core: on 2 cores, the first synchronisation of
100k took 12.2 s with the checks here and 8.9 s with one helper (tests/perf/bench_sync.py, same
machine, same run of measures). Small streams — every later synchronisation — never start one.

Helpers are started with "spawn" (no fork of a threaded process); if they cannot start, die or stop
answering, the page is checked here instead and the run goes on without them.

Each helper talks over its own pipe, whose far end only the helper holds: when a helper dies — even
in the middle of sending a result (the out-of-memory killer) — reading gives end-of-file at once.
(concurrent.futures' process pool shares one result pipe whose writing end the parent keeps open:
a helper killed in mid-message left its reader thread blocked for ever and the synchronisation with
it, about one run in five.) Every wait is bounded as well: a helper that neither answers nor dies
within HELPER_PATIENCE seconds is given up.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from sync import errors
from sync.apply import prepare
from sync.page import Page, change_model, check_changes
from sync.protocol import Collection, PageHeader

log = logging.getLogger(__name__)

HELPERS_FROM = 5_000  # changes announced by a directory stream's first page from which helpers start
HELPER_PATIENCE = 60.0  # seconds a helper may take to start, or to check one page, before it is given up
_POLL = 0.1  # seconds between two looks at cancel while waiting for a helper


def default_helpers() -> int:
    """One helper per core beyond the first, at most two (the server and the store need a core too)."""
    return max(1, min(2, (os.cpu_count() or 2) - 1))


@dataclass(frozen=True)
class PageJob:
    """What checking one page needs; picklable, it may travel to a helper process."""

    collection: Collection
    header: PageHeader
    rest: bytes
    since_seq: int
    limit: int
    departements: frozenset[str] | None

    def run(self) -> Page:
        page = check_changes(
            self.collection,
            self.header,
            self.rest,
            since_seq=self.since_seq,
            limit=self.limit,
            departements=self.departements,
        )
        return prepare(page)


# -- in the helper process ------------------------------------------------------------------------
def _follow_parent() -> None:
    """In each helper: end with the process that started it, even if that one is killed (kill -9)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="milpj-aide-parent", daemon=True).start()


def _check_in_helper(job: PageJob) -> tuple[Any, ...]:
    """The records stay here; what the store needs travels back as plain data."""
    page = job.run()
    return ([(c.seq, c.op, c.id, c.version, c.dept) for c in page.changes], page.rows, page.size)


def _serve(conn: Connection) -> None:
    """A helper's life: say it is ready, then check each (number, job) it receives, in order.

    A reader thread drains the pipe while a page is being checked, so the parent never blocks
    sending the next page while this side sends a result (both pipes full: a deadlock)."""
    _follow_parent()
    jobs: queue.SimpleQueue[tuple[int, PageJob] | None] = queue.SimpleQueue()

    def read() -> None:
        try:
            while True:
                jobs.put(conn.recv())
        except (EOFError, OSError):
            jobs.put(None)

    threading.Thread(target=read, name="milpj-aide-lecture", daemon=True).start()
    try:
        conn.send(("pret", 0, None))
        while (item := jobs.get()) is not None:
            number, job = item
            try:
                outcome: tuple[str, int, Any] = ("ok", number, _check_in_helper(job))
            except errors.BadPage as exc:  # crosses back whole (KnownError pickles by message and state)
                outcome = ("refusee", number, exc)
            except Exception as exc:  # a bug in a helper: the parent checks that page itself
                outcome = ("echec", number, f"{type(exc).__name__}: {exc}")
            conn.send(outcome)
    except (EOFError, OSError):  # the parent closed its end: nothing more to do
        pass


# -- in the synchronising process -----------------------------------------------------------------
class HelperGone(Exception):
    """A helper died, failed or stopped answering: its pages are checked here."""


class _Helper:
    """One helper process and the parent's end of its pipe."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.ready = False
        self.gone = False
        self.started = time.monotonic()
        self._results: dict[int, tuple[str, Any]] = {}
        self._lock = threading.Lock()

    def poll_ready(self, timeout: float = 0.0) -> bool:
        """True once the helper has started and imported what it needs (waits up to `timeout`)."""
        if self.ready or self.gone:
            return self.ready
        try:
            if self.conn.poll(timeout):
                kind, _, _ = self.conn.recv()
                self.ready = kind == "pret"
        except (EOFError, OSError):
            self.gone = True
        else:
            if not self.ready and time.monotonic() - self.started > HELPER_PATIENCE:
                self.gone = True
        return self.ready

    def send(self, number: int, job: PageJob) -> None:
        self.conn.send((number, job))

    def take(self, number: int, wait: Callable[[], None]) -> tuple[str, Any]:
        """The outcome of job `number`; raises HelperGone if the helper dies or stops answering."""
        deadline = time.monotonic() + HELPER_PATIENCE
        with self._lock:
            while number not in self._results:
                wait()
                if self.gone:
                    raise HelperGone("aide arrêtée")
                try:
                    if multiprocessing.connection.wait([self.conn], timeout=_POLL):
                        kind, got, value = self.conn.recv()
                        self._results[got] = (kind, value)
                        deadline = time.monotonic() + HELPER_PATIENCE
                        continue
                except (EOFError, OSError) as exc:  # dead, even in the middle of a message
                    self.gone = True
                    raise HelperGone(f"aide arrêtée (code {self.process.exitcode})") from exc
                if time.monotonic() > deadline:
                    self.gone = True
                    raise HelperGone(f"aide sans réponse depuis {HELPER_PATIENCE:.0f} s")
            return self._results.pop(number)

    def stop(self) -> None:
        self.gone = True
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=2.0)


class Checked:
    """A page handed to the checks: `result` gives the checked Page, or raises why it was refused."""

    def __init__(
        self,
        job: PageJob,
        *,
        page: Page | None = None,
        error: errors.BadPage | None = None,
        helper: _Helper | None = None,
        number: int = 0,
        on_gone: Callable[[], None] | None = None,
    ) -> None:
        self._job = job
        self._page = page
        self._error = error
        self._helper = helper
        self._number = number
        self._on_gone = on_gone

    @property
    def refused(self) -> bool:
        """Known at once to be refused (checked here): nothing after it is worth fetching."""
        return self._error is not None

    def result(self, wait: Callable[[], None]) -> Page:
        """The page (waiting for its helper if need be; `wait` is called between polls: cancel)."""
        if self._helper is not None:
            self._collect(wait)
        if self._error is not None:
            raise self._error
        assert self._page is not None
        return self._page

    def _collect(self, wait: Callable[[], None]) -> None:
        helper, self._helper = self._helper, None
        assert helper is not None
        try:
            kind, value = helper.take(self._number, wait)
        except HelperGone as exc:
            kind, value = "echec", str(exc)
            if self._on_gone:
                self._on_gone()
        if kind == "refusee":
            self._error = value
        elif kind == "ok":
            changes, rows, size = value
            model = change_model(self._job.collection)
            built = [
                model.model_construct(seq=s, op=o, id=i, version=v, dept=d, record=None) for s, o, i, v, d in changes
            ]
            self._page = Page(header=self._job.header, changes=built, size=int(size), rows=rows)
        else:
            log.warning("aide à la vérification indisponible (%s) : vérification sur place", value)
            try:
                self._page = self._job.run()
            except errors.BadPage as exc:
                self._error = exc


class PageChecker:
    """Checks the pages of one synchronisation; `start_helpers` once a large load is announced."""

    def __init__(self, helpers: int) -> None:
        self._count = helpers
        self._helpers: list[_Helper] = []
        self._turn = itertools.count()
        self._numbers = itertools.count(1)
        self._broken = helpers <= 0
        self._started = False
        self.wait_for_helpers = False  # tests: no page is checked here while the helpers start
        self.helped = 0  # pages checked by a helper

    @property
    def helping(self) -> bool:
        return bool(self._live())

    def helper_pids(self) -> list[int]:
        """The helper processes still running (tests and benches kill them as the system would)."""
        return [h.process.pid for h in self._helpers if h.process.pid is not None and h.process.is_alive()]

    def _live(self) -> list[_Helper]:
        return [] if self._broken else [h for h in self._helpers if not h.gone]

    def start_helpers(self) -> None:
        if self._started or self._broken:
            return
        self._started = True
        context = multiprocessing.get_context("spawn")
        try:
            for index in range(self._count):
                mine, theirs = context.Pipe(duplex=True)
                process = context.Process(target=_serve, args=(theirs,), name=f"milpj-aide-{index + 1}", daemon=True)
                process.start()
                theirs.close()  # only the helper holds its end: its death reads as end-of-file here
                self._helpers.append(_Helper(process, mine))
        except (OSError, ValueError, RuntimeError) as exc:
            log.warning("aides à la vérification non démarrées (%s)", exc)
            self._set_broken()

    def submit(self, job: PageJob) -> Checked:
        if self.wait_for_helpers:
            for helper in self._live():
                deadline = time.monotonic() + HELPER_PATIENCE
                while not helper.poll_ready(_POLL) and not helper.gone and time.monotonic() < deadline:
                    pass
        ready = [h for h in self._live() if h.poll_ready()]
        if ready:
            helper = ready[next(self._turn) % len(ready)]
            number = next(self._numbers)
            try:
                helper.send(number, job)
            except OSError as exc:
                log.warning("aide à la vérification indisponible (%s) : vérification sur place", exc)
                helper.gone = True
            else:
                self.helped += 1
                return Checked(job, helper=helper, number=number, on_gone=self._set_broken)  # the others may be next
        try:
            return Checked(job, page=job.run())
        except errors.BadPage as exc:
            return Checked(job, error=exc)

    def _set_broken(self) -> None:
        self._broken = True

    def close(self) -> None:
        helpers, self._helpers = self._helpers, []
        for helper in helpers:
            helper.stop()
