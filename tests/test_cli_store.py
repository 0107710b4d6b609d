"""The headless commands, run as a person would run them: a real process, a real data folder."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

PASS = "phrase secrète du test CLI"


def run(*args: str, env_extra: dict[str, str] | None = None, data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MILPJ_")}
    env["MILPJ_DATA_DIR"] = str(data)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_version(data_dir: Path) -> None:
    result = run("--version", data=data_dir)
    assert result.returncode == 0
    assert result.stdout.startswith("milpj-desktop ")


def test_init_verify_wrong_passphrase_rekey(data_dir: Path) -> None:
    result = run("init", env_extra={"MILPJ_PASSPHRASE": PASS}, data=data_dir)
    assert result.returncode == 0, result.stderr
    assert "articles" in result.stdout
    db = data_dir / "milpj.db"
    assert db.read_bytes()[:16] != b"SQLite format 3\x00"

    ok = run("verifier", env_extra={"MILPJ_PASSPHRASE": PASS}, data=data_dir)
    assert ok.returncode == 0
    assert "aucune anomalie" in ok.stdout

    before = hashlib.sha256(db.read_bytes()).hexdigest()
    bad = run("verifier", env_extra={"MILPJ_PASSPHRASE": "pas la bonne phrase"}, data=data_dir)
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0
    assert "Phrase secrète incorrecte" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before

    again = run("init", env_extra={"MILPJ_PASSPHRASE": PASS}, data=data_dir)
    assert again.returncode == 2
    assert "existe déjà" in again.stderr

    new = "une nouvelle phrase secrète"
    rekey = run("phrase-secrete", env_extra={"MILPJ_PASSPHRASE": PASS, "MILPJ_NOUVELLE_PASSPHRASE": new}, data=data_dir)
    assert rekey.returncode == 0, rekey.stderr
    assert run("verifier", env_extra={"MILPJ_PASSPHRASE": PASS}, data=data_dir).returncode == 2
    assert run("verifier", env_extra={"MILPJ_PASSPHRASE": new}, data=data_dir).returncode == 0


def test_missing_store_and_missing_passphrase(data_dir: Path) -> None:
    missing = run("verifier", env_extra={"MILPJ_PASSPHRASE": PASS}, data=data_dir)
    assert missing.returncode == 2
    assert "milpj-desktop init" in missing.stderr
    no_pass = run("init", data=data_dir)
    assert no_pass.returncode == 2
    assert "MILPJ_PASSPHRASE" in no_pass.stderr
    assert not (data_dir / "milpj.db").exists()


def test_short_passphrase_explained(data_dir: Path) -> None:
    result = run("init", env_extra={"MILPJ_PASSPHRASE": "court"}, data=data_dir)
    assert result.returncode == 2
    assert "10 caractères" in result.stderr
    assert not (data_dir / "milpj.db").exists()


def test_unknown_command_is_a_french_usage_error(data_dir: Path) -> None:
    result = run("nimporte", data=data_dir)
    assert result.returncode == 2
    assert "choix invalide" in result.stderr
