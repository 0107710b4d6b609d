"""Where the records of a page are checked: on the prefetch thread, or — for a large load of the
directory — in helper processes.

Checking a directory record against its pydantic model costs ≈ 35 µs of Python, and building its
row ≈ 15 µs: for a first load of 100 000 entries, five seconds of work that, in one process, takes
turns with the network and the store writes under the GIL (each SQLite call then waits for the GIL
to come back). In a helper process it runs on another core: on 2 cores, the first synchronisation of
100k took 12.2 s with the checks here and 8.9 s with one helper (tests/perf/bench_sync.py, same
machine, same run of measures). Small streams — every later synchronisation — never start one.

Helpers are started with "spawn" (no fork of a threaded process); if they cannot start or die, the
page is checked here instead and the run goes on without them.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from sync import errors
from sync.apply import prepare
from sync.page import Page, change_model, check_changes
from sync.protocol import Collection, PageHeader

log = logging.getLogger(__name__)

HELPERS_FROM = 5_000  # changes announced by a directory stream's first page from which helpers start


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


def _follow_parent() -> None:
    """In each helper: end with the process that started it, even if that one is killed (kill -9)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="milpj-aide-parent", daemon=True).start()


def _ready() -> bool:
    """A first, empty task: done once a helper has started and imported what it needs."""
    return True


def _check_in_helper(job: PageJob) -> tuple[Any, ...]:
    """Runs in the helper: the records stay here; what the store needs travels back as plain data
    (a refused page raises its BadPage, which crosses back whole)."""
    page = job.run()
    return ([(c.seq, c.op, c.id, c.version, c.dept) for c in page.changes], page.rows, page.size)


class Checked:
    """A page handed to the checks: `result` gives the checked Page, or raises why it was refused."""

    def __init__(
        self,
        job: PageJob,
        *,
        page: Page | None = None,
        error: errors.BadPage | None = None,
        future: cf.Future[tuple[Any, ...]] | None = None,
        on_broken: Callable[[], None] | None = None,
    ) -> None:
        self._job = job
        self._page = page
        self._error = error
        self._future = future
        self._on_broken = on_broken

    @property
    def refused(self) -> bool:
        """Known at once to be refused (checked here): nothing after it is worth fetching."""
        return self._error is not None

    def result(self, wait: Callable[[], None]) -> Page:
        """The page (waiting for its helper if need be; `wait` is called between polls: cancel)."""
        if self._future is not None:
            self._collect(wait)
        if self._error is not None:
            raise self._error
        assert self._page is not None
        return self._page

    def _collect(self, wait: Callable[[], None]) -> None:
        future, self._future = self._future, None
        assert future is not None
        while True:
            wait()
            try:
                outcome = future.result(timeout=0.1)
                break
            except cf.TimeoutError:
                continue
            except errors.BadPage as exc:
                self._error = exc
                return
            except Exception as exc:  # a helper that died or failed: the page is checked here instead
                log.warning("aide à la vérification indisponible (%s) : vérification sur place", exc)
                if self._on_broken:
                    self._on_broken()
                self._page = self._job.run()
                return
        changes, rows, size = outcome
        model = change_model(self._job.collection)
        built = [model.model_construct(seq=s, op=o, id=i, version=v, dept=d, record=None) for s, o, i, v, d in changes]
        self._page = Page(header=self._job.header, changes=built, size=int(size), rows=rows)


class PageChecker:
    """Checks the pages of one synchronisation; `start_helpers` once a large load is announced."""

    def __init__(self, helpers: int) -> None:
        self._helpers = helpers
        self._pool: cf.ProcessPoolExecutor | None = None
        self._ready: cf.Future[bool] | None = None
        self._broken = helpers <= 0
        self.wait_for_helpers = False  # tests: no page is checked here while the helpers start
        self.helped = 0  # pages checked by a helper

    @property
    def helping(self) -> bool:
        return self._pool is not None and not self._broken

    def start_helpers(self) -> None:
        if self._pool is not None or self._broken:
            return
        try:
            self._pool = cf.ProcessPoolExecutor(
                self._helpers, mp_context=multiprocessing.get_context("spawn"), initializer=_follow_parent
            )
            self._ready = self._pool.submit(_ready)  # pages are checked here until a helper answers
        except (OSError, ValueError, RuntimeError) as exc:
            log.warning("aides à la vérification non démarrées (%s)", exc)
            self._broken = True

    def submit(self, job: PageJob) -> Checked:
        if self.wait_for_helpers and self._ready is not None:
            cf.wait([self._ready])
        if self.helping and self._pool is not None and self._ready is not None and self._ready.done():
            try:
                future = self._pool.submit(_check_in_helper, job)
                self.helped += 1
                return Checked(job, future=future, on_broken=self._set_broken)
            except (BrokenProcessPool, RuntimeError) as exc:
                log.warning("aides à la vérification indisponibles (%s)", exc)
                self._set_broken()
        try:
            return Checked(job, page=job.run())
        except errors.BadPage as exc:
            return Checked(job, error=exc)

    def _set_broken(self) -> None:
        self._broken = True

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
