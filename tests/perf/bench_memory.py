"""Peak memory (VmHWM) of the window with the national store unlocked and a search done,
against a bare PySide6 window process in the same run."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parents[1]) not in sys.path:
    sys.path.insert(0, str(HERE.parents[1]))

from tests.perf import _donnees  # noqa: E402
from tests.perf._report import Row, at_most, emit, median, quick, ratio, say  # noqa: E402
from tests.perf.bench_store import _child  # noqa: E402

GOAL_MIB = 300.0
SEARCH = "crèche besançon"


def main() -> int:
    size = _donnees.default_size()
    repeat = 2 if quick() else 3
    with tempfile.TemporaryDirectory(prefix="banc-memoire-") as tmp:
        folder = Path(tmp)
        data = folder / "donnees"
        _donnees.copy_store(size, data)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(folder / "config"))
        env.pop("MILPJ_PASSPHRASE", None)
        bare: list[float] = []
        app: list[float] = []
        failures: list[str] = []
        answers = ""
        for _ in range(repeat):
            _, info = _child(["nue"], env)
            bare.append(float(info.get("rss_kib", "nan")) / 1024)  # type: ignore[arg-type]
            _, info = _child(["appli", str(data), "--recherche", SEARCH], env)
            if "echec" in info:
                failures.append(str(info["echec"]))
                continue
            app.append(float(info["rss_kib"]) / 1024)  # type: ignore[arg-type]
            answers = str(info.get("resultats", ""))
    value = median(app) if app else None
    baseline = median(bare)
    label = f"{size:,}".replace(",", "\u202f")
    note = f"{len(failures)} échec(s) : {failures[0]}" if failures else f"recherche « {SEARCH} » : {answers}"
    row = Row(
        figure=f"mémoire de pointe (RSS) : fenêtre, magasin de {label} fiches ouvert, une recherche faite",
        value=value,
        unit="Mo",
        goal=f"≤ {GOAL_MIB:.0f} Mo",
        baseline=baseline,
        ratio=ratio(value, baseline),
        ok=at_most(value, GOAL_MIB) if not failures else False,
        note=note,
    )
    say(f"{row.figure} : {value} Mo (fenêtre nue {baseline} Mo)")
    emit([row])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
