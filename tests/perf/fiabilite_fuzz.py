"""Property-based fuzzing (hypothesis) of what reads outside input: the CSV importer, the sync page
parser and the handout template parameters. Each counts examples run and failures (goal 0).

A failure is an example for which the code does something else than its promise:
- CSV importer: any file gives either a French file-level error (KnownError) or rows, each either a
  valid entry or refused with a French reason; an entry written by our exporter reads back identical.
- Sync page parser: a page built by the protocol's rules is accepted whole; the same page altered
  (bytes flipped, cut, lines swapped or duplicated, header fields changed with or without a fresh
  checksum, wrong content type) is either refused with a French message (KnownError) or, if
  accepted, still keeps every rule (count, order, unique ids, ids matching records, bounds).
- Template parameters: any mapping of values gives either validated values or a HandoutParamError
  naming a parameter; valid values render through the sandbox, and text given as a parameter never
  comes out as live HTML.
Each property is a plain function, so tests/test_reliability_small.py runs the same checks briefly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import itertools
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from milpj_desktop.directory.csvio import COLUMNS  # noqa: E402
from milpj_desktop.errors import KnownError  # noqa: E402
from tests.perf._report import Row, emit, quick, say  # noqa: E402

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
_NOT_FOR_PEOPLE = (
    "Traceback",
    "Input should",
    "Field required",
    "validation error",
    "Value error",
    "String should",
    "Expecting value",
    "invalid literal",
    "object has no attribute",
    "NoneType",
    "KeyError",
    "Invalid JSON",
    "not permitted",
    "should be",
    "is not a",
    "at line",
    "value is not",
)


def _french(message: str) -> bool:
    """A message for a person: not empty, and none of Python's or pydantic's English in it."""
    return bool(message.strip()) and not any(marker in message for marker in _NOT_FOR_PEOPLE)


# == CSV importer ====================================================================================
CSV_COLUMNS = COLUMNS  # the fuzzer writes the importer's own documented columns
_CELL_SAMPLES = (
    "",
    "pmi",
    "creche",
    "Crèche / EAJE",
    "structure",
    "professionnel",
    "25000",
    "25056",
    "Besançon",
    "2A004",
    "97411",
    "03 81 00 00 00",
    "+33381000000",
    "06 39 98 12 34",
    "0381",
    "contact@exemple.fr",
    "pas@un@courriel",
    "exemple.fr",
    "https://exemple.fr/page",
    "lundi-vendredi 9h-12h, 14h-17h; samedi 9h-12h",
    "lundi 25h-26h",
    "mardi 14h-12h",
    "fauteuil roulant",
    "anglais, arabe",
    "xx, klingon",
    "0-3-mois, 4-12-mois",
    "etape-inconnue",
    "47.24",
    "6.02",
    "91",
    "-200",
    "nan",
    "2025-01-15T08:00:00+00:00",
    "hier",
    "mairie-25056",
    '"quoted; value"',
    "a\nb",
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
)
_cells = st.one_of(st.sampled_from(_CELL_SAMPLES), st.text(max_size=40))


@st.composite
def csv_documents(draw: st.DrawFn) -> bytes:
    """Mostly our format (a random subset of columns), with cells both plausible and hostile."""
    kind = draw(st.sampled_from(["ours", "ours", "ours", "mairies", "random"]))
    if kind == "random":
        return draw(st.binary(max_size=400))
    if kind == "mairies":
        header = ["nom", "code_insee", "adresse", "code_postal", "commune", "telephone", "email", "latitude"]
    else:
        header = ["nom", "type", *draw(st.lists(st.sampled_from(CSV_COLUMNS), max_size=8, unique=True))]
        header = list(dict.fromkeys(header))
    rows = draw(st.lists(st.lists(_cells, min_size=len(header) - 1, max_size=len(header) + 1), max_size=6))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return buffer.getvalue().encode(encoding, errors="replace")


def check_csv_document(data: bytes, folder: Path) -> None:
    """Any file: a file-level KnownError, or rows each valid or refused with a French reason."""
    from milpj_desktop.directory.csvio import read_rows

    path = folder / "fuzz.csv"
    path.write_bytes(data)
    try:
        _, parsed, count = read_rows(path, now=NOW)
        rows = list(parsed)
    except KnownError as exc:
        assert _french(exc.message), f"message de fichier illisible peu clair : {exc.message!r}"
        return
    notices = [r for r in rows if r.entry is None and not r.errors]  # « fichier lu en Windows-1252 »…
    assert all(r.warnings and all(_french(w) for w in r.warnings) for r in notices), "avis sans texte"
    rows = [r for r in rows if r not in notices]
    assert len(rows) <= count, f"{len(rows)} lignes lues pour {count} annoncées"
    for row in rows:
        if row.entry is None:
            assert row.errors, f"ligne {row.line} refusée sans raison"
            assert all(_french(e) for e in row.errors), f"raison peu claire : {row.errors!r}"
        else:
            assert not row.errors, f"ligne {row.line} acceptée avec des erreurs {row.errors!r}"
            type(row.entry).model_validate(row.entry.model_dump())  # still valid as a whole


@cache
def _sample_entries() -> tuple[Any, ...]:
    from milpj_desktop.directory.generate import fictitious_entries

    return tuple(fictitious_entries(60, seed=7))


_names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)


@st.composite
def entries_for_roundtrip(draw: st.DrawFn) -> list[Any]:
    """Real-looking entries with names and addresses full of separators, quotes and accents."""
    picked = draw(st.lists(st.sampled_from(_sample_entries()), min_size=1, max_size=4, unique_by=id))
    out = []
    for entry in picked:
        update = {"name": draw(_names), "address": draw(st.one_of(st.just(entry.address), _names))}
        try:
            out.append(type(entry).model_validate({**entry.model_dump(), **update}))
        except ValueError:
            out.append(entry)
    return out


def check_csv_roundtrip(entries: list[Any], folder: Path) -> None:
    """What our exporter writes, our importer reads back identical."""
    from milpj_desktop.directory.csvio import read_rows, write_csv

    path = folder / "aller-retour.csv"
    write_csv(path, entries)
    _, parsed, _ = read_rows(path, now=NOW)
    back = list(parsed)
    assert [r.errors for r in back if r.errors] == [], f"relu avec des erreurs : {[r.errors for r in back]}"
    got = [r.entry.model_dump() if r.entry else None for r in back]
    want = [e.model_dump() for e in entries]
    assert got == want, "l'aller-retour export → import change les fiches"


# == sync page parser ===================================================================================
def sync_parser_available() -> bool:
    return importlib.util.find_spec("sync.page") is not None and importlib.util.find_spec("sync.protocol") is not None


@dataclass
class PageCase:
    collection: str
    since_seq: int
    limit: int
    body: bytes
    content_type: str = "application/x-ndjson"
    departements: frozenset[str] | None = None
    valid: bool = True
    ids: list[str] = field(default_factory=list)


@cache
def _article_records() -> tuple[dict[str, Any], ...]:
    folder = REPO / "ressources" / "contenus" / "articles"
    return tuple(json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))[:20])


def _build_body(collection: str, changes: list[dict[str, Any]], since_seq: int, *, more: bool) -> bytes:
    from sync.protocol import page_checksum

    rest = b"".join(json.dumps(c, ensure_ascii=False).encode() + b"\n" for c in changes)
    upto = changes[-1]["seq"] if changes else since_seq
    header = {
        "format": 1,
        "collection": collection,
        "since": f"c{since_seq}" if since_seq else "",
        "next": f"c{upto}",
        "upto": upto,
        "more": more and bool(changes),
        "count": len(changes),
        "checksum": page_checksum(rest),
    }
    return json.dumps(header).encode() + b"\n" + rest


@st.composite
def valid_pages(draw: st.DrawFn) -> PageCase:
    collection = draw(st.sampled_from(["directory", "articles"]))
    since_seq = draw(st.integers(0, 10_000))
    seq = since_seq
    changes: list[dict[str, Any]] = []
    ids: list[str] = []
    pool: tuple[Any, ...] = _sample_entries() if collection == "directory" else _article_records()
    picked = draw(st.lists(st.integers(0, len(pool) - 1), max_size=8, unique=True))
    for index in picked:
        seq += draw(st.integers(1, 5))
        item = pool[index]
        if collection == "directory":
            record = json.loads(item.model_dump_json())
            ident, dept = str(item.national_id), item.departement
        else:
            record, ident, dept = item, str(item["id"]), ""
        op = draw(st.sampled_from(["put", "put", "del"]))
        change: dict[str, Any] = {"seq": seq, "op": op, "id": ident, "version": draw(st.integers(1, 9)), "dept": dept}
        if op == "put":
            change["record"] = record
        changes.append(change)
        ids.append(ident)
    body = _build_body(collection, changes, since_seq, more=draw(st.booleans()))
    return PageCase(collection, since_seq, max(len(changes), 1) + draw(st.integers(0, 5)), body, ids=ids)


def _rechecksum(body: bytes) -> bytes:
    head, _, rest = body.partition(b"\n")
    try:
        header = json.loads(head)
        header["checksum"] = hashlib.sha256(rest).hexdigest()
        return json.dumps(header).encode() + b"\n" + rest
    except (ValueError, TypeError):
        return body


@st.composite
def altered_pages(draw: st.DrawFn) -> PageCase:
    case = draw(valid_pages())
    body = case.body
    how = draw(
        st.sampled_from(["flip", "cut", "insert", "swap", "duplicate", "header", "header", "type", "garbage", "line"])
    )
    if how == "flip" and body:
        at = draw(st.integers(0, len(body) - 1))
        body = body[:at] + bytes([body[at] ^ draw(st.integers(1, 255))]) + body[at + 1 :]
        body = _rechecksum(body) if draw(st.booleans()) else body
    elif how == "cut":
        body = body[: draw(st.integers(0, max(len(body) - 1, 0)))]
    elif how == "insert":
        at = draw(st.integers(0, len(body)))
        body = _rechecksum(body[:at] + draw(st.binary(min_size=1, max_size=20)) + body[at:])
    elif how in ("swap", "duplicate"):
        lines = body.split(b"\n")
        head, rest = lines[0], [line for line in lines[1:] if line]
        if rest:
            i = draw(st.integers(0, len(rest) - 1))
            if how == "swap":
                j = draw(st.integers(0, len(rest) - 1))
                rest[i], rest[j] = rest[j], rest[i]
            else:
                rest.insert(i, rest[i])
        body = _rechecksum(b"\n".join([head, *rest]) + b"\n")
    elif how == "header":
        head, _, tail = body.partition(b"\n")
        header = json.loads(head)
        key = draw(st.sampled_from(sorted(header)))
        header[key] = draw(
            st.one_of(st.none(), st.integers(-5, 10**6), st.text(max_size=10), st.booleans(), st.just([]))
        )
        body = json.dumps(header).encode() + b"\n" + tail
        body = _rechecksum(body) if key != "checksum" else body
    elif how == "type":
        case.content_type = draw(st.sampled_from(["text/html; charset=utf-8", "application/json", "", "x"]))
    elif how == "garbage":
        body = draw(st.binary(max_size=300))
    elif how == "line":
        lines = body.split(b"\n")
        if len(lines) > 2:
            i = draw(st.integers(1, len(lines) - 2))
            value = draw(st.one_of(st.text(max_size=30), st.just("{}"), st.just('{"seq": 1}')))
            lines[i] = value.encode()
            body = _rechecksum(b"\n".join(lines))
    case.body = body
    case.valid = False
    case.departements = draw(st.one_of(st.none(), st.just(frozenset({"25", "39"}))))
    return case


def check_page(case: PageCase) -> None:
    """A valid page is accepted whole; anything else is refused in French or still keeps every rule."""
    from sync.page import parse_page
    from sync.protocol import Collection, record_id

    collection = Collection(case.collection)
    try:
        page = parse_page(
            collection,
            case.content_type,
            case.body,
            since_seq=case.since_seq,
            limit=case.limit,
            departements=case.departements,
        )
    except KnownError as exc:
        assert not case.valid, f"page valide refusée : {exc.message}"
        assert _french(exc.message), f"message peu clair : {exc.message!r}"
        return
    if case.valid:
        assert [c.id for c in page.changes] == case.ids, "page valide acceptée avec d'autres changements"
    header = page.header
    assert len(page.changes) == header.count <= case.limit, "nombre de changements hors des bornes"
    seqs = [c.seq for c in page.changes]
    assert all(a < b for a, b in itertools.pairwise(seqs)), "changements hors d'ordre acceptés"
    assert all(case.since_seq < s <= header.upto for s in seqs), "numéro de changement hors bornes accepté"
    assert header.upto >= case.since_seq, "curseur qui recule accepté"
    keys = [(c.id, c.dept) for c in page.changes]
    assert len(keys) == len(set(keys)), "identifiant en double accepté"
    for change in page.changes:
        if change.op == "put":
            assert change.record is not None and record_id(collection, change.record) == change.id, "fiche ≠ id"
        else:
            assert change.record is None, "suppression avec enregistrement acceptée"
        if case.departements is not None and change.op == "put":
            assert change.dept in case.departements, "département non abonné accepté"


# == template parameters ================================================================================
def _param_values(kind: str) -> st.SearchStrategy[Any]:
    from milpj_desktop.content.models import DIRECTORY_TYPE_IDS, STAGE_IDS

    articles = [str(a["id"]) for a in _article_records()]
    plausible: dict[str, st.SearchStrategy[Any]] = {
        "articles": st.lists(st.sampled_from(articles), min_size=1, max_size=3).map(",".join),
        "commune": st.sampled_from(["25000", "Besançon", "69003", "Villeurbanne", "Ajaccio", "97400", "Nulle-Part"]),
        "radius_km": st.integers(-5, 300).map(str),
        "directory_types": st.lists(st.sampled_from(sorted(DIRECTORY_TYPE_IDS)), max_size=3).map(",".join),
        "date": st.dates(dt.date(1970, 1, 1), dt.date(2130, 12, 31)).map(dt.date.isoformat),
        "stage": st.sampled_from(sorted(STAGE_IDS)),
        "time": st.sampled_from(["9h30", "14:00", "8h", "25h00", "12:75", "midi"]),
        "copies": st.integers(-3, 500).map(str),
    }
    hostile = st.one_of(
        st.text(max_size=30),
        st.sampled_from(["<b>gras</b>", "{{ 7*7 }}", "{% raw %}", "2024-02-30", "0", "-1", " , ,", "é" * 120]),
        st.lists(st.text(max_size=8), max_size=3),
        st.none(),
        st.integers(),
    )
    return st.one_of(plausible.get(kind, st.text(max_size=20)), hostile)


@st.composite
def template_inputs(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    from milpj_desktop.handouts.manifest import load_templates

    templates = load_templates()
    template_id = draw(st.sampled_from(sorted(templates)))
    specs = templates[template_id].manifest.parameters
    raw: dict[str, Any] = {}
    for spec in specs:
        if draw(st.integers(0, 5)) > 0:
            raw[spec.name] = draw(_param_values(spec.kind))
    if draw(st.integers(0, 9)) == 0:
        raw[draw(st.text(min_size=1, max_size=12))] = draw(st.text(max_size=10))
    return template_id, raw


def check_template_params(template_id: str, raw: dict[str, Any], conn: Any | None = None) -> None:
    """Validated values or a HandoutParamError naming a parameter; rendered, no live HTML from input."""
    from milpj_desktop.handouts.errors import HandoutError, HandoutParamError
    from milpj_desktop.handouts.manifest import get_template

    template = get_template(template_id)
    names = [p.name for p in template.manifest.parameters]
    try:
        values = template.validate(raw)
    except HandoutParamError as exc:
        assert exc.param in names or exc.param in raw, f"erreur sur un paramètre inexistant « {exc.param} »"
        assert _french(exc.message), f"message peu clair : {exc.message!r}"
        return
    assert set(values) <= set(names), f"valeurs validées inattendues : {sorted(set(values) - set(names))}"
    if conn is None:
        return
    from milpj_desktop.handouts import prepare
    from milpj_desktop.settings import Settings

    try:
        handout = prepare(conn, template_id, raw, settings=Settings(), today=dt.date(2026, 3, 12))
    except HandoutError as exc:
        assert _french(exc.message), f"message peu clair : {exc.message!r}"
        return
    for value in raw.values():
        if isinstance(value, str) and "<b>" in value:
            assert "<b>gras</b>" not in handout.html, "texte d'un paramètre rendu en HTML actif"


# == counting runner ====================================================================================
@dataclass
class Tally:
    name: str
    examples: int = 0
    failures: int = 0
    first: str = ""
    seconds: float = 0.0
    kinds: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """The kinds of failure, most frequent first, then the first failing input."""
        kinds = sorted(self.kinds.items(), key=lambda kv: -kv[1])
        listed = ", ".join(f"{count} × {kind}" for kind, count in kinds[:4])
        return f"{listed} — premier : {self.first}" if listed else ""


def run_counted(name: str, strategy: st.SearchStrategy[Any], prop: Callable[[Any], None], examples: int) -> Tally:
    """Run prop on `examples` generated inputs, counting each failure instead of stopping at the first."""
    tally = Tally(name)
    started = time.perf_counter()

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def body(value: Any) -> None:
        tally.examples += 1
        try:
            prop(value)
        except Exception as exc:  # a failure of the property, counted, never fatal
            tally.failures += 1
            kind = (
                str(exc).split(" : ")[0].split(":")[0][:60] if isinstance(exc, AssertionError) else type(exc).__name__
            )
            tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
            if not tally.first:
                tally.first = f"{type(exc).__name__}: {exc} — entrée {repr(value)[:200]}"

    body()
    tally.seconds = time.perf_counter() - started
    return tally


def _content_conn(folder: Path) -> Any:
    """An encrypted store with the content pack and a small directory, for rendering."""
    from milpj_desktop.content.pack import load_pack
    from milpj_desktop.content.repository import import_pack
    from milpj_desktop.directory.generate import national_dataset
    from milpj_desktop.directory.repository import upsert_national_many
    from milpj_desktop.paths import resources_dir
    from milpj_desktop.store import Store

    store = Store.create(folder / "fuzz.db", "phrase secrete du fuzzing")
    with store.transaction() as conn:
        import_pack(conn, load_pack(resources_dir() / "contenus"))
        upsert_national_many(conn, national_dataset(3000))
    return store


def run_all(scale: float) -> list[Tally]:
    n = max(10, int(scale))
    out: list[Tally] = []
    with tempfile.TemporaryDirectory(prefix="banc-fuzz-") as tmp:
        folder = Path(tmp)
        say("importeur CSV…")
        out.append(run_counted("importeur CSV", csv_documents(), lambda d: check_csv_document(d, folder), 4 * n))
        out.append(
            run_counted(
                "importeur CSV (aller-retour export → import)",
                entries_for_roundtrip(),
                lambda e: check_csv_roundtrip(e, folder),
                n,
            )
        )
        if sync_parser_available():
            say("analyse des pages de synchronisation…")
            out.append(run_counted("pages de synchronisation (valides)", valid_pages(), check_page, n))
            out.append(run_counted("pages de synchronisation (altérées)", altered_pages(), check_page, 4 * n))
        say("paramètres des modèles…")
        out.append(
            run_counted(
                "paramètres des modèles (validation)",
                template_inputs(),
                lambda v: check_template_params(v[0], v[1]),
                4 * n,
            )
        )
        store = _content_conn(folder)
        try:
            out.append(
                run_counted(
                    "paramètres des modèles (rendu dans le bac à sable)",
                    template_inputs(),
                    lambda v: check_template_params(v[0], v[1], conn=store.conn),
                    max(10, n // 2),
                )
            )
        finally:
            store.close()
    return out


def main() -> int:
    scale = 60 if quick() else 500
    tallies = run_all(scale)
    rows = []
    for tally in tallies:
        say(f"{tally.name} : {tally.examples} exemples, {tally.failures} échecs en {tally.seconds:.1f} s")
        rows.append(
            Row(
                figure=f"fuzzing — {tally.name} : échecs sur {tally.examples} exemples",
                value=tally.failures,
                unit="échecs",
                goal="0",
                ok=tally.failures == 0 and tally.examples > 0,
                note=tally.summary(),
                extra={"exemples": tally.examples, "secondes": round(tally.seconds, 1)},
            )
        )
    if not sync_parser_available():
        rows.append(Row(figure="fuzzing — pages de synchronisation", value=None, note="module sync.page absent"))
    emit(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
