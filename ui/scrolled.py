"""A page whose content scrolls instead of being cut when the text is large or the window small."""

from __future__ import annotations

from ui.qt import QFrame, QScrollArea, QVBoxLayout, QWidget


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
