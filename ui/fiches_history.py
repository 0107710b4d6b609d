"""Fiches page: the table model of printed handouts (a thin adapter with named columns)."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum

from milpj_desktop.handouts.history import PrintRecord
from ui.qt import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    DATE = 0
    TEMPLATE = 1
    PARAMS = 2
    OPTIONS = 3


HEADERS = {
    Column.DATE: "Date",
    Column.TEMPLATE: "Fiche",
    Column.PARAMS: "Paramètres",
    Column.OPTIONS: "Sortie",
}
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1


def options_text(record: PrintRecord) -> str:
    parts = ["PDF" if record.output == "pdf" else "Imprimante"]
    if record.copies > 1:
        parts.append(f"{record.copies} exemplaires")
    if record.large_print:
        parts.append("gros caractères")
    return ", ".join(parts)


class HistoryModel(QAbstractTableModel):
    """Most recent first; the record itself is under RECORD_ROLE for « Réimprimer »."""

    def __init__(self, titles: dict[str, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.titles = titles
        self.describe: Callable[[PrintRecord], str] = lambda record: record.params_text()
        self.records: list[PrintRecord] = []

    def set_records(self, records: list[PrintRecord]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[Column(section)]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.records):
            return None
        record = self.records[index.row()]
        if role == RECORD_ROLE:
            return record
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        column = Column(index.column())
        if column is Column.DATE:
            return record.printed_at.strftime("%d/%m/%Y %H:%M")
        if column is Column.TEMPLATE:
            return self.titles.get(record.template_id, record.template_id)
        if column is Column.PARAMS:
            return self.describe(record) or "—"
        return options_text(record)

    def record(self, row: int) -> PrintRecord | None:
        return self.records[row] if 0 <= row < len(self.records) else None
