"""The Annuaire's result list: the name gets the free width whatever the window and text size."""

from __future__ import annotations

from milpj_desktop.directory.models import TYPE_LABELS
from ui.annuaire_model import FAVOURITE_MARK, NOTE_MARK, DirectoryTableModel
from ui.qt import (
    QAbstractItemView,
    QEvent,
    QFontMetricsF,
    QHeaderView,
    QModelIndex,
    QPersistentModelIndex,
    QResizeEvent,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTableView,
)

NAME_SHARE = 0.45  # the name column never gets less than this share of the list's width
TYPE_SHARE = 0.24  # caps of the other text columns, before the name's share is enforced
COMMUNE_SHARE = 0.30
COMMUNE_CHARS = 28  # « Saint-Rémy-en-Bouzemont (51300) » and most others fit


class _ElideRight(QStyledItemDelegate):
    """Type and commune keep their beginning (« Bourg-en-Bre… »); only the name is elided in the middle."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight


class DirectoryTable(QTableView):
    """Name column stretched and elided in the middle (its tooltip has the whole name); the other
    columns sized from the font, so 200 % text keeps the same proportions. Tab enters and leaves the
    list as one stop; the arrows move inside."""

    def __init__(self, model: DirectoryTableModel) -> None:
        super().__init__()
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(8)
        header.setHighlightSections(False)
        self._elide_right = _ElideRight(self)
        for column in (model.TYPE, model.COMMUNE):
            self.setItemDelegateForColumn(column, self._elide_right)
        for column in range(model.columnCount()):
            mode = QHeaderView.ResizeMode.Stretch if column == model.NAME else QHeaderView.ResizeMode.Fixed
            header.setSectionResizeMode(column, mode)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Row height and column widths from the current font and width."""
        metrics = QFontMetricsF(self.font())
        bold = QFontMetricsF(self.horizontalHeader().font())
        pad = metrics.averageCharWidth() * 2
        self.verticalHeader().setDefaultSectionSize(round(metrics.height() * 1.45))
        width = float(self.viewport().width())
        marks = metrics.horizontalAdvance(f"{FAVOURITE_MARK} {NOTE_MARK}") + pad
        distance = 0.0
        if not self.isColumnHidden(DirectoryTableModel.DISTANCE):
            distance = max(metrics.horizontalAdvance("999,9 km"), bold.horizontalAdvance("Distance")) + pad
        rest = max(width - marks - distance, 0.0)
        widest_type = max(metrics.horizontalAdvance(label) for label in TYPE_LABELS.values())
        type_width = min(widest_type + pad, rest * TYPE_SHARE)
        commune_width = min(metrics.averageCharWidth() * COMMUNE_CHARS + pad, rest * COMMUNE_SHARE)
        room = rest - (NAME_SHARE + 0.01) * width  # what the type and commune may take together (rounding aside)
        if type_width + commune_width > room > 0:
            scale = room / (type_width + commune_width)
            type_width, commune_width = type_width * scale, commune_width * scale
        self.setColumnWidth(DirectoryTableModel.MARKS, round(marks))
        self.setColumnWidth(DirectoryTableModel.TYPE, round(type_width))
        self.setColumnWidth(DirectoryTableModel.COMMUNE, round(commune_width))
        self.setColumnWidth(DirectoryTableModel.DISTANCE, round(distance))

    def show_distance(self, shown: bool) -> None:
        self.setColumnHidden(DirectoryTableModel.DISTANCE, not shown)
        self.fit_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange, QEvent.Type.StyleChange):
            self.fit_columns()
