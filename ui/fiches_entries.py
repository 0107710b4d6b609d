"""Fiches page: choose directory entries for a handout — search, add, order, remove (or one entry only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from milpj_desktop.directory.models import TYPE_LABELS, DirectoryEntry
from milpj_desktop.handouts.params import ParamSpec
from ui.fiches_params import ParamEditor
from ui.qt import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
)

SEARCH_DELAY_MS = 300
Found = list[tuple[str, str]]  # (entry id, « Nom — type — 25290 Ornans »)


def entry_label(entry: DirectoryEntry) -> str:
    """« Centre de PMI Besançon — PMI — 25000 Besançon »: enough to tell two entries apart."""
    place = " ".join(p for p in (entry.postcode, entry.commune) if p)
    return " — ".join(p for p in (entry.name, TYPE_LABELS.get(entry.type, entry.type), place) if p)


@dataclass(frozen=True)
class DirectoryLookup:
    """How the picker reaches the directory: both calls run on the store thread and answer on the GUI."""

    search: Callable[[str, Callable[[Found], None]], None]
    names: Callable[[list[str], Callable[[Found], None]], None]


class EntriesPicker(ParamEditor):
    """Search the directory, add entries to the handout, order them; `single` keeps one entry only."""

    def __init__(self, spec: ParamSpec, lookup: DirectoryLookup | None, *, single: bool) -> None:
        super().__init__()
        self.lookup = lookup
        self.single = single
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher une structure ou un professionnel (nom, type, commune)…")
        self.search.setAccessibleName(f"{spec.label} : rechercher dans l'annuaire")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setAccessibleName("Résultats de l'annuaire")
        self.results.setMaximumHeight(110)
        self.chosen = QListWidget()
        self.chosen.setAccessibleName(spec.label)
        self.chosen.setMaximumHeight(48 if single else 110)
        self.add_button = QPushButton("Choisir" if single else "Ajouter")
        self.up_button = QPushButton("Monter")
        self.down_button = QPushButton("Descendre")
        self.remove_button = QPushButton("Retirer")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        if not single:
            buttons.addWidget(self.up_button)
            buttons.addWidget(self.down_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.hint = QLabel("Aucune : votre structure." if single else "Aucune : les plus proches de chaque type coché.")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addLayout(buttons)
        layout.addWidget(self.chosen)
        layout.addWidget(self.hint)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _: self.timer.start())
        self.add_button.clicked.connect(self.add_selected)
        self.results.itemDoubleClicked.connect(lambda _: self.add_selected())
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.remove_button.clicked.connect(self._remove)
        self._update_hint()

    # -- search -----------------------------------------------------------------------------
    def _run_search(self) -> None:
        text = self.search.text().strip()
        if len(text) < 2 or self.lookup is None:
            self.results.clear()
            return
        self.lookup.search(text, self.show_results)

    def show_results(self, found: Found) -> None:
        self.results.clear()
        for entry_id, label in found:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, entry_id)
            self.results.addItem(item)
        if not found:
            self.results.addItem(QListWidgetItem("Aucune structure ne correspond."))
        elif self.results.currentRow() < 0:
            self.results.setCurrentRow(0)

    # -- chosen list ------------------------------------------------------------------------
    def add_selected(self) -> None:
        item = self.results.currentItem()
        entry_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not entry_id or str(entry_id) in self.ids():
            return
        if self.single:
            self.chosen.clear()
        added = QListWidgetItem(item.text() if item is not None else str(entry_id))
        added.setData(Qt.ItemDataRole.UserRole, str(entry_id))
        self.chosen.addItem(added)
        self._changed()

    def _move(self, step: int) -> None:
        row = self.chosen.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.chosen.count():
            return
        item = self.chosen.takeItem(row)
        self.chosen.insertItem(target, item)
        self.chosen.setCurrentRow(target)
        self._changed()

    def _remove(self) -> None:
        row = self.chosen.currentRow()
        if row < 0 and self.chosen.count() == 1:
            row = 0
        if row >= 0:
            self.chosen.takeItem(row)
            self._changed()

    def ids(self) -> list[str]:
        return [str(self.chosen.item(r).data(Qt.ItemDataRole.UserRole)) for r in range(self.chosen.count())]

    def _update_hint(self) -> None:
        self.hint.setVisible(self.chosen.count() == 0)

    def _changed(self) -> None:
        self._update_hint()
        self.changed.emit()

    # -- ParamEditor ---------------------------------------------------------------------------
    def value(self) -> object:
        ids = self.ids()
        if self.single:
            return ids[0] if ids else None
        return ids

    def set_text(self, text: str) -> None:
        ids = [i.strip() for i in text.split(",") if i.strip()]
        self.chosen.clear()
        for entry_id in ids[:1] if self.single else ids:
            item = QListWidgetItem(entry_id)
            item.setData(Qt.ItemDataRole.UserRole, entry_id)
            self.chosen.addItem(item)
        if ids and self.lookup is not None:
            self.lookup.names(ids, self._named)
        self._changed()

    def _named(self, found: Found) -> None:
        labels = dict(found)
        for row in range(self.chosen.count()):
            item = self.chosen.item(row)
            label = labels.get(str(item.data(Qt.ItemDataRole.UserRole)))
            if label:
                item.setText(label)
