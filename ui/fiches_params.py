"""Fiches page: one proper widget per parameter kind, built from a template's manifest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from milpj_desktop.content.models import DIRECTORY_TYPE_IDS
from milpj_desktop.directory import communes
from milpj_desktop.directory.communes import fold
from milpj_desktop.directory.models import TYPE_LABELS
from milpj_desktop.errors import KnownError
from milpj_desktop.handouts import HandoutParamError, HandoutTemplate
from milpj_desktop.handouts.params import ParamSpec
from ui.qt import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QStringListModel,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.widgets import DateField


@dataclass(frozen=True)
class References:
    """What the widgets offer to pick from, read once from the store."""

    articles: list[tuple[str, str]] = field(default_factory=list)  # (id, title)
    stages: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    directory: Any = None  # ui.fiches_entries.DirectoryLookup: the page's way to search the directory


class ParamEditor(QWidget):
    """Base of every editor: a value for the template, set back from the « cle=valeur » text form."""

    changed = Signal()

    def value(self) -> object:
        raise NotImplementedError

    def set_text(self, text: str) -> None:
        raise NotImplementedError


class ArticlePicker(ParamEditor):
    """Search box + checkable list; the order of ticking is the order on the handout."""

    def __init__(self, refs: References) -> None:
        super().__init__()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher un article…")
        self.search.setAccessibleName("Rechercher un article")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Articles de la fiche")
        self.list.setMinimumHeight(160)
        self.summary = QLabel("Aucun article choisi.")
        self.summary.setWordWrap(True)
        self.order: list[str] = []
        for article_id, title in refs.articles:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, article_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(self.summary)
        self.search.textChanged.connect(self._filter)
        self.list.itemChanged.connect(self._ticked)

    def _filter(self, text: str) -> None:
        words = fold(text).split()
        for row in range(self.list.count()):
            item = self.list.item(row)
            haystack = fold(f"{item.text()} {item.data(Qt.ItemDataRole.UserRole)}")
            item.setHidden(not all(w in haystack for w in words))

    def _ticked(self, item: QListWidgetItem) -> None:
        article_id = str(item.data(Qt.ItemDataRole.UserRole))
        if item.checkState() == Qt.CheckState.Checked and article_id not in self.order:
            self.order.append(article_id)
        elif item.checkState() != Qt.CheckState.Checked and article_id in self.order:
            self.order.remove(article_id)
        titles = {
            str(self.list.item(r).data(Qt.ItemDataRole.UserRole)): self.list.item(r).text()
            for r in range(self.list.count())
        }
        self.summary.setText(
            "Dans l'ordre : " + " · ".join(titles.get(i, i) for i in self.order)
            if self.order
            else "Aucun article choisi."
        )
        self.changed.emit()

    def value(self) -> object:
        return list(self.order)

    def set_text(self, text: str) -> None:
        wanted = [i.strip() for i in text.split(",") if i.strip()]
        self.list.blockSignals(True)
        self.order = []
        for row in range(self.list.count()):
            self.list.item(row).setCheckState(Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        for article_id in wanted:
            for row in range(self.list.count()):
                item = self.list.item(row)
                if item.data(Qt.ItemDataRole.UserRole) == article_id:
                    item.setCheckState(Qt.CheckState.Checked)
        missing = [i for i in wanted if i not in self.order]
        self.order += missing  # unknown here: the core names it when the handout is prepared
        self.changed.emit()


class CommuneEdit(ParamEditor):
    """A commune or postcode with completion from the offline gazetteer."""

    def __init__(self) -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Code postal ou commune, ex. 69003 ou Villeurbanne")
        self.edit.setAccessibleName("Commune ou code postal")
        self.model = QStringListModel()
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.edit.setCompleter(self.completer)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self.edit.textEdited.connect(self._complete)
        self.edit.textChanged.connect(lambda _: self.changed.emit())

    def _complete(self, text: str) -> None:
        if len(text.strip()) < 2:
            self.model.setStringList([])
            return
        self.model.setStringList([completion_text(c) for c in communes.complete(text, 10)])

    def value(self) -> object:
        return self.edit.text().strip()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)


def completion_text(commune: communes.Commune) -> str:
    """« Saint-Denis (93200) — Seine-Saint-Denis »: homonyms told apart, read back exactly by lookup()."""
    return commune.choice_label


class RadiusEdit(ParamEditor):
    def __init__(self, spec: ParamSpec) -> None:
        super().__init__()
        self.spin = QSpinBox()
        self.spin.setRange(1, 100)
        self.spin.setSuffix(" km")
        self.spin.setValue(int(spec.default or 10))
        self.spin.setAccessibleName(spec.label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.spin)
        layout.addStretch(1)
        self.spin.valueChanged.connect(lambda _: self.changed.emit())

    def value(self) -> object:
        return str(self.spin.value())

    def set_text(self, text: str) -> None:
        if text.strip().isascii() and text.strip().isdigit():
            self.spin.setValue(int(text))


class TypesEdit(ParamEditor):
    """One checkbox per directory type, two columns."""

    def __init__(self, spec: ParamSpec) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for index, type_id in enumerate(DIRECTORY_TYPE_IDS):
            box = QCheckBox(TYPE_LABELS.get(type_id, type_id))
            box.setObjectName(f"type-{type_id}")
            box.toggled.connect(lambda _=False: self.changed.emit())
            grid.addWidget(box, index // 2, index % 2)
            self.boxes[type_id] = box
        self.set_text(spec.default or "")

    def value(self) -> object:
        return [t for t, box in self.boxes.items() if box.isChecked()]

    def set_text(self, text: str) -> None:
        wanted = {t.strip() for t in text.split(",")}
        for type_id, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(type_id in wanted)
            box.blockSignals(False)
        self.changed.emit()


class DateEdit(ParamEditor):
    """A date typed as people write it (the shared DateField); an optional date may stay empty (a line to fill by hand)."""

    def __init__(self, spec: ParamSpec, *, optional: bool) -> None:
        super().__init__()
        self.edit = DateField(value=None if optional else dt.date.today(), name=spec.label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addStretch(1)
        self.edit.date_changed.connect(lambda _: self.changed.emit())
        self.edit.invalid.connect(lambda _: self.changed.emit())

    def value(self) -> object:
        day = self.edit.date()
        return None if day is None or self.edit.error() else day.isoformat()

    def set_text(self, text: str) -> None:
        try:
            day: dt.date | None = dt.date.fromisoformat(text.strip())
        except ValueError:
            day = None
        self.edit.set_date(day)


class StageEdit(ParamEditor):
    def __init__(self, spec: ParamSpec, refs: References) -> None:
        super().__init__()
        self.combo = QComboBox()
        self.combo.setAccessibleName(spec.label)
        for number, (stage_id, name) in enumerate(refs.stages, start=1):
            self.combo.addItem(f"{number}. {name}", stage_id)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        self.combo.currentIndexChanged.connect(lambda _: self.changed.emit())

    def value(self) -> object:
        data = self.combo.currentData()
        return str(data) if data else None

    def set_text(self, text: str) -> None:
        index = self.combo.findData(text.strip())
        if index < 0 and text.strip().isascii() and text.strip().isdigit():
            index = int(text) - 1
        if 0 <= index < self.combo.count():
            self.combo.setCurrentIndex(index)


class TextEdit(ParamEditor):
    def __init__(self, spec: ParamSpec) -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(spec.help)
        self.edit.setAccessibleName(spec.label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self.edit.textChanged.connect(lambda _: self.changed.emit())

    def value(self) -> object:
        return self.edit.text().strip() or None

    def set_text(self, text: str) -> None:
        self.edit.setText(text)


def make_editor(spec: ParamSpec, refs: References, *, optional: bool) -> ParamEditor:
    if spec.kind == "articles":
        return ArticlePicker(refs)
    if spec.kind == "commune":
        return CommuneEdit()
    if spec.kind == "radius_km":
        return RadiusEdit(spec)
    if spec.kind == "directory_types":
        return TypesEdit(spec)
    if spec.kind == "date":
        return DateEdit(spec, optional=optional)
    if spec.kind == "stage":
        return StageEdit(spec, refs)
    if spec.kind in ("entries", "entry"):
        from ui.fiches_entries import EntriesPicker  # it builds on ParamEditor, defined here

        return EntriesPicker(spec, refs.directory, single=spec.kind == "entry")
    return TextEdit(spec)


class ParamForm(QWidget):
    """Every parameter of one template; for a « one of » group, radio buttons choose which one."""

    changed = Signal()

    def __init__(self, template: HandoutTemplate, refs: References) -> None:
        super().__init__()
        self.template = template
        self.editors: dict[str, ParamEditor] = {}
        self.choices: dict[str, QRadioButton] = {}
        grouped = {name for group in template.manifest.one_of for name in group}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for group in template.manifest.one_of:
            buttons = QButtonGroup(self)
            for index, name in enumerate(group):
                radio = QRadioButton(template.spec(name).label)
                radio.setObjectName(f"choix-{name}")
                radio.setChecked(index == 0)
                buttons.addButton(radio)
                self.choices[name] = radio
        for spec in template.manifest.parameters:
            optional = not spec.required and spec.name not in grouped
            editor = make_editor(spec, refs, optional=optional)
            editor.setObjectName(f"param-{spec.name}")
            editor.setToolTip(spec.help)
            editor.changed.connect(self.changed)
            self.editors[spec.name] = editor
            if spec.name in self.choices:
                radio = self.choices[spec.name]
                editor.setEnabled(radio.isChecked())
                radio.toggled.connect(editor.setEnabled)
                radio.toggled.connect(lambda _=False: self.changed.emit())
                form.addRow(radio, editor)
            else:
                label = QLabel(f"{spec.label} :")
                label.setBuddy(editor)
                form.addRow(label, editor)
        if not template.manifest.parameters:
            form.addRow(QLabel("Ce modèle n'a pas de paramètre."))

    def raw_values(self) -> dict[str, object]:
        """What the core validates: the chosen member of each « one of » group, blanks left out."""
        values: dict[str, object] = {}
        for name, editor in self.editors.items():
            if name in self.choices and not self.choices[name].isChecked():
                continue
            value = editor.value()
            if value is not None and value != "" and value != []:
                values[name] = value
        return values

    def set_values(self, params: dict[str, str]) -> None:
        for name, text in params.items():
            if name in self.choices:
                self.choices[name].setChecked(True)
            if name in self.editors:
                self.editors[name].set_text(text)
        self.changed.emit()


# What a person is told when a parameter is missing, instead of the parameter's command-line name.
MISSING: dict[str, str] = {
    "articles": "Choisissez au moins un article.",
    "commune": "Indiquez la commune ou le code postal de la famille.",
    "directory_types": "Cochez au moins un type de contact.",
    "stage": "Choisissez une étape.",
    "date": "Indiquez la date.",
}


def people_message(template: HandoutTemplate | None, error: KnownError, raw: Mapping[str, object]) -> str:
    """The error in the words of the form: a missing value is asked for by what it is, not by its name."""
    if template is None or not isinstance(error, HandoutParamError):
        return error.message
    names = [p.name for p in template.manifest.parameters]
    if error.param not in names:
        return error.message
    for group in template.manifest.one_of:
        if error.param in group and not any(raw.get(n) for n in group):
            labels = " ou ".join(template.spec(n).label.lower() for n in group)
            return f"Indiquez la {labels}."
    spec = template.spec(error.param)
    if raw.get(spec.name) in (None, "", []):
        return MISSING.get(spec.kind, f"Indiquez : {spec.label.lower()}.")
    return error.message
