"""The encrypted store on a real SQLCipher file."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from milpj_desktop import paths
from milpj_desktop.store import (
    CorruptStore,
    NotOurFile,
    Store,
    StoreExists,
    StoreMissing,
    WeakPassphrase,
    WrongPassphrase,
)
from milpj_desktop.store.errors import TruncatedFile
from milpj_desktop.store.migrate import Migration, apply_pending, available
from tests.conftest import PASSPHRASE

SECRET = "Valeur-Témoin-Très-Secrète-4242"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_create_then_open_reads_back(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT INTO setting VALUES('x', ?)", (SECRET,))
    store.close()
    again = Store.open(paths.store_path(), PASSPHRASE)
    assert again.conn.execute("SELECT value FROM setting WHERE key='x'").fetchone()[0] == SECRET
    assert again.schema_version() == max(m.version for m in available())
    again.close()


def test_file_is_encrypted_and_holds_no_plaintext(store: Store, data_dir: Path) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT INTO setting VALUES('x', ?)", (SECRET,))
    # while open: the -wal file holds the change, it must be encrypted too
    assert Path(f"{store.path}-wal").exists()
    assert SECRET.encode() not in _all_bytes(data_dir)
    store.close()
    assert paths.store_path().read_bytes()[:16] != b"SQLite format 3\x00"
    assert SECRET.encode() not in _all_bytes(data_dir)
    assert SECRET.encode("utf-16-le") not in _all_bytes(data_dir)


def test_pragmas_are_set(store: Store) -> None:
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA cache_size").fetchone()[0] <= -65536
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2
    assert conn.execute("PRAGMA cipher_page_size").fetchone()[0] == "4096"


def test_wrong_passphrase_leaves_file_identical(store: Store, data_dir: Path) -> None:
    store.close()
    before = _digest(data_dir)
    with pytest.raises(WrongPassphrase) as info:
        Store.open(paths.store_path(), "pas la bonne phrase")
    assert "Phrase secrète incorrecte" in info.value.message
    assert _digest(data_dir) == before


def test_wrong_passphrase_without_sidecar_is_still_refused(store: Store, data_dir: Path) -> None:
    store.close()
    Path(f"{paths.store_path()}.cle.json").unlink()
    before = _digest(data_dir)
    with pytest.raises(WrongPassphrase):
        Store.open(paths.store_path(), "pas la bonne phrase")
    assert _digest(data_dir) == before
    Store.open(paths.store_path(), PASSPHRASE).close()


def test_short_passphrase_is_refused_with_reason(data_dir: Path) -> None:
    with pytest.raises(WeakPassphrase) as info:
        Store.create(paths.store_path(), "court")
    assert "au moins 10 caractères" in info.value.message
    assert not paths.store_path().exists()


def test_create_refuses_existing_file(store: Store) -> None:
    store.close()
    before = paths.store_path().read_bytes()
    with pytest.raises(StoreExists):
        Store.create(paths.store_path(), PASSPHRASE)
    assert paths.store_path().read_bytes() == before


def test_missing_store(data_dir: Path) -> None:
    with pytest.raises(StoreMissing):
        Store.open(paths.store_path(), PASSPHRASE)


def test_plain_sqlite_file_is_not_ours(data_dir: Path) -> None:
    plain = sqlite3.connect(paths.store_path())
    plain.execute("CREATE TABLE t(x)")
    plain.commit()
    plain.close()
    with pytest.raises(NotOurFile) as info:
        Store.open(paths.store_path(), PASSPHRASE)
    assert "non chiffrée" in info.value.message


def test_truncated_file(store: Store) -> None:
    store.close()
    data = paths.store_path().read_bytes()
    paths.store_path().write_bytes(data[: len(data) - 1000])
    with pytest.raises(TruncatedFile):
        Store.open(paths.store_path(), PASSPHRASE)


def test_random_bytes_file(data_dir: Path) -> None:
    paths.store_path().write_bytes(bytes(range(256)) * 64)
    with pytest.raises(WrongPassphrase) as info:
        Store.open(paths.store_path(), PASSPHRASE)
    assert "endommagé" in info.value.message


def test_corrupt_first_page_with_right_passphrase(store: Store) -> None:
    store.close()
    path = paths.store_path()
    data = bytearray(path.read_bytes())
    data[100:140] = bytes(40)  # inside page 1, after the salt
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptStore) as info:
        Store.open(path, PASSPHRASE)
    assert "endommagé" in info.value.message


def test_corrupt_later_page_is_found_by_verify(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute("CREATE TABLE bulk(x)")
        conn.executemany("INSERT INTO bulk VALUES(?)", [("x" * 500,) for _ in range(200)])
    store.close()
    path = paths.store_path()
    data = bytearray(path.read_bytes())
    data[4096 * 5 + 200 : 4096 * 5 + 260] = bytes(60)
    path.write_bytes(bytes(data))
    opened = Store.open(path, PASSPHRASE)
    problems = opened.verify()
    opened.close()
    assert problems


def test_verify_is_clean_on_healthy_store(store: Store) -> None:
    assert store.verify() == []


def test_rekey_changes_the_passphrase(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT INTO setting VALUES('x', ?)", (SECRET,))
    header_before = paths.store_path().read_bytes()[:16]
    store.rekey("une toute nouvelle phrase")
    store.close()
    assert paths.store_path().read_bytes()[:16] != header_before  # new salt
    with pytest.raises(WrongPassphrase):
        Store.open(paths.store_path(), PASSPHRASE)
    again = Store.open(paths.store_path(), "une toute nouvelle phrase")
    assert again.conn.execute("SELECT value FROM setting").fetchone()[0] == SECRET
    again.close()


def test_failed_migration_rolls_back(store: Store) -> None:
    version = store.schema_version()
    bad = Migration(version + 1, "mauvaise", "CREATE TABLE ok_table(x);\nINSERT INTO nope VALUES(1);\n")
    with pytest.raises(Exception, match="nope"):
        apply_pending(store.conn, [bad])
    assert store.schema_version() == version
    assert store.conn.execute("SELECT count(*) FROM sqlite_master WHERE name='ok_table'").fetchone()[0] == 0


def test_transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute("INSERT INTO setting VALUES('a', '1')")
        raise RuntimeError("boom")
    assert store.conn.execute("SELECT count(*) FROM setting").fetchone()[0] == 0
