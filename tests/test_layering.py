"""The arrows are ui → sync → core only: checked on every import statement of the tree, read from the
AST (imports inside functions, `from x import y` and relative imports included), not only on what
one import happens to load."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("milpj_desktop", "sync", "ui")

# What each room must never import, at any depth of the code (module level or inside a function).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "milpj_desktop": ("sync", "ui", "PySide6", "requests"),
    "sync": ("ui", "PySide6"),
    "ui": (),
}
QT_DOOR = "ui.qt"  # the one module of ui/ that imports PySide6


@dataclass(frozen=True)
class Import:
    """One imported module name, where it is written."""

    module: str
    where: str  # file:line


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The absolute module of `from .x import y` (level dots counted from the importing module)."""
    if node.level == 0:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path, root: Path) -> list[Import]:
    """Every module an import statement of this file names, wherever the statement sits."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    importer = module_name(path, root)
    rel = path.relative_to(root).as_posix()
    found: list[Import] = []
    for node in ast.walk(tree):
        at = f"{rel}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [Import(alias.name, at) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, importer, path.name == "__init__.py")
            found.append(Import(base, at))
            # `from pkg import sub` may name a submodule: count pkg.sub too
            found += [Import(f"{base}.{alias.name}", at) for alias in node.names if alias.name != "*"]
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            found.append(Import(node.args[0].value, at))  # type: ignore[attr-defined]
    return found


def _is_dynamic_import(node: ast.Call) -> bool:
    """importlib.import_module("x") / __import__("x") with a literal name."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return (
        name in {"import_module", "__import__"}
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def _names(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(root: Path) -> list[str]:
    """One readable line per import of the three rooms under root that goes against the arrows."""
    found: dict[tuple[str, str], str] = {}  # (file:line, banned) → message: one line per statement
    for path in sorted(p for package in PACKAGES for p in (root / package).rglob("*.py")):
        name = module_name(path, root)
        room = name.split(".")[0]
        for imp in imports_of(path, root):
            for banned in FORBIDDEN[room]:
                if _names(imp.module, banned):
                    message = f"{imp.where}: {room}/ imports {imp.module} (the {room}/ room may not import {banned})"
                    found.setdefault((imp.where, banned), message)
            if room == "ui" and _names(imp.module, "PySide6") and name != QT_DOOR:
                message = f"{imp.where}: imports {imp.module} directly (widgets import Qt through {QT_DOOR})"
                found.setdefault((imp.where, "PySide6"), message)
    return sorted(found.values())


def test_every_import_follows_the_arrows() -> None:
    assert len(list((ROOT / "milpj_desktop").rglob("*.py"))) > 20
    problems = violations(ROOT)
    assert problems == [], "imports against the arrows ui → sync → core:\n" + "\n".join(problems)


def test_the_checker_sees_function_level_relative_and_from_imports(tmp_path: Path) -> None:
    """The checker itself: each way of writing an upward import is caught, with its file and line."""
    sources = {
        "milpj_desktop/store/probe.py": "import json\n\ndef f():\n    from sync.engine import SyncEngine\n"
        "    import ui.pages.base\n    import requests.adapters\n    return importlib.import_module('PySide6.QtCore')\n",
        "milpj_desktop/store/__init__.py": "from .probe import f\n",
        "sync/probe.py": "def g():\n    from ui import qt\n",
        "ui/probe.py": "from PySide6 import QtCore\n",
        "ui/qt.py": "from PySide6.QtCore import QObject\n",
    }
    for name, text in sources.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    problems = violations(tmp_path)
    text = "\n".join(problems)
    assert "milpj_desktop/store/probe.py:4: milpj_desktop/ imports sync.engine" in text
    assert "milpj_desktop/store/probe.py:5: milpj_desktop/ imports ui.pages.base " in text
    assert "milpj_desktop/store/probe.py:6: milpj_desktop/ imports requests.adapters" in text
    assert "milpj_desktop/store/probe.py:7: milpj_desktop/ imports PySide6.QtCore" in text
    assert "sync/probe.py:2: sync/ imports ui " in text
    assert "ui/probe.py:1: imports PySide6 directly" in text
    assert len(problems) == 6, text  # `import json`, the relative `.probe` and ui/qt.py are fine
    relative = imports_of(tmp_path / "milpj_desktop/store/__init__.py", tmp_path)
    assert [i.module for i in relative] == ["milpj_desktop.store.probe", "milpj_desktop.store.probe.f"]


def test_a_headless_command_loads_neither_qt_nor_the_window() -> None:
    """What an import really loads, as a second net: the core and sync engine load no Qt."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import milpj_desktop, sync\n"
        "for pkg in (milpj_desktop, sync):\n"
        "    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if not info.name.startswith('sync.server'):\n"
        "            importlib.import_module(info.name)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = set(out.stdout.split())
    assert {"milpj_desktop", "sync"} <= loaded
    assert "PySide6" not in loaded
    assert "ui" not in loaded
