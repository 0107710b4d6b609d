"""The reference server (`milpj-serveur`) and the client command, as the reliability scripts use them:
real processes on 127.0.0.1, a fresh server base, the client's data folder given per call."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOKEN = "jeton-bancs-fiabilite-1000pj"
PASSPHRASE = "phrase secrete des bancs de mesure"
ALL_DEPARTEMENTS = ",".join(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]
)


def available() -> bool:
    """The reference server and the client command both exist in this checkout."""
    from ui.cli import COMMAND_MODULES

    return (REPO / "sync" / "server" / "cli.py").exists() and "sync.commands" in COMMAND_MODULES


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"})
    env.pop("MILPJ_DATA_DIR", None)
    env.pop("MILPJ_PASSPHRASE", None)
    env.update(extra or {})
    return env


@dataclass
class Server:
    """One running reference server with its own base."""

    folder: Path
    directory_size: int
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base(self) -> Path:
        return self.folder / "serveur.sqlite3"

    def start(self, timeout: float = 600) -> Server:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = (self.folder / "serveur.log").open("ab")
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "sync.server.cli", "--base", str(self.base), "--demo"),
                *("--taille-annuaire", str(self.directory_size), "--jeton", TOKEN, "--port", str(self.port)),
            ],
            cwd=self.folder,
            env=base_env({"TMPDIR": str(self.folder)}),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    tail = (self.folder / "serveur.log").read_text(errors="replace")[-400:]
                    raise RuntimeError(f"le serveur de référence s'est arrêté au démarrage : {tail}") from None
                time.sleep(0.2)
        raise RuntimeError("le serveur de référence ne répond pas")

    def admin(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`milpj-serveur --base … admin …` (arm a fault, publish, delete, state)."""
        done = subprocess.run(
            [sys.executable, "-m", "sync.server.cli", "--base", str(self.base), "admin", *args],
            cwd=self.folder,
            env=base_env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"milpj-serveur admin {' '.join(args)} : {done.stderr.strip()[-300:]}")
        return done

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)
        self.process = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def client_env(data_dir: Path, tmp: Path | None = None) -> dict[str, str]:
    extra = {"MILPJ_DATA_DIR": str(data_dir), "MILPJ_PASSPHRASE": PASSPHRASE, "MILPJ_JETON": TOKEN}
    if tmp is not None:
        extra["TMPDIR"] = str(tmp)
    return base_env(extra)


def client_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "ui.cli", *args]


def run_client(data_dir: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        client_command(*args),
        env=client_env(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def sync_args(server: Server, *extra: str, departements: str = ALL_DEPARTEMENTS) -> list[str]:
    return ["synchroniser", "--serveur", server.url, "--departements", departements, *extra]
