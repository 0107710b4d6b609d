"""One synchronisation: send the outbox, then walk every stream page by page, each page checked
whole and applied in one transaction with its cursor, then fetch the missing assets.

The engine never touches the store directly: it hands small functions to `StoreAccess.run`, which
runs them on the thread that owns the connection (the window's store worker) or right away (CLI).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeVar

import requests

from milpj_desktop.directory import indexing
from milpj_desktop.errors import KnownError
from milpj_desktop.store import Store
from milpj_desktop.typography import grouped
from milpj_desktop.upkeep import finish_pending
from milpj_desktop.worker import Cancelled
from sync import assets, errors, outbox
from sync.apply import Applied, adopt_local, apply_page, forget_departements
from sync.checking import HELPERS_FROM, Checked, PageChecker, PageJob, default_helpers
from sync.http import CursorExpired, HttpConfig, SyncHttp
from sync.lock import SyncLock
from sync.page import Page, read_page
from sync.protocol import (
    COLLECTIONS,
    DEFAULT_LIMIT,
    LABELS,
    MAX_LIMIT,
    Collection,
    PageHeader,
    cursor_ok,
    departements_param,
)
from sync.state import (
    CATCH_UP_PREFIX,
    DIRECTORY_MAIN,
    CollectionResult,
    RunResult,
    Stream,
    content_streams,
    delete_stream,
    directory_streams,
    finish_run,
    load_stream,
    next_generation,
    save_collection_result,
    save_stream,
    start_run,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
MEDIA_DIR = "medias"


class StoreAccess(Protocol):
    """Runs a function with the open store where the store may be used."""

    def run(self, fn: Callable[[Store], T]) -> T: ...


class DirectAccess:
    """The command line: the store is used on the calling thread."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def run(self, fn: Callable[[Store], T]) -> T:
        return fn(self.store)


@dataclass(frozen=True)
class Progress:
    """Progress as data: the window draws it, the command line may print it."""

    phase: str  # "corrections", "changements", "medias"
    collection: str
    label: str
    done: int
    total: int | None
    bytes: int


@dataclass(frozen=True)
class SyncRequest:
    """Everything a synchronisation needs to know (from Paramètres, or the command line)."""

    server_url: str
    token: str
    departements: frozenset[str] = frozenset()
    ca_bundle: str = ""
    proxy: str = ""
    page_limit: int = DEFAULT_LIMIT
    collections: tuple[Collection, ...] = COLLECTIONS
    connect_timeout: float = 10.0
    stall_timeout: float = 30.0
    max_attempts: int = 5
    backoff_base: float = 0.5
    max_retry_after: float = 30.0
    failure_budget: float = 50.0
    min_rate: float = 1024.0
    run_budget: float = 3600.0
    change_margin: int = 100  # changes a stream may bring beyond what it announced
    # helper processes that check a large directory load (None: from the number of cores; 0: none)
    helpers: int | None = None
    helpers_from: int = HELPERS_FROM
    reason: str = ""  # why it runs, kept with the run: « manuelle », « nouveaux réglages »…

    def http_config(self) -> HttpConfig:
        return HttpConfig(
            base_url=self.server_url,
            token=self.token,
            ca_bundle=self.ca_bundle,
            proxy=self.proxy,
            connect_timeout=self.connect_timeout,
            stall_timeout=self.stall_timeout,
            max_attempts=self.max_attempts,
            backoff_base=self.backoff_base,
            max_retry_after=self.max_retry_after,
            failure_budget=self.failure_budget,
            min_rate=self.min_rate,
            run_budget=self.run_budget,
        )


@dataclass
class _Counters:
    totals: dict[str, int] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=dict)


def _in_transaction(fn: Callable[[Any], T]) -> Callable[[Store], T]:
    def task(store: Store) -> T:
        with store.transaction() as conn:
            return fn(conn)

    return task


def apply_subscription(conn: Any, wanted: frozenset[str]) -> int:
    """Follow the chosen départements: purge the removed ones now, fetch the added ones at the next run;
    returns how many national entries the purge removed."""
    existing = directory_streams(conn)
    covered: set[str] = set()
    for stream in existing:
        covered |= stream.departements
    removed = covered - wanted
    purged = 0
    if removed:
        purged = forget_departements(conn, removed)
        for stream in existing:
            left = stream.departements - removed
            if not left:
                delete_stream(conn, stream.name)
            elif left != stream.departements:
                stream.departements = frozenset(left)
                save_stream(conn, stream)
    added = frozenset(wanted - covered)
    if added:
        # the first subscription is the main stream itself; later additions catch up on their own
        name = DIRECTORY_MAIN if not existing else CATCH_UP_PREFIX + ",".join(sorted(added))
        save_stream(
            conn,
            Stream(name=name, collection=Collection.DIRECTORY, departements=added, generation=next_generation(conn)),
        )
    return purged


UNANNOUNCED_CHANGES = 2_000_000  # a stream whose first page did not say how many changes follow


def changes_allowed(announced: int, margin: int) -> int:
    """Changes a stream may bring after announcing `announced`: a margin for what is published meanwhile
    (10 %, at least `margin`). Past it the stream is refused; the next run starts from a new count."""
    return announced + max(margin, announced // 10)


class _Prefetcher:
    """Fetches the pages of one stream ahead of the apply, on its own thread, and hands each to the
    checks (here, or in helper processes for a large load): network waits and pydantic checks then
    overlap with the SQLCipher writes. Pages come out in order; the first failure ends the stream,
    and every page before it is still handed over (and applied) first.
    """

    def __init__(self, engine: SyncEngine, http: SyncHttp, stream: Stream, limit: int) -> None:
        self._queue: queue.Queue[object] = queue.Queue(maxsize=1 + engine.helpers)
        self._stop = threading.Event()
        self._engine = engine
        self._http = http
        self._stream = stream
        self._limit = limit
        self._thread = threading.Thread(target=self._work, name=f"milpj-sync-{stream.name}", daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _work(self) -> None:
        stream, checker = self._stream, self._engine.checker
        cursor, since_seq, first = stream.cursor, stream.seq, True
        depts = stream.departements if stream.collection == Collection.DIRECTORY else None
        allowed, received = UNANNOUNCED_CHANGES, 0
        while not self._stop.is_set():
            try:
                header, rest = self._engine.fetch(self._http, stream, cursor, first, self._limit)
                if first and header.remaining is not None:
                    allowed = changes_allowed(header.count + header.remaining, self._engine.request.change_margin)
                received += header.count
                if received > allowed:
                    raise errors.BadPage(
                        stream.label,
                        f"le serveur envoie plus de changements qu'il n'en avait annoncé ({allowed} au plus) : "
                        "flux sans fin arrêté",
                    )
            except BaseException as exc:  # handed to the applying thread, which raises it
                self._put(exc)
                return
            if first and depts is not None and header.count + (header.remaining or 0) >= self._engine.helpers_from:
                checker.start_helpers()  # a large load: records are checked on other cores
            checked = checker.submit(PageJob(stream.collection, header, rest, since_seq, self._limit, depts))
            if not self._put(checked) or checked.refused or not header.more:
                return
            cursor, since_seq, first = header.next, header.upto, False

    def next(self) -> object:
        """The next checked page, or the exception that ended the stream; cancel is honoured while waiting."""
        while True:
            self._http.check_cancelled()
            try:
                item = self._queue.get(timeout=0.1)
            except queue.Empty:
                if not self._thread.is_alive() and self._queue.empty():
                    raise errors.ConnectionCut() from None
                continue
            if isinstance(item, Checked):
                try:
                    return item.result(self._http.check_cancelled)
                except errors.BadPage as exc:
                    return exc
            return item

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)  # a read blocked on a dead connection ends with the stall timeout


class SyncEngine:
    """Runs one synchronisation; create one per run."""

    def __init__(
        self,
        access: StoreAccess,
        request: SyncRequest,
        *,
        data_dir: Path,
        cancel: threading.Event | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if not request.server_url.strip():
            raise errors.NoServer()
        if not request.token.strip():
            raise errors.NoToken()
        self.access = access
        self.request = request
        self.data_dir = data_dir
        self.media_dir = data_dir / MEDIA_DIR
        self.cancel = cancel or threading.Event()
        self.on_progress = on_progress or (lambda progress: None)
        self._session = session
        self._sleep = sleep
        self._rng = rng
        self._clock = clock
        self._counters = _Counters()
        self._refused = 0
        self.http: SyncHttp | None = None
        self.helpers = default_helpers() if request.helpers is None else max(0, request.helpers)
        self.helpers_from = request.helpers_from
        self.checker = PageChecker(self.helpers)

    # -- the run -------------------------------------------------------------------------------
    def run(self, *, on_locked: Callable[[Store], None] | None = None) -> RunResult:
        """Synchronise; returns the run (status 'reussie' — with warnings when files failed —, or
        'partielle'), raises on an aborting error. `on_locked` runs with the store once this run holds the sync lock (a refused run
        changes nothing: the command line saves its settings there)."""
        with SyncLock(self.data_dir):
            http = SyncHttp(
                self.request.http_config(),
                session=self._session,
                cancel=self.cancel,
                sleep=self._sleep,
                rng=self._rng,
                clock=self._clock,
            )
            self.http = http
            if on_locked is not None:
                self.access.run(on_locked)
            run = self.access.run(_in_transaction(lambda conn: start_run(conn, http.base, reason=self.request.reason)))
            try:
                self._run(http, run)
            except Cancelled:
                self._close_run(
                    run, http, "annulee", "Synchronisation annulée : les pages déjà reçues sont conservées."
                )
                raise
            except errors.SyncError as exc:
                run.error = type(exc).__name__  # the window tells an unreachable server from a refusal
                self._close_run(run, http, "echec", exc.message)
                exc.run = run  # the command line prints the table too
                raise
            except KnownError as exc:  # the store or the disk refused (full, read-only, I/O error)
                with contextlib.suppress(KnownError):  # recording the failure may need the same disk
                    self._close_run(run, http, "echec", exc.message)
                raise
            finally:
                self.checker.close()
                self.access.run(finish_pending)  # a load cut short: index what came, the store stays usable
                http.close()
            failed = [r for r in run.collections.values() if r.status == "echec"]
            warned = [r for r in run.collections.values() if r.failed and r.message]
            if failed:
                self._close_run(run, http, "partielle", failed[0].message)
            elif warned:  # « réussie avec avertissements » (RunResult.warned): files to fetch again
                self._close_run(run, http, "reussie", warned[0].message)
            else:
                self._close_run(run, http, "reussie", "")
            return run

    def _close_run(self, run: RunResult, http: SyncHttp, status: str, message: str) -> None:
        run.status = status
        run.message = message
        run.requests = http.stats.requests
        run.bytes = http.stats.bytes
        for result in run.collections.values():
            if result.status == "en-cours":
                result.status = {"annulee": "annulee", "echec": "echec"}.get(status, "reussie")
                if status == "echec":
                    result.message = result.message or message
        self.access.run(_in_transaction(lambda conn: finish_run(conn, run)))

    def _run(self, http: SyncHttp, run: RunResult) -> None:
        self._send_outbox(http, run)
        wanted = frozenset(d.upper() for d in self.request.departements)
        streams, purged = self.access.run(_in_transaction(lambda conn: self._prepare(conn, wanted)))
        if purged:  # entries of départements left behind: told in the counts like any deletion
            run.result(Collection.DIRECTORY).deleted += purged
        for listed in streams:
            if listed.collection not in self.request.collections:
                continue

            # reload: a département merged into the main directory stream changed it
            def reload(store: Store, name: str = listed.name) -> Stream | None:
                return load_stream(store.conn, name)

            current = self.access.run(reload)
            if current is None:
                continue
            stream = current
            result = run.result(stream.collection)
            if result.status == "echec":
                continue
            try:
                self._sync_stream(http, run, stream)
            except errors.BadPage as exc:
                result = run.result(stream.collection)
                result.status = "echec"
                result.message = exc.message
                result.failed += self._refused
                self.access.run(_in_transaction(partial(save_collection_result, run_id=run.run_id, result=result)))
                log.info("collection %s refusée : %s", stream.collection.value, exc.message)  # told in the run
                continue
            if stream.collection == Collection.ASSETS:
                self._fetch_assets(http, run)

    def _prepare(self, conn: Any, wanted: frozenset[str]) -> tuple[list[Stream], int]:
        """Create missing streams, follow the subscription (purge removed départements, add new ones);
        returns the streams and how many directory entries the purge removed."""
        streams = content_streams(conn)
        purged = apply_subscription(conn, wanted)
        streams += directory_streams(conn)
        for number, stream in enumerate(streams):
            if not cursor_ok(stream.cursor):  # kept by an older version from a hostile server: start over
                streams[number] = self._restart(conn, stream=stream)
            elif stream.full_pass and not stream.cursor:
                adopt_local(conn, stream.collection)
        return streams, purged

    # -- outbox --------------------------------------------------------------------------------
    def _send_outbox(self, http: SyncHttp, run: RunResult) -> None:
        self.on_progress(Progress("corrections", outbox.OUTBOX, "Envoi des corrections signalées", 0, None, 0))
        pushed = outbox.push(self.access.run, http)
        if pushed.sent or pushed.unsent:
            result = run.collections.setdefault(outbox.OUTBOX, CollectionResult(outbox.OUTBOX))
            result.added = pushed.sent
            result.failed = pushed.unsent
            result.status = "reussie" if not pushed.unsent else "echec"
            if pushed.unsent:
                result.message = (
                    f"{pushed.unsent} correction(s) non envoyée(s), toujours dans la boîte d'envoi : {pushed.reason}"
                )
        if pushed.stopped is not None:
            raise pushed.stopped  # the server or the network failed: tell the person now, not after every stream

    # -- one stream ----------------------------------------------------------------------------
    def _sync_stream(self, http: SyncHttp, run: RunResult, stream: Stream) -> None:
        """Apply the stream's pages in order while the next one is already being fetched and checked."""
        self._refused = 0
        collection = stream.collection
        limit = max(1, min(self.request.page_limit, MAX_LIMIT))
        fetcher = _Prefetcher(self, http, stream, limit)
        restarts = 0
        try:
            while True:
                item = fetcher.next()
                if isinstance(item, CursorExpired):
                    restarts += 1
                    if restarts > 2:
                        raise errors.BadPage(
                            stream.label, "le serveur refuse sans cesse le curseur d'une passe complète"
                        )
                    log.info("curseur expiré pour %s : nouvelle passe complète", stream.name)
                    fetcher.stop()
                    stream = self.access.run(_in_transaction(partial(self._restart, stream=stream)))
                    fetcher = _Prefetcher(self, http, stream, limit)
                    continue
                if isinstance(item, errors.BadPage):
                    self._refused = max(1, item.refused)
                    raise item
                if isinstance(item, BaseException):
                    raise item
                assert isinstance(item, Page)
                page = item
                result = run.result(collection)

                def write(store: Store, s: Stream = stream, p: Page = page, r: CollectionResult = result) -> Applied:
                    with store.transaction() as conn:
                        return apply_page(conn, s, p, r, run_id=run.run_id, media_dir=self.media_dir)

                if collection == Collection.DIRECTORY and stream.full_pass and not page.header.more:
                    self._announce_indexing(http)
                applied = self.access.run(write)
                assets.remove_files(applied.files_to_remove)
                stream = applied.stream
                run.collections[collection.value] = applied.result
                self._report(collection, page, http)
                if applied.completed:
                    break
        finally:
            fetcher.stop()
        if stream.is_catch_up:
            self.access.run(_in_transaction(lambda conn: self._merge(conn, stream)))

    def fetch(self, http: SyncHttp, stream: Stream, cursor: str, first: bool, limit: int) -> tuple[PageHeader, bytes]:
        """GET one page and check its type, header and checksum (retried per the policy)."""
        params = {"since": cursor, "limit": str(limit)}
        if stream.collection == Collection.DIRECTORY:
            params["departements"] = departements_param(stream.departements)
        if first:
            params["total"] = "1"

        def once() -> tuple[PageHeader, bytes]:
            content_type, body = http.get_page(f"/{stream.collection.value}/changes", params, what=stream.label)
            return read_page(stream.collection, content_type, body)

        return http.retrying(once)

    @staticmethod
    def _restart(conn: Any, *, stream: Stream) -> Stream:
        """Cursor too old: fetch the whole collection again; nothing local is removed before the end."""
        fresh = Stream(
            name=stream.name,
            collection=stream.collection,
            departements=stream.departements,
            full_pass=True,
            generation=next_generation(conn),
        )
        save_stream(conn, fresh)
        adopt_local(conn, stream.collection)
        return fresh

    @staticmethod
    def _merge(conn: Any, catch_up: Stream) -> None:
        """A newly added département is complete: from now on it travels with the others."""
        current = load_stream(conn, catch_up.name)
        if current is None or current.full_pass:
            return
        main = load_stream(conn, DIRECTORY_MAIN)
        if main is None:
            main = Stream(
                name=DIRECTORY_MAIN,
                collection=Collection.DIRECTORY,
                cursor=current.cursor,
                seq=current.seq,
                departements=current.departements,
                full_pass=False,
                generation=current.generation,
            )
        elif main.full_pass or current.seq < main.seq:
            return  # merged on a later run, once it has caught up
        else:
            main.departements = main.departements | current.departements
        save_stream(conn, main)
        delete_stream(conn, current.name)

    def _report(self, collection: Collection, page: Page, http: SyncHttp) -> None:
        key = collection.value
        counters = self._counters
        if page.header.remaining is not None:
            counters.totals[key] = counters.totals.get(key, 0) + page.header.count + page.header.remaining
        counters.done[key] = counters.done.get(key, 0) + page.header.count
        total = counters.totals.get(key)
        done = counters.done[key]
        label = f"{LABELS[collection].capitalize()} : {grouped(done)} changement(s) reçu(s)"
        if total:
            label = f"{LABELS[collection].capitalize()} : {grouped(done)} / {grouped(total)} changements"
        self.on_progress(Progress("changements", key, label, done, total, http.stats.bytes))

    def _announce_indexing(self, http: SyncHttp) -> None:
        if not self.access.run(lambda store: indexing.is_deferred(store.conn)):
            return
        label = "Annuaire : préparation de la recherche (index)…"
        self.on_progress(Progress("changements", Collection.DIRECTORY.value, label, 0, None, http.stats.bytes))

    # -- assets ----------------------------------------------------------------------------------
    def _fetch_assets(self, http: SyncHttp, run: RunResult) -> None:
        """Every missing file; one that cannot be had is told in the run and fetched again next time."""

        def each(done: int, total: int, name: str) -> None:
            label = f"Médias : {grouped(done + 1)} / {grouped(total)} ({name})"
            self.on_progress(Progress("medias", Collection.ASSETS.value, label, done, total, http.stats.bytes))

        failures = assets.fetch_missing(self.access.run, http, self.media_dir, each)
        if failures:
            result = run.result(Collection.ASSETS)
            result.failed = len(failures)  # the collection itself is up to date: a warning, not a failure
            first = failures[0]
            result.message = (
                f"{len(failures)} fichier(s) non reçu(s), nouvel essai à la prochaine synchronisation : {first}"
            )
            self.access.run(_in_transaction(partial(save_collection_result, run_id=run.run_id, result=result)))
