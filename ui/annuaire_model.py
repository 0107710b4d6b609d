"""The directory result list as a thin Qt table model: named columns, rows given whole, drawn lazily."""

from __future__ import annotations

from typing import Any

from milpj_desktop.directory.models import TYPE_LABELS
from milpj_desktop.directory.search import Row, mark
from ui.qt import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

ID_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


def distance_text(km: float | None) -> str:
    """'850 m', '3,4 km', '27 km'."""
    if km is None:
        return ""
    if km < 1:
        return f"{round(km * 1000, -1):.0f} m"
    if km < 10:
        return f"{km:.1f} km".replace(".", ",")
    return f"{km:.0f} km"


FAVOURITE_MARK = "★"
NOTE_MARK = "✎"


def marks_text(row: Row) -> str:
    """The markers a row shows: ★ favourite, ✎ private note."""
    return " ".join(m for m, on in ((FAVOURITE_MARK, row.favourite), (NOTE_MARK, row.has_note)) if on)


def marks_words(row: Row) -> str:
    """The same markers in words, for a screen reader and the tooltip."""
    return ", ".join(w for w, on in (("favori", row.favourite), ("note privée", row.has_note)) if on)


class DirectoryTableModel(QAbstractTableModel):
    """Holds light rows (id, name, type, commune, distance, markers); the view asks only for visible
    cells, so 100,000 rows scroll smoothly. The full entry is read on selection."""

    COLUMNS: tuple[str, ...] = ("", "Nom", "Type", "Commune", "Distance")
    MARKS, NAME, TYPE, COMMUNE, DISTANCE = range(5)

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []
        self.with_distance = False

    # -- feeding -------------------------------------------------------------------------
    def set_rows(self, rows: list[Row], *, with_distance: bool) -> None:
        self.beginResetModel()
        self._rows = rows
        self.with_distance = with_distance
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([], with_distance=False)

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def set_marks(self, entry_id: str, *, has_note: bool | None = None, favourite: bool | None = None) -> None:
        """Show a note or favourite saved for this entry without searching again."""
        number = self.row_of(entry_id)
        if number < 0:
            return
        self._rows[number] = mark(self._rows[number], has_note=has_note, favourite=favourite)
        self.dataChanged.emit(self.index(number, 0), self.index(number, self.columnCount() - 1))

    def row_of(self, entry_id: str) -> int:
        for number, row in enumerate(self._rows):
            if row.id == entry_id:
                return number
        return -1

    # -- Qt ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's own default)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole) and section == self.MARKS:
            return f"Repères : {FAVOURITE_MARK} favori, {NOTE_MARK} note privée"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.MARKS:
                return marks_text(row)
            if column == self.NAME:
                return row.name
            if column == self.TYPE:
                return TYPE_LABELS.get(row.type, row.type)
            if column == self.COMMUNE:
                return f"{row.commune} ({row.postcode})" if row.postcode else row.commune
            if column == self.DISTANCE:
                return distance_text(row.distance_km)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.NAME:
            origin = "ajoutée sur ce poste" if row.origin == "local" else "annuaire national"
            return f"{row.name} ({origin})"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole) and column == self.MARKS:
            return marks_words(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.DISTANCE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return row.id
        return None
