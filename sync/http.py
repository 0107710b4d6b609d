"""HTTP client of the synchronisation (requests): TLS always verified, token auth, stall timeout,
bounded reads, retries with exponential backoff and jitter that honour Retry-After, cancel anywhere.

The device token goes only into the Authorization header: it is never logged nor put in a message.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
import requests.exceptions as rex

from milpj_desktop import __version__
from milpj_desktop.errors import FileWriteError
from milpj_desktop.worker import Cancelled
from sync import errors
from sync.protocol import API_PREFIX, CURSOR_EXPIRED, MAX_PAGE_BYTES

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
    max_retry_after: float = 300.0


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
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _error_body(resp: requests.Response) -> object:
    """The JSON error body, or None when there is none or it cannot be read whole."""
    try:
        return resp.json()
    except (ValueError, rex.RequestException):
        return None


def _error_detail(resp: requests.Response) -> str:
    body = _error_body(resp)
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])[:300]
    return ""


def _error_code(resp: requests.Response) -> str:
    body = _error_body(resp)
    return str(body.get("code", "")) if isinstance(body, dict) else ""


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
    ) -> None:
        self.config = config
        self.base = check_url(config.base_url)
        self.cancel = cancel or threading.Event()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.stats = HttpStats()
        self.session = session or requests.Session()
        self._configure()

    def _configure(self) -> None:
        verify: bool | str = True
        if self.config.ca_bundle:
            if not os.path.isfile(self.config.ca_bundle):
                raise errors.BadCaBundle(self.config.ca_bundle)
            verify = self.config.ca_bundle
        self.session.verify = verify  # never False
        # passed on every request too: requests would otherwise let REQUESTS_CA_BUNDLE replace the bundle
        self._verify = verify
        if self.config.proxy:
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
        """Run fn, again after a pause while it fails with a retriable error, at most max_attempts times."""
        attempt = 0
        while True:
            self.check_cancelled()
            try:
                return fn()
            except errors.SyncError as exc:
                attempt += 1
                if not exc.retry or attempt >= self.config.max_attempts:
                    raise
                asked = getattr(exc, "wait", None)
                if isinstance(asked, float) and asked > self.config.max_retry_after:
                    raise
                delay = self.backoff(attempt - 1, exc)
                log.info("nouvel essai dans %.2f s après : %s", delay, type(exc).__name__)
                self.wait(delay)

    # -- one request -----------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return f"{self.base}{API_PREFIX}{path}"

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        self.check_cancelled()
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
            raise errors.TlsFailure(_short(exc)) from None
        except rex.ProxyError:
            raise errors.ProxyFailure() from None
        except rex.ConnectTimeout:
            raise errors.Unreachable("délai de connexion dépassé") from None
        except rex.ReadTimeout:
            raise errors.Stalled(self.config.stall_timeout) from None
        except (rex.InvalidURL, rex.MissingSchema, rex.InvalidSchema):
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
        if status == 410 and _error_code(resp) == CURSOR_EXPIRED:
            raise CursorExpired()
        if status in (401, 403):
            raise errors.TokenRefused(status)
        if status == 404:
            raise errors.NotFound(path.split("?")[0])
        if status in (429, 503):
            raise errors.ServerBusy(status, parse_retry_after(resp.headers.get("Retry-After")))
        if status >= 500:
            raise errors.ServerError(status)
        raise errors.Refused(status, _error_detail(resp))

    def _chunks(self, resp: requests.Response) -> Iterator[bytes]:
        """The decoded body, chunk by chunk, with the stall timeout and cancel checked between reads."""
        try:
            for chunk in resp.iter_content(CHUNK):
                self.check_cancelled()
                self.stats.bytes += len(chunk)
                yield chunk
        except rex.ContentDecodingError:
            raise errors.ConnectionCut() from None
        except rex.ChunkedEncodingError:
            raise errors.ConnectionCut() from None
        except rex.ConnectionError as exc:
            if "timed out" in str(exc).lower():
                raise errors.Stalled(self.config.stall_timeout) from None
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

    def get_json(self, path: str, params: dict[str, str] | None = None) -> Any:
        resp = self._send("GET", path, params=params or {}, headers={"Accept": "application/json"})
        body = self.read_body(resp, limit=MAX_PAGE_BYTES, what=path)
        try:
            return json.loads(body)
        except ValueError:
            raise errors.BadPage(path, "réponse JSON illisible") from None

    def post_json(self, path: str, payload: Any) -> Any:
        resp = self._send("POST", path, json=payload, headers={"Accept": "application/json"})
        body = self.read_body(resp, limit=MAX_PAGE_BYTES, what=path)
        try:
            return json.loads(body)
        except ValueError:
            raise errors.BadPage(path, "réponse JSON illisible") from None

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


def _short(exc: BaseException) -> str:
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "certificat non reconnu (CERTIFICATE_VERIFY_FAILED)"
    if "hostname" in text.lower():
        return "le certificat ne correspond pas au nom du serveur"
    return text[:200]
