"""Where things live: the user data folder (platformdirs, or MILPJ_DATA_DIR) and bundled resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from milpj_desktop import APP_NAME

STORE_FILE = "milpj.db"


def data_dir() -> Path:
    """The folder that holds the encrypted store; MILPJ_DATA_DIR overrides the OS default."""
    override = os.environ.get("MILPJ_DATA_DIR")
    if override:
        return Path(override)
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    """Logs go beside the data when MILPJ_DATA_DIR is set, else where the OS expects them."""
    override = os.environ.get("MILPJ_DATA_DIR")
    if override:
        return Path(override) / "journaux"
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Disposable files (never decrypted data)."""
    override = os.environ.get("MILPJ_DATA_DIR")
    if override:
        return Path(override) / "cache"
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """Window geometry, view state and text size (never decrypted data); beside the data when overridden."""
    override = os.environ.get("MILPJ_DATA_DIR")
    if override:
        return Path(override) / "configuration"
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def store_path() -> Path:
    return data_dir() / STORE_FILE


def _root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """The ressources/ folder: content pack, gazetteer, icons, style sheet."""
    return _root() / "ressources"


def templates_dir() -> Path:
    """The modeles_docs/ folder: handout templates."""
    return _root() / "modeles_docs"
