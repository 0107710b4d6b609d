"""Handout HTML → blocks of QTextDocument → A4 pages on a QPdfWriter, a QPrinter or screen images.

QTextDocument's own pagination cuts anywhere (a heading alone at a page foot, a table row or a
contact split in two), so the handout is cut into blocks marked by its template
(milpj_desktop.handouts.blocks), each block is laid out alone on the device and we place blocks on
pages ourselves: headings stay with what follows, rows and contacts are never split, text is cut
between lines with no widow or orphan. Each page gets our header (the structure and its contact,
or nothing) and footer (the date, the title, « page n / N »). The preview paints the same layout
on images. Rendering runs off the GUI thread through
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
from typing import Any, Generic, TypeVar

from milpj_desktop import PRODUCT_NAME
from milpj_desktop.errors import KnownError
from milpj_desktop.handouts import Handout
from milpj_desktop.handouts.blocks import split_blocks
from milpj_desktop.handouts.safe_html import allowed, safe_css, safe_html
from milpj_desktop.worker import Cancelled
from ui.qt import (
    QBuffer,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
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
    QUrl,
)

FONT_FAMILY = "DejaVu Sans"
BASE_POINTS = 11.0
LARGE_POINTS = 15.0  # large print: ≥ 14 pt, as the issue asks
DECOR_POINTS = 10.5  # header and footer: never below the body's minimum
DECOR_LARGE_POINTS = 14.0
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


def _mm(device_dpi: float, millimetres: float) -> float:
    return millimetres * device_dpi / 25.4


Device = QPdfWriter | QPrinter | QImage
MIN_PIECE_LINES = 2  # a heading keeps at least two lines of what follows; a paragraph cut leaves two lines
CLIP_EPSILON = 0.5  # device pixels: a line that starts exactly at a cut belongs to the next page only


@dataclass(frozen=True)
class Slice:
    """A band [top, bottom) of one block's document, drawn `at` pixels below the top of the body."""

    doc: int
    top: float
    bottom: float
    at: float


@dataclass
class Paged:
    """A handout laid out in blocks and placed on A4 pages; painted on a PDF, a printer or an image."""

    handout: Handout
    docs: list[QTextDocument]
    pages: list[list[Slice]]
    body: QRectF
    page_size: QSizeF
    dpi: float
    device: Device

    def fill(self, number: int) -> float:
        """How much of the body height page `number` (0-based) uses, from 0 to 1."""
        slices = self.pages[number]
        if not slices:
            return 0.0
        return max(s.at + s.bottom - s.top for s in slices) / self.body.height()


def margins_for(handout: Handout) -> Margins:
    margins = LARGE_MARGINS if handout.large_print else MARGINS
    if not handout.letterhead.has_header():
        # No structure and no contact: no header line at all, and its room goes to the text.
        return Margins(
            left=margins.left,
            right=margins.right,
            top=margins.header + 4,
            bottom=margins.bottom,
            header=margins.header,
            footer=margins.footer,
        )
    return margins


def _body_rect(handout: Handout, dpi: float, page: QSizeF) -> QRectF:
    margins = margins_for(handout)
    return QRectF(
        _mm(dpi, margins.left),
        _mm(dpi, margins.top),
        page.width() - _mm(dpi, margins.left + margins.right),
        page.height() - _mm(dpi, margins.top + margins.bottom),
    )


class _HandoutDocument(QTextDocument):
    """A QTextDocument that loads no resource but our own QR images (data:image/png): never a local
    file, a remote URL nor a style sheet, whatever the HTML asks for (Qt reads local files by default)."""

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        url = name.toString() if isinstance(name, QUrl) else name
        if kind == QTextDocument.ResourceType.ImageResource.value and allowed("src", url):
            return super().loadResource(kind, name)
        return None


def _block_document(css: str, fragment: str, font: QFont, width: float, device: Device) -> QTextDocument:
    doc = _HandoutDocument()
    doc.documentLayout().setPaintDevice(device)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    # Again here, whatever HTML reaches printing: Qt's image handler reads a local path by itself
    # when loadResource gives nothing, so no such path may reach setHtml.
    doc.setDefaultStyleSheet(safe_css(css))
    doc.setHtml(safe_html(fragment))
    doc.setTextWidth(width)
    return doc


@dataclass(frozen=True)
class _Measure:
    """What placement needs to know of one block: its kind, height, first line and where it may be cut."""

    kind: str
    height: float
    lead: float  # top of the first line: the space above it is dropped at the top of a page
    space: float  # the first block's top margin, which Qt leaves out of a document's layout
    cuts: tuple[float, ...]  # y where a page may end inside the block (line tops), ascending
    lines: tuple[float, ...]  # every line top in the root frame, ascending (for « two lines » rules)


def _measure(doc: QTextDocument, kind: str, dpi: float) -> _Measure:
    layout = doc.documentLayout()
    space = doc.begin().blockFormat().topMargin() * dpi / 96.0  # CSS pixels → device pixels, as Qt scales
    root = doc.rootFrame()
    height = layout.documentSize().height()
    cuts: list[float] = []
    lines: list[float] = []
    lead: float | None = None
    announces = False
    block = doc.begin()
    while block.isValid():
        text_layout = block.layout()
        rect = layout.blockBoundingRect(block)
        in_root = doc.frameAt(block.position()) == root
        count = text_layout.lineCount()
        for index in range(count):
            top = rect.top() + text_layout.lineAt(index).y()
            if lead is None:
                lead = top
            if not in_root:
                continue
            lines.append(top)
            # No widow, no orphan: cut at a paragraph's start (not after a line announcing a list with
            # « : »), or with two lines on each side.
            starts = index == 0 and not announces
            if top > (lead or 0.0) and (starts or (index >= MIN_PIECE_LINES and count - index >= MIN_PIECE_LINES)):
                cuts.append(top)
        if in_root and block.text().strip():
            announces = block.text().rstrip().endswith(":")
        block = block.next()
    return _Measure(kind, height, lead or 0.0, space, tuple(sorted(set(cuts))), tuple(sorted(set(lines))))


def _first_part(measures: list[_Measure], index: int) -> float:
    """The height that must follow a heading on its page: the next block, or its part before the first cut."""
    if index >= len(measures):
        return 0.0
    nxt = measures[index]
    if nxt.kind in KEPT_WITH_NEXT:
        return nxt.height + nxt.space + _first_part(measures, index + 1)
    if nxt.kind == "flux" and nxt.cuts:
        return nxt.cuts[0] + nxt.space  # up to where it may first be cut
    return nxt.height + nxt.space


KEPT_WITH_NEXT = ("titre", "entete")
EMPTY_KINDS = ("saut", "fin-entete")


def place_blocks(measures: list[_Measure], page_height: float) -> list[list[Slice]]:
    """Stack blocks down pages: headings kept with what follows, unbreakable blocks moved whole.

    A table header (``entete``) is drawn again at the top of each new page until its table ends.
    """
    pages: list[list[Slice]] = [[]]
    used = 0.0
    floor = 0.0  # what a fresh page already holds: nothing, or the repeated table header
    header: int | None = None  # index of the table header to repeat on a new page
    index = 0
    resume: float | None = None  # where the current block continues after a cut

    def new_page() -> None:
        nonlocal used, floor
        pages.append([])
        used = floor = 0.0
        if header is not None:
            head = measures[header]
            pages[-1].append(Slice(header, 0.0, head.height, 0.0))  # whole, its top border too
            used = floor = head.height

    while index < len(measures):
        block = measures[index]
        if block.kind in EMPTY_KINDS:
            header = None
            if block.kind == "saut" and pages[-1]:
                new_page()
            index += 1
            continue
        if block.kind == "entete":
            header = None  # placed as a heading here; repeated only on the pages after this one
        fresh = used == floor
        top = resume if resume is not None else (block.lead if used == 0 else -block.space)
        need = block.height - top
        if block.kind in KEPT_WITH_NEXT:
            need += _first_part(measures, index + 1)
        room = page_height - used
        if need <= room or (fresh and block.kind != "flux" and block.height - top <= room):
            pages[-1].append(Slice(index, top, block.height, used))
            used += block.height - top
            if block.kind == "entete":
                header = index
            index += 1
            resume = None
            continue
        cuts = block.cuts if block.kind == "flux" or fresh else ()
        if fresh and not cuts:
            cuts = block.lines  # taller than a page and nowhere good to cut: cut between any lines
        fitting = [c for c in cuts if top < c and c - top <= room and c - top > 0]
        if fitting and (block.kind == "flux" or fresh):
            cut = fitting[-1]
            pages[-1].append(Slice(index, top, cut, used))
            resume = cut
        elif fresh:  # one line taller than the page: let it overflow rather than loop
            pages[-1].append(Slice(index, top, block.height, used))
            if block.kind == "entete":
                header = index
            index += 1
            resume = None
        new_page()
    if len(pages) > 1 and all(s.doc == header for s in pages[-1]):
        pages.pop()  # nothing but a repeated header (or nothing at all) on the last page
    return pages


def paginate(handout: Handout, device: Device) -> Paged:
    """Lay the handout out on this device, block by block, and place the blocks on pages."""
    dpi = float(device.logicalDpiY())
    page = QSizeF(device.width(), device.height())
    body = _body_rect(handout, dpi, page)
    css, blocks = split_blocks(handout.html)
    font = QFont(FONT_FAMILY)
    font.setPointSizeF(LARGE_POINTS if handout.large_print else BASE_POINTS)
    docs: list[QTextDocument] = []
    measures: list[_Measure] = []
    for block in blocks:
        if block.kind in EMPTY_KINDS:
            docs.append(_HandoutDocument())
            measures.append(_Measure(block.kind, 0.0, 0.0, 0.0, (), ()))
            continue
        doc = _block_document(css, block.html, font, body.width(), device)
        docs.append(doc)
        measures.append(_measure(doc, block.kind, dpi))
    return Paged(handout, docs, place_blocks(measures, body.height()), body, page, dpi, device)


def paint_page(painter: QPainter, paged: Paged, number: int) -> None:
    """Body and decor of page `number` (0-based) in the device's pixels (scale the painter for a preview)."""
    body = paged.body
    for piece in paged.pages[number]:
        doc = paged.docs[piece.doc]
        painter.save()
        painter.translate(body.left(), body.top() + piece.at - piece.top)
        top = max(piece.top, 0.0) + (CLIP_EPSILON if piece.top > 0 else 0.0)
        doc.drawContents(painter, QRectF(0, top, body.width(), piece.bottom - top - CLIP_EPSILON))
        painter.restore()
    paint_decor(
        painter,
        paged,
        page=number + 1,
        pages=len(paged.pages),
    )


def _decor_font(points: float, *, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def paint_decor(painter: QPainter, paged: Paged, *, page: int, pages: int) -> None:
    """Header (structure, contact: or nothing) and footer (date, title, page n / N) of one page."""
    handout, device, dpi = paged.handout, paged.device, paged.dpi
    letterhead = handout.letterhead
    large_print = handout.large_print
    margins = margins_for(handout)
    left = _mm(dpi, margins.left)
    width = paged.page_size.width() - _mm(dpi, margins.left + margins.right)
    small = DECOR_LARGE_POINTS if large_print else DECOR_POINTS
    head = 16.0 if large_print else 11.5
    gap = _mm(dpi, 6)
    painter.save()
    if letterhead.has_header():
        # Structure name on the left, the contact on the right (below it when both do not fit).
        top = _mm(dpi, margins.header)
        name_font = _decor_font(head, bold=True)
        contact_font = _decor_font(small)
        name_metrics = QFontMetricsF(name_font, device)
        contact_metrics = QFontMetricsF(contact_font, device)
        contact = letterhead.contact_line()
        one_line = (
            name_metrics.horizontalAdvance(letterhead.structure) + contact_metrics.horizontalAdvance(contact) + gap
            <= width
        )
        structure = name_metrics.elidedText(letterhead.structure, Qt.TextElideMode.ElideRight, width)
        contact = contact_metrics.elidedText(contact, Qt.TextElideMode.ElideRight, width)
        painter.setPen(HEADER_COLOUR)
        painter.setFont(name_font)
        name_box = QRectF(left, top, width, name_metrics.height() * 1.2)
        painter.drawText(name_box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), structure)
        painter.setPen(TEXT_GREY)
        painter.setFont(contact_font)
        below = not one_line and bool(letterhead.structure)
        contact_box = name_box.translated(0, name_box.height()) if below else name_box
        align = Qt.AlignmentFlag.AlignRight if one_line else Qt.AlignmentFlag.AlignLeft
        painter.drawText(contact_box, int(align | Qt.AlignmentFlag.AlignTop), contact)
        rule_y = _mm(dpi, margins.top - 4)
        painter.setPen(RULE_COLOUR)
        painter.drawLine(int(left), int(rule_y), int(left + width), int(rule_y))
    footer_font = _decor_font(small)
    metrics = QFontMetricsF(footer_font, device)
    bottom = paged.page_size.height() - _mm(dpi, margins.footer)
    footer = QRectF(left, bottom - metrics.height() * 1.3, width, metrics.height() * 1.3)
    line_y = int(footer.top() - _mm(dpi, 1.5))
    painter.setPen(RULE_COLOUR)
    painter.drawLine(int(left), line_y, int(left + width), line_y)
    painter.setPen(TEXT_GREY)
    painter.setFont(footer_font)
    bottom_flags = Qt.AlignmentFlag.AlignBottom
    date_text = f"Remis le {letterhead.printed_on}" if letterhead.printed_on else ""
    page_text = f"page {page} / {pages}"
    painter.drawText(footer, int(Qt.AlignmentFlag.AlignLeft | bottom_flags), date_text)
    painter.drawText(footer, int(Qt.AlignmentFlag.AlignRight | bottom_flags), page_text)
    title = handout.doc_title
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
        paged = paginate(handout, device)
        for _copy in range(copies):
            if check_cancelled is not None:
                check_cancelled()
            for number in range(len(paged.pages)):
                if painted and not device.newPage():
                    raise PrintError("Impossible d'ajouter une page : l'imprimante ou le fichier a refusé l'écriture.")
                paint_page(painter, paged, number)
                painted += 1
            done += 1
            if progress is not None:
                progress(done, total, f"Fiche {done} / {total}")
    return painted


def pdf_title(handouts: Sequence[Handout]) -> str:
    """The PDF's title: the real titles of what is printed (three at most, then « … »)."""
    titles: list[str] = []
    for handout in handouts:
        if handout.doc_title not in titles:
            titles.append(handout.doc_title)
    return " ; ".join(titles[:3]) + (" ; …" if len(titles) > 3 else "")


@dataclass(frozen=True)
class PageImages:
    """A handout's pages drawn for the screen, and the text they show (for tests and screen readers)."""

    images: list[QImage]
    text: str


def render_page_images(handout: Handout, *, dpi: float) -> PageImages:
    """The pages exactly as the PDF lays them out (same device metrics), drawn on images for the screen."""
    buffer = QBuffer()
    layout_device = _pdf_device(QPdfWriter(buffer))
    paged = paginate(handout, layout_device)
    scale = dpi / paged.dpi
    images: list[QImage] = []
    for number in range(len(paged.pages)):
        image = QImage(
            int(paged.page_size.width() * scale), int(paged.page_size.height() * scale), QImage.Format.Format_RGB32
        )
        image.fill(QColor("#ffffff"))
        # Fonts set in points (header, footer) resolve at the layout's resolution, then the painter scales.
        image.setDotsPerMeterX(round(paged.dpi / 0.0254))
        image.setDotsPerMeterY(round(paged.dpi / 0.0254))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.scale(scale, scale)
        paint_page(painter, paged, number)
        painter.end()
        images.append(image)
    text = "\n".join(doc.toPlainText() for doc in paged.docs)
    del paged
    return PageImages(images, text)


def _pdf_device(writer: QPdfWriter) -> QPdfWriter:
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    )
    return writer


def new_pdf_writer(path: Path, title: str, *, author: str = "") -> QPdfWriter:
    """An A4 PDF whose title is what is printed and whose author is the structure that hands it over."""
    writer = _pdf_device(QPdfWriter(str(path)))
    writer.setTitle(title)
    if author:
        writer.setAuthor(author)
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
        writer = new_pdf_writer(temp, pdf_title(handouts), author=handouts[0].letterhead.structure)
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
