"""Fiches page: the live preview shows the A4 pages exactly as the PDF lays them out, zoomable, « page n / N »."""

from __future__ import annotations

from ui.qt import (
    QComboBox,
    QHBoxLayout,
    QImage,
    QLabel,
    QPixmap,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

SCREEN_DPI = 96.0
ZOOMS = (0.0, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)  # 0: the page as wide as the view
DEFAULT_ZOOM = 0.0
A4_WIDTH_INCHES = 210 / 25.4


class PagePreview(QWidget):
    """Page images in a scroll area; the zoom asks for a new rendering (sharp text, not a scaled picture)."""

    zoom_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.zoom = QComboBox()
        self.zoom.setAccessibleName("Zoom de l’aperçu")
        for factor in ZOOMS:
            self.zoom.addItem(f"{round(factor * 100)} %" if factor else "Pleine largeur", factor)
        self.zoom.setCurrentIndex(ZOOMS.index(DEFAULT_ZOOM))
        self.position = QLabel()
        self.position.setObjectName("fiches-apercu-page")
        self.message = QLabel()
        self.message.setObjectName("fiches-apercu-message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        top = QHBoxLayout()
        top.addWidget(QLabel("Aperçu de la page imprimée"))
        top.addStretch(1)
        top.addWidget(self.position)
        top.addWidget(self.zoom)
        self.sheets = QWidget()
        self.sheets.setObjectName("fiches-apercu-pages")
        self.sheets_layout = QVBoxLayout(self.sheets)
        self.sheets_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.sheets_layout.setSpacing(12)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setWidget(self.sheets)
        self.area.setAccessibleName("Aperçu de la fiche")
        self.area.setStyleSheet("QScrollArea { background: #8a8f99; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.area, 1)
        self.pages: list[QLabel] = []
        self.text = ""
        self.zoom.currentIndexChanged.connect(lambda _: self.zoom_changed.emit())
        self.area.verticalScrollBar().valueChanged.connect(lambda _: self._update_position())
        self.message.hide()

    def dpi(self) -> float:
        """The resolution of the images at the current zoom (1 = the paper's size on a 96 dpi screen)."""
        factor = float(self.zoom.currentData() or 0.0)
        if not factor:  # as wide as the view, scroll bar and margins left out
            width = max(200, self.area.viewport().width() - 24)
            return width / A4_WIDTH_INCHES * self.devicePixelRatioF()
        return SCREEN_DPI * factor * self.devicePixelRatioF()

    def set_pages(self, images: list[QImage], text: str = "") -> None:
        self.clear()
        self.text = text
        ratio = self.devicePixelRatioF()
        for number, image in enumerate(images, start=1):
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            sheet = QLabel()
            sheet.setPixmap(pixmap)
            sheet.setFixedSize(round(image.width() / ratio), round(image.height() / ratio))  # never squeezed
            sheet.setAccessibleName(f"Page {number} sur {len(images)}")
            self.sheets_layout.addWidget(sheet)
            self.pages.append(sheet)
        self.message.hide()
        self._update_position()

    def show_message(self, text: str) -> None:
        """Why there is nothing to show (« Choisissez au moins un article. »), in place of stale pages."""
        self.clear()
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def clear(self) -> None:
        for sheet in self.pages:
            self.sheets_layout.removeWidget(sheet)
            sheet.deleteLater()
        self.pages = []
        self.text = ""
        self.position.clear()

    def toPlainText(self) -> str:
        """The text the pages show (what a screen reader or a test reads)."""
        return self.text

    def page_count(self) -> int:
        return len(self.pages)

    def current_page(self) -> int:
        """The page at the middle of the view (1-based; 0 with no page)."""
        if not self.pages:
            return 0
        middle = self.area.verticalScrollBar().value() + self.area.viewport().height() / 2
        for number, sheet in enumerate(self.pages, start=1):
            if sheet.geometry().bottom() >= middle:
                return number
        return len(self.pages)

    def _update_position(self) -> None:
        count = len(self.pages)
        self.position.setText(f"page {self.current_page()} / {count}" if count else "")
