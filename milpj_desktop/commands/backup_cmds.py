"""sauvegarder, restaurer: the professional's own work in one encrypted file (milpj_desktop.backup)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from milpj_desktop import paths
from milpj_desktop.backup import restore_backup, write_backup
from milpj_desktop.commands.common import read_passphrase
from milpj_desktop.upkeep import open_store

BACKUP_PASSPHRASE_ENV = "MILPJ_PASSPHRASE_SAUVEGARDE"
FORGOTTEN = (
    "Une phrase secrète oubliée ne peut pas être retrouvée : cette sauvegarde, gardée en lieu sûr, "
    "est le moyen de ne pas perdre vos structures locales, vos notes et vos favoris."
)


def register(sub: Any) -> None:
    save = sub.add_parser(
        "sauvegarder",
        help="sauvegarder vos données (structures locales, notes, favoris, réglages) dans un fichier chiffré",
        description="Écrit un fichier chiffré par votre phrase secrète actuelle. " + FORGOTTEN,
    )
    save.add_argument("fichier", type=Path, help="fichier de sauvegarde à écrire (remplacé s'il existe)")
    save.set_defaults(func=cmd_save)
    restore = sub.add_parser(
        "restaurer",
        help="fusionner une sauvegarde dans le magasin de ce poste (sans doublon)",
        description=(
            "Ajoute ce que la sauvegarde contient et que ce poste n'a pas ; une note garde sa version la plus "
            f"récente. Phrase de la sauvegarde : variable {BACKUP_PASSPHRASE_ENV}, sinon celle du magasin."
        ),
    )
    restore.add_argument("fichier", type=Path, help="fichier de sauvegarde à lire")
    restore.set_defaults(func=cmd_restore)


def cmd_save(args: argparse.Namespace) -> int:
    passphrase = read_passphrase()
    store = open_store(paths.store_path(), passphrase)
    try:
        summary = write_backup(store, args.fichier, passphrase)
    finally:
        store.close()
    print(f"Sauvegarde écrite : {args.fichier} ({summary.sentence()}).")
    print(FORGOTTEN)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    passphrase = read_passphrase()
    backup_passphrase = os.environ.get(BACKUP_PASSPHRASE_ENV) or passphrase
    store = open_store(paths.store_path(), passphrase)
    try:
        added, _ = restore_backup(store, args.fichier, backup_passphrase)
    finally:
        store.close()
    print(f"Sauvegarde restaurée : ajouté {added.sentence()}.")
    return 0
