"""Handout HTML → QTextDocument → pages on a QPdfWriter or a QPrinter, A4, with our own header and footer.

QTextDocument.print_() adds its own margin and page number; we lay the document out on the
device ourselves and paint each page: the structure and the professional's contact at the top,
the date and « page n / N » at the bottom. Rendering runs off the GUI thread through
`in_qt_thread`: QTextDocument's lazy layout starts a timer, and a plain Python thread (the
runner's pool) has no Qt event dispatcher for it (« QBasicTimer::start … » on X11); a QThread has.
Each QTextDocument is created on the thread that paints it.
"""

from __future__ import annotations

import os
import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from milpj_desktop import PRODUCT_NAME
from milpj_desktop.errors import KnownError
from milpj_desktop.handouts import Handout, Letterhead
from milpj_desktop.worker import Cancelled
from ui.qt import (
    QColor,
    QFont,
    QFontMetricsF,
    QMarginsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPrinter,
    QRectF,
    QSizeF,
    Qt,
    QTextDocument,
    QThread,
)

FONT_FAMILY = "DejaVu Sans"
BASE_POINTS = 11.0
LARGE_POINTS = 15.0  # large print: ≥ 14 pt, as the issue asks
PDF_DPI = 300
HEADER_COLOUR = QColor("#000091")
RULE_COLOUR = QColor("#9aa0b8")
TEXT_GREY = QColor("#4a4a4a")


class PrintError(KnownError):
    """The PDF or the printer could not be written."""


@dataclass(frozen=True)
class Margins:
    """Page margins in millimetres; the header and footer sit inside the top and bottom ones."""

    left: float = 18.0
    right: float = 18.0
    top: float = 28.0
    bottom: float = 20.0
    header: float = 10.0  # distance from the paper's top edge to the header's baseline zone
    footer: float = 10.0


MARGINS = Margins()
LARGE_MARGINS = Margins(left=16.0, right=16.0, top=34.0, bottom=24.0, header=9.0, footer=10.0)

Progress = Callable[[int, int, str], None]
T = TypeVar("T")


class _QtThread(QThread, Generic[T]):
    def __init__(self, fn: Callable[[], T]) -> None:
        super().__init__()
        self.fn = fn
        self.value: T | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.value = self.fn()
        except BaseException as exc:
            # The traceback's frames hold the QTextDocuments: free them here, on the thread that made
            # them (elsewhere Qt warns « QBasicTimer::stop: Failed »); keep the text for a bug report.
            if not isinstance(exc, KnownError | Cancelled):
                exc.add_note("".join(traceback.format_tb(exc.__traceback__)))
            self.error = exc.with_traceback(None)


def in_qt_thread(fn: Callable[[], T]) -> T:
    """Run fn on a short-lived QThread and wait for it (call it from a background task, never the GUI)."""
    thread = _QtThread(fn)
    thread.start()
    thread.wait()
    if thread.error is not None:
        raise thread.error
    return thread.value  # type: ignore[return-value]


def _mm(device_dpi: int, millimetres: float) -> float:
    return millimetres * device_dpi / 25.4


def layout_document(html: str, *, large_print: bool, device: QPdfWriter | QPrinter) -> tuple[QTextDocument, QRectF]:
    """The handout laid out for this device; returns the document and the body rectangle on the page."""
    dpi = device.resolution()
    margins = LARGE_MARGINS if large_print else MARGINS
    page = QRectF(0, 0, device.width(), device.height())
    body = QRectF(
        _mm(dpi, margins.left),
        _mm(dpi, margins.top),
        page.width() - _mm(dpi, margins.left + margins.right),
        page.height() - _mm(dpi, margins.top + margins.bottom),
    )
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)
    font = QFont(FONT_FAMILY)
    font.setPointSizeF(LARGE_POINTS if large_print else BASE_POINTS)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setHtml(html)
    doc.setPageSize(QSizeF(body.width(), body.height()))
    return doc, body


def _decor_font(points: float, *, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def paint_decor(
    painter: QPainter,
    device: QPdfWriter | QPrinter,
    letterhead: Letterhead,
    *,
    title: str,
    page: int,
    pages: int,
    large_print: bool,
) -> None:
    """Header (structure, contact) and footer (date, page n / N) of one page."""
    dpi = device.resolution()
    margins = LARGE_MARGINS if large_print else MARGINS
    left = _mm(dpi, margins.left)
    width = device.width() - _mm(dpi, margins.left + margins.right)
    small = 12.0 if large_print else 8.5
    head = 14.0 if large_print else 10.0
    painter.save()
    # Header: structure name on the left, the professional's contact on the right (below it when
    # both do not fit on one line), a thin rule under them.
    top = _mm(dpi, margins.header)
    name_font = _decor_font(head, bold=True)
    contact_font = _decor_font(head if large_print else small)
    name_metrics = QFontMetricsF(name_font, device)
    contact = letterhead.contact_line()
    gap = _mm(dpi, 6)
    one_line = (
        name_metrics.horizontalAdvance(letterhead.structure)
        + QFontMetricsF(contact_font, device).horizontalAdvance(contact)
        + gap
        <= width
    )
    structure = name_metrics.elidedText(letterhead.structure, Qt.TextElideMode.ElideRight, width)
    contact = QFontMetricsF(contact_font, device).elidedText(contact, Qt.TextElideMode.ElideRight, width)
    painter.setPen(HEADER_COLOUR)
    painter.setFont(name_font)
    name_box = QRectF(left, top, width, name_metrics.height() * 1.2)
    painter.drawText(name_box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), structure)
    painter.setPen(TEXT_GREY)
    painter.setFont(contact_font)
    contact_box = name_box if one_line or not letterhead.structure else name_box.translated(0, name_box.height())
    align = Qt.AlignmentFlag.AlignRight if one_line else Qt.AlignmentFlag.AlignLeft
    painter.drawText(contact_box, int(align | Qt.AlignmentFlag.AlignTop), contact)
    rule_y = _mm(dpi, margins.top - 5)
    painter.setPen(RULE_COLOUR)
    painter.drawLine(int(left), int(rule_y), int(left + width), int(rule_y))
    # Footer: date on the left, « page n / N » on the right, the title in the middle when it fits.
    footer_font = _decor_font(small)
    metrics = QFontMetricsF(footer_font, device)
    bottom = device.height() - _mm(dpi, margins.footer)
    footer = QRectF(left, bottom - metrics.height() * 1.3, width, metrics.height() * 1.3)
    line_y = int(footer.top() - _mm(dpi, 1.5))
    painter.drawLine(int(left), line_y, int(left + width), line_y)
    painter.setPen(TEXT_GREY)
    painter.setFont(footer_font)
    bottom_flags = Qt.AlignmentFlag.AlignBottom
    date_text = f"Remis le {letterhead.printed_on}" if letterhead.printed_on else ""
    page_text = f"page {page} / {pages}"
    painter.drawText(footer, int(Qt.AlignmentFlag.AlignLeft | bottom_flags), date_text)
    painter.drawText(footer, int(Qt.AlignmentFlag.AlignRight | bottom_flags), page_text)
    side = (width - metrics.horizontalAdvance(title)) / 2
    if side >= max(metrics.horizontalAdvance(date_text), metrics.horizontalAdvance(page_text)) + gap:
        painter.drawText(footer, int(Qt.AlignmentFlag.AlignHCenter | bottom_flags), title)
    painter.restore()


def paint_handouts(
    painter: QPainter,
    device: QPdfWriter | QPrinter,
    handouts: Sequence[Handout],
    *,
    copies: int = 1,
    progress: Progress | None = None,
    check_cancelled: Callable[[], None] | None = None,
) -> int:
    """Paint every handout, `copies` times each, each starting on a new page; returns the pages painted."""
    painted = 0
    total = len(handouts) * copies
    done = 0
    for handout in handouts:
        doc, body = layout_document(handout.html, large_print=handout.large_print, device=device)
        pages = max(1, doc.pageCount())
        for _copy in range(copies):
            if check_cancelled is not None:
                check_cancelled()
            for number in range(pages):
                if painted and not device.newPage():
                    raise PrintError("Impossible d'ajouter une page : l'imprimante ou le fichier a refusé l'écriture.")
                painter.save()
                painter.translate(body.left(), body.top() - number * body.height())
                doc.drawContents(painter, QRectF(0, number * body.height(), body.width(), body.height()))
                painter.restore()
                paint_decor(
                    painter,
                    device,
                    handout.letterhead,
                    title=handout.title,
                    page=number + 1,
                    pages=pages,
                    large_print=handout.large_print,
                )
                painted += 1
            done += 1
            if progress is not None:
                progress(done, total, f"Fiche {done} / {total}")
    return painted


def new_pdf_writer(path: Path, title: str) -> QPdfWriter:
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    )
    writer.setTitle(title)
    writer.setCreator(PRODUCT_NAME)
    return writer


def write_pdf(
    handouts: Sequence[Handout],
    path: Path,
    *,
    copies: int = 1,
    progress: Progress | None = None,
    check_cancelled: Callable[[], None] | None = None,
) -> int:
    """Write the handouts into one PDF (atomically: a cancelled or failed run leaves no half file)."""
    if not handouts:
        raise PrintError("Aucune fiche à écrire.")
    folder = path.resolve().parent
    if not folder.is_dir():
        raise PrintError(f"Dossier introuvable pour le PDF : {folder}")
    handle, temp_name = tempfile.mkstemp(prefix=".fiche-", suffix=".pdf", dir=folder)
    os.close(handle)
    temp = Path(temp_name)
    try:
        writer = new_pdf_writer(temp, handouts[0].title)
        painter = QPainter()
        if not painter.begin(writer):
            raise PrintError(f"Impossible d'écrire le PDF dans {folder}.")
        try:
            pages = paint_handouts(
                painter, writer, handouts, copies=copies, progress=progress, check_cancelled=check_cancelled
            )
        finally:
            painter.end()
        del writer
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return pages


def prepare_printer(printer: QPrinter, *, copies: int, title: str) -> None:
    """A4, full page (our margins), copies handled by the printer when it can."""
    printer.setFullPage(True)
    printer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    )
    printer.setDocName(title)
    printer.setCopyCount(copies)


def print_to(
    printer: QPrinter,
    handouts: Sequence[Handout],
    *,
    copies: int = 1,
    progress: Progress | None = None,
    check_cancelled: Callable[[], None] | None = None,
) -> int:
    """Paint on a printer (or the preview's printer). Copies go to the printer when it supports them."""
    own_copies = 1
    if copies > 1 and not printer.supportsMultipleCopies():
        printer.setCopyCount(1)
        own_copies = copies
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("L'imprimante n'est pas disponible : vérifiez qu'elle est allumée et connectée.")
    try:
        return paint_handouts(
            painter, printer, handouts, copies=own_copies, progress=progress, check_cancelled=check_cancelled
        )
    finally:
        painter.end()
