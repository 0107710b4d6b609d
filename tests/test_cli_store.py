"""The headless commands, run as a person would run them: a real process, a real data folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.conftest import run_cli

PASS = "phrase secrète du test CLI"


def test_version(data_dir: Path) -> None:
    result = run_cli("--version", passphrase=None)
    assert result.returncode == 0
    assert result.stdout.startswith("milpj-desktop ")


def test_init_verify_wrong_passphrase_rekey(data_dir: Path) -> None:
    result = run_cli("init", passphrase=PASS)
    assert result.returncode == 0, result.stderr
    assert "articles" in result.stdout
    db = data_dir / "milpj.db"
    assert db.read_bytes()[:16] != b"SQLite format 3\x00"

    ok = run_cli("verifier", passphrase=PASS)
    assert ok.returncode == 0
    assert "aucune anomalie" in ok.stdout

    before = hashlib.sha256(db.read_bytes()).hexdigest()
    bad = run_cli("verifier", passphrase="pas la bonne phrase")
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0
    assert "Phrase secrète incorrecte" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before

    again = run_cli("init", passphrase=PASS)
    assert again.returncode == 2
    assert "existe déjà" in again.stderr

    new = "une nouvelle phrase secrète"
    rekey = run_cli("phrase-secrete", passphrase=PASS, env={"MILPJ_NOUVELLE_PASSPHRASE": new})
    assert rekey.returncode == 0, rekey.stderr
    assert run_cli("verifier", passphrase=PASS).returncode == 2
    assert run_cli("verifier", passphrase=new).returncode == 0


def test_missing_store_and_missing_passphrase(data_dir: Path) -> None:
    missing = run_cli("verifier", passphrase=PASS)
    assert missing.returncode == 2
    assert "milpj-desktop init" in missing.stderr
    no_pass = run_cli("init", passphrase=None)
    assert no_pass.returncode == 2
    assert "MILPJ_PASSPHRASE" in no_pass.stderr
    assert not (data_dir / "milpj.db").exists()


def test_short_passphrase_explained(data_dir: Path) -> None:
    result = run_cli("init", passphrase="court")
    assert result.returncode == 2
    assert "10 caractères" in result.stderr
    assert not (data_dir / "milpj.db").exists()


def test_unknown_command_is_a_french_usage_error(data_dir: Path) -> None:
    result = run_cli("nimporte", passphrase=None)
    assert result.returncode == 2
    assert "choix invalide" in result.stderr
