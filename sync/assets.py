"""Binary assets by content hash: download into a temporary file (resumed with HTTP Range after a
cut), verify its sha256, then move it into place; the index row says it is present."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milpj_desktop.store import Store
from sync import errors
from sync.apply import media_path
from sync.http import SyncHttp

PARTIAL_DIR = "partiels"
log = logging.getLogger(__name__)
# what one file can fail with without the server as a whole failing
FILE_ERRORS = (errors.MissingFile, errors.DamagedFile, errors.BadAsset, errors.Refused)


@dataclass(frozen=True)
class MissingAsset:
    sha256: str
    name: str
    size: int


def missing_assets(conn: Any, media_dir: Path) -> list[MissingAsset]:
    """Indexed assets whose verified file is not in place (never fetched, or removed since)."""
    out = []
    for sha, name, size in conn.execute("SELECT sha256, name, size FROM sync_asset ORDER BY sha256"):
        target = media_path(media_dir, str(sha))
        if not (target.is_file() and target.stat().st_size == int(size)):
            out.append(MissingAsset(str(sha), str(name), int(size)))
    return out


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_one(http: SyncHttp, asset: MissingAsset, media_dir: Path) -> None:
    """Download, verify, move. A wrong hash throws the partial file away and tries again (retried)."""
    partial_dir = media_dir / PARTIAL_DIR
    partial_dir.mkdir(parents=True, exist_ok=True)
    part = partial_dir / f"{asset.sha256}.part"

    def attempt() -> None:
        http.download(f"/blobs/{asset.sha256}", part, asset.size, name=asset.name)
        if part.stat().st_size != asset.size or _sha256_of(part) != asset.sha256:
            part.unlink(missing_ok=True)
            raise errors.DamagedFile(asset.name)

    try:
        http.retrying(attempt)
    except errors.NotFound:
        raise errors.MissingFile(asset.name) from None
    target = media_path(media_dir, asset.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, target)


def fetch_missing(
    run_in_store: Callable[[Callable[[Store], Any]], Any],
    http: SyncHttp,
    media_dir: Path,
    on_each: Callable[[int, int, str], None],
) -> list[str]:
    """Fetch every missing asset; returns why each failed file failed (its message). A file the server
    lacks or sends damaged does not stop the others: it stays missing, so the next run tries it again.
    A failure of the network or of the server as a whole still ends the run."""
    missing: list[MissingAsset] = run_in_store(lambda store: missing_assets(store.conn, media_dir))
    failures: list[str] = []
    for number, asset in enumerate(missing, start=1):
        http.check_cancelled()
        on_each(number - 1, len(missing), asset.name)
        try:
            fetch_one(http, asset, media_dir)
        except FILE_ERRORS as exc:
            log.info("média %s non reçu : %s", asset.sha256[:12], type(exc).__name__)
            failures.append(exc.message)
            continue

        def mark(store: Store, sha: str = asset.sha256) -> None:
            with store.transaction() as conn:
                conn.execute("UPDATE sync_asset SET present = 1 WHERE sha256 = ?", (sha,))

        run_in_store(mark)
    return failures


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
