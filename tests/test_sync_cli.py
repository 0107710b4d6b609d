"""Command lines in real processes: `milpj-desktop synchroniser` and `milpj-serveur` (demo, admin)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from milpj_desktop.upkeep import create_with_default_content
from sync.protocol import Collection
from sync.server.db import ServerDB
from tests.conftest import PASSPHRASE, SERVER_CLI, run_cli
from tests.test_sync_support import TOKEN, SyncServer, departements_of, directory_sample

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = directory_sample(60, seed=5)
DEPTS = ",".join(sorted(departements_of(ENTRIES)))


def _run(*args: str, token: str = TOKEN) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={"MILPJ_JETON": token})


def _server_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, passphrase=None, command=SERVER_CLI)


def test_synchroniser_prints_table_then_json(server: SyncServer, data_dir: Path) -> None:
    create_with_default_content(PASSPHRASE).close()
    done = _run("synchroniser", "--serveur", server.url, "--departements", DEPTS)
    assert done.returncode == 0, done.stderr
    assert "Synchronisation avec" in done.stdout and "réussie" in done.stdout
    assert "\nContenus à jour du " in done.stdout and "\nAnnuaire à jour du " in done.stdout
    lines = {
        line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()[2:] if line and not line[0].isspace()
    }
    assert lines["annuaire"] == [str(len(ENTRIES)), "0", "0", "0"]
    server.db.delete(Collection.DIRECTORY, [str(ENTRIES[0].national_id)])
    again = _run("synchroniser", "--serveur", server.url, "--json", "--verifier")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["collections"]["directory"]["supprimes"] == 1
    assert report["collections"]["directory"]["ajoutes"] == 0
    assert all(check["identique"] for check in report["convergence"].values())
    assert TOKEN not in again.stdout + again.stderr


def test_synchroniser_failure_is_one_french_line(server: SyncServer, data_dir: Path) -> None:
    create_with_default_content(PASSPHRASE).close()
    done = _run("synchroniser", "--serveur", server.url, token="jeton-inconnu")
    assert done.returncode == 2
    message = done.stderr.strip().splitlines()[-1]
    assert message.startswith("milpj-desktop : Le jeton d'inscription de cet appareil a été refusé")
    assert "Traceback" not in done.stderr
    bad = _run("synchroniser", "--serveur", "http://exemple.fr")
    assert bad.returncode == 2 and "https://" in bad.stderr
    wrong = _run("synchroniser", "--departements", "ZZ")
    assert wrong.returncode == 2 and "Département invalide" in wrong.stderr


def test_server_admin_commands(tmp_path: Path) -> None:
    base = tmp_path / "admin.sqlite3"
    record = directory_sample(1, seed=3)[0]
    source = tmp_path / "fiche.json"
    source.write_text(record.model_dump_json(), encoding="utf-8")
    published = _server_cli("--base", str(base), "admin", "publier", "directory", str(source))
    assert published.returncode == 0 and "1 enregistrement(s) publié(s)" in published.stdout
    source.write_text(json.dumps({"name": "sans type"}), encoding="utf-8")
    refused = _server_cli("--base", str(base), "admin", "publier", "directory", str(source))
    assert refused.returncode == 2 and "enregistrement refusé" in refused.stderr
    deleted = _server_cli("--base", str(base), "admin", "supprimer", "directory", str(record.national_id))
    assert "1 enregistrement(s) supprimé(s)" in deleted.stdout
    fault = _server_cli("--base", str(base), "admin", "panne", "503", "--cible", "articles", "--fois", "2")
    assert "Panne armée" in fault.stdout
    state = _server_cli("--base", str(base), "admin", "etat", "directory")
    assert "directory : 0 enregistrement(s)" in state.stdout
    forgot = _server_cli("--base", str(base), "admin", "oublier-suppressions")
    assert "1 suppression(s) oubliée(s)" in forgot.stdout
    db = ServerDB(base)
    assert db.take_fault("articles", page=True) is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_demo_server_serves_openapi_and_the_pack(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", "--base", str(tmp_path / "demo.sqlite3"), "--demo",
         "--taille-annuaire", "300", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"{base}/v1/sante", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "le serveur de démonstration ne démarre pas"
            time.sleep(0.2)
        schema = requests.get(f"{base}/openapi.json", timeout=5).json()
        assert "/v1/{collection}/changes" in schema["paths"]
        assert {"PageHeader", "Change", "StateInfo", "CorrectionIn"} <= set(schema["components"]["schemas"])
        headers = {"Authorization": "Bearer jeton-demo-1000pj"}
        state = requests.get(f"{base}/v1/articles/state", headers=headers, timeout=5).json()
        assert state["count"] >= 60
        directory = requests.get(f"{base}/v1/directory/state", headers=headers, timeout=5).json()
        assert directory["count"] == 300
        assert requests.get(f"{base}/v1/articles/changes", timeout=5).status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()


def test_one_reading_of_departements_everywhere() -> None:
    """Window, command line and server read a subscription the same way."""
    from sync.errors import BadDepartement
    from sync.protocol import parse_departements

    assert parse_departements("25, 39;2a  974,25") == ["25", "2A", "39", "974"]
    with pytest.raises(BadDepartement) as info:
        parse_departements("25,Doubs")
    assert info.value.message == "Département invalide : « DOUBS » (exemples : 25, 2A, 974)."
