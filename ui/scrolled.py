"""A page whose content scrolls instead of being cut when the text is large or the window small."""

from __future__ import annotations

from ui.qt import QFrame, QGridLayout, QPushButton, QResizeEvent, QScrollArea, QSize, QVBoxLayout, QWidget


def scrolled_body(page: QWidget, object_name: str, accessible_name: str) -> QWidget:
    """Give the page one frameless vertical scroll area; the caller lays its widgets out in what is returned."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    area = QScrollArea()
    area.setObjectName(object_name)
    area.setAccessibleName(accessible_name)  # it takes the focus: a screen reader names it
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    outer.addWidget(area)
    body = QWidget()
    body.setObjectName(f"{object_name}-contenu")
    area.setWidget(body)
    return body


class FlowingButtons(QWidget):
    """A row of buttons that wraps onto more rows when narrow, so a large text never widens the page."""

    def __init__(self, buttons: list[QPushButton]) -> None:
        super().__init__()
        self.buttons = buttons
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.columns = 0
        self._place(len(buttons))

    def _place(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for button in self.buttons:
            self.grid.removeWidget(button)
        for index, button in enumerate(self.buttons):
            self.grid.addWidget(button, index // columns, index % columns)
        for column in range(len(self.buttons)):
            self.grid.setColumnStretch(column, 0)
        self.grid.setColumnStretch(columns, 1)  # buttons keep their width at the left, as in a row

    def _fitting(self, width: int) -> int:
        """How many buttons fit side by side in width (at least one)."""
        count = len(self.buttons)
        while count > 1 and self._width_of(count) > width:
            count -= 1
        return count

    def row_width(self) -> int:
        """The width of the buttons on one row, as they look best."""
        return self._width_of(len(self.buttons))

    def _width_of(self, count: int) -> int:
        shown = [b for b in self.buttons if not b.isHidden()][:count]
        spacing = max(0, self.grid.horizontalSpacing())
        return sum(b.sizeHint().width() for b in shown) + spacing * max(0, len(shown) - 1)

    def minimumSizeHint(self) -> QSize:
        widest = max(button.minimumSizeHint().width() for button in self.buttons)
        return QSize(widest, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._place(self._fitting(event.size().width()))
        super().resizeEvent(event)
