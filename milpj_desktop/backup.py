"""« Sauvegarder mes données » / « Restaurer » : the professional's own work in one encrypted file,
to protect against a lost computer or a forgotten passphrase, and to move to a new computer.

What is the professional's own and cannot come back from the national server: local entries,
private notes, favourite articles and structures, settings (not the device token, which belongs to
one computer), and corrections not yet sent. The national content and directory are not in it:
a synchronisation brings them back.

The file is a SQLCipher database keyed like the store (our PBKDF2 derivation, its own random salt in
the file header) from the passphrase given when saving: on another computer, that passphrase opens
it. It is written beside the target and renamed over it once whole (never a half-written backup),
private to the user from its creation.

Restoring merges: a local entry, favourite or correction already there (same identifier) is kept;
a note is kept in its most recent version; settings take the backup's values (but this computer's
device token).
Everything happens in one transaction: a failure changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from milpj_desktop import PRODUCT_NAME, __version__, files
from milpj_desktop.changes import Changes
from milpj_desktop.errors import KnownError, os_reason
from milpj_desktop.store import keys
from milpj_desktop.store.store import Store, passphrase_matches

FORMAT = "milpj-sauvegarde-1"
ALIAS = "sauvegarde"
SECRET_SETTINGS = ("device_token",)  # belongs to one computer: a new one asks the server for its own
_SECRETS_SQL = ", ".join(f"'{name}'" for name in SECRET_SETTINGS)
# table → what identifies a row (a row already present on this computer is kept)
TABLES: dict[str, str] = {
    "directory_local": "uuid",
    "directory_note": "entry_id",
    "favourite": "article_id",
    "directory_favourite": "entry_id",
    "directory_correction": "uuid",
    "setting": "key",
}


class BackupError(KnownError):
    """A backup that cannot be written or read, said in French with what to do."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds, or what a restore added (for the message shown to the person)."""

    entries: int = 0
    notes: int = 0
    favourites: int = 0
    corrections: int = 0
    settings: int = 0

    def sentence(self) -> str:
        parts = [
            _count(self.entries, "structure locale", "structures locales"),
            _count(self.notes, "note privée", "notes privées"),
            _count(self.favourites, "favori", "favoris"),
            _count(self.corrections, "correction en attente", "corrections en attente"),
            _count(self.settings, "réglage", "réglages"),
        ]
        return ", ".join(parts)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number in (0, 1) else many}"


def _columns(conn: Any, table: str, schema: str = "main") -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA {schema}.table_info({table})") if row[1] != "rowid"]


def _attach(store: Store, path: Path, raw: keys.RawKey) -> None:
    store.conn.execute(f"ATTACH DATABASE ? AS {ALIAS} KEY ?", (str(path), raw.pragma_value().strip('"')))


def _detach(store: Store) -> None:
    with contextlib.suppress(Exception):
        store.conn.execute(f"DETACH DATABASE {ALIAS}")


def write_backup(store: Store, target: Path, passphrase: str, *, now: dt.datetime | None = None) -> BackupSummary:
    """Write the professional's own data to `target`, encrypted under `passphrase` (the store's)."""
    if not passphrase_matches(store, passphrase):
        raise BackupError("Phrase secrète incorrecte : la sauvegarde est protégée par votre phrase secrète actuelle.")
    target = target.expanduser()
    if target.is_dir() or not target.parent.is_dir():
        raise BackupError(f"Dossier introuvable pour la sauvegarde : {target.parent}")
    with files.replacing(target) as partial:  # private from creation, renamed over the target once whole
        raw = keys.derive(passphrase, keys.new_salt())
        _attach(store, partial, raw)
        try:
            with store.transaction() as conn:
                conn.execute(f"CREATE TABLE {ALIAS}.backup_info(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
                conn.executemany(
                    f"INSERT INTO {ALIAS}.backup_info VALUES(?, ?)",
                    [("format", FORMAT), ("created_at", stamp), ("version", __version__)],
                )
                for table in TABLES:
                    conn.execute(f"CREATE TABLE {ALIAS}.{table} AS SELECT * FROM main.{table} WHERE 0")
                    columns = ", ".join(_columns(conn, table))
                    where = _secret_filter(table)
                    conn.execute(f"INSERT INTO {ALIAS}.{table}({columns}) SELECT {columns} FROM main.{table}{where}")
                summary = _summary(conn, ALIAS)
        finally:
            _detach(store)
    return summary


def restore_backup(store: Store, source: Path, passphrase: str) -> tuple[BackupSummary, Changes]:
    """Merge a backup into the open store; returns what was added and what changed."""
    source = source.expanduser()
    raw = _backup_key(source, passphrase)
    before = _summary(store.conn, "main")
    unreadable = BackupError(
        "Cette sauvegarde ne s'ouvre pas : phrase secrète différente de celle de la sauvegarde, "
        "ou fichier qui n'est pas une sauvegarde."
    )
    try:
        _attach(store, source, raw)
    except Exception as exc:  # a wrong passphrase reads as « not a database » (about the backup, not the store)
        raise unreadable from exc
    try:
        try:
            info = dict(store.conn.execute(f"SELECT key, value FROM {ALIAS}.backup_info").fetchall())
        except Exception as exc:
            raise unreadable from exc
        if info.get("format") != FORMAT:
            raise BackupError(f"Ce fichier n’est pas une sauvegarde de « {PRODUCT_NAME} ».")
        with store.transaction() as conn:
            for table, key in TABLES.items():
                _merge(conn, table, key)
    finally:
        _detach(store)
    after = _summary(store.conn, "main")
    added = BackupSummary(*(a - b for a, b in zip(astuple(after), astuple(before), strict=True)))
    changes = Changes(directory=True, favourites=True, settings=True)
    return added, changes


def _merge(conn: Any, table: str, key: str) -> None:
    ours = _columns(conn, table)
    theirs = set(_columns(conn, table, ALIAS))
    columns = [c for c in ours if c in theirs]
    names = ", ".join(columns)
    where = _secret_filter(table, prefix="b.")
    joiner = " AND " if where else " WHERE "
    conn.execute(
        f"INSERT INTO main.{table}({names}) SELECT {', '.join('b.' + c for c in columns)} FROM {ALIAS}.{table} AS b"
        f"{where}{joiner}NOT EXISTS (SELECT 1 FROM main.{table} AS m WHERE m.{key} = b.{key})"
    )
    if table == "setting":  # the professional's settings come back (the device token stays this computer's)
        conn.execute(
            f"UPDATE main.setting SET value = b.value FROM {ALIAS}.setting AS b "
            f"WHERE b.key = main.setting.key AND b.key NOT IN ({_SECRETS_SQL})"
        )
    if table == "directory_note":  # the most recent version of a note wins
        conn.execute(
            f"UPDATE main.directory_note SET note = b.note, updated_at = b.updated_at FROM {ALIAS}.directory_note AS b "
            "WHERE b.entry_id = main.directory_note.entry_id AND b.updated_at > main.directory_note.updated_at"
        )


def _secret_filter(table: str, prefix: str = "") -> str:
    if table != "setting":
        return ""
    return f" WHERE {prefix}key NOT IN ({_SECRETS_SQL})"


def _summary(conn: Any, schema: str) -> BackupSummary:
    def count(table: str, where: str = "") -> int:
        return int(conn.execute(f"SELECT count(*) FROM {schema}.{table}{where}").fetchone()[0])

    return BackupSummary(
        entries=count("directory_local"),
        notes=count("directory_note"),
        favourites=count("favourite") + count("directory_favourite"),
        corrections=count("directory_correction", " WHERE state = 'pending'"),
        settings=count("setting", _secret_filter("setting")),
    )


def _backup_key(source: Path, passphrase: str) -> keys.RawKey:
    try:
        with source.expanduser().open("rb") as handle:
            salt = handle.read(keys.SALT_BYTES)
    except FileNotFoundError:
        raise BackupError(f"Sauvegarde introuvable : {source}") from None
    except OSError as exc:
        raise BackupError(f"Sauvegarde illisible : {source} : {os_reason(exc)}") from exc
    if len(salt) < keys.SALT_BYTES or salt.startswith(b"SQLite format 3"):
        raise BackupError(f"Ce fichier n'est pas une sauvegarde chiffrée : {source}")
    return keys.derive(passphrase, salt)
