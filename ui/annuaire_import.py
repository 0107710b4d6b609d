"""Importing a CSV into the Annuaire: the column-choice step with a preview, and the readable report."""

from __future__ import annotations

from milpj_desktop.content.models import DIRECTORY_TYPE_IDS
from milpj_desktop.directory.csvio import ImportReport
from milpj_desktop.directory.csvmap import FIELD_LABELS, ColumnMapping, FilePreview, ImportFileError
from milpj_desktop.directory.models import TYPE_LABELS
from milpj_desktop.typography import typeset
from ui.annuaire_dialogs import fitted_width
from ui.clipboard import copy_text
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFontMetricsF,
    QGuiApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import error_label, ok_cancel_buttons

IGNORED = "(ne pas importer)"


def _table(rows: int, columns: int, name: str) -> QTableWidget:
    table = QTableWidget(rows, columns)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    return table


class ImportDialog(QDialog):
    """The step before an import: the first rows as read (encoding and separator said), and for each
    column the field it fills. Nothing is written until « Importer »; « Annuler » leaves all as it was."""

    def __init__(self, parent: QWidget | None, preview: FilePreview) -> None:
        super().__init__(parent)
        self.setWindowTitle("Importer des structures")
        self.preview = preview
        layout = QVBoxLayout(self)
        lines = "ligne" if preview.row_count < 2 else "lignes"
        about = QLabel(
            f"<b>{_html(preview.name)}</b> : {preview.row_count} {lines} de données, encodage {preview.encoding}, "
            f"séparateur {preview.delimiter_name}."
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        explain = QLabel(
            "Le fichier des mairies est reconnu : ses colonnes sont lues telles quelles."
            if preview.town_halls
            else "Pour chaque colonne, choisissez ce qu'elle contient (première ligne du tableau). "
            "Les colonnes « (ne pas importer) » sont laissées de côté."
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        columns = len(preview.header)
        self.table = _table(len(preview.rows) + (0 if preview.town_halls else 1), columns, "Aperçu du fichier")
        self.table.setHorizontalHeaderLabels(preview.header)
        self.choices: list[QComboBox] = []
        first = 0
        if not preview.town_halls:
            first = 1
            labels = ["Colonne de l'annuaire"]
            for column, guessed in enumerate(preview.guessed):
                combo = QComboBox()
                combo.setAccessibleName(f"Contenu de la colonne « {preview.header[column]} »")
                combo.addItem(IGNORED, None)
                for key, label in FIELD_LABELS.items():
                    combo.addItem(label, key)
                combo.setCurrentIndex(max(combo.findData(guessed), 0) if guessed else 0)
                self.table.setCellWidget(0, column, combo)
                self.choices.append(combo)
        else:
            labels = []
        labels += [f"ligne {line}" for line, _ in preview.rows]
        self.table.setVerticalHeaderLabels(labels)
        for row, (_, fields) in enumerate(preview.rows, start=first):
            for column in range(columns):
                self.table.setItem(row, column, QTableWidgetItem(fields[column] if column < len(fields) else ""))
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.table, 1)
        self.default_type = QComboBox()
        self.default_type.setAccessibleName("Type des lignes qui n'en ont pas")
        self.default_type.addItem("aucun : la colonne Type est obligatoire", None)
        for type_id in DIRECTORY_TYPE_IDS:
            self.default_type.addItem(TYPE_LABELS[type_id], type_id)
        if not preview.town_halls:
            type_row = QHBoxLayout()
            type_label = QLabel("&Type des lignes sans type :")
            type_label.setBuddy(self.default_type)
            type_row.addWidget(type_label)
            type_row.addWidget(self.default_type, 1)
            layout.addLayout(type_row)
        self.error = error_label("erreur-import")
        layout.addWidget(self.error)
        self.buttons = ok_cancel_buttons(self, "Importer", self._check)
        layout.addWidget(self.buttons)
        self.resize(fitted_width(self, chars=110), self.sizeHint().height())

    def mapping(self) -> ColumnMapping | None:
        """The columns chosen (None for the town-hall file, read as it is)."""
        if self.preview.town_halls:
            return None
        return ColumnMapping(tuple(c.currentData() for c in self.choices), self.default_type.currentData())

    def _check(self) -> None:
        mapping = self.mapping()
        if mapping is not None:
            try:
                mapping.check()
            except ImportFileError as exc:
                self.error.setText(exc.message)
                return
        self.accept()


class ReportDialog(QDialog):
    """After an import: the summary, then every refused line and every warning with its line number."""

    def __init__(self, parent: QWidget | None, report: ImportReport) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rapport d'import")
        layout = QVBoxLayout(self)
        summary = QLabel(typeset(report.summary()))
        summary.setObjectName("rapport-resume")
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(summary)
        problems = [(n, "Refusée", r) for n, r in report.errors] + [(n, "Avertissement", r) for n, r in report.warnings]
        problems.sort(key=lambda p: (p[0], p[1] != "Refusée"))
        self.table = _table(len(problems), 3, "Lignes refusées et avertissements")
        self.table.setHorizontalHeaderLabels(["Ligne", "Gravité", "Raison"])
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        for row, (line, kind, reason) in enumerate(problems):
            number = QTableWidgetItem(str(line))
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, number)
            self.table.setItem(row, 1, QTableWidgetItem(kind))
            self.table.setItem(row, 2, QTableWidgetItem(typeset(reason)))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)
        self.text = "\n".join(f"ligne {line} — {kind} : {reason}" for line, kind, reason in problems)
        buttons = QDialogButtonBox()
        copy = QPushButton("Copier le rapport")
        copy.clicked.connect(lambda: copy_text(report.summary() + "\n" + self.text))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.AcceptRole)
        close.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        lines = QFontMetricsF(self.font()).lineSpacing() * 24
        screen = self.screen() if self.screen() is not None else QGuiApplication.primaryScreen()
        room = screen.availableGeometry().height() - 80 if screen is not None else lines
        self.resize(fitted_width(self, chars=100), round(max(self.sizeHint().height(), min(lines, room))))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
