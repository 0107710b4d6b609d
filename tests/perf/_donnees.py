"""The national-size data set, built once and cached under .cache/bancs/ (gitignored).

Two things are cached, each keyed by a hash of the code that makes them (so a change of the
generator, the models or the schema rebuilds them):
- ``annuaire-<taille>.jsonl``: the entries of ``national_dataset(taille)``, one JSON per line;
- ``magasin-<taille>/milpj.db``: an encrypted store (passphrase ``PASSPHRASE``) holding the
  embedded content pack and those entries, as a professional's store after a first sync.
Scripts copy the store folder before changing it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PASSPHRASE = "phrase secrete des bancs de mesure"
NATIONAL = 100_000
QUICK = 10_000
_KEY_SOURCES = (
    "milpj_desktop/directory/generate.py",
    "milpj_desktop/directory/models.py",
    "milpj_desktop/directory/repository.py",
    "milpj_desktop/store/store.py",
    "milpj_desktop/store/migrations",
    "milpj_desktop/content/repository.py",
    "ressources/contenus",
)


def cache_dir() -> Path:
    """MILPJ_BANC_CACHE, else .cache/bancs/ at the root of the repository."""
    folder = Path(os.environ.get("MILPJ_BANC_CACHE") or REPO / ".cache" / "bancs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_size() -> int:
    """100 000, or 10 000 when the runner asked for the reduced version."""
    return QUICK if os.environ.get("MILPJ_BANC_RAPIDE", "") not in ("", "0") else NATIONAL


def _code_key() -> str:
    digest = hashlib.sha256()
    for rel in _KEY_SOURCES:
        root = REPO / rel
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file():
                digest.update(path.relative_to(REPO).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _fresh(stamp: Path) -> bool:
    return stamp.exists() and stamp.read_text(encoding="utf-8") == _code_key()


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def entries_file(size: int) -> Path:
    """The JSON-lines file of national_dataset(size), built when missing or stale."""
    path = cache_dir() / f"annuaire-{size}.jsonl"
    stamp = path.with_suffix(".cle")
    if path.exists() and _fresh(stamp):
        return path
    from milpj_desktop.directory.generate import national_dataset

    start = time.perf_counter()
    entries = national_dataset(size)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for entry in entries:
            handle.write(entry.model_dump_json())
            handle.write("\n")
    os.replace(tmp, path)
    stamp.write_text(_code_key(), encoding="utf-8")
    _log(f"jeu national de {size} fiches généré en {time.perf_counter() - start:.1f} s → {path}")
    return path


def load_entries(size: int) -> list[Any]:
    """national_dataset(size) as DirectoryEntry objects, from the cache."""
    from milpj_desktop.directory.models import DirectoryEntry

    with entries_file(size).open(encoding="utf-8") as handle:
        return [DirectoryEntry.model_validate_json(line) for line in handle if line.strip()]


def raw_records(size: int) -> list[dict[str, Any]]:
    """The same entries as plain dicts (what a server would send)."""
    with entries_file(size).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def store_dir(size: int) -> Path:
    """A folder with an encrypted store of the content pack + national_dataset(size)."""
    folder = cache_dir() / f"magasin-{size}"
    stamp = folder / "cle-du-cache.txt"
    if _fresh(stamp) and (folder / "milpj.db").exists():
        return folder
    entries = load_entries(size)
    from milpj_desktop.content.pack import load_pack
    from milpj_desktop.content.repository import import_pack
    from milpj_desktop.directory.repository import upsert_national_many
    from milpj_desktop.paths import resources_dir
    from milpj_desktop.store import Store

    start = time.perf_counter()
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    store = Store.create(tmp / "milpj.db", PASSPHRASE)
    try:
        with store.transaction() as conn:
            import_pack(conn, load_pack(resources_dir() / "contenus"))
            upsert_national_many(conn, entries)
    finally:
        store.close()
    (tmp / "cle-du-cache.txt").write_text(_code_key(), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    _log(f"magasin chiffré de {size} fiches construit en {time.perf_counter() - start:.1f} s → {folder}")
    return folder


def copy_store(size: int, target: Path) -> Path:
    """Copy the cached store into target (a data folder) and return the store path."""
    source = store_dir(size)
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.name.startswith("milpj.db"):
            shutil.copy2(item, target / item.name)
    return target / "milpj.db"


def prepare(size: int) -> None:
    """Build what is missing (called once by the runner before the scripts)."""
    entries_file(size)
    store_dir(size)
