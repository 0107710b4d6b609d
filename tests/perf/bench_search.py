"""Search-as-you-type over the articles and a 100k-entry directory: encrypted store vs plain SQLite.

Both databases are built in this run by the same library (sqlcipher3), with the same schema
(our migrations), the same pragmas (64 MB page cache, WAL, temp store in memory) and the same
rows: the embedded content pack plus the national directory dataset (directory.generate) — or,
in a build without the directory, a generated 100k-row FTS5 table. Each keystroke of a list of
words typed letter by letter (from the 2nd letter, as the window does) runs the window's global
search on a fresh connection warmed by one pass; passes alternate between the two databases.

    .venv/bin/python tests/perf/bench_search.py [--entries 100000] [--passes 5]

The last line holds the figures: p50 / p95 per keystroke, encrypted and plain, and the ratio.
Goal: p95 <= 15 ms encrypted, ratio <= 1.15.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlcipher3.dbapi2 as sq  # noqa: E402

from milpj_desktop.content.pack import load_pack  # noqa: E402
from milpj_desktop.content.repository import import_pack  # noqa: E402
from milpj_desktop.content.search import global_search  # noqa: E402
from milpj_desktop.store import Store  # noqa: E402
from milpj_desktop.store import store as store_module  # noqa: E402
from milpj_desktop.store.migrate import apply_pending  # noqa: E402
from tests.perf._report import Row, emit  # noqa: E402

PASSPHRASE = "phrase secrète du banc de mesure"
WORDS = (
    "crèche",
    "allaitement",
    "vaccination",
    "pédiatre",
    "maternité",
    "besançon",
    "sage-femme",
    "sommeil",
    "mairie",
    "dépression post-partum",
    "relais petite enfance",
    "écrans",
)


def keystrokes() -> list[str]:
    """Every text the search field holds while the words are typed, from the 2nd character."""
    texts = []
    for word in WORDS:
        texts += [word[:n] for n in range(2, len(word) + 1)]
    return texts


Loader = Callable[[Any], str]


def directory_loader(entries: int) -> tuple[Loader, str]:
    """Insert the national directory dataset, or a generated FTS table when there is no directory."""
    try:
        from milpj_desktop.directory.generate import national_dataset
        from milpj_desktop.directory.repository import upsert_national_many
    except ImportError:
        return _generated_table(entries), f"table FTS5 générée de {entries} lignes (pas d'annuaire dans ce build)"
    started = time.perf_counter()
    dataset = national_dataset(entries)
    print(f"jeu national de l'annuaire : {len(dataset)} fiches générées en {time.perf_counter() - started:.1f} s")

    def load(conn: Any) -> str:
        upsert_national_many(conn, dataset)
        return "annuaire"

    return load, f"annuaire national ({len(dataset)} fiches, directory.generate)"


def _generated_table(entries: int) -> Loader:
    import random

    rng = random.Random(3)
    kinds = ["Crèche", "PMI", "Maternité", "Cabinet de sage-femme", "Pédiatre", "Mairie", "Relais petite enfance"]
    towns = ["Besançon", "Lyon", "Lille", "Nantes", "Rennes", "Dijon", "Metz", "Brest", "Pau", "Nîmes"]
    rows = [
        (
            i,
            f"{rng.choice(kinds)} {rng.choice(['Les Lucioles', 'Le Cocon', 'Arc-en-ciel', 'Pasteur'])} {i}",
            rng.choice(towns),
        )
        for i in range(1, entries + 1)
    ]

    def load(conn: Any) -> str:
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS bench_directory USING fts5(name, place, "
            "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
        )
        conn.executemany("INSERT INTO bench_directory(rowid, name, place) VALUES(?, ?, ?)", rows)
        return "generated"

    return load


def build(folder: Path, *, encrypted: bool, load_directory: Loader) -> Path:
    pack = load_pack(ROOT / "ressources" / "contenus")
    if encrypted:
        path = folder / "chiffre.db"
        store = Store.create(path, PASSPHRASE)
        conn = store.conn
    else:
        path = folder / "clair.db"
        conn = sq.connect(str(path), isolation_level=None)
        store_module._tune(conn)
        apply_pending(conn)
    conn.execute("BEGIN IMMEDIATE")
    import_pack(conn, pack)
    load_directory(conn)
    conn.execute("COMMIT")
    conn.execute("PRAGMA optimize")
    if encrypted:
        store.close()
    else:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    return path


def open_conn(path: Path, *, encrypted: bool) -> Any:
    if encrypted:
        return Store.open(path, PASSPHRASE).conn
    conn = sq.connect(str(path), isolation_level=None, check_same_thread=False)
    store_module._tune(conn)
    return conn


def search_fn(conn: Any, generated: bool) -> Callable[[str], int]:
    if not generated:
        return lambda text: len(global_search(conn, text))

    def run(text: str) -> int:
        hits = global_search(conn, text)
        words = " ".join(f'"{w}"*' for w in text.replace("-", " ").split())
        rows = conn.execute(
            "SELECT rowid, name FROM bench_directory WHERE bench_directory MATCH ? ORDER BY rank LIMIT 20", (words,)
        ).fetchall()
        return len(hits) + len(rows)

    return run


def one_pass(run: Callable[[str], int], texts: list[str]) -> list[float]:
    times = []
    for text in texts:
        started = time.perf_counter()
        run(text)
        times.append((time.perf_counter() - started) * 1000)
    return times


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()
    texts = keystrokes()
    load_directory, what = directory_loader(args.entries)
    generated = "générée" in what
    with tempfile.TemporaryDirectory(prefix="bench-recherche-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        paths = {
            "chiffré": build(folder, encrypted=True, load_directory=load_directory),
            "clair": build(folder, encrypted=False, load_directory=load_directory),
        }
        print(f"bases construites en {time.perf_counter() - started:.1f} s : {what} + contenus embarqués")
        conns = {name: open_conn(path, encrypted=name == "chiffré") for name, path in paths.items()}
        runs = {name: search_fn(conn, generated) for name, conn in conns.items()}
        found = {name: [runs[name](t) for t in texts] for name in runs}  # warm-up pass, not measured
        assert found["chiffré"] == found["clair"], "les deux bases doivent donner les mêmes résultats"
        times: dict[str, list[float]] = {name: [] for name in runs}
        for number in range(args.passes):
            order = list(runs) if number % 2 == 0 else list(reversed(runs))
            for name in order:
                times[name] += one_pass(runs[name], texts)
        for conn in conns.values():
            conn.close()
    figures = {name: (statistics.median(t), pct(t, 0.95), max(t)) for name, t in times.items()}
    for name, (p50, p95, worst) in figures.items():
        print(f"{name:>8} : p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {worst:.2f} ms ({len(times[name])} frappes)")
    enc, plain = figures["chiffré"], figures["clair"]
    ratio50, ratio95 = enc[0] / plain[0], enc[1] / plain[1]
    verdict = "objectif atteint" if enc[1] <= 15 and ratio95 <= 1.15 else "objectif NON atteint"
    print(
        f"recherche à la frappe ({len(texts)} frappes × {args.passes}) : chiffré p50 {enc[0]:.2f} ms p95 {enc[1]:.2f} ms"
        f" | clair p50 {plain[0]:.2f} ms p95 {plain[1]:.2f} ms | ratio p50 {ratio50:.2f} p95 {ratio95:.2f}"
        f" (objectif p95 ≤ 15 ms, rapport ≤ 1,15 : {verdict})"
    )
    emit(
        [
            Row(
                f"recherche à la frappe p50, articles + annuaire {args.entries} (chiffré vs clair)",
                enc[0],
                "ms",
                baseline=plain[0],
                ratio=ratio50,
            ),
            Row(
                f"recherche à la frappe p95, articles + annuaire {args.entries} (chiffré vs clair)",
                enc[1],
                "ms",
                "≤ 15 ms",
                baseline=plain[1],
                ratio=ratio95,
                ok=enc[1] <= 15,
            ),
            Row("surcoût du chiffrement : p95 chiffré / clair", ratio95, "×", "≤ 1,15×", ok=ratio95 <= 1.15),
        ]
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
