"""packaging/env.sh: pip runs only when the dependencies change, so a launch needs no network."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = """[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "essai-lanceur"
version = "1.0"
license = "EUPL-1.2"
dependencies = []

[project.optional-dependencies]
serveur = []

[project.scripts]
essai-lanceur = "essai_lanceur:main"

[tool.setuptools]
packages = ["essai_lanceur"]
"""
# pip pointed at a closed port, no local wheels, no configuration: any pip call fails at once.
OFFLINE = {
    "PIP_INDEX_URL": "http://127.0.0.1:9/",
    "PIP_EXTRA_INDEX_URL": "",
    "PIP_FIND_LINKS": "",
    "PIP_CONFIG_FILE": os.devnull,
    "PIP_RETRIES": "0",
    "PIP_TIMEOUT": "2",
}
INSTALLING = "Installation des dépendances Python"


def _ensure(root: Path, extras: str, offline: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MILPJ_VENV"}
    if offline:
        env.update(OFFLINE)
    script = f'source "{root}/packaging/env.sh" && ensure_venv "{extras}" && "$VENV/bin/essai-lanceur"'
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
def test_pip_runs_only_when_dependencies_change(tmp_path: Path) -> None:
    root = tmp_path / "projet"
    (root / "packaging").mkdir(parents=True)
    shutil.copy(ROOT / "packaging" / "env.sh", root / "packaging" / "env.sh")
    (root / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    (root / "essai_lanceur").mkdir()
    (root / "essai_lanceur" / "__init__.py").write_text("def main() -> None:\n    print('lancé')\n", encoding="utf-8")

    first = _ensure(root, "")
    assert first.returncode == 0, first.stderr
    assert INSTALLING in first.stdout and "lancé" in first.stdout
    assert "deprecated" not in first.stderr  # an SPDX licence string: no warning wall from setuptools

    again = _ensure(root, "", offline=True)
    assert again.returncode == 0, again.stderr
    assert INSTALLING not in again.stdout and again.stdout.strip() == "lancé"

    with_extra = _ensure(root, "serveur", offline=True)  # an extra never installed: pip must run (and fails)
    assert with_extra.returncode != 0 and INSTALLING in with_extra.stdout

    text = PROJECT.replace('version = "1.0"', 'version = "1.1"')
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    changed = _ensure(root, "", offline=True)  # pyproject.toml changed: pip runs (and fails offline)
    assert changed.returncode != 0 and INSTALLING in changed.stdout
    online = _ensure(root, "serveur")
    assert online.returncode == 0, online.stderr
    assert INSTALLING in online.stdout
    assert _ensure(root, "", offline=True).returncode == 0  # "serveur" kept, "" covered, no pip
    assert (root / ".venv" / ".installation-milpj").read_text(encoding="utf-8").splitlines()[1] == "serveur"


def test_project_licence_is_an_spdx_string() -> None:
    """A TOML table makes setuptools ≥ 77 print a deprecation wall at every install."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "EUPL-1.2"
    assert PROJECT.count('license = "EUPL-1.2"') == 1  # the project the launcher test installs is alike


def test_server_without_its_extra_says_how_to_get_it(tmp_path: Path) -> None:
    """lancer.sh installs the app alone: milpj-serveur then explains in French instead of a traceback."""
    code = (
        "import sys; sys.modules['uvicorn'] = None; sys.modules['fastapi'] = None\n"
        "from sync.server.cli import main\n"
        f"raise SystemExit(main(['--demo', '--port', '9', '--base', {str(tmp_path / 'serveur.db')!r}]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "bash packaging/serveur.sh" in done.stderr and "extra « serveur »" in done.stderr
