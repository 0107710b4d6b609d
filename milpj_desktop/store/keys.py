"""Key derivation: passphrase → 256-bit raw SQLCipher key (PBKDF2-HMAC-SHA512, salt in the file header).

We derive the key ourselves with the same KDF and iteration count as SQLCipher 4's default, so
that the raw key can open further connections without paying the KDF again, and so that a small
sidecar verifier tells a wrong passphrase apart from a damaged file. The passphrase itself is
never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milpj_desktop.files import write_atomic

KDF_NAME = "pbkdf2-hmac-sha512"
KDF_ITERATIONS = 256_000
SALT_BYTES = 16
KEY_BYTES = 32
_VERIFIER_LABEL = b"milpj-desktop: verification de la phrase secrete"


@dataclass(frozen=True)
class RawKey:
    """A derived key and the salt it goes with; lives only in memory."""

    key: bytes
    salt: bytes

    def pragma_value(self) -> str:
        return f"\"x'{self.key.hex()}{self.salt.hex()}'\""

    def verifier(self) -> str:
        return hmac.new(self.key, _VERIFIER_LABEL, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class KeySide:
    """One side of a change of passphrase: the salt, the iterations and the verifier of its key."""

    salt: bytes
    iterations: int
    verifier: str

    def derive(self, passphrase: str) -> RawKey | None:
        """The key for this side when the passphrase is this side's, else None."""
        raw = derive(passphrase, self.salt, self.iterations)
        return raw if hmac.compare_digest(raw.verifier(), self.verifier) else None


@dataclass(frozen=True)
class KeyChange:
    """A change of passphrase under way, recorded (fsynced) before the file is re-encrypted: after a
    crash, whichever side's key reads the file is the passphrase that opens it."""

    old: KeySide
    new: KeySide


@dataclass(frozen=True)
class KeyParams:
    """What the sidecar file records: how to derive, and how to check, the key."""

    kdf: str
    iterations: int
    verifier: str | None
    change: KeyChange | None = None


def derive(passphrase: str, salt: bytes, iterations: int = KDF_ITERATIONS) -> RawKey:
    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, iterations, KEY_BYTES)
    return RawKey(key=key, salt=salt)


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def side(raw: RawKey, iterations: int = KDF_ITERATIONS) -> KeySide:
    return KeySide(salt=raw.salt, iterations=iterations, verifier=raw.verifier())


def write_params(path: Path, raw: RawKey, iterations: int = KDF_ITERATIONS, *, change: KeyChange | None = None) -> None:
    """Write the sidecar durably (temporary file, fsync, rename, fsync of the folder)."""
    data: dict[str, Any] = {
        "format": "milpj-desktop-cle",
        "version": 1,
        "kdf": KDF_NAME,
        "iterations": iterations,
        "verifier": raw.verifier(),
    }
    if change is not None:
        data["changement"] = {"ancien": _side_json(change.old), "nouveau": _side_json(change.new)}
    write_atomic(path, json.dumps(data, indent=2).encode("utf-8"))


def _side_json(part: KeySide) -> dict[str, Any]:
    return {"sel": part.salt.hex(), "iterations": part.iterations, "verifier": part.verifier}


def _side_of(data: dict[str, Any]) -> KeySide:
    return KeySide(salt=bytes.fromhex(data["sel"]), iterations=int(data["iterations"]), verifier=str(data["verifier"]))


def read_params(path: Path) -> KeyParams:
    """Read the sidecar; a missing or unreadable one falls back to the defaults, without verifier."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("kdf") != KDF_NAME:
            raise ValueError(data.get("kdf"))
        pending = data.get("changement")
        change = None if pending is None else KeyChange(_side_of(pending["ancien"]), _side_of(pending["nouveau"]))
        return KeyParams(
            kdf=KDF_NAME, iterations=int(data["iterations"]), verifier=str(data["verifier"]), change=change
        )
    except (OSError, ValueError, KeyError, TypeError):
        return KeyParams(kdf=KDF_NAME, iterations=KDF_ITERATIONS, verifier=None)


def matches(raw: RawKey, params: KeyParams) -> bool | None:
    """True/False when the sidecar can tell, None when it cannot."""
    if params.verifier is None:
        return None
    return hmac.compare_digest(raw.verifier(), params.verifier)
