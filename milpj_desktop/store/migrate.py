"""Versioned schema migrations: numbered SQL files applied in order, tracked by user_version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milpj_desktop.store.connection import rollback

_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in folder.iterdir():
        match = _FILE.match(path.name)
        if match:
            found.append(Migration(int(match.group(1)), path.stem, path.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"numéros de migration en double : {versions}")
    return found


def current_version(conn: Any) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def apply_pending(conn: Any, migrations: list[Migration] | None = None) -> list[int]:
    """Apply each pending migration in its own transaction; a failure leaves the previous version."""
    applied = []
    for migration in migrations if migrations is not None else available():
        if migration.version <= current_version(conn):
            continue
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statement in _statements(migration.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version:d}")
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise
        applied.append(migration.version)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a script on complete statements (handles triggers' inner semicolons)."""
    import sqlcipher3.dbapi2 as sq

    out: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        if not buf and line.strip().startswith("--"):
            continue
        buf += line
        if sq.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
