"""Rotating log files in the OS log folder; they never hold decrypted data, passphrases or tokens."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from milpj_desktop import paths

LOG_FILE = "milpj-desktop.log"


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Send log records to a rotating file (1 MB × 5)."""
    target = folder or paths.log_dir()
    target.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        target / LOG_FILE, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, logging.handlers.RotatingFileHandler):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    return target / LOG_FILE
