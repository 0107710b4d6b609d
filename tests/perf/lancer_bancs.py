"""One command for every measurement: builds the national data set once, runs each script of
tests/perf/, prints one table and writes it as JSON.

    python tests/perf/lancer_bancs.py [--fiabilite] [--rapide] [--seulement MOT] [--json FICHIER]

Each script runs in its own process, one after the other (the machines are shared and noisy:
only the ratios against a baseline measured in the same script hold). Its last line of output
is read in the format of _report.py; a script that prints something else gets a row « format
inconnu » with its raw last line, a script that fails or runs too long gets a row saying so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(HERE.parents[1]) not in sys.path:
    sys.path.insert(0, str(HERE.parents[1]))

from tests.perf import _donnees  # noqa: E402
from tests.perf._report import parse_line  # noqa: E402

TOTAL_BUDGET_S = 20 * 60
SCRIPT_TIMEOUT_S = 8 * 60
COLUMNS = ("script", "mesure", "valeur", "objectif", "référence", "rapport", "verdict")


def _scripts(reliability: bool, only: list[str]) -> list[Path]:
    patterns = ["bench_*.py"] + (["fiabilite_*.py"] if reliability else [])
    found = sorted({p for pattern in patterns for p in HERE.glob(pattern)}, key=lambda p: (p.name[0] == "f", p.name))
    if only:
        found = [p for p in found if any(word in p.stem for word in only)]
    return found


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _problem_row(script: str, label: str, detail: str) -> dict[str, Any]:
    return {
        "script": script,
        "figure": label,
        "value": None,
        "unit": "",
        "goal": "",
        "baseline": None,
        "ratio": None,
        "ok": False,
        "note": detail[:300],
    }


def run_script(path: Path, env: dict[str, str], timeout: float) -> tuple[list[dict[str, Any]], float]:
    """Run one script; return its rows (always at least one) and its duration in seconds."""
    start = time.perf_counter()
    name = path.stem
    try:
        done = subprocess.run(
            [sys.executable, str(path)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        took = time.perf_counter() - start
        partial = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        early = [dict(r, script=name) for r in parse_line(_last_line(partial)) or []]
        return [*early, _problem_row(name, "délai dépassé", f"arrêté après {timeout:.0f} s")], took
    took = time.perf_counter() - start
    last = _last_line(done.stdout)
    parsed = parse_line(last)
    if parsed is not None:
        out = [dict(r, script=name) for r in parsed]
        if done.returncode != 0:
            out.append(_problem_row(name, f"sortie en erreur (code {done.returncode})", _last_line(done.stderr)))
        return out, took
    if done.returncode != 0:
        return [_problem_row(name, f"échec (code {done.returncode})", _last_line(done.stderr) or last)], took
    unknown = _problem_row(name, "format inconnu", last or "(aucune sortie)")
    unknown["ok"] = None
    unknown["raw"] = last
    return [unknown], took


# -- table ----------------------------------------------------------------------------------
def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    if isinstance(value, float):
        if value == 0:
            return "0"
        magnitude = abs(value)
        digits = 0 if magnitude >= 1000 else 1 if magnitude >= 100 else 2 if magnitude >= 1 else 3
        text = f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
        return text
    return str(value)


def _verdict(row: dict[str, Any]) -> str:
    ok = row.get("ok")
    if ok is True:
        return "OK"
    if ok is False:
        return "ÉCHEC"
    return "—"


def table_lines(rows: list[dict[str, Any]]) -> list[str]:
    cells: list[tuple[str, ...]] = [COLUMNS]
    for row in rows:
        unit = str(row.get("unit") or "")
        value = _number(row.get("value"))
        baseline = _number(row.get("baseline"))
        if unit and value != "—":
            value = f"{value} {unit}"
        if unit and baseline != "—":
            baseline = f"{baseline} {unit}"
        ratio = row.get("ratio")
        ratio_text = "—" if ratio is None else f"{_number(float(ratio))}×"
        cells.append(
            (
                str(row.get("script", "")),
                str(row.get("figure", "")),
                value,
                str(row.get("goal") or "—"),
                baseline,
                ratio_text,
                _verdict(row),
            )
        )
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    lines = []
    for index, cell in enumerate(cells):
        lines.append("  ".join(text.ljust(widths[i]) for i, text in enumerate(cell)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [(r.get("script", ""), r.get("figure", ""), r["note"]) for r in rows if r.get("note")]
    if notes:
        lines.append("")
        lines.append("Notes :")
        lines += [f"  {script} — {figure} : {note}" for script, figure, note in notes]
    return lines


# -- main -----------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lancer_bancs.py",
        description="Lance tous les bancs de mesure de tests/perf/ et affiche un tableau (et un JSON).",
    )
    parser.add_argument("--fiabilite", action="store_true", help="lancer aussi les preuves de fiabilité")
    parser.add_argument("--rapide", action="store_true", help="version réduite (jeu de 10 000 fiches, moins de tours)")
    parser.add_argument(
        "--seulement", action="append", default=[], metavar="MOT", help="scripts dont le nom contient MOT"
    )
    parser.add_argument(
        "--json", type=Path, metavar="FICHIER", help="où écrire le JSON (défaut : tests/perf/resultats/)"
    )
    parser.add_argument("--delai", type=float, default=SCRIPT_TIMEOUT_S, metavar="S", help="délai maximal par script")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["MILPJ_BANC_CACHE"] = str(_donnees.cache_dir())
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    if args.rapide:
        env["MILPJ_BANC_RAPIDE"] = "1"
        os.environ["MILPJ_BANC_RAPIDE"] = "1"
    env.pop("MILPJ_DATA_DIR", None)
    env.pop("MILPJ_PASSPHRASE", None)

    started = time.perf_counter()
    size = _donnees.default_size()
    print(f"Jeu national : {size} fiches (cache {_donnees.cache_dir()})", flush=True)
    _donnees.prepare(size)
    prep = time.perf_counter() - started

    scripts = _scripts(args.fiabilite, args.seulement)
    rows: list[dict[str, Any]] = []
    durations: dict[str, float] = {}
    for path in scripts:
        left = TOTAL_BUDGET_S - (time.perf_counter() - started)
        if left <= 5:
            rows.append(_problem_row(path.stem, "non lancé", "budget de 20 minutes épuisé"))
            continue
        print(f"→ {path.name} …", flush=True)
        script_rows, took = run_script(path, env, min(args.delai, left))
        durations[path.stem] = round(took, 1)
        for row in script_rows:
            print(f"    {row.get('figure')} : {_number(row.get('value'))} {row.get('unit') or ''}".rstrip(), flush=True)
        rows += script_rows
    total = time.perf_counter() - started

    print()
    for line in table_lines(rows):
        print(line)
    failed = sum(1 for r in rows if r.get("ok") is False)
    passed = sum(1 for r in rows if r.get("ok") is True)
    print()
    print(
        f"{len(rows)} mesures, {passed} atteignent leur objectif, {failed} non ; "
        f"{len(scripts)} scripts en {total:.0f} s (dont {prep:.0f} s de préparation du jeu)."
    )

    target = args.json or HERE / "resultats" / f"resultats-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "système": platform.platform(), "cœurs": os.cpu_count()},
        "options": {"fiabilite": args.fiabilite, "rapide": args.rapide, "seulement": args.seulement},
        "taille_jeu": size,
        "durees_s": durations,
        "duree_totale_s": round(total, 1),
        "lignes": rows,
    }
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"JSON écrit : {target}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
