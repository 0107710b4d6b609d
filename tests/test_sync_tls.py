"""TLS and proxy failures each told by their own French sentence (issue 15, item 11), against the real
reference server served over TLS on 127.0.0.1 with certificates made by trustme, and a small proxy
that refuses every request."""

from __future__ import annotations

import datetime as dt
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import trustme

from milpj_desktop.store import Store
from sync import errors
from tests.test_sync_support import SyncServer, directory_sample, fill, request_for, running_server, synchronise

ENTRIES = directory_sample(5, seed=31)
ENGLISH = ("certificate", "CERTIFICATE", "urllib3", "HTTPSConnectionPool", "Max retries", "since=")


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "autorite.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@contextmanager
def tls_server(folder: Path, cert: trustme.LeafCert) -> Iterator[SyncServer]:
    pem = folder / "serveur.pem"
    folder.mkdir(parents=True, exist_ok=True)
    cert.private_key_and_cert_chain_pem.write_to_path(str(pem))
    with running_server(folder, ssl_certfile=str(pem), ssl_keyfile=str(pem)) as running:
        fill(running.db, directory=ENTRIES, assets=False)
        yield running


def _french_only(message: str) -> None:
    assert not any(word in message for word in ENGLISH), message


def test_a_configured_authority_is_trusted(ca: trustme.CA, ca_file: str, tmp_path: Path, store: Store) -> None:
    with tls_server(tmp_path / "s", ca.issue_cert("127.0.0.1")) as running:
        assert synchronise(store, request_for(running, ca_bundle=ca_file)).status == "reussie"


def test_an_unknown_authority(ca: trustme.CA, tmp_path: Path, store: Store) -> None:
    with tls_server(tmp_path / "s", ca.issue_cert("127.0.0.1")) as running, pytest.raises(errors.TlsFailure) as info:
        synchronise(store, request_for(running))
    assert type(info.value) is errors.TlsFailure
    assert "signé par une autorité que ce poste ne connaît pas" in info.value.message
    _french_only(info.value.message)


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_an_authority_from_the_environment_is_not_trusted(
    variable: str, ca: trustme.CA, ca_file: str, tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, ca_file)
    refused = pytest.raises(errors.TlsFailure, match="autorité que ce poste ne connaît pas")
    with tls_server(tmp_path / "s", ca.issue_cert("127.0.0.1")) as running, refused:
        synchronise(store, request_for(running))


def test_an_expired_certificate(ca: trustme.CA, ca_file: str, tmp_path: Path, store: Store) -> None:
    now = dt.datetime.now(dt.UTC)
    cert = ca.issue_cert("127.0.0.1", not_before=now - dt.timedelta(days=30), not_after=now - dt.timedelta(days=1))
    with tls_server(tmp_path / "s", cert) as running, pytest.raises(errors.TlsExpired) as info:
        synchronise(store, request_for(running, ca_bundle=ca_file))
    assert "Le certificat du serveur a expiré" in info.value.message
    assert "date et l'heure de ce poste" in info.value.message
    _french_only(info.value.message)


def test_a_certificate_for_another_host(ca: trustme.CA, ca_file: str, tmp_path: Path, store: Store) -> None:
    cert = ca.issue_cert("contenus.exemple.fr")
    with tls_server(tmp_path / "s", cert) as running, pytest.raises(errors.TlsWrongHost) as info:
        synchronise(store, request_for(running, ca_bundle=ca_file))
    assert "n'est pas celui de « 127.0.0.1 »" in info.value.message
    _french_only(info.value.message)


@pytest.mark.parametrize(
    ("content", "why"),
    [("ceci n'est pas un certificat\n", "illisible"), ("", "illisible")],
)
def test_a_garbage_authority_file(content: str, why: str, tmp_path: Path, store: Store) -> None:
    garbage = tmp_path / "autorite.pem"
    garbage.write_text(content)
    with running_server(tmp_path / "s") as running:
        fill(running.db, directory=ENTRIES, assets=False)
        with pytest.raises(errors.BadCaBundle) as info:
            synchronise(store, request_for(running, ca_bundle=str(garbage)))
    assert f"« {garbage} » est {why}" in info.value.message
    _french_only(info.value.message)


def test_https_to_a_plain_http_server(tmp_path: Path, store: Store) -> None:
    with running_server(tmp_path / "s") as running:
        fill(running.db, directory=ENTRIES, assets=False)
        plain = SyncServer(db=running.db, url=running.url.replace("http://", "https://"), app=running.app)
        with pytest.raises(errors.NotTls) as info:
            synchronise(store, request_for(plain))
    assert "ne répond pas en connexion chiffrée (https)" in info.value.message
    _french_only(info.value.message)


class _Refusing(socketserver.BaseRequestHandler):
    """A proxy that answers every request (plain or CONNECT) with the same refusal."""

    answer = b""

    def handle(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            data += chunk
        self.request.sendall(self.answer)


@contextmanager
def refusing_proxy(status: str, extra: str = "") -> Iterator[str]:
    body = "<html><body>Accès refusé</body></html>"

    class Handler(_Refusing):
        answer = (
            f"HTTP/1.1 {status}\r\n{extra}Content-Type: text/html\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n{body}"
        ).encode()

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def no_proxy_bypass(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_proxy_bypass")
def test_a_proxy_asking_for_credentials(ca: trustme.CA, ca_file: str, tmp_path: Path, store: Store) -> None:
    asked = 'Proxy-Authenticate: Basic realm="proxy"\r\n'
    with refusing_proxy("407 Proxy Authentication Required", asked) as proxy:
        with running_server(tmp_path / "plain") as plain:  # http: the proxy answers the request itself
            fill(plain.db, directory=ENTRIES, assets=False)
            with pytest.raises(errors.ProxyAuth, match=r"proxy demande une identification .*\(code 407\)"):
                synchronise(store, request_for(plain, proxy=proxy))
        refused = pytest.raises(errors.ProxyAuth, match=r"\(code 407\)")
        with tls_server(tmp_path / "tls", ca.issue_cert("127.0.0.1")) as running, refused as info:  # CONNECT
            synchronise(store, request_for(running, proxy=proxy, ca_bundle=ca_file))
    _french_only(info.value.message)
    assert "jeton" not in info.value.message


@pytest.mark.usefixtures("no_proxy_bypass")
def test_a_wrong_proxy_password_is_not_a_refused_token(tmp_path: Path, store: Store) -> None:
    with refusing_proxy("401 Unauthorized") as proxy, running_server(tmp_path / "s") as running:
        fill(running.db, directory=ENTRIES, assets=False)
        with pytest.raises(errors.ProxyAuth, match=r"\(code 401\)") as info:
            synchronise(store, request_for(running, proxy=proxy.replace("http://", "http://moi:mauvais@")))
    assert "jeton" not in info.value.message and "mauvais" not in info.value.message


def test_an_unsupported_proxy_scheme(tmp_path: Path, store: Store) -> None:
    with running_server(tmp_path / "s") as running, pytest.raises(errors.ProxyUnsupported) as info:
        synchronise(store, request_for(running, proxy="socks5://moi:secret@127.0.0.1:1080"))
    assert "(« socks5 ») n'est pas pris en charge" in info.value.message
    assert "secret" not in info.value.message
