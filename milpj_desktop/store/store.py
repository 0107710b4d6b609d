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

from milpj_desktop.errors import KnownError
from milpj_desktop.files import make_private
from milpj_desktop.store import connection, keys, migrate, strength
from milpj_desktop.store.errors import (
    MIN_PASSPHRASE,
    ChangeInterrupted,
    CorruptStore,
    NotOurFile,
    StoreExists,
    StoreInUse,
    StoreLocked,
    StoreMissing,
    StoreUnreadable,
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
    """Refuse a passphrase that is short or easy to guess, saying why and suggesting four words."""
    found = strength.estimate(passphrase)
    if len(passphrase) < MIN_PASSPHRASE or not found.acceptable:
        raise WeakPassphrase(found.explanation(), strength.advice())


def _keyfile(path: Path) -> Path:
    return path.with_name(path.name + ".cle.json")


def connect_raw(path: Path, raw: keys.RawKey) -> Connection:
    """Open a keyed connection with our pragmas (errors classified, see connection.py); no read is done yet."""
    conn = connection.connect(path)
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
        _make_private(path)
        return cls(path, conn, raw)

    @classmethod
    def open(cls, path: Path, passphrase: str) -> Store:
        """Open an existing store; a wrong passphrase leaves every byte of the file as it was."""
        salt = _precheck(path)
        _make_private(path)  # a store made by an earlier version may be readable by others
        params = keys.read_params(_keyfile(path))
        if params.change is not None:
            return cls._open_during_change(path, passphrase, params.change)
        raw = keys.derive(passphrase, salt, params.iterations)
        verdict = keys.matches(raw, params)
        if verdict is False:
            raise WrongPassphrase()
        try:
            return cls._open_raw(path, raw, known_good=verdict is True)
        except CorruptStore:
            if keys.read_params(_keyfile(path)) != params:  # keyed again by another process meanwhile
                raise ChangeInterrupted(old_still_valid=False) from None
            raise

    @classmethod
    def _open_during_change(cls, path: Path, passphrase: str, change: keys.KeyChange) -> Store:
        """A change of passphrase was under way: the side whose key reads the file wins, the key file says so."""
        old, new = change.old.derive(passphrase), change.new.derive(passphrase)
        if old is None and new is None:
            raise WrongPassphrase()
        store = cls._settle(path, [(raw, part) for raw, part in ((old, change.old), (new, change.new)) if raw])
        if store is None:
            raise ChangeInterrupted(old_still_valid=old is None)
        return store

    @classmethod
    def _settle(cls, path: Path, candidates: list[tuple[keys.RawKey, keys.KeySide]]) -> Store | None:
        """Open with the first candidate key that reads the file (SQLite rolls an interrupted re-encryption
        back first) and record that key alone in the key file; None when none reads it."""
        for raw, part in candidates:
            try:
                store = cls._open_raw(path, raw, known_good=False)
            except WrongPassphrase:
                continue
            try:
                keys.write_params(_keyfile(path), raw, part.iterations)
            except BaseException:
                store.close()
                raise
            return store
        return None

    @classmethod
    def _open_raw(cls, path: Path, raw: keys.RawKey, *, known_good: bool) -> Store:
        conn = connect_raw(path, raw)
        try:
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except (StoreUnreadable, CorruptStore) as exc:  # wrong key, or a damaged first page
                if known_good:
                    raise CorruptStore(path) from exc
                raise WrongPassphrase(maybe_corrupt=True) from exc
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                raise NotOurFile(path, "base chiffrée d'une autre application")
            _tune(conn)
            migrate.apply_pending(conn)
        except KnownError:
            conn.close()
            raise
        except sq.DatabaseError as exc:
            conn.close()
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
                self.conn.execute("COMMIT")
            except BaseException:
                connection.rollback(self.conn)
                raise

    def schema_version(self) -> int:
        return migrate.current_version(self.conn)

    # -- maintenance ---------------------------------------------------------------------
    def rekey(self, new_passphrase: str) -> None:
        """Re-encrypt every page under a key derived from the new passphrase (new salt), crash-safely.

        The store must be ours alone (StoreInUse otherwise, nothing changed). Both keys' salts and
        verifiers are recorded (fsynced) before `PRAGMA rekey`, a transaction of its own in
        rollback-journal mode: after a kill at any moment the file is whole under one of the two
        keys, and opening with that key's passphrase finishes or cancels the change (`_settle`).
        """
        check_passphrase(new_passphrase)
        new = keys.derive(new_passphrase, keys.new_salt())
        keyfile = _keyfile(self.path)
        with self._lock:
            old, iterations = self._raw, keys.read_params(keyfile).iterations
            change = keys.KeyChange(old=keys.side(old, iterations), new=keys.side(new))
            self._hold_alone()
            try:
                keys.write_params(keyfile, old, iterations, change=change)
            except BaseException:
                self._share_again()
                raise
            try:
                self.conn.execute("PRAGMA synchronous = FULL")
                self.conn.execute(f"PRAGMA rekey = {new.pragma_value()}")
            except BaseException:
                self._reopen_after_failure([(old, change.old), (new, change.new)])
                raise
            self._raw = new
            self._share_again()
            try:
                keys.write_params(keyfile, new)
            except KnownError:  # done and durable: the next opening records it (the change record names it)
                log.warning("fichier de clé non mis à jour après le changement de phrase secrète", exc_info=True)

    def _hold_alone(self) -> None:
        """Leave WAL for a rollback journal and keep an exclusive lock; StoreInUse if another connection is open."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            mode = self.conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except StoreLocked:
            raise StoreInUse() from None
        if str(mode).lower() != "delete":
            raise StoreInUse()
        self.conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        try:
            self.conn.execute("BEGIN EXCLUSIVE")  # the lock stays after COMMIT in exclusive locking mode
            self.conn.execute("COMMIT")
        except StoreLocked:
            self._share_again()
            raise StoreInUse() from None

    def _share_again(self) -> None:
        self.conn.execute("PRAGMA locking_mode = NORMAL")
        self.conn.execute("PRAGMA journal_mode = WAL")  # reading the mode gives the exclusive lock up
        self.conn.execute("PRAGMA synchronous = NORMAL")

    def _reopen_after_failure(self, candidates: list[tuple[keys.RawKey, keys.KeySide]]) -> None:
        """After a failed re-encryption: reopen with whichever key reads the file and record it."""
        with suppress(sq.Error, KnownError):
            self.conn.close()
        with suppress(KnownError):
            settled = Store._settle(self.path, candidates)
            if settled is not None:
                self.conn, self._raw = settled.conn, settled._raw

    def verify(self) -> list[str]:
        """Run cipher_integrity_check and integrity_check; return problems (empty = all is well)."""
        problems: list[str] = []
        with self._lock:
            for pragma in ("cipher_integrity_check", "integrity_check"):
                try:
                    rows = [str(r[0]) for r in self.conn.execute(f"PRAGMA {pragma}")]
                except (sq.DatabaseError, KnownError) as exc:
                    rows = [f"{pragma} : {exc.__cause__ or exc}"]
                problems += [r for r in rows if r != "ok"]
        return problems

    def close(self) -> None:
        with self._lock:
            if self.conn is not None:
                with suppress(sq.DatabaseError, KnownError):
                    self.conn.execute("PRAGMA optimize")  # SQLite's advice: planner statistics kept fresh
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self.conn.close()
                self.conn = None


def _companions(path: Path) -> tuple[Path, ...]:
    return (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal"), _keyfile(path))


def _make_private(path: Path) -> None:
    """The data folder 0700, the database, its WAL, SHM and journal and the key file 0600 (issue 16)."""
    make_private(path.parent, path, *_companions(path))


def remove_store(path: Path) -> None:
    """Delete the store and its companions (tests and « réinitialiser »)."""
    for candidate in (path, *_companions(path)):
        if candidate.exists():
            os.remove(candidate)


def passphrase_matches(store: Store, passphrase: str) -> bool:
    """Check a passphrase against the open store (used before a change of passphrase)."""
    with store.path.open("rb") as handle:
        salt = handle.read(keys.SALT_BYTES)
    params = keys.read_params(_keyfile(store.path))
    raw = keys.derive(passphrase, salt, params.iterations)
    return raw.key == store._raw.key
