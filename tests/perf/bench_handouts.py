"""Handouts to PDF: one 2-page handout warm, and a batch of 100 personalised handouts.

Everything runs in this process on a fresh encrypted store holding the embedded content pack and
a generated directory. The handout path is the real one: validate → assemble the data → render
through the sandbox → lay out → paint each page with our header and footer on a QPdfWriter.
Baseline, same run: the same HTML through a bare QTextDocument.print_() (Qt's own pagination,
no header/footer, no data assembly) — the ratio says what our layer costs on top of Qt.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/bench_handouts.py

Goals: one 2-page handout with QR codes (contacts 20 km around Ornans) ≤ 150 ms warm; 100
personalised handouts (contacts for 100 communes, one PDF) ≤ 8 s. « Warm » is the process (Qt and
its fonts loaded), not the data: the QR cache is emptied before every run, so every code is encoded.
The last line holds the figures.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from milpj_desktop.content.pack import load_pack  # noqa: E402
from milpj_desktop.content.repository import import_pack  # noqa: E402
from milpj_desktop.directory import communes  # noqa: E402
from milpj_desktop.directory import repository as directory_repo  # noqa: E402
from milpj_desktop.directory.generate import fictitious_entries  # noqa: E402
from milpj_desktop.handouts import prepare, prepare_batch  # noqa: E402
from milpj_desktop.handouts.qr import qr_image  # noqa: E402
from milpj_desktop.settings import Settings  # noqa: E402
from milpj_desktop.store import Store  # noqa: E402
from tests.perf._report import Row, at_most, emit, median, quick, ratio  # noqa: E402
from ui.printing import new_pdf_writer, write_pdf  # noqa: E402
from ui.qt import QApplication, QTextDocument  # noqa: E402

SETTINGS = Settings(
    structure_name="PMI de Villeurbanne — Centre Perralière",
    professional_name="Mme Élodie Martin, puéricultrice",
    professional_phone="04 78 00 00 00",
)
TODAY = dt.date(2026, 3, 12)
SHEET = {"commune": "25290 Ornans", "rayon": "20"}  # a 2-page contacts sheet with about ten QR codes


def bare_print(html: str, path: Path) -> None:
    """The baseline: Qt's own QTextDocument.print_() of the same HTML."""
    doc = QTextDocument()
    doc.setHtml(html)
    doc.print_(new_pdf_writer(path, "base"))


def main() -> None:
    app = QApplication.instance() or QApplication([])
    repeat = 5 if quick() else 20
    batch_size = 100
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        store = Store.create(tmp / "banc.db", "phrase secrète du banc de mesure")
        with store.transaction() as conn:
            import_pack(conn, load_pack(ROOT / "ressources" / "contenus"))
            directory_repo.upsert_national_many(conn, fictitious_entries(5_000 if quick() else 20_000))

        # -- one 2-page handout with QR codes, warm ----------------------------------------------------
        def one() -> int:
            qr_image.cache_clear()
            handout = prepare(store.conn, "contacts-utiles", SHEET, settings=SETTINGS, today=TODAY)
            return write_pdf([handout], tmp / "une.pdf")

        pages = one()
        sheet = prepare(store.conn, "contacts-utiles", SHEET, settings=SETTINGS, today=TODAY)
        html = sheet.html
        codes = html.count("<img")
        bare_print(html, tmp / "base.pdf")
        ours: list[float] = []
        base: list[float] = []
        for _ in range(repeat):  # alternate, so both see the same machine state
            start = time.perf_counter()
            one()
            ours.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            bare_print(html, tmp / "base.pdf")
            base.append((time.perf_counter() - start) * 1000)
        single, single_base = median(ours), median(base)

        # -- a batch of 100 personalised handouts: contacts around 100 communes, one PDF -----------
        towns = sorted((c for c in communes.gazetteer().communes if c.lat is not None), key=lambda c: -c.population)
        places = [f"{c.postcode} {c.name}" if c.postcode else c.name for c in towns[:batch_size]]
        qr_image.cache_clear()
        start = time.perf_counter()
        handouts = prepare_batch(
            store.conn,
            "contacts-utiles",
            {"rayon": "10", "types": "pmi,caf,sage-femme,relais-petite-enfance"},
            vary="commune",
            variants=places,
            settings=SETTINGS,
            today=TODAY,
        )
        prepared = time.perf_counter() - start
        batch_pages = write_pdf(handouts, tmp / "lot.pdf")
        batch = time.perf_counter() - start
        start = time.perf_counter()
        for index, handout in enumerate(handouts):
            bare_print(handout.html, tmp / f"base-{index % 2}.pdf")
        batch_base = time.perf_counter() - start
        store.close()
    del app

    print(
        f"fiche contacts de {pages} pages avec {codes} codes QR : {single:.1f} ms (médiane de {repeat}), "
        f"QTextDocument.print_ nu {single_base:.1f} ms"
    )
    print(
        f"lot de {len(handouts)} fiches contacts ({batch_pages} pages) : {batch:.2f} s "
        f"dont préparation {prepared:.2f} s ; print_ nu des mêmes HTML {batch_base:.2f} s"
    )
    emit(
        [
            Row(
                f"une fiche de {pages} pages avec {codes} codes QR en PDF (à chaud)",
                round(single, 1),
                "ms",
                "≤ 150 ms",
                baseline=round(single_base, 1),
                ratio=round(ratio(single, single_base) or 0, 2),
                ok=at_most(single, 150),
            ),
            Row(
                f"lot de {len(handouts)} fiches personnalisées en un PDF",
                round(batch, 2),
                "s",
                "≤ 8 s",
                baseline=round(batch_base, 2),
                ratio=round(ratio(batch, batch_base) or 0, 2),
                ok=at_most(batch, 8),
                note="réduit (--rapide)" if quick() else "",
            ),
        ]
    )


if __name__ == "__main__":
    main()
