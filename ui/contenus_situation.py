"""The Contenus page's « Situation d'une famille » form: which date is known, the date, a scan's age.

The page asks the core (milpj_desktop/content/situation.py) what the dates mean; this widget only
collects them, in the forms people type, and says plainly what is missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milpj_desktop.content.situation import BIRTH, DUE, PERIOD, SCAN
from ui.qt import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.widgets import DateField, error_label

KIND_CHOICES: tuple[tuple[str, str, str], ...] = (
    (DUE, "Terme prévu le", "Date prévue d'accouchement (terme)"),
    (BIRTH, "Né(e) le", "Date de naissance"),
    (PERIOD, "Dernières règles le", "Premier jour des dernières règles"),
    (SCAN, "Échographie du", "Date de l'échographie"),
)


@dataclass(frozen=True)
class FamilyInput:
    """What the person gave: the kind of date, the date, and for a scan the pregnancy's age then."""

    kind: str
    day: dt.date
    weeks: int = 0
    days: int = 0


class SituationBox(QWidget):
    """A title that folds the form away (room for the list at large text), then the kind of date,
    the date (Entrée validates), the scan's age when it applies, and the « Voir » button."""

    requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("situation")
        self.toggle = QToolButton()
        self.toggle.setObjectName("situation-plier")
        self.toggle.setText("Situation d'une famille")
        self.toggle.setAccessibleName("Situation d'une famille : afficher ou masquer le formulaire")
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setStyleSheet("font-weight: bold;")
        self.body = QFrame()
        self.body.setObjectName("situation-formulaire")
        self.body.setFrameShape(QFrame.Shape.StyledPanel)
        self.kind = QComboBox()
        self.kind.setObjectName("situation-type")
        self.kind.setAccessibleName("Date connue")
        for kind, label, _ in KIND_CHOICES:
            self.kind.addItem(label, kind)
        self.date = DateField(name="Date prévue d'accouchement (terme)")
        self.date.setObjectName("situation-date")
        self.weeks = QSpinBox()
        self.weeks.setObjectName("situation-sa")
        self.weeks.setRange(4, 42)
        self.weeks.setValue(12)
        self.weeks.setSuffix(" SA")
        self.weeks.setAccessibleName("Semaines d'aménorrhée à l'échographie")
        self.days = QSpinBox()
        self.days.setObjectName("situation-jours")
        self.days.setRange(0, 6)
        self.days.setSuffix(" j")
        self.days.setAccessibleName("Jours en plus des semaines d'aménorrhée")
        scan_age = QWidget()
        scan = QHBoxLayout(scan_age)
        scan.setContentsMargins(0, 0, 0, 0)
        scan.addWidget(self.weeks)
        scan.addWidget(QLabel("et"))
        scan.addWidget(self.days)
        scan.addStretch(1)
        scan_label = QLabel("Âge ce jour-là :")
        scan_label.setBuddy(self.weeks)
        self.button = QPushButton("Voir la situation")
        self.button.setObjectName("situation-afficher")
        self.button.setAccessibleName("Voir la situation de la famille")
        self.button.setToolTip("Étape, âge, rendez-vous à rattraper et prochains rendez-vous datés (Entrée)")
        self.error = error_label("situation-erreur")
        self.error.hide()

        self.form = QFormLayout(self.body)  # the kind as the date's label; under it when the text is large
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow(self.kind, self.date)
        self.form.addRow(scan_label, scan_age)
        self.form.addRow(self.error)
        self.form.addRow(self.button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.toggle)
        column.addWidget(self.body)

        self.toggle.toggled.connect(self._fold)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.date.returnPressed.connect(self.requested)
        self.button.clicked.connect(self.requested)
        self._fold(True)
        self._kind_changed()

    def _fold(self, shown: bool) -> None:
        self.body.setVisible(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.form.setRowVisible(1, kind == SCAN)
        self.date.setAccessibleName(next(name for k, _, name in KIND_CHOICES if k == kind))
        self.show_error("")

    def choose(self, kind: str) -> None:
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))

    def read(self) -> FamilyInput | None:
        """The input, or None after saying under the field what is missing or wrong."""
        if not self.date.commit():
            self.show_error(self.date.error())
            return None
        day = self.date.date()
        if day is None:
            self.show_error("Indiquez une date, par exemple 15/03/2027.")
            return None
        self.show_error("")
        return FamilyInput(str(self.kind.currentData()), day, self.weeks.value(), self.days.value())

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def reset(self) -> None:
        """On lock: no family's date stays on screen."""
        self.kind.setCurrentIndex(0)
        self.date.set_date(None)
        self.weeks.setValue(12)
        self.days.setValue(0)
        self.show_error("")
