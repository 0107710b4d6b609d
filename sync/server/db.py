"""The reference server's own database (plain sqlite3): records with their change numbers,
tombstones, the tombstone horizon, assets, received corrections, device tokens, injected faults.

The change log is compacted: one row per record (per département for the directory), carrying the
number of its latest change; a deletion turns the row into a tombstone with a new number. A client
at cursor N asks for rows numbered above N, in order.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sync.protocol import (
    MAX_LIMIT,
    MAX_RECORD_BYTES,
    PAGE_BYTES,
    AssetRecord,
    Collection,
    record_hash,
    record_id,
    record_model,
    state_checksum,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    dept TEXT NOT NULL DEFAULT '',
    seq INTEGER NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    changed_at REAL NOT NULL,
    line BLOB NOT NULL,
    PRIMARY KEY (collection, id, dept)
);
CREATE INDEX IF NOT EXISTS record_feed ON record(collection, seq);
CREATE INDEX IF NOT EXISTS record_dept_feed ON record(collection, dept, seq);
CREATE TABLE IF NOT EXISTS horizon (collection TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS asset_blob (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS correction (
    uuid TEXT PRIMARY KEY,
    national_id TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    received_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS token (token TEXT PRIMARY KEY, label TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS fault (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    collection TEXT NOT NULL DEFAULT '',
    skip INTEGER NOT NULL DEFAULT 0,
    remaining INTEGER NOT NULL DEFAULT 1,
    seconds REAL NOT NULL DEFAULT 1
);
"""

FAULT_KINDS: dict[str, str] = {
    "500": "erreur interne (500)",
    "503": "indisponible (503) avec Retry-After",
    "401": "jeton refusé (401)",
    "404": "adresse inconnue (404)",
    "429": "trop de requêtes (429) avec Retry-After",
    "lenteur": "connexion figée : l'en-tête arrive, puis plus rien pendant --secondes",
    "coupure": "connexion coupée au milieu du corps",
    "gzip-tronque": "corps gzip tronqué",
    "json-invalide": "une ligne qui n'est pas du JSON (somme de contrôle juste)",
    "schema-invalide": "un enregistrement qui ne respecte pas le schéma",
    "doublon": "deux fois le même identifiant dans une page",
    "curseur-recule": "un curseur qui recule",
    "page-enorme": "une page plus grande que la limite",
    "mauvais-type": "un type de contenu inattendu (page HTML de portail captif, aussi pour les corrections)",
    # hostile modes (each stops by itself: bounded by --secondes or by the request)
    "muet": "accepte la connexion et ne répond rien pendant --secondes (puis 503)",
    "goutte-a-goutte": "envoie la page octet par octet (10 par seconde) pendant --secondes au plus, puis coupe",
    "sans-fin": "des pages « more: true » sans fin (le même enregistrement renuméroté), 2 changements annoncés",
    "curseur-enorme": "un curseur suivant de 300 caractères",
    "entier-enorme": "un numéro de changement au-delà des entiers de SQLite",
    "champ-enorme": "une fiche d'annuaire dont le site web fait 5 000 caractères",
    "horaires-enormes": "une fiche d'annuaire avec 60 000 plages d'horaires",
    "date-hors-bornes": "une fiche d'annuaire mise à jour en l'an 3000",
    "chemin-modele": "un modèle de fiche dont un fichier s'appelle « ../../evil.html »",
    "fichier-abime": "un média dont les octets ne correspondent pas à l'empreinte",
    "accuse-autre-uuid": "un accusé de réception de correction qui porte un autre uuid",
    "etat-invalide": "un état de collection (/state) qui n'est pas celui du protocole (cible « etat »)",
}

# Where each fault can be injected: a page of changes, a file, a correction, a /state answer.
_EVERYWHERE = frozenset({"page", "blob", "correction", "state"})
FAULT_PLACES: dict[str, frozenset[str]] = {
    kind: _EVERYWHERE if kind in {"500", "503", "401", "404", "429", "muet"} else frozenset({"page"})
    for kind in FAULT_KINDS
}
FAULT_PLACES.update(
    {
        "coupure": frozenset({"page", "blob", "correction"}),
        "mauvais-type": frozenset({"page", "correction"}),
        "fichier-abime": frozenset({"blob"}),
        "accuse-autre-uuid": frozenset({"correction"}),
        "etat-invalide": frozenset({"state"}),
    }
)


class CursorError(Exception):
    """The cursor cannot be read (400) or is too old / from another epoch (410)."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class ChangePage:
    lines: list[bytes]
    upto: int
    more: bool
    remaining: int | None
    floor: int


@dataclass(frozen=True)
class Fault:
    kind: str
    seconds: float


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def dept_of(collection: Collection, record: BaseModel) -> str:
    if collection == Collection.DIRECTORY:
        return str(getattr(record, "departement", ""))
    return ""


class ServerDB:
    """One sqlite3 file; a connection per thread (FastAPI runs plain endpoints on a thread pool)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self.conn.executescript(SCHEMA)
        with self.write() as conn:
            if conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone() is None:
                conn.execute("INSERT INTO meta VALUES('epoch', ?)", (secrets.token_hex(4),))
                conn.execute("INSERT INTO meta VALUES('seq', '0')")
        self.epoch = str(self.conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()[0])

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- cursors -----------------------------------------------------------------------------------
    def cursor_for(self, seq: int, floor: int) -> str:
        """Opaque to clients. `floor` is the head when the client's pass from the start began: a client
        at `seq` < horizon still has all it needs if its pass began after the purged tombstones."""
        return base64.urlsafe_b64encode(f"1:{self.epoch}:{seq}:{floor}".encode()).decode().rstrip("=")

    def seq_of(self, cursor: str) -> tuple[int, int | None]:
        """(seq, floor); (0, None) for '' (from the start); CursorError for a foreign or unreadable cursor."""
        if not cursor:
            return 0, None
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            version, epoch, seq_text, floor_text = text.split(":")
            seq, floor = int(seq_text), int(floor_text)
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise CursorError(expired=False) from None
        if version != "1" or seq < 0 or floor < 0:
            raise CursorError(expired=False)
        if epoch != self.epoch or seq > self.head():
            raise CursorError(expired=True)  # another database, or restored from an older backup
        return seq, floor

    def raw_seq(self, cursor: str) -> int:
        """The change number a cursor names, unchecked (the « sans-fin » fault numbers past the head)."""
        try:
            return max(0, int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(":")[2]))
        except (ValueError, IndexError, UnicodeDecodeError, binascii.Error):
            return 0

    def first_line(self, collection: Collection, departements: list[str] | None) -> bytes | None:
        """One live record's change line (within the départements), for the hostile faults."""
        sql = "SELECT line FROM record WHERE collection = ? AND deleted = 0"
        params: list[Any] = [collection.value]
        if departements is not None:
            sql += f" AND dept IN ({','.join('?' * len(departements))})"
            params += departements
        row = self.conn.execute(sql + " ORDER BY seq LIMIT 1", params).fetchone()
        return bytes(row[0]) if row else None

    def head(self, conn: sqlite3.Connection | None = None) -> int:
        return int((conn or self.conn).execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()[0])

    # -- publishing (admin) ---------------------------------------------------------------------------
    def publish(self, collection: Collection, records: Iterable[BaseModel | dict[str, Any]]) -> int:
        """Insert or change records (validated); each gets a new change number and version."""
        model = record_model(collection)
        count = 0
        with self.write() as conn:
            seq = self.head(conn)
            now = time.time()
            for raw in records:
                record = raw if isinstance(raw, BaseModel) else model.model_validate(raw)
                item_id = record_id(collection, record)
                dept = dept_of(collection, record)
                body = record.model_dump(mode="json")
                previous = conn.execute(
                    "SELECT dept, version, deleted, line FROM record WHERE collection = ? AND id = ? "
                    "ORDER BY deleted LIMIT 1",
                    (collection.value, item_id),
                ).fetchone()
                version = 1
                if previous is not None:
                    version = int(previous[1]) + 1
                    if not previous[2] and json.loads(previous[3])["record"] == body and previous[0] == dept:
                        continue  # nothing changed: no new change number
                    if not previous[2] and previous[0] != dept:  # moved: tombstone in its old département
                        seq += 1
                        self._tombstone(conn, collection, item_id, str(previous[0]), version, seq, now)
                seq += 1
                line = _dumps(
                    {"seq": seq, "op": "put", "id": item_id, "version": version, "dept": dept, "record": body}
                )
                if len(line) > MAX_RECORD_BYTES:
                    raise ValueError(f"enregistrement {item_id} trop volumineux")
                conn.execute(
                    "INSERT INTO record(collection, id, dept, seq, version, deleted, changed_at, line) "
                    "VALUES(?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT(collection, id, dept) DO UPDATE SET seq = excluded.seq, "
                    "version = excluded.version, deleted = 0, changed_at = excluded.changed_at, line = excluded.line",
                    (collection.value, item_id, dept, seq, version, now, line),
                )
                count += 1
            conn.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(seq),))
        return count

    @staticmethod
    def _tombstone(
        conn: sqlite3.Connection, collection: Collection, item_id: str, dept: str, version: int, seq: int, now: float
    ) -> None:
        line = _dumps({"seq": seq, "op": "del", "id": item_id, "version": version, "dept": dept})
        conn.execute(
            "UPDATE record SET seq = ?, version = ?, deleted = 1, changed_at = ?, line = ? "
            "WHERE collection = ? AND id = ? AND dept = ?",
            (seq, version, now, line, collection.value, item_id, dept),
        )

    def delete(self, collection: Collection, ids: Iterable[str]) -> int:
        """Turn records into tombstones; returns how many existed."""
        count = 0
        with self.write() as conn:
            seq = self.head(conn)
            now = time.time()
            for item_id in ids:
                row = conn.execute(
                    "SELECT dept, version FROM record WHERE collection = ? AND id = ? AND deleted = 0",
                    (collection.value, item_id),
                ).fetchone()
                if row is None:
                    continue
                seq += 1
                self._tombstone(conn, collection, item_id, str(row[0]), int(row[1]) + 1, seq, now)
                if collection == Collection.ASSETS:
                    conn.execute("DELETE FROM asset_blob WHERE sha256 = ?", (item_id,))
                count += 1
            conn.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(seq),))
        return count

    def add_asset(self, data: bytes, *, name: str, media_type: str) -> AssetRecord:
        sha = hashlib.sha256(data).hexdigest()
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO asset_blob VALUES(?, ?)", (sha, data))
        record = AssetRecord(sha256=sha, size=len(data), media_type=media_type, name=name)
        self.publish(Collection.ASSETS, [record])
        return record

    def asset(self, sha256: str) -> bytes | None:
        row = self.conn.execute("SELECT data FROM asset_blob WHERE sha256 = ?", (sha256,)).fetchone()
        return bytes(row[0]) if row else None

    def purge_tombstones(self, collection: Collection | None = None, *, older_than: float = 0.0) -> int:
        """Forget tombstones changed more than `older_than` seconds ago; clients behind them must resync."""
        limit = time.time() - older_than
        count = 0
        with self.write() as conn:
            for coll in [collection] if collection else list(Collection):
                row = conn.execute(
                    "SELECT max(seq), count(*) FROM record WHERE collection = ? AND deleted = 1 AND changed_at <= ?",
                    (coll.value, limit),
                ).fetchone()
                if not row[1]:
                    continue
                conn.execute(
                    "DELETE FROM record WHERE collection = ? AND deleted = 1 AND seq <= ?", (coll.value, int(row[0]))
                )
                conn.execute(
                    "INSERT INTO horizon VALUES(?, ?) ON CONFLICT(collection) DO UPDATE SET seq = max(seq, excluded.seq)",
                    (coll.value, int(row[0])),
                )
                count += int(row[1])
        return count

    # -- reading (clients) ----------------------------------------------------------------------------
    def changes(
        self,
        collection: Collection,
        since: int,
        limit: int,
        departements: list[str] | None,
        *,
        floor: int | None,
        want_total: bool,
        page_bytes: int = PAGE_BYTES,
    ) -> ChangePage:
        conn = self.conn
        conn.execute("BEGIN")  # one snapshot for the head and the rows
        try:
            horizon = conn.execute("SELECT seq FROM horizon WHERE collection = ?", (collection.value,)).fetchone()
            head = self.head(conn)
            if floor is None:  # a pass from the start begins now
                floor = head
            elif horizon is not None and since < int(horizon[0]) and floor < int(horizon[0]):
                raise CursorError(expired=True)  # tombstones this client still needs were forgotten
            sql = "SELECT seq, line FROM record WHERE collection = ? AND seq > ?"
            params: list[Any] = [collection.value, since]
            if departements is not None:
                sql += f" AND dept IN ({','.join('?' * len(departements))})"
                params += departements
            limit = max(1, min(limit, MAX_LIMIT))
            rows = conn.execute(sql + " ORDER BY seq LIMIT ?", [*params, limit + 1]).fetchall()
            lines: list[bytes] = []
            size = 0
            last = since
            for seq, line in rows[:limit]:
                if lines and size + len(line) > page_bytes:
                    break
                lines.append(bytes(line))
                size += len(line) + 1
                last = int(seq)
            more = len(lines) < len(rows)
            upto = last if more else max(head, since)
            remaining = None
            if want_total:
                remaining = int(
                    conn.execute(
                        sql.replace("seq, line", "count(*)"), [collection.value, last, *params[2:]]
                    ).fetchone()[0]
                )
        finally:
            conn.execute("COMMIT")
        return ChangePage(lines=lines, upto=upto, more=more, remaining=remaining, floor=floor)

    def state(self, collection: Collection, departements: list[str] | None) -> tuple[int, str, int]:
        sql = "SELECT id, version FROM record WHERE collection = ? AND deleted = 0"
        params: list[Any] = [collection.value]
        if departements is not None:
            sql += f" AND dept IN ({','.join('?' * len(departements))})"
            params += departements
        rows = [(str(i), int(v)) for i, v in self.conn.execute(sql, params)]
        return len(rows), state_checksum(rows), self.head()

    def fingerprints(self, collection: Collection, departements: list[str] | None) -> dict[str, tuple[str, str]]:
        """id → (département, record_hash) of every live record in the scope."""
        sql = "SELECT id, dept, line FROM record WHERE collection = ? AND deleted = 0"
        params: list[Any] = [collection.value]
        if departements is not None:
            sql += f" AND dept IN ({','.join('?' * len(departements))})"
            params += departements
        return {
            str(i): (str(d), record_hash(json.loads(line)["record"])) for i, d, line in self.conn.execute(sql, params)
        }

    def live_records(self, collection: Collection) -> dict[str, dict[str, Any]]:
        """id → record as published (tests compare the client's copy with these)."""
        out: dict[str, dict[str, Any]] = {}
        for (line,) in self.conn.execute(
            "SELECT line FROM record WHERE collection = ? AND deleted = 0", (collection.value,)
        ):
            item = json.loads(line)
            out[item["id"]] = item["record"]
        return out

    # -- tokens, corrections ---------------------------------------------------------------------------
    def add_token(self, token: str, label: str = "") -> None:
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO token VALUES(?, ?, ?)", (token, label, time.time()))

    def token_ok(self, token: str) -> bool:
        return self.conn.execute("SELECT 1 FROM token WHERE token = ?", (token,)).fetchone() is not None

    def receive_correction(self, uuid: str, national_id: str, message: str, created_at: str) -> str:
        """'recue', 'deja-recue' (same uuid, same content: idempotent) or 'conflit' (uuid reused)."""
        with self.write() as conn:
            row = conn.execute("SELECT national_id, message FROM correction WHERE uuid = ?", (uuid,)).fetchone()
            if row is not None:
                return "deja-recue" if (row[0], row[1]) == (national_id, message) else "conflit"
            conn.execute(
                "INSERT INTO correction VALUES(?, ?, ?, ?, ?)", (uuid, national_id, message, created_at, time.time())
            )
        return "recue"

    def corrections(self) -> list[tuple[str, str, str]]:
        return [
            (str(u), str(n), str(m))
            for u, n, m in self.conn.execute("SELECT uuid, national_id, message FROM correction ORDER BY received_at")
        ]

    # -- faults ------------------------------------------------------------------------------------------
    def add_fault(
        self, kind: str, *, collection: str = "", skip: int = 0, times: int = 1, seconds: float = 1.0
    ) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"panne inconnue : {kind}")
        with self.write() as conn:
            conn.execute(
                "INSERT INTO fault(kind, collection, skip, remaining, seconds) VALUES(?, ?, ?, ?, ?)",
                (kind, collection, skip, times, seconds),
            )

    def clear_faults(self) -> None:
        with self.write() as conn:
            conn.execute("DELETE FROM fault")

    def take_fault(self, target: str, *, page: bool = False) -> Fault | None:
        """The fault to inject into this request, if one is armed for it (skips and counts go down).
        `target` is a collection (a page when `page`), « blobs », « corrections » or « etat »."""
        if self.conn.execute("SELECT 1 FROM fault LIMIT 1").fetchone() is None:
            return None
        place = "page" if page else {"blobs": "blob", "corrections": "correction", "etat": "state"}.get(target, "")
        with self.write() as conn:
            for fault_id, kind, skip, remaining, seconds in conn.execute(
                "SELECT id, kind, skip, remaining, seconds FROM fault WHERE collection IN ('', ?) ORDER BY id",
                (target,),
            ).fetchall():
                if place not in FAULT_PLACES.get(str(kind), frozenset()):
                    continue
                if skip > 0:
                    conn.execute("UPDATE fault SET skip = skip - 1 WHERE id = ?", (fault_id,))
                    return None
                if remaining == 0:
                    continue
                conn.execute("UPDATE fault SET remaining = remaining - 1 WHERE id = ? AND remaining > 0", (fault_id,))
                return Fault(kind=str(kind), seconds=float(seconds))
        return None
