"""The Contenus page's list: one model for browsing and for search results, drawn as rich text.

Rows carry HTML built here from escaped text only (titles, badges, snippets with their matches in
bold); the delegate lays each row out with a QTextDocument so snippets wrap and stay readable.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from typing import Any

from milpj_desktop.content.repository import BADGE_LABELS, ArticleSummary
from milpj_desktop.content.search import KIND_ARTICLE, KIND_DIRECTORY, SearchHit, Snippet
from milpj_desktop.typography import apostrophes
from ui.qt import (
    QAbstractListModel,
    QAbstractTextDocumentLayout,
    QModelIndex,
    QObject,
    QPalette,
    QPersistentModelIndex,
    QPoint,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTextDocument,
    QWidget,
)

ModelIndex = QModelIndex | QPersistentModelIndex

KIND_LABELS = {KIND_ARTICLE: "Article", KIND_DIRECTORY: "Structure"}
_BADGE_STYLE = "color: #FFFFFF; background-color: #000091;"
_FAVOURITE = "★"


@dataclass(frozen=True)
class ListRow:
    """One line of the list: what it points at and how it reads."""

    kind: str
    id: str
    title: str
    snippet: Snippet
    title_spans: tuple[tuple[int, int], ...] = ()
    badge: str | None = None
    favourite: bool = False
    hit: SearchHit | None = None

    @classmethod
    def from_summary(cls, summary: ArticleSummary) -> ListRow:
        return cls(
            kind=KIND_ARTICLE,
            id=summary.id,
            title=summary.title,
            snippet=Snippet(summary.summary),
            badge=summary.badge,
            favourite=summary.favourite,
        )

    @classmethod
    def from_hit(cls, hit: SearchHit, *, favourite: bool = False) -> ListRow:
        return cls(
            kind=hit.kind,
            id=hit.id,
            title=hit.title,
            snippet=hit.snippet,
            title_spans=hit.title_spans,
            badge=hit.badge,
            favourite=favourite,
            hit=hit,
        )

    @property
    def badge_label(self) -> str | None:
        return BADGE_LABELS.get(self.badge) if self.badge else None

    def html(self, *, show_kind: bool) -> str:
        title = Snippet(apostrophes(self.title), self.title_spans)
        head = [f"<b>{title.html(tag='u')}</b>"]
        if self.favourite:
            head.insert(0, f'<span style="color: #B34000;">{_FAVOURITE}</span>')
        if self.badge_label:
            head.append(f'<span style="{_BADGE_STYLE}">&nbsp;{html.escape(self.badge_label)}&nbsp;</span>')
        if show_kind:
            head.insert(0, f"<i>{html.escape(KIND_LABELS.get(self.kind, self.kind))} ·</i>")
        body = Snippet(apostrophes(self.snippet.text), self.snippet.spans).html()
        return " ".join(head) + (f"<br>{body}" if body else "")

    def accessible_text(self) -> str:
        parts = [KIND_LABELS.get(self.kind, self.kind), self.title]
        if self.badge_label:
            parts.append(self.badge_label)
        if self.favourite:
            parts.append("favori")
        return ", ".join(parts)


class ContentListModel(QAbstractListModel):
    """Thin adapter over a list of ListRow."""

    RowRole = Qt.ItemDataRole.UserRole + 1
    HtmlRole = Qt.ItemDataRole.UserRole + 2
    IdRole = Qt.ItemDataRole.UserRole + 3
    KindRole = Qt.ItemDataRole.UserRole + 4

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ListRow] = []
        self.show_kind = False

    def set_rows(self, rows: list[ListRow], *, show_kind: bool = False) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.show_kind = show_kind
        self.endResetModel()

    def rows(self) -> list[ListRow]:
        return list(self._rows)

    def row_at(self, row: int) -> ListRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def find(self, kind: str, item_id: str) -> int:
        for number, row in enumerate(self._rows):
            if row.kind == kind and row.id == item_id:
                return number
        return -1

    def update_article(self, article_id: str, **changes: Any) -> None:
        """Change one article's badge or favourite flag in place (after reading it, starring it)."""
        number = self.find(KIND_ARTICLE, article_id)
        if number < 0:
            return
        self._rows[number] = replace(self._rows[number], **changes)
        index = self.index(number, 0)
        self.dataChanged.emit(index, index)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008  (Qt's default argument)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.accessible_text()
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.kind == KIND_DIRECTORY:
                return f"{row.snippet.text}\nUn clic l'ouvre dans l'Annuaire."
            return row.snippet.text
        if role == self.HtmlRole:
            return row.html(show_kind=self.show_kind)
        if role == self.IdRole:
            return row.id
        if role == self.KindRole:
            return row.kind
        if role == self.RowRole:
            return row
        return None


class RichTextDelegate(QStyledItemDelegate):
    """Draws a row's HTML with wrapping; selection colours follow the palette."""

    MARGIN = 6

    def _document(self, option: QStyleOptionViewItem, index: ModelIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(str(index.data(ContentListModel.HtmlRole) or ""))
        width = option.rect.width()
        widget = option.widget
        if isinstance(widget, QWidget) and hasattr(widget, "viewport"):
            width = widget.viewport().width()
        doc.setTextWidth(max(120, width - 2 * self.MARGIN))
        return doc

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        doc = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        if opt.state & QStyle.StateFlag.State_Selected:
            context.palette.setColor(
                QPalette.ColorRole.Text,
                opt.palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText),
            )
        rect = opt.rect
        painter.save()
        painter.translate(rect.topLeft() + QPoint(self.MARGIN, self.MARGIN // 2))
        painter.setClipRect(0, 0, rect.width() - self.MARGIN, rect.height())
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        doc = self._document(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + self.MARGIN)
