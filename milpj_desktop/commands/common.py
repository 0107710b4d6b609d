"""What headless commands share: reading the passphrase and opening the store."""

from __future__ import annotations

import getpass
import os
import sys

from milpj_desktop import paths
from milpj_desktop.errors import KnownError
from milpj_desktop.store import Store
from milpj_desktop.upkeep import open_store as open_ready_store

PASSPHRASE_ENV = "MILPJ_PASSPHRASE"
NEW_PASSPHRASE_ENV = "MILPJ_NOUVELLE_PASSPHRASE"


def read_passphrase(*, env: str = PASSPHRASE_ENV, prompt: str = "Phrase secrète : ", confirm: bool = False) -> str:
    """From the environment, else from the terminal; never echoed, never stored."""
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise KnownError(
            f"Phrase secrète requise : définissez la variable {env} ou lancez la commande dans un terminal."
        )
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Confirmez la phrase secrète : ") != first:
        raise KnownError("Les deux saisies de la phrase secrète ne sont pas identiques.")
    return first


def open_store() -> Store:
    return open_ready_store(paths.store_path(), read_passphrase())
