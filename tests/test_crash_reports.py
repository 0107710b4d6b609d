"""Crash reports and logged tracebacks keep the technical story and none of the stored values an
exception message may quote (a note, a name, a phone, an e-mail); a report is private from creation."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from milpj_desktop.directory.models import DirectoryEntry
from milpj_desktop.logs import setup_logging
from ui import crash

NOTE = "Madame Dubois craint pour son bébé"
PHONE = "06 12 34 56 78"
EMAIL = "famille.dubois@exemple.fr"
SITE = "https://dubois.exemple.fr/?a=1"


def _failures() -> list[BaseException]:
    caught: list[BaseException] = []
    try:  # pydantic quotes the refused input (input_value=…) in its message
        DirectoryEntry.model_validate(
            {"kind": "structure", "type": "pmi", "name": NOTE, "phone": PHONE + "99", "email": EMAIL + " x"}
        )
    except Exception as exc:
        caught.append(exc)
    try:
        {"autre": 1}[NOTE]
    except KeyError as exc:
        caught.append(exc)
    try:
        raise ValueError(f"téléphone {PHONE} refusé pour {EMAIL} ; site {SITE}")
    except ValueError as exc:
        caught.append(exc)
    return caught


def test_a_crash_report_holds_no_stored_value(data_dir: Path) -> None:
    for exc in _failures():
        path = crash.save_report(exc)
        text = path.read_text(encoding="utf-8")
        assert type(exc).__name__ in text and "Traceback" in text  # still useful to a developer
        for value in ("Dubois", "34 56 78", EMAIL, "dubois.exemple.fr"):
            assert value not in text, (type(exc).__name__, value)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_report_is_private_from_its_creation(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No window where the file exists with the default mode: it is never widened then narrowed."""
    os.umask(0o022)
    monkeypatch.setattr(Path, "chmod", lambda self, mode: (_ for _ in ()).throw(AssertionError("chmod after write")))
    path = crash.save_report(ValueError("bogue"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_logged_traceback_holds_no_stored_value(tmp_path: Path) -> None:
    log_file = setup_logging(tmp_path)
    logger = logging.getLogger("milpj-test-crash")
    for exc in _failures():
        logger.error("échec d'une opération", exc_info=exc)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "KeyError" in text and "ValidationError" in text
    for value in ("Dubois", "34 56 78", EMAIL):
        assert value not in text, value
