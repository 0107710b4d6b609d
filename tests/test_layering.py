"""The core and the sync engine never load Qt; the core never loads requests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules(package: str) -> list[str]:
    names = []
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts))
    return names


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted(m.split('.')[0] for m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(out.stdout.split())


def test_core_imports_neither_qt_nor_requests() -> None:
    modules = _modules("milpj_desktop")
    assert len(modules) > 5
    loaded = _loaded_after_import(modules)
    assert "milpj_desktop" in loaded
    assert "PySide6" not in loaded
    assert "requests" not in loaded


def test_sync_does_not_import_qt() -> None:
    modules = [m for m in _modules("sync") if not m.startswith("sync.server")]
    loaded = _loaded_after_import(modules + _modules("milpj_desktop"))
    assert "PySide6" not in loaded


def test_widgets_import_qt_only_through_ui_qt() -> None:
    offenders = []
    for path in (ROOT / "ui").rglob("*.py"):
        if path.name == "qt.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "from PySide6" in text or "import PySide6" in text:
            offenders.append(path.name)
    assert offenders == []
