"""Small versions of the reliability proofs of tests/perf/ (the full runs: lancer_bancs.py --fiabilite).

- plaintext scan of the data, temporary and log folders after a small real session;
- a short hypothesis run of each outside-input parser: CSV importer, sync page parser, template parameters.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from milpj_desktop.store import Store
from tests.perf import fiabilite_clair as clair
from tests.perf import fiabilite_fuzz as fuzz

SHORT = settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))


# -- plaintext -----------------------------------------------------------------------------------
def test_scan_sees_plaintext_in_every_form(tmp_path: Path) -> None:
    """The scanner itself: UTF-8, lower case and UTF-16 copies are all counted, in nested folders."""
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "f.bin").write_bytes(b"\x00xx" + clair.LOCAL_NAME.encode() + b"yy")
    (tmp_path / "g.txt").write_bytes(clair.EMAIL.upper().encode() + clair.NOTE.encode("utf-16-le"))
    findings = clair.scan([tmp_path], [clair.LOCAL_NAME, clair.EMAIL, clair.NOTE, "absent de partout"])
    assert {f.needle for f in findings} == {clair.LOCAL_NAME, clair.EMAIL, clair.NOTE}
    assert sum(f.size for f in findings) >= len(clair.LOCAL_NAME.encode()) + len(clair.EMAIL) + 2 * len(clair.NOTE)


@pytest.mark.slow
def test_no_plaintext_after_a_small_session(tmp_path: Path) -> None:
    """init, import, note, search, handout, window unlock / search / lock: no stored value readable."""
    session = clair.run_session(tmp_path / "session", full=False, sync=False)
    assert session.skipped == [], session.skipped
    assert (session.data / "milpj.db").stat().st_size > 0
    assert (session.outputs / "contacts.pdf").exists()
    assert clair.scan([session.inputs], [clair.LOCAL_NAME]), "the scan must see the plaintext of the input file"
    assert clair.PASSPHRASE in session.needles
    findings = clair.scan(session.scanned(), session.needles)
    assert findings == [], [(str(f.path), f.needle) for f in findings]
    store = Store.open(session.data / "milpj.db", clair.PASSPHRASE)  # and the data really is in there
    try:
        names = {r[0] for r in store.conn.execute("SELECT name FROM directory_local")}
        notes = {r[0] for r in store.conn.execute("SELECT note FROM directory_note")}
    finally:
        store.close()
    assert clair.LOCAL_NAME in names
    assert clair.NOTE in notes


# -- fuzzing -------------------------------------------------------------------------------------
@SHORT
@given(fuzz.csv_documents())
def test_csv_importer_refuses_in_french_or_reads(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fuzz.check_csv_document(data, Path(tmp))


@settings(SHORT, max_examples=20)
@given(fuzz.entries_for_roundtrip())
def test_csv_export_reads_back_identical(entries: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fuzz.check_csv_roundtrip(entries, Path(tmp))


needs_sync = pytest.mark.skipif(not fuzz.sync_parser_available(), reason="sync.page absent")


@needs_sync
@SHORT
@given(fuzz.valid_pages())
def test_sync_page_parser_accepts_valid_pages(case: fuzz.PageCase) -> None:
    fuzz.check_page(case)


@needs_sync
@settings(SHORT, max_examples=80)
@given(fuzz.altered_pages())
def test_sync_page_parser_refuses_altered_pages_in_french(case: fuzz.PageCase) -> None:
    fuzz.check_page(case)


@settings(SHORT, max_examples=60)
@given(fuzz.template_inputs())
def test_template_parameters_validate_or_name_the_bad_one(value: tuple[str, dict[str, Any]]) -> None:
    fuzz.check_template_params(value[0], value[1])


@settings(SHORT, max_examples=15)
@given(fuzz.template_inputs())
def test_template_parameters_render_in_the_sandbox(content_store: Store, value: tuple[str, dict[str, Any]]) -> None:
    fuzz.check_template_params(value[0], value[1], conn=content_store.conn)


def test_superscript_digits_are_refused_in_french_not_as_a_bug() -> None:
    """« ² » passes str.isdigit() but int() refuses it: every reading of a typed number says so in French."""
    from milpj_desktop.frenchdates import BadDate, parse_date
    from milpj_desktop.handouts.params import parse_copies, parse_stage
    from sync.http import parse_retry_after

    for reading in (parse_stage, parse_copies):
        with pytest.raises(ValueError) as refused:
            reading("²")
        assert "invalid literal" not in str(refused.value)
    with pytest.raises(BadDate):
        parse_date("²²²²²²")
    assert parse_retry_after("²") is None
