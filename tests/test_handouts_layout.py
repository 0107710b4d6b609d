"""Printed handouts read back from the PDF: pages and fill, headings kept with what follows, rows and
contacts never split, text heights, French spacing, PDF metadata, QR codes decoded with zbarimg."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest

from milpj_desktop.directory import communes
from milpj_desktop.directory import repository as directory_repo
from milpj_desktop.directory.generate import fictitious_entries
from milpj_desktop.directory.models import DirectoryEntry
from milpj_desktop.directory.phone import format_phone
from milpj_desktop.directory.search import search
from milpj_desktop.handouts import Handout, prepare
from milpj_desktop.handouts.blocks import map_text, split_blocks
from milpj_desktop.settings import Settings
from milpj_desktop.store import Store
from tests.test_handouts import SETTINGS, TODAY, add_sample_directory, squash

MM = 72 / 25.4  # PDF points per millimetre
DEJAVU_BOX = 1.166  # pdftotext's line box / point size for DejaVu Sans (TECH-NOTES)
NBSP, NNBSP = "\u00a0", "\u202f"
THREE_ARTICLES = "bebe-allaitement-difficultes,enfant-allergenes-introduction,grossesse-arreter-de-fumer"


@dataclass(frozen=True)
class Line:
    top: float
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class PdfPage:
    height: float
    lines: list[Line]

    def body(self) -> list[Line]:
        """Lines between the header (top 24 mm) and the footer (bottom 20 mm)."""
        return [ln for ln in self.lines if ln.top >= 24 * MM and ln.bottom <= self.height - 20 * MM]

    def fill(self) -> float:
        """How far down the text body goes (body from 28 mm to 20 mm above the bottom edge)."""
        body = self.body()
        if not body:
            return 0.0
        return (max(ln.bottom for ln in body) - 28 * MM) / (self.height - 48 * MM)


def read_pages(pdf: Path) -> list[PdfPage]:
    """Lines of each page with their boxes (pdftotext -bbox-layout)."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = ET.fromstring(out)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in root.iterfind(".//h:page", ns):
        lines = [
            Line(
                float(line.get("yMin", 0)),
                float(line.get("yMax", 0)),
                unicodedata.normalize("NFKC", " ".join((w.text or "") for w in line.iterfind("h:word", ns))),
            )
            for line in page.iterfind(".//h:line", ns)
        ]
        lines.sort(key=lambda ln: ln.top)
        pages.append(PdfPage(float(page.get("height", 0)), lines))
    return pages


def page_text(pdf: Path, number: int) -> str:
    """The text of one page (1-based), in pdftotext's reading order."""
    run = subprocess.run(
        ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return unicodedata.normalize("NFKC", run.stdout)  # « ﬁ » → « fi »


def write(handouts: list[Handout], path: Path) -> list[PdfPage]:
    from ui.printing import write_pdf

    write_pdf(handouts, path)
    return read_pages(path)


def headings(handout: Handout) -> list[str]:
    """Texts of the h1–h3 headings and of the blocks marked as headings (stage lines of the calendar)."""
    found = [html.unescape(re.sub(r"<[^>]*>", "", h)) for h in re.findall(r"<h[123][^>]*>(.*?)</h[123]>", handout.html)]
    _css, blocks = split_blocks(handout.html)
    found += [html.unescape(re.sub(r"<[^>]*>", " ", b.html)) for b in blocks if b.kind == "titre"]
    return [h for h in (" ".join(f.split()) for f in found) if h]


def decode_qr(pdf: Path, folder: Path) -> list[str]:
    """Every QR code of the PDF, decoded by zbarimg from 150 dpi pages (UTF-8 bytes as printed)."""
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(folder / "qr")], check=True)
    found: list[str] = []
    for image in sorted(folder.glob("qr-*.png")):
        run = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sbinary", str(image)], capture_output=True, check=False)
        assert run.returncode in (0, 4), run.stderr  # 4: no code on this page
        found += [_text(c) for c in run.stdout.split(b"END:VCARD") if b"BEGIN:VCARD" in c]
    return found


def image_count(pdf: Path) -> int:
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return len(listed.splitlines()) - 2  # two header lines


def _text(data: bytes) -> str:
    """QR byte mode holds ISO 8859-1 unless the text needs more (segno then writes UTF-8)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


@pytest.fixture
def national_store(content_store: Store) -> Store:
    """The content pack and a generated directory of 20 000 entries (fictitious, marked as such)."""
    with content_store.transaction() as conn:
        directory_repo.upsert_national_many(conn, fictitious_entries(20_000))
    return content_store


LOCALS: list[dict[str, Any]] = [
    {"name": "PMI d'Ornans", "type": "pmi", "address": "2 rue Pierre Vernier", "phone": "+33353010101"},
    {"name": "Sage-femme Claire Roy", "type": "sage-femme", "address": "8 place Courbet", "phone": "+33353010202"},
    {
        "name": "Relais petite enfance de la Loue",
        "type": "relais-petite-enfance",
        "address": "14 rue des Jardins",
        "phone": "+33353010303",
    },
    {
        "name": "Centre médico-social d'Ornans",
        "type": "pmi",
        "address": "1 avenue du Président Wilson",
        "phone": "+33353010404",
    },
]


def add_locals(store: Store, count: int = 2) -> list[str]:
    """Local entries near Ornans (fictitious numbers from ARCEP's range for fiction, 03 53 01…)."""
    fields = LOCALS[:count]
    ids: list[str] = []
    with store.transaction() as conn:
        for entry in fields:
            kind: Literal["structure", "professionnel"] = (
                "professionnel" if entry["type"] == "sage-femme" else "structure"
            )
            ids.append(
                directory_repo.add_local(
                    conn,
                    DirectoryEntry(
                        kind=kind,
                        postcode="25290",
                        commune="Ornans",
                        commune_insee="25434",
                        latitude=47.1066,
                        longitude=6.1437,
                        updated_at=dt.datetime(2026, 2, 1, 10, 0),
                        **entry,
                    ),
                )
            )
    return ids


ALL_TEMPLATES: list[tuple[str, dict[str, str]]] = [
    ("fiche-conseil", {"articles": THREE_ARTICLES}),
    ("contacts-utiles", {"commune": "69003", "rayon": "8", "types": "pmi,caf"}),
    ("calendrier-1000-jours", {"terme": "2026-05-01"}),
    ("fiche-etape", {"etape": "3"}),
    ("rendez-vous", {"date": "2026-04-02", "heure": "14:30"}),
    ("numeros-utiles", {}),
]


# -- layout ---------------------------------------------------------------------------------------
def test_three_articles_flow_without_blank_pages(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    handout = prepare(content_store.conn, "fiche-conseil", {"articles": THREE_ARTICLES}, settings=SETTINGS, today=TODAY)
    pages = write([handout], tmp_path / "conseil.pdf")
    assert len(pages) <= 5, len(pages)  # each article on a new page made 6, one two-thirds blank
    fills = [p.fill() for p in pages]
    assert all(f >= 0.6 for f in fills[:-1]), fills
    # The second article starts on the page where the first ends, not on a new one.
    starts = [i for i, p in enumerate(pages) if any("Allergies alimentaires" in ln.text for ln in p.body())]
    ends = [i for i, p in enumerate(pages) if any(ln.text.startswith("Sources") for ln in p.body())]
    assert starts[0] == ends[0]


@pytest.mark.parametrize("large", [False, True], ids=["normal", "gros"])
@pytest.mark.parametrize(("template_id", "raw"), ALL_TEMPLATES, ids=[t for t, _ in ALL_TEMPLATES])
def test_no_heading_ends_a_page_and_pages_are_filled(
    qapp: Any, content_store: Store, tmp_path: Path, template_id: str, raw: dict[str, str], large: bool
) -> None:
    add_sample_directory(content_store)
    handout = prepare(content_store.conn, template_id, raw, settings=SETTINGS, today=TODAY, large_print=large)
    pages = write([handout], tmp_path / "fiche.pdf")
    titles = [squash(t) for t in headings(handout)]
    for number, page in enumerate(pages[:-1], start=1):
        body = page.body()
        assert body, number
        last = squash(body[-1].text)
        assert not any(last and last in t for t in titles if len(last) >= 6), (number, body[-1].text)
        assert page.fill() >= 0.4, (number, page.fill())


@pytest.mark.parametrize("large", [False, True], ids=["normal", "gros"])
@pytest.mark.parametrize(("template_id", "raw"), ALL_TEMPLATES, ids=[t for t, _ in ALL_TEMPLATES])
def test_text_is_never_smaller_than_the_minimum(
    qapp: Any, content_store: Store, tmp_path: Path, template_id: str, raw: dict[str, str], large: bool
) -> None:
    add_sample_directory(content_store)
    handout = prepare(content_store.conn, template_id, raw, settings=SETTINGS, today=TODAY, large_print=large)
    minimum = (14.0 if large else 10.5) * DEJAVU_BOX * 0.98
    lines = [ln for page in write([handout], tmp_path / "fiche.pdf") for ln in page.lines if ln.text.strip(" .✂-")]
    small = [(round(ln.height, 1), ln.text) for ln in lines if ln.height < minimum]
    assert not small, small[:5]


def test_calendar_rows_are_never_split(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    handout = prepare(
        content_store.conn, "calendrier-1000-jours", {"terme": "2026-05-01"}, settings=SETTINGS, today=TODAY
    )
    pages = write([handout], tmp_path / "calendrier.pdf")
    assert len(pages) >= 3
    _css, blocks = split_blocks(handout.html)
    rows = [b for b in blocks if b.kind == "insecable"]
    assert len(rows) > 20
    page_texts = [squash(page_text(tmp_path / "calendrier.pdf", n)) for n in range(1, len(pages) + 1)]
    for row in rows:
        # Cell by cell, and a cell's name apart from its description: pdftotext may read them apart.
        pieces = re.split(r"</td>|<br\s*/?>", row.html)
        cells = [squash(html.unescape(re.sub(r"<[^>]*>", " ", c))) for c in pieces]
        cells = [c for c in cells if c]
        assert any(all(c in page for c in cells) for page in page_texts), cells


def test_calendar_header_row_is_repeated_on_every_page(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    for large in (False, True):
        handout = prepare(
            content_store.conn,
            "calendrier-1000-jours",
            {"terme": "2026-05-01"},
            settings=SETTINGS,
            today=TODAY,
            large_print=large,
        )
        pdf = tmp_path / f"calendrier-{large}.pdf"
        pages = write([handout], pdf)
        assert len(pages) >= 3
        for number in range(1, len(pages) + 1):
            text = page_text(pdf, number)
            lines = [" ".join(ln.split()) for ln in text.splitlines()]
            assert "Fait" in lines and "Vers le" in lines, (large, number, text[:300])
            assert "Rendez-vous ou démarche" in lines, (large, number)
        # Drawn once per page, not twice on the first page.
        assert page_text(pdf, 1).count("Rendez-vous ou démarche") == 1


def test_contacts_twenty_km_around_a_town_fit_two_pages_and_qr_codes_match_the_phones(
    qapp: Any, national_store: Store, tmp_path: Path
) -> None:
    handout = prepare(
        national_store.conn,
        "contacts-utiles",
        {"commune": "25290 Ornans", "rayon": "20"},
        settings=SETTINGS,
        today=TODAY,
    )
    assert "Contacts utiles autour d\u2019Ornans" in handout.html
    pdf = tmp_path / "contacts.pdf"
    pages = write([handout], pdf)
    assert len(pages) <= 2
    texts = [page_text(pdf, n) for n in range(1, len(pages) + 1)]
    cards = decode_qr(pdf, tmp_path)
    assert len(cards) >= 5 and len(cards) == image_count(pdf)  # every code printed is read
    for card in cards:
        name_match, tel_match = re.search(r"FN:(.*)", card), re.search(r"TEL:(\S+)", card)
        assert name_match is not None and tel_match is not None
        name = squash(name_match.group(1).replace("\\,", ",").strip())
        dial = tel_match.group(1)
        local = format_phone(dial).replace(" ", "")  # +262639… (Mayotte) is printed 06 39 …
        # The contact is whole on one page: its name and its phone, as printed, are read on the same page
        # (« 04 65 71 26 36 » in pairs; a national number as its service writes it, « 0 800 00 3456 »).
        printed = [squash(t).replace("\u2019", "'") for t in texts]  # names are printed with ’
        assert any(name in p and local in p for p in printed), (name, local)


def test_a_type_with_nothing_nearby_gets_its_national_number(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    add_sample_directory(content_store)
    handout = prepare(
        content_store.conn,
        "contacts-utiles",
        {"commune": "25290 Ornans", "rayon": "10", "types": "caf,cpam,maternite"},
        settings=SETTINGS,
        today=TODAY,
    )
    assert handout.warning  # the batch says so before printing a sheet with no contact
    text = " ".join(ln.text for p in write([handout], tmp_path / "vide.pdf") for ln in p.lines)
    assert "3230" in text and "3646" in text
    assert "Maternité" in text  # named as not found nearby
    assert "15 SAMU" in text and "112" in text


def test_chosen_entries_in_their_order_with_a_free_line(qapp: Any, national_store: Store, tmp_path: Path) -> None:
    around = communes.resolve("25290 Ornans")
    hits = search(national_store.conn, around=around, radius_km=20, types=["pmi", "sage-femme"], limit=3)
    ids = [h.id for h in reversed(hits)]
    handout = prepare(
        national_store.conn,
        "contacts-utiles",
        {"commune": "25290 Ornans", "rayon": "20", "structures": ",".join(ids), "ligne": "Permanence le mardi"},
        settings=SETTINGS,
        today=TODAY,
    )
    positions = [handout.html.find(html.escape(h.entry.name, quote=False)) for h in reversed(hits)]
    assert all(p > 0 for p in positions) and positions == sorted(positions)
    assert "Permanence le mardi" in handout.html
    assert not handout.warning


# -- typography and metadata --------------------------------------------------------------------------
@pytest.mark.parametrize(("template_id", "raw"), ALL_TEMPLATES, ids=[t for t, _ in ALL_TEMPLATES])
def test_french_spacing_in_what_is_printed(content_store: Store, template_id: str, raw: dict[str, str]) -> None:
    add_sample_directory(content_store)
    handout = prepare(content_store.conn, template_id, raw, settings=SETTINGS, today=TODAY)
    texts: list[str] = []
    map_text(handout.html, lambda t: texts.append(t) or t)  # type: ignore[func-returns-value]
    joined = "\n".join(texts)
    assert not re.search(r"[ \t][:;!?»]", joined), re.findall(r".{12}[ \t][:;!?»]", joined)[:3]
    assert not re.search(r"«[ \t]", joined)
    assert "'" not in joined  # typographic apostrophes only
    assert not re.search(r"\w[;!?]", joined)
    if " : " in joined.replace(NBSP, " "):
        assert f"{NBSP}:" in joined


def test_letterhead_phone_and_pdf_metadata(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    settings = Settings(structure_name="Maison des familles de Besançon", professional_phone="0381622233")
    handout = prepare(content_store.conn, "fiche-conseil", {"articles": THREE_ARTICLES}, settings=settings, today=TODAY)
    assert handout.letterhead.contact_line() == f"03{NBSP}81{NBSP}62{NBSP}22{NBSP}33"
    pdf = tmp_path / "meta.pdf"
    write([handout], pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    info = info.replace(NBSP, " ").replace(NNBSP, " ")
    title = "Title:           Allaitement : quand c\u2019est douloureux ou difficile ; Allergies alimentaires"
    assert title in info
    assert "Author:          Maison des familles de Besançon" in info


def test_no_header_when_there_is_nobody_to_name(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    handout = prepare(content_store.conn, "fiche-etape", {"etape": "3"}, settings=Settings(), today=TODAY)
    pages = write([handout], tmp_path / "anonyme.pdf")
    first = pages[0].lines[0]
    assert first.top < 24 * MM  # the text starts where the header would have been
    assert "Étape 3" in first.text


# -- numéros utiles and rendez-vous ---------------------------------------------------------------------
@pytest.mark.parametrize("large", [False, True], ids=["normal", "gros"])
def test_numeros_utiles_one_page(qapp: Any, national_store: Store, tmp_path: Path, large: bool) -> None:
    ids = add_locals(national_store)
    handout = prepare(
        national_store.conn,
        "numeros-utiles",
        {"structures": ",".join(ids)},
        settings=SETTINGS,
        today=TODAY,
        large_print=large,
    )
    pdf = tmp_path / "numeros.pdf"
    pages = write([handout], pdf)
    assert len(pages) == 1
    text = " ".join(ln.text for ln in pages[0].lines)
    for number in ("15", "112", "114", "17", "119", "3919", "3114", "0 800 00 3456", "39 89", "3230", "3646"):
        assert re.search(rf"(^|\s){re.escape(number)}(\s|$)", text), number
    assert "centre antipoison" in text.lower()
    assert len(decode_qr(pdf, tmp_path)) == 2


@pytest.mark.parametrize("large", [False, True], ids=["normal", "gros"])
def test_numeros_utiles_with_four_local_contacts_fit_one_page(
    qapp: Any, national_store: Store, tmp_path: Path, large: bool
) -> None:
    ids = add_locals(national_store, 4)
    handout = prepare(
        national_store.conn,
        "numeros-utiles",
        {"structures": ",".join(ids)},
        settings=SETTINGS,
        today=TODAY,
        large_print=large,
    )
    pdf = tmp_path / "numeros.pdf"
    pages = write([handout], pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    printed = squash(page_text(pdf, 1)).replace("\u2019", "'")
    assert all(number in printed for number in ("3919", "3114", "3230", "3646"))
    cards = decode_qr(pdf, tmp_path)
    assert len(cards) == 4 == image_count(pdf)
    for local in LOCALS:
        card = next((c for c in cards if f"TEL:{local['phone']}" in c), "")
        assert card, local["phone"]  # the code carries the phone of this contact...
        assert squash(str(local["name"])) in squash(card.replace("\\,", ",")), card
        # ...and the same phone and name are printed on the page, next to it.
        assert format_phone(str(local["phone"])).replace(" ", "") in printed, local["phone"]
        assert squash(str(local["name"])) in printed, local["name"]
    assert pages[0].body(), "rien dans le corps de la page"


def test_appointment_card_with_a_structure_from_the_directory(qapp: Any, national_store: Store, tmp_path: Path) -> None:
    entry_id = add_locals(national_store)[0]
    handout = prepare(
        national_store.conn,
        "rendez-vous",
        {"date": "2026-04-02", "heure": "14:30", "structure": entry_id},
        settings=SETTINGS,
        today=TODAY,
    )
    pdf = tmp_path / "rdv.pdf"
    pages = write([handout], pdf)
    assert len(pages) == 1
    text = squash(" ".join(ln.text for ln in pages[0].lines))
    assert squash("PMI d\u2019Ornans") in text and squash("2 rue Pierre Vernier 25290 Ornans") in text
    cards = decode_qr(pdf, tmp_path)
    assert len(cards) == 2  # two cards to cut out, each with its code
    assert all("TEL:+33353010101" in c and "FN:PMI d'Ornans" in c for c in cards)
    assert "0353010101" in text
    assert "14 h 30" in " ".join(ln.text for ln in pages[0].lines)


def test_zbarimg_is_there() -> None:
    assert shutil.which("zbarimg"), "zbar-tools manquant : packaging/tester.sh l'installe"


def test_a_long_print_run_cannot_use_up_the_references_to_none(qapp: Any) -> None:
    """PySide6 6.12 drops a reference to None on QPainter.save and friends (ui/qt.py guards it)."""
    import sys

    from ui.qt import QImage, QPainter

    image = QImage(10, 10, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    before = sys.getrefcount(None)
    for _ in range(1000):
        painter.save()
        painter.restore()
    painter.end()
    assert sys.getrefcount(None) > 1 << 39 or sys.getrefcount(None) >= before
