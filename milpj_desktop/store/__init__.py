"""The encrypted local store (SQLCipher 4): keys, connection, migrations."""

from milpj_desktop.store.errors import (
    CorruptStore,
    NotOurFile,
    StoreExists,
    StoreLocked,
    StoreMissing,
    WeakPassphrase,
    WrongPassphrase,
)
from milpj_desktop.store.store import Store

__all__ = [
    "CorruptStore",
    "NotOurFile",
    "Store",
    "StoreExists",
    "StoreLocked",
    "StoreMissing",
    "WeakPassphrase",
    "WrongPassphrase",
]
