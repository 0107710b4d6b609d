"""Fiches page: batch mode — the same handout for several communes or dates, or N copies, in one PDF."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from milpj_desktop.handouts import Handout, HandoutTemplate
from milpj_desktop.typography import typeset
from ui.context import AppContext
from ui.fiches_job import HandoutJob, JobRequest
from ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


class BatchDialog(QDialog):
    """Choose what varies, where the PDF goes; follow the progress; cancel at any time."""

    def __init__(
        self,
        app: AppContext,
        template: HandoutTemplate,
        raw: Mapping[str, object],
        *,
        large_print: bool,
        ask_pdf_path: Callable[[str], Path | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.template = template
        self.raw = dict(raw)
        self.large_print = large_print
        self.ask_pdf_path = ask_pdf_path
        self.job: HandoutJob | None = None
        self.ask_yes_no: Callable[[str], bool] = self._ask_yes_no  # replaceable: tests answer for the person
        self.setWindowTitle(f"Fiches en lot — {template.title}")
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        batchable = [p for p in template.manifest.parameters if p.batch]
        self.by_values = QRadioButton("Une fiche par valeur de\u00a0:")
        self.by_copies = QRadioButton("La même fiche en plusieurs exemplaires")
        self.param = QComboBox()
        self.param.setAccessibleName("Réglage qui change d’une fiche à l’autre")
        for spec in batchable:
            self.param.addItem(spec.label, spec.name)
        self.values = QPlainTextEdit()
        self.values.setAccessibleName("Valeurs, une par ligne")
        self.values.setPlaceholderText(
            "Une valeur par ligne, par exemple :\n69003\nVilleurbanne\n2026-09-15"
            if batchable
            else "Ce modèle n'a pas de paramètre à faire varier."
        )
        self.copies = QSpinBox()
        self.copies.setRange(1, 500)
        self.copies.setValue(10)
        self.copies.setSuffix(" exemplaires")
        self.copies.setAccessibleName("Nombre d’exemplaires de la même fiche")
        self.by_values.setEnabled(bool(batchable))
        (self.by_values if batchable else self.by_copies).setChecked(True)

        form = QFormLayout()
        form.addRow(self.by_values, self.param)
        form.addRow("", self.values)
        form.addRow(self.by_copies, self.copies)
        layout.addLayout(form)

        path_row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setAccessibleName("Fichier PDF à écrire")
        self.path.setPlaceholderText("Fichier PDF à écrire")
        choose = QPushButton("Choisir…")
        choose.clicked.connect(self._choose)
        path_row.addWidget(self.path)
        path_row.addWidget(choose)
        layout.addLayout(path_row)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setObjectName("lot-etat")
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status)

        buttons = QHBoxLayout()
        self.start_button = QPushButton("Lancer")
        self.start_button.setObjectName("lot-lancer")
        self.cancel_button = QPushButton("Fermer")
        self.cancel_button.setObjectName("lot-annuler")
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self._cancel_or_close)

    def _choose(self) -> None:
        chosen = self.ask_pdf_path(f"{self.template.id}-lot.pdf")
        if chosen is not None:
            self.path.setText(str(chosen))

    def request(self) -> JobRequest:
        if self.by_values.isChecked():
            variants = [line.strip() for line in self.values.toPlainText().splitlines() if line.strip()]
            name = str(self.param.currentData())
            raw = {k: v for k, v in self.raw.items() if k != name}
            # A « one of » group: the varied member replaces the other one.
            for group in self.template.manifest.one_of:
                if name in group:
                    raw = {k: v for k, v in raw.items() if k not in group}
            return JobRequest(self.template.id, raw, self.large_print, 1, vary=name, variants=variants)
        return JobRequest(self.template.id, self.raw, self.large_print, self.copies.value())

    def start(self) -> None:
        if not self.path.text().strip():
            self._choose()
        if not self.path.text().strip():
            self.status.setText("Choisissez d'abord le fichier PDF à écrire.")
            return
        target = Path(self.path.text().strip())
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        self.start_button.setEnabled(False)
        self.cancel_button.setText("Annuler")
        self.status.setText("Préparation…")
        self.progress_bar.setRange(0, 0)
        job = HandoutJob(self.app, self.request(), pdf=target)
        job.on_progress = self._progress
        job.on_done = lambda pages: self._finished(
            f"Terminé : {pages} page{'s' if pages > 1 else ''} écrite{'s' if pages > 1 else ''} dans {target}."
        )
        job.on_failed = lambda message: self._finished(message, failed=True)
        job.on_cancelled = lambda: self._finished("Lot annulé : aucun fichier n'a été écrit.", failed=True)
        job.confirm = self._confirm_warnings
        self.job = job.start()

    def _confirm_warnings(self, handouts: list[Handout]) -> bool:
        """Before printing sheets that say nothing useful (a contacts sheet with no contact), ask."""
        empty = [h for h in handouts if h.warning]
        if not empty:
            return True
        names = ", ".join(h.label or h.doc_title for h in empty[:5]) + (" …" if len(empty) > 5 else "")
        count = len(empty)
        question = typeset(
            f"{count} fiche{'s' if count > 1 else ''} sur {len(handouts)} "
            f"n'{'ont' if count > 1 else 'a'} aucun contact de l'annuaire ({names}) : "
            "seulement les numéros nationaux. Imprimer le lot quand même ?"
        )
        return self.ask_yes_no(question)

    def _ask_yes_no(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Fiches sans contact", question)
        return answer == QMessageBox.StandardButton.Yes

    def _progress(self, done: int, total: int, label: str) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.status.setText(label)

    def _finished(self, message: str, *, failed: bool = False) -> None:
        self.job = None
        self.status.setText(message)
        if not failed:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(1)
        else:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
        self.start_button.setEnabled(True)
        self.cancel_button.setText("Fermer")

    def _cancel_or_close(self) -> None:
        if self.job is not None:
            self.status.setText("Annulation…")
            self.job.cancel()
        else:
            self.reject()
