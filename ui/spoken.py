"""A label whose text a screen reader also hears: Qt exposes a named label's name, not its text."""

from __future__ import annotations

from ui.qt import QLabel, QTextDocument


def plain(text: str) -> str:
    """Rich text as it is read aloud (tags gone, entities decoded)."""
    if "<" not in text and "&" not in text:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


class SpokenLabel(QLabel):
    """Keeps its accessible description equal to what it shows (freshness, states, summaries)."""

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setAccessibleDescription(plain(text))
