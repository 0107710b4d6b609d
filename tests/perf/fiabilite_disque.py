"""A really full disk under the real commands: a French sentence, never a traceback, and a whole store
once space returns.

The data folder lives on a small tmpfs (mounting one needs root: elsewhere the row says so). A store
with the embedded contents and one local entry is filled to the brim, then each command that writes
runs (import, export, change of passphrase) and one that only reads (verifier). Then space returns:
the store must pass check_store, still hold the local entry, and the same import must succeed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parents[1]) not in sys.path:
    sys.path.insert(0, str(HERE.parents[1]))

from tests.perf._report import Row, emit, quick, say  # noqa: E402

PASSPHRASE = "phrase secrète du banc disque plein"
LOCAL_CSV = "nom,type,code_postal,commune\nRelais des familles Octavie Brézillac,laep,25000,Besançon\n"


@contextmanager
def mounted_tmpfs(folder: Path, size: str = "24m") -> Iterator[bool]:
    """Mount a tmpfs of `size` on `folder` for the block; False (nothing mounted) without the right to."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        yield False
        return
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path, leave: int, name: str = "remplissage") -> Path:
    """Write a filler file so that only about `leave` bytes stay free on `disk`."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    filler = disk / name
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(0, free - leave))
    return filler


def french_line(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """'' when the command failed with one French line holding `words` (exit 2, no traceback), else what is wrong."""
    line = done.stderr.strip()
    if done.returncode != 2:
        return f"code {done.returncode} : {line[-200:]}"
    if "Traceback" in done.stderr or line.count("\n") or not line.startswith("milpj-desktop :"):
        return f"pas une ligne française : {line[-200:]}"
    missing = [w for w in words if w not in line]
    return f"{missing} absent de : {line}" if missing else ""


def run(data: Path, *args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MILPJ_")}
    env.update({"MILPJ_DATA_DIR": str(data), "MILPJ_PASSPHRASE": PASSPHRASE, "QT_QPA_PLATFORM": "offscreen"})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parents[1]), env.get("PYTHONPATH", "")]))
    env.update(extra or {})
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def main() -> int:
    from milpj_desktop.directory.csvio import write_csv
    from milpj_desktop.directory.generate import fictitious_entries
    from milpj_desktop.store import Store
    from milpj_desktop.upkeep import check_store

    entries = 1500 if quick() else 3000
    with tempfile.TemporaryDirectory(prefix="banc-disque-") as tmp:
        root = Path(tmp)
        disk = root / "disque"
        with mounted_tmpfs(disk) as mounted:
            if not mounted:
                emit([Row(figure="disque plein", value=None, note="tmpfs impossible ici (droits root nécessaires)")])
                return 0
            data = disk / "donnees"
            local_csv, national_csv = root / "local.csv", root / "annuaire.csv"
            local_csv.write_text(LOCAL_CSV, encoding="utf-8")
            write_csv(national_csv, fictitious_entries(entries, seed=11))
            for step in (("init",), ("annuaire", "importer", str(local_csv))):
                done = run(data, *step)
                if done.returncode != 0:
                    raise RuntimeError(f"{' '.join(step)} : {done.stderr.strip()[-300:]}")
            filler = fill(disk, leave=200_000)
            say("disque plein, commandes…")
            failures: list[str] = []
            checks = [
                ("importer", ("annuaire", "importer", str(national_csv)), {}, 200_000),
                ("exporter", ("annuaire", "exporter", "--csv", str(disk / "export.csv")), {}, 0),
                ("phrase-secrete", ("phrase-secrete",), {"MILPJ_NOUVELLE_PASSPHRASE": "une autre phrase secrète"}, 0),
            ]
            fillers = [filler]
            for label, args, extra, leave in checks:
                fillers.append(fill(disk, leave=leave, name=f"remplissage-{label}"))
                problem = french_line(run(data, *args, extra=extra), "disque est plein")
                if problem:
                    failures.append(f"{label} : {problem}")
            still = run(data, "verifier")  # reads only: may work, or fail in French, never a traceback
            if "Traceback" in still.stderr or still.returncode not in (0, 2):
                failures.append(f"verifier : {still.stderr.strip()[-200:]}")
            leftovers = [p.name for p in disk.iterdir() if p.name.startswith((".export", "export"))]
            if leftovers:
                failures.append(f"fichiers à moitié écrits : {leftovers}")
            for path in fillers:
                path.unlink(missing_ok=True)
            say("place rendue…")
            damage: list[str] = []
            store = Store.open(data / "milpj.db", PASSPHRASE)  # the old passphrase: the change did not happen
            try:
                damage += check_store(store)
                names = [r[0] for r in store.conn.execute("SELECT name FROM directory_local")]
                national = int(store.conn.execute("SELECT count(*) FROM directory_national").fetchone()[0])
            finally:
                store.close()
            if names != ["Relais des familles Octavie Brézillac"] or national != 0:
                damage.append(f"contenu changé : locales {names}, nationales {national}")
            again = run(data, "annuaire", "importer", str(national_csv))
            if again.returncode != 0:
                damage.append(f"import après retour de la place : {again.stderr.strip()[-200:]}")
            checked = run(data, "verifier")
            if checked.returncode != 0:
                damage.append(f"verifier après retour de la place : {checked.stderr.strip()[-200:]}")
    rows = [
        Row(
            figure="disque plein : commandes sans phrase française d’une ligne (importer, exporter, phrase-secrete, verifier)",
            value=len(failures),
            unit="commandes",
            goal="0",
            ok=not failures,
            note="; ".join(failures)[:300] or f"tmpfs de 24 Mo rempli, import de {entries} fiches",
        ),
        Row(
            figure="disque plein : défauts du magasin après retour de la place (intégrité, données, commandes)",
            value=len(damage),
            unit="défauts",
            goal="0",
            ok=not damage,
            note="; ".join(damage)[:300],
        ),
    ]
    emit(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
