"""HTTP client of the synchronisation (requests): TLS always verified, token auth, stall timeout,
bounded reads, a minimum rate, retries with exponential backoff and jitter that honour Retry-After
(capped), a failure budget per call and a deadline for the whole run, cancel anywhere.

The device token goes only into the Authorization header: it is never logged nor put in a message.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import logging
import os
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
import requests.exceptions as rex
import urllib3.exceptions as u3
from requests.utils import DEFAULT_CA_BUNDLE_PATH

from milpj_desktop import __version__
from milpj_desktop.errors import FileWriteError
from milpj_desktop.worker import Cancelled
from sync import errors
from sync.protocol import API_PREFIX, CURSOR_EXPIRED, CURSOR_INVALID, MAX_PAGE_BYTES

log = logging.getLogger(__name__)
T = TypeVar("T")
CHUNK = 64 << 10


class CursorExpired(Exception):
    """410 with code curseur_expire: the collection must be fetched again from the start."""


@dataclass(frozen=True)
class HttpConfig:
    """Where and how to reach the server; the defaults suit a slow, unreliable field connection."""

    base_url: str
    token: str
    ca_bundle: str = ""
    proxy: str = ""
    connect_timeout: float = 10.0
    stall_timeout: float = 30.0  # no byte for this long = the connection is dead (not a total timeout)
    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    max_retry_after: float = 30.0  # a longer Retry-After is not waited for: the person is told at once
    # seconds one call may spend failing (attempts and waits) before the person is told: with the
    # defaults a dead or hostile server is reported within 60 s
    failure_budget: float = 50.0
    min_rate: float = 1024.0  # bytes/s a body must average once stall_timeout has passed
    run_budget: float = 3600.0  # the whole run (every call and wait), from the first request


def _ca_problem(path: str) -> str:
    """'' when the file holds at least one readable certificate, else why not (in French)."""
    if not os.path.isfile(path):
        return "introuvable"
    try:
        context = ssl.create_default_context(cafile=path)
    except (ssl.SSLError, OSError, ValueError):
        return "illisible (fichier PEM de certificats attendu)"
    if not context.get_ca_certs():
        return "sans certificat d'autorité"
    return ""


@dataclass
class HttpStats:
    requests: int = 0
    bytes: int = 0
    waits: list[float] = field(default_factory=list)


def check_url(url: str) -> str:
    """https:// only, except a loopback address used for tests and demos; returns it without a final /."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise errors.BadServerUrl(url)
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise errors.InsecureServer(url)
    return url.strip().rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After as seconds (a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # « ² » passes isdigit() but is no number
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


ERROR_BODY_BYTES = 64 << 10  # an error answer is read this far, never whole


def _error_body(resp: requests.Response) -> dict[str, Any]:
    """The JSON error body ({"code", "message"}), or {} when there is none or it cannot be read."""
    try:
        data = resp.raw.read(ERROR_BODY_BYTES, decode_content=True)
        body = json.loads(data)
    except (ValueError, u3.HTTPError, OSError):
        return {}
    return body if isinstance(body, dict) else {}


class SyncHttp:
    """One session to the server; every call is retried per the policy and can be cancelled."""

    def __init__(
        self,
        config: HttpConfig,
        *,
        session: requests.Session | None = None,
        cancel: threading.Event | None = None,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.config = config
        self.base = check_url(config.base_url)
        self.cancel = cancel or threading.Event()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._clock = clock or time.monotonic
        self._deadline = self._clock() + config.run_budget
        self.stats = HttpStats()
        self.session = session or requests.Session()
        self._configure()

    def _configure(self) -> None:
        # A path, never True: with True, requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE from the
        # environment replace the bundle, and a CA nobody configured here would be trusted silently.
        verify = DEFAULT_CA_BUNDLE_PATH
        if self.config.ca_bundle:
            problem = _ca_problem(self.config.ca_bundle)
            if problem:
                raise errors.BadCaBundle(self.config.ca_bundle, problem)
            verify = self.config.ca_bundle
        self.session.verify = verify  # never False
        self._verify = verify  # passed on every request too
        if self.config.proxy:
            scheme = urlsplit(self.config.proxy.strip()).scheme.lower()
            if scheme not in {"http", "https"}:
                raise errors.ProxyUnsupported(scheme)
            self.session.proxies = {"http": self.config.proxy, "https": self.config.proxy}
        self.session.headers.update(
            {"User-Agent": f"milpj-desktop/{__version__}", "Accept-Encoding": "gzip", "Connection": "keep-alive"}
        )
        if self.config.token:
            self.session.headers["Authorization"] = f"Bearer {self.config.token}"

    def close(self) -> None:
        self.session.close()

    # -- retries -------------------------------------------------------------------------------
    def check_cancelled(self) -> None:
        if self.cancel.is_set():
            raise Cancelled()

    def check_deadline(self) -> None:
        """The whole run has a budget: past it, the run stops with what it applied so far."""
        if self._clock() > self._deadline:
            raise errors.RunTooLong(self.config.run_budget)

    def wait(self, seconds: float) -> None:
        self.stats.waits.append(seconds)
        if self._sleep is not None:
            self._sleep(seconds)
        elif self.cancel.wait(seconds):
            raise Cancelled()
        self.check_cancelled()

    def backoff(self, attempt: int, error: errors.SyncError) -> float:
        """Full jitter over an exponential ceiling; at least what Retry-After asked for."""
        ceiling = min(self.config.backoff_cap, self.config.backoff_base * (2**attempt))
        delay = self._rng.uniform(0, ceiling)
        asked = getattr(error, "wait", None)
        if isinstance(asked, float):
            delay = asked + self._rng.uniform(0, self.config.backoff_base)
        return delay

    def retrying(self, fn: Callable[[], T]) -> T:
        """Run fn, again after a pause while it fails with a retriable error: at most max_attempts times,
        and only while the time spent failing (attempts + waits) stays within the failure budget."""
        attempt = 0
        spent = 0.0
        while True:
            self.check_cancelled()
            self.check_deadline()
            started = self._clock()
            try:
                return fn()
            except errors.SyncError as exc:
                took = max(0.0, self._clock() - started)
                spent += took
                attempt += 1
                if not exc.retry or attempt >= self.config.max_attempts:
                    raise
                asked = getattr(exc, "wait", None)
                if isinstance(asked, float) and asked > self.config.max_retry_after:
                    raise
                delay = self.backoff(attempt - 1, exc)
                if spent + delay + took > self.config.failure_budget:
                    log.info("abandon après %.1f s d'échecs : %s", spent, type(exc).__name__)
                    raise
                log.info("nouvel essai dans %.2f s après : %s", delay, type(exc).__name__)
                self.wait(delay)
                spent += delay

    # -- one request -----------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return f"{self.base}{API_PREFIX}{path}"

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        self.check_cancelled()
        self.check_deadline()
        self.stats.requests += 1
        try:
            resp = self.session.request(
                method,
                self.url(path),
                timeout=(self.config.connect_timeout, self.config.stall_timeout),
                stream=True,
                allow_redirects=False,
                verify=self._verify,
                **kwargs,
            )
        except rex.SSLError as exc:
            raise tls_failure(exc, self.base) from None
        except rex.ProxyError as exc:
            if "407" in str(exc):
                raise errors.ProxyAuth() from None
            raise errors.ProxyFailure() from None
        except rex.ConnectTimeout:
            raise errors.Unreachable("délai de connexion dépassé") from None
        except rex.ReadTimeout:
            raise errors.Stalled(self.config.stall_timeout) from None
        except (rex.InvalidURL, rex.MissingSchema, rex.InvalidSchema, rex.InvalidProxyURL) as exc:
            if self.config.proxy and "proxy" in str(exc).lower():
                raise errors.ProxyUnsupported(urlsplit(self.config.proxy).scheme) from None
            raise errors.BadServerUrl(self.base) from None
        except rex.ConnectionError:
            raise errors.Unreachable() from None
        try:
            self._check_status(resp, path)
        except BaseException:
            resp.close()
            raise
        return resp

    def _check_status(self, resp: requests.Response, path: str) -> None:
        status = resp.status_code
        if 200 <= status < 300:
            return
        body = _error_body(resp)
        code = str(body.get("code", ""))
        if (status, code) in {(410, CURSOR_EXPIRED), (400, CURSOR_INVALID)}:
            raise CursorExpired()  # a cursor from another time (or poisoned): fetch the collection again
        if status == 407:
            raise errors.ProxyAuth()
        if status in (401, 403):
            if self.config.proxy and not code:
                raise errors.ProxyAuth(status)  # not the server's JSON error: the proxy refused us
            raise errors.TokenRefused(status)
        if status == 404:
            raise errors.NotFound(path.split("?")[0])
        if status in (429, 503):
            raise errors.ServerBusy(status, parse_retry_after(resp.headers.get("Retry-After")))
        if status >= 500:
            raise errors.ServerError(status)
        detail = body.get("message")
        raise errors.Refused(status, detail[:300] if isinstance(detail, str) else "")

    def _chunks(self, resp: requests.Response) -> Iterator[bytes]:
        """The decoded body as it arrives (read1: no waiting for a full chunk), with the stall timeout,
        the minimum rate, the run's deadline and cancel checked between reads."""
        started = self._clock()
        got = 0
        try:
            while True:
                chunk = resp.raw.read1(CHUNK, decode_content=True)
                if not chunk:
                    return
                self.check_cancelled()
                self.stats.bytes += len(chunk)
                got += len(chunk)
                elapsed = self._clock() - started
                if elapsed > self.config.stall_timeout and got < self.config.min_rate * elapsed:
                    raise errors.TooSlow(self.config.min_rate)
                self.check_deadline()
                yield chunk
        except u3.ReadTimeoutError:
            raise errors.Stalled(self.config.stall_timeout) from None
        except (u3.DecodeError, u3.ProtocolError, u3.SSLError, OSError):
            raise errors.ConnectionCut() from None

    def read_body(self, resp: requests.Response, *, limit: int, what: str) -> bytes:
        parts: list[bytes] = []
        size = 0
        try:
            for chunk in self._chunks(resp):
                size += len(chunk)
                if size > limit:
                    raise errors.BadPage(what, f"page trop volumineuse (plus de {limit // (1 << 20)} Mo)")
                parts.append(chunk)
        finally:
            resp.close()
        return b"".join(parts)

    # -- the calls the engine makes ------------------------------------------------------------
    def get_page(self, path: str, params: dict[str, str], *, what: str) -> tuple[str, bytes]:
        """GET a page of changes; returns (content type, decoded body). No retry here: see retrying()."""
        resp = self._send("GET", path, params=params, headers={"Accept": "application/x-ndjson"})
        content_type = resp.headers.get("Content-Type", "")
        return content_type, self.read_body(resp, limit=MAX_PAGE_BYTES, what=what)

    def get_json(self, path: str, params: dict[str, str] | None = None, *, what: str) -> Any:
        """GET a JSON answer; anything else (a portal's page, junk) is a French error naming `what`."""
        resp = self._send("GET", path, params=params or {}, headers={"Accept": "application/json"})
        content_type = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        body = self.read_body(resp, limit=MAX_PAGE_BYTES, what=what)
        if content_type != "application/json":
            raise errors.NotTheServer(what, content_type)
        try:
            return json.loads(body)
        except ValueError:
            raise errors.BadState(what, "ce n'est pas du JSON") from None

    def post_json(self, path: str, payload: Any, *, what: str) -> Any:
        """POST; the answer must be JSON: a captive portal's page is told as such, not as a protocol error."""
        resp = self._send("POST", path, json=payload, headers={"Accept": "application/json"})
        content_type = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        body = self.read_body(resp, limit=1 << 20, what=what)
        if content_type != "application/json":
            raise errors.NotTheServer(what, content_type)
        try:
            return json.loads(body)
        except ValueError:
            raise errors.NotTheServer(what, content_type) from None

    def download(self, path: str, part: Path, size: int, *, name: str) -> None:
        """Fetch a file into `part`, resuming from its current length with an HTTP Range request."""
        have = part.stat().st_size if part.exists() else 0
        if have > size:
            part.unlink()
            have = 0
        headers = {"Accept-Encoding": "identity"}
        if 0 < have < size:
            headers["Range"] = f"bytes={have}-"
        elif have == size and size > 0:
            return
        resp = self._send("GET", path, headers=headers)
        mode = "ab"
        if resp.status_code == 200:
            mode = "wb"  # the server ignored the range: start again
        elif not resp.headers.get("Content-Range", "").startswith(f"bytes {have}-"):
            resp.close()
            part.unlink(missing_ok=True)
            raise errors.ConnectionCut()
        try:
            with part.open(mode) as out:
                for chunk in self._chunks(resp):
                    out.write(chunk)
                    if out.tell() > size:
                        raise errors.BadAsset(name, "plus long qu'annoncé")
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:  # disk full, read-only…: a French known error, the partial file kept for a resume
            raise FileWriteError(part.parent.parent / name, exc) from exc
        finally:
            resp.close()


def tls_failure(exc: BaseException, base: str) -> errors.SyncError:
    """One French sentence per cause of a failed TLS handshake (never urllib3's English text)."""
    text = str(exc).lower()
    host = urlsplit(base).hostname or base
    if "certificate has expired" in text or "certificate is not yet valid" in text:
        return errors.TlsExpired()
    if "hostname mismatch" in text or "ip address mismatch" in text or "doesn't match" in text:
        return errors.TlsWrongHost(host)
    if "wrong_version_number" in text or "wrong version number" in text or "record layer failure" in text:
        return errors.NotTls()
    if "certificate_verify_failed" in text or "self-signed" in text or "unable to get" in text:
        return errors.TlsFailure()
    return errors.TlsHandshake()
