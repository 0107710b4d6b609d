"""The encrypted store: create, open, rekey, verify and close one SQLCipher file."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sq

from milpj_desktop.store import keys, migrate
from milpj_desktop.store.errors import (
    MIN_PASSPHRASE,
    CorruptStore,
    NotOurFile,
    StoreExists,
    StoreLocked,
    StoreMissing,
    TruncatedFile,
    WeakPassphrase,
    WrongPassphrase,
)

log = logging.getLogger(__name__)

APPLICATION_ID = 0x4D494C50  # "MILP"
PAGE_SIZE = 4096
CACHE_KIB = 65536  # 64 MB page cache: encryption then costs ≈ 5 % instead of ≈ 2×
_SQLITE_HEADER = b"SQLite format 3\x00"

Connection = Any  # sqlcipher3 ships no type information


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise WeakPassphrase()


def _keyfile(path: Path) -> Path:
    return path.with_name(path.name + ".cle.json")


def connect_raw(path: Path, raw: keys.RawKey) -> Connection:
    """Open a keyed connection with our pragmas; no read is done yet."""
    conn = sq.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10.0)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = {raw.pragma_value()}")
    return conn


def _tune(conn: Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA busy_timeout = 10000")


def _precheck(path: Path) -> bytes:
    """Tell missing, foreign and truncated files apart before any key is tried; return the salt."""
    if not path.exists():
        raise StoreMissing(path)
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(keys.SALT_BYTES)
    if head == _SQLITE_HEADER:
        raise NotOurFile(path, "base SQLite non chiffrée")
    if size == 0 or size % PAGE_SIZE != 0:
        raise TruncatedFile(path)
    return head


class Store:
    """One open SQLCipher database; the raw key stays in memory while it is open."""

    def __init__(self, path: Path, conn: Connection, raw: keys.RawKey) -> None:
        self.path = path
        self.conn: Connection = conn
        self._raw = raw
        self._lock = threading.RLock()

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, passphrase: str) -> Store:
        """Create a new encrypted store; refuses to touch an existing file."""
        check_passphrase(passphrase)
        if path.exists():
            raise StoreExists(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = keys.derive(passphrase, keys.new_salt())
        conn = connect_raw(path, raw)
        conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        _tune(conn)
        migrate.apply_pending(conn)
        keys.write_params(_keyfile(path), raw)
        return cls(path, conn, raw)

    @classmethod
    def open(cls, path: Path, passphrase: str) -> Store:
        """Open an existing store; a wrong passphrase leaves every byte of the file as it was."""
        salt = _precheck(path)
        params = keys.read_params(_keyfile(path))
        raw = keys.derive(passphrase, salt, params.iterations)
        verdict = keys.matches(raw, params)
        if verdict is False:
            raise WrongPassphrase()
        return cls._open_raw(path, raw, known_good=verdict is True)

    @classmethod
    def _open_raw(cls, path: Path, raw: keys.RawKey, *, known_good: bool) -> Store:
        conn = connect_raw(path, raw)
        try:
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sq.DatabaseError as exc:
                if isinstance(exc, sq.OperationalError) or known_good:
                    raise
                raise WrongPassphrase(maybe_corrupt=True) from exc
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                raise NotOurFile(path, "base chiffrée d'une autre application")
            _tune(conn)
            migrate.apply_pending(conn)
        except sq.DatabaseError as exc:
            conn.close()
            if isinstance(exc, sq.OperationalError) and ("locked" in str(exc) or "busy" in str(exc)):
                raise StoreLocked() from exc
            log.warning("ouverture impossible du magasin : %s", exc)  # technical detail, no data
            raise CorruptStore(path) from exc
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, raw)

    # -- use -----------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: never a half-applied change."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def schema_version(self) -> int:
        return migrate.current_version(self.conn)

    # -- maintenance ---------------------------------------------------------------------
    def rekey(self, new_passphrase: str) -> None:
        """Re-encrypt every page under a key derived from the new passphrase (new salt)."""
        check_passphrase(new_passphrase)
        raw = keys.derive(new_passphrase, keys.new_salt())
        with self._lock:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.execute("PRAGMA journal_mode = DELETE")
            self.conn.execute(f"PRAGMA rekey = {raw.pragma_value()}")
            self.conn.execute("PRAGMA journal_mode = WAL")
            keys.write_params(_keyfile(self.path), raw)
            self._raw = raw

    def verify(self) -> list[str]:
        """Run cipher_integrity_check and integrity_check; return problems (empty = all is well)."""
        problems: list[str] = []
        with self._lock:
            for pragma in ("cipher_integrity_check", "integrity_check"):
                try:
                    rows = [str(r[0]) for r in self.conn.execute(f"PRAGMA {pragma}")]
                except sq.DatabaseError as exc:
                    rows = [f"{pragma} : {exc}"]
                problems += [r for r in rows if r != "ok"]
        return problems

    def close(self) -> None:
        with self._lock:
            if self.conn is not None:
                with suppress(sq.DatabaseError):
                    self.conn.execute("PRAGMA optimize")  # SQLite's advice: planner statistics kept fresh
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self.conn.close()
                self.conn = None


def remove_store(path: Path) -> None:
    """Delete the store and its companions (tests and « réinitialiser »)."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), _keyfile(path)):
        if candidate.exists():
            os.remove(candidate)


def passphrase_matches(store: Store, passphrase: str) -> bool:
    """Check a passphrase against the open store (used before a change of passphrase)."""
    with store.path.open("rb") as handle:
        salt = handle.read(keys.SALT_BYTES)
    params = keys.read_params(_keyfile(store.path))
    raw = keys.derive(passphrase, salt, params.iterations)
    return raw.key == store._raw.key
