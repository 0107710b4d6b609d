"""Rotating log files in the OS log folder; they never hold decrypted data, passphrases or tokens.

Code logs events and technical causes, never values read from the store. As a second line of
defence, every record goes through `RedactSecrets` before it is written: anything that looks like
a passphrase, a token, an authorisation header or a raw SQLCipher key is masked.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

from milpj_desktop import paths
from milpj_desktop.files import make_private

LOG_FILE = "milpj-desktop.log"
MASK = "«masqué»"

_SECRET_WORDS = (
    r"passphrase|pass_?phrase|phrase[ _-]?secr[eè]te|password|passwd|mot[ _-]de[ _-]passe|"
    r"token|jeton|device_token|authorization|api[_-]?key|secret|cle|clé|key"
)
# name = value, name: value, "name": "value", name='value' (the value ends at a quote, comma, brace or space)
_NAMED_SECRET = re.compile(
    rf"(?i)(\b[\w-]*(?:{_SECRET_WORDS})[\w-]*[\"']?\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;}}\])]+)"
)
# A passphrase may hold spaces: everything up to the end of the line (or the closing quote) goes.
_PASSPHRASE_LINE = re.compile(
    r"(?i)(\b(?:passphrase|phrase[ _-]?secr[eè]te|password|mot[ _-]de[ _-]passe)[\"']?\s*[:=]\s*)"
    r"(\"[^\"]*\"|'[^']*'|[^\n]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}")
_RAW_KEY = re.compile(r"(?i)x'[0-9a-f]{32,}'")
_URL_CREDENTIALS = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@")


def redact(text: str) -> str:
    """Mask what looks like a secret in a piece of text meant for a log or a crash report."""
    text = _RAW_KEY.sub(MASK, text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = _URL_CREDENTIALS.sub(lambda m: f"{m.group(1)}{MASK}@", text)
    text = _PASSPHRASE_LINE.sub(lambda m: f"{m.group(1)}{MASK}", text)
    return _NAMED_SECRET.sub(lambda m: f"{m.group(1)}{MASK}", text)


VALUE_MASK = "«valeur»"
# What an exception message may carry of the data it failed on: quoted text, pydantic's
# « input_value=… », e-mail addresses, web addresses, phone-like and other long numbers.
_INPUT_VALUE = re.compile(r"(input_value=)(\"[^\"]*\"|'[^']*'|\S+?)(?=, input_type|\]|$)", re.MULTILINE)
_QUOTED = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?i)\b(?:https?|ftp|mailto|file):\S+")
_LONG_NUMBER = re.compile(r"(?<![\w.])\+?\d[\d .-]{4,}\d(?![\w.])")


def scrub_values(text: str) -> str:
    """Mask what an exception message may hold of the data it was handling (a note, a name, a phone),
    keeping the technical words around it: for crash reports and logged tracebacks."""
    text = redact(text)
    text = _INPUT_VALUE.sub(lambda m: f"{m.group(1)}{VALUE_MASK}", text)
    text = _QUOTED.sub(VALUE_MASK, text)
    text = _URL.sub(VALUE_MASK, text)
    text = _EMAIL.sub(VALUE_MASK, text)
    return _LONG_NUMBER.sub(VALUE_MASK, text)


def exception_report(exc: BaseException) -> str:
    """A traceback a developer can use (types, files, lines, code) whose messages hold no stored value.

    The code lines printed are the program's own; the messages are scrubbed (scrub_values). Chained
    exceptions (« During handling… ») are kept, scrubbed the same way."""
    import traceback

    parts: list[str] = []
    for line in traceback.format_exception(exc):
        if line.startswith("  File ") or line.startswith("    "):
            parts.append(redact(line))  # a frame: file, line, function, and the program's own source line
        else:
            parts.append(scrub_values(line))
    return "".join(parts)


def private_file(path: Path) -> int:
    """Open a new file readable and writable by the user alone from its creation (no window where the
    default mode applies); returns the file descriptor."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)


class RedactSecrets(logging.Filter):
    """Rewrites each record (message, arguments, traceback) with its secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            error = record.exc_info[1]
            text = exception_report(error) if error is not None else ""
            record.exc_text = text.rstrip("\n") or redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Send log records to a rotating file (1 MB × 5), readable by the user alone, secrets masked."""
    target = folder or paths.log_dir()
    target.mkdir(parents=True, exist_ok=True)
    make_private(target)
    path = target / LOG_FILE
    path.touch(mode=0o600, exist_ok=True)
    if os.name == "posix":
        path.chmod(0o600)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, logging.handlers.RotatingFileHandler):
            root.removeHandler(existing)
            existing.close()
    root.addHandler(handler)
    root.setLevel(level)
    # Libraries that would log request URLs or headers at debug level stay at warnings.
    for noisy in ("urllib3", "requests", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
