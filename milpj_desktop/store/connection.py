"""The store's connection: an SQLite error a person can act on (disk full, busy, read-only, I/O error,
damaged file) leaves every query as a French known error, at the database boundary, whichever
query raised it; any other SQLite error stays what it is, a bug (qutebrowser's misc/sql.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, NoReturn

import sqlcipher3.dbapi2 as sq

from milpj_desktop.errors import KnownError
from milpj_desktop.store.errors import (
    CorruptStore,
    StoreDiskError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
    StoreUnreadable,
)

NEARLY_FULL = 1 << 20  # bytes left on the disk under which an I/O error is told as a full disk

# primary result codes (sqlite3.h); the extended code's low byte is the primary one
_KINDS: dict[int, Callable[[Path], KnownError]] = {
    5: lambda path: StoreLocked(),  # SQLITE_BUSY
    6: lambda path: StoreLocked(),  # SQLITE_LOCKED
    8: StoreReadOnly,  # SQLITE_READONLY
    10: StoreDiskError,  # SQLITE_IOERR
    11: CorruptStore,  # SQLITE_CORRUPT
    13: StoreFull,  # SQLITE_FULL
    14: StoreDiskError,  # SQLITE_CANTOPEN
    26: StoreUnreadable,  # SQLITE_NOTADB: damaged, or keyed again by another process
}


def classify(exc: BaseException, path: Path) -> KnownError | None:
    """The known error for an SQLite error, or None when it is a bug (constraint, syntax…)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(exc, sq.Error) or not isinstance(code, int):
        return None
    kind = _KINDS.get(code & 0xFF)
    if kind is StoreDiskError and _nearly_full(path.parent):
        kind = StoreFull  # SQLite reports a write into a full disk as an I/O error in places (WAL index)
    return None if kind is None else kind(path)


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL
    except OSError:
        return False


def _reraise(exc: BaseException, conn: Any) -> NoReturn:
    known = classify(exc, getattr(conn, "store_path", Path("milpj.db")))
    if known is None:
        raise exc
    raise known from exc


class StoreCursor(sq.Cursor):  # type: ignore[misc]  # sqlcipher3 ships no types
    """A cursor whose steps (execute and every fetch) classify their errors."""

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        try:
            return super().execute(sql, parameters)
        except sq.Error as exc:
            _reraise(exc, self.connection)

    def executemany(self, sql: str, seq: Any) -> Any:
        try:
            return super().executemany(sql, seq)
        except sq.Error as exc:
            _reraise(exc, self.connection)

    def executescript(self, script: str) -> Any:
        try:
            return super().executescript(script)
        except sq.Error as exc:
            _reraise(exc, self.connection)

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sq.Error as exc:
            _reraise(exc, self.connection)

    def fetchmany(self, size: int | None = None) -> list[Any]:
        try:
            return list(super().fetchmany(self.arraysize if size is None else size))
        except sq.Error as exc:
            _reraise(exc, self.connection)

    def fetchall(self) -> list[Any]:
        try:
            return list(super().fetchall())
        except sq.Error as exc:
            _reraise(exc, self.connection)

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sq.Error as exc:
            _reraise(exc, self.connection)


class StoreConnection(sq.Connection):  # type: ignore[misc]
    """sqlcipher3's connection with classified errors; `store_path` names the file in messages."""

    store_path: Path

    def cursor(self, factory: Any = None) -> Any:
        return super().cursor(factory or StoreCursor)

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        try:
            return super().execute(sql, parameters)
        except sq.Error as exc:
            _reraise(exc, self)

    def executemany(self, sql: str, seq: Any) -> Any:
        try:
            return super().executemany(sql, seq)
        except sq.Error as exc:
            _reraise(exc, self)

    def executescript(self, script: str) -> Any:
        try:
            return super().executescript(script)
        except sq.Error as exc:
            _reraise(exc, self)


def connect(path: Path) -> Any:
    """A StoreConnection in autocommit mode (transactions are explicit), usable from the store's worker."""
    conn = sq.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10.0, factory=StoreConnection)
    conn.store_path = path
    return conn


def rollback(conn: Any) -> None:
    """Roll back if a transaction is still open (SQLite may have ended it itself after a full disk or an
    I/O error); a failing rollback must not hide the error that caused it."""
    if conn.in_transaction:
        with suppress(sq.Error, KnownError):
            conn.execute("ROLLBACK")


def rollback_to(conn: Any, savepoint: str) -> None:
    """Undo to a savepoint and drop it, if SQLite has not already rolled the whole transaction back."""
    if conn.in_transaction:
        with suppress(sq.Error, KnownError):
            conn.execute(f"ROLLBACK TO {savepoint}")
            conn.execute(f"RELEASE {savepoint}")
