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
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
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


class SituationBox(QGroupBox):
    """Kind of date, date (Entrée validates), scan age when it applies, and the « Voir » button."""

    requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Situation d'une famille", parent)
        self.setObjectName("situation")
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
        self.scan_row = QWidget()
        scan = QHBoxLayout(self.scan_row)
        scan.setContentsMargins(0, 0, 0, 0)
        scan_label = QLabel("Âge de la grossesse ce jour-là :")
        scan_label.setWordWrap(True)
        scan_label.setBuddy(self.weeks)
        scan.addWidget(scan_label, 1)
        scan.addWidget(self.weeks)
        scan.addWidget(QLabel("et"))
        scan.addWidget(self.days)
        self.button = QPushButton("Voir la situation")
        self.button.setObjectName("situation-afficher")
        self.button.setAccessibleName("Voir la situation de la famille")
        self.button.setToolTip("Étape, âge, rendez-vous à rattraper et prochains rendez-vous datés (Entrée)")
        self.error = error_label("situation-erreur")
        self.error.hide()

        grid = QGridLayout(self)
        grid.addWidget(self.kind, 0, 0)
        grid.addWidget(self.date, 0, 1)
        grid.addWidget(self.scan_row, 1, 0, 1, 2)
        grid.addWidget(self.error, 2, 0, 1, 2)
        grid.addWidget(self.button, 3, 1)
        grid.setColumnStretch(1, 1)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.date.returnPressed.connect(self.requested)
        self.button.clicked.connect(self.requested)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.scan_row.setVisible(kind == SCAN)
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
