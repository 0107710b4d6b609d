"""« Sauvegarder mes données » / « Restaurer » : one encrypted file with the professional's own work,
merged on another computer without duplicates; a wrong passphrase or a bad file changes nothing."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from milpj_desktop.backup import BackupError, restore_backup, write_backup
from milpj_desktop.content import repository as content
from milpj_desktop.directory import communes
from milpj_desktop.directory import repository as directory
from milpj_desktop.directory.models import DirectoryEntry
from milpj_desktop.directory.search import text_search
from milpj_desktop.settings import Settings, load_settings, save_settings
from milpj_desktop.store import Store
from tests.conftest import PASSPHRASE, run_cli

NOTE = "Accueil sans rendez-vous le mardi, demander Mme Lefèvre"
OTHER_PASSPHRASE = "une autre phrase pour le nouveau poste"


def _entry(name: str) -> DirectoryEntry:
    besancon = communes.get("25056")
    assert besancon is not None
    return DirectoryEntry.model_validate(
        {
            "kind": "professionnel",
            "type": "sage-femme",
            "name": name,
            "commune_insee": besancon.insee,
            "commune": besancon.name,
            "postcode": "25000",
            "phone": "03 81 00 00 00",
            "updated_at": "2026-11-02T09:00:00Z",
        }
    )


def _fill(store: Store) -> str:
    with store.transaction() as conn:
        local_id = directory.add_local(conn, _entry("Sage-femme Quenotte"))
        directory.set_note(conn, local_id, NOTE, now=dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC))
        directory.set_favourite(conn, local_id, True)
        directory.add_correction(conn, "mairie-25056", "Le numéro a changé")
        content.set_favourite(conn, "bebe-couchage-securite", True)
        save_settings(conn, Settings(structure_name="PMI de Planoise", device_token="jeton-du-poste-a"))
    return local_id


def test_a_backup_is_encrypted_private_and_restores_without_duplicates(content_store: Store, tmp_path: Path) -> None:
    local_id = _fill(content_store)
    target = tmp_path / "sauvegarde.milpj"
    saved = write_backup(content_store, target, PASSPHRASE)
    assert (saved.entries, saved.notes, saved.corrections) == (1, 1, 1)
    assert saved.favourites == 2
    raw = target.read_bytes()
    assert b"Lef" not in raw and b"Quenotte" not in raw and b"Planoise" not in raw  # encrypted
    assert not raw.startswith(b"SQLite format 3")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*.tmp"))  # nothing half-written left beside it

    # the new computer: another store, another passphrase, its own device token
    other = Store.create(tmp_path / "autre" / "milpj.db", OTHER_PASSPHRASE)
    try:
        with other.transaction() as conn:
            save_settings(conn, Settings(device_token="jeton-du-poste-b"))
        added, changes = restore_backup(other, target, PASSPHRASE)
        assert (added.entries, added.notes, added.favourites, added.corrections) == (1, 1, 2, 1)
        assert changes.directory and changes.favourites and changes.settings
        assert directory.get_note(other.conn, local_id) == NOTE
        assert [h.entry.name for h in text_search(other.conn, "quenotte")] == ["Sage-femme Quenotte"]  # indexed
        assert local_id in directory.favourite_ids(other.conn)
        assert [c.message for c in directory.pending_corrections(other.conn)] == ["Le numéro a changé"]
        settings = load_settings(other.conn)
        assert settings.structure_name == "PMI de Planoise"
        assert settings.device_token == "jeton-du-poste-b"  # one computer's token never travels

        again, _ = restore_backup(other, target, PASSPHRASE)  # restoring twice adds nothing
        assert (again.entries, again.notes, again.favourites, again.corrections) == (0, 0, 0, 0)
        assert int(other.conn.execute("SELECT count(*) FROM directory_local").fetchone()[0]) == 1
    finally:
        other.close()


def test_the_most_recent_note_wins(content_store: Store, tmp_path: Path) -> None:
    local_id = _fill(content_store)
    target = tmp_path / "sauvegarde.milpj"
    write_backup(content_store, target, PASSPHRASE)
    with content_store.transaction() as conn:
        directory.set_note(conn, local_id, "Version plus récente", now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    restore_backup(content_store, target, PASSPHRASE)
    assert directory.get_note(content_store.conn, local_id) == "Version plus récente"
    with content_store.transaction() as conn:
        directory.set_note(conn, local_id, "Plus ancienne", now=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    restore_backup(content_store, target, PASSPHRASE)
    assert directory.get_note(content_store.conn, local_id) == NOTE


def test_wrong_passphrase_or_bad_file_changes_nothing(content_store: Store, tmp_path: Path) -> None:
    _fill(content_store)
    target = tmp_path / "sauvegarde.milpj"
    with pytest.raises(BackupError, match="Phrase secrète incorrecte"):
        write_backup(content_store, target, "pas la bonne phrase secrète")
    assert not target.exists()
    with pytest.raises(BackupError, match="Dossier introuvable"):
        write_backup(content_store, tmp_path / "absent" / "s.milpj", PASSPHRASE)
    write_backup(content_store, target, PASSPHRASE)

    other = Store.create(tmp_path / "autre" / "milpj.db", OTHER_PASSPHRASE)
    try:
        with pytest.raises(BackupError, match="ne s'ouvre pas"):
            restore_backup(other, target, OTHER_PASSPHRASE)
        junk = tmp_path / "pas-une-sauvegarde.milpj"
        junk.write_bytes(b"\x00" * 4096)
        with pytest.raises(BackupError):
            restore_backup(other, junk, PASSPHRASE)
        with pytest.raises(BackupError, match="introuvable"):
            restore_backup(other, tmp_path / "absente.milpj", PASSPHRASE)
        assert int(other.conn.execute("SELECT count(*) FROM directory_local").fetchone()[0]) == 0
        assert other.verify() == []
    finally:
        other.close()


def test_the_commands_save_and_restore(data_dir: Path, tmp_path: Path) -> None:
    assert run_cli("init").returncode == 0
    target = tmp_path / "poste.milpj"
    done = run_cli("sauvegarder", str(target))
    assert done.returncode == 0, done.stderr
    assert "Sauvegarde écrite" in done.stdout and "ne peut pas être retrouvée" in done.stdout
    done = run_cli("restaurer", str(target), env={"MILPJ_PASSPHRASE_SAUVEGARDE": "pas la bonne phrase"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "ne s'ouvre pas" in done.stderr
    done = run_cli("restaurer", str(target))
    assert done.returncode == 0 and "ajouté 0 structure locale" in done.stdout
