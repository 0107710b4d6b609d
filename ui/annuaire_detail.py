"""The Annuaire's detail pane: the chosen structure, its actions and its private note (saved by itself)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

from milpj_desktop.directory import repository
from milpj_desktop.directory.hours import describe_hours, open_status
from milpj_desktop.directory.models import ACCESSIBILITY_LABELS, KIND_LABELS, LANGUAGE_NAMES, TYPE_LABELS
from milpj_desktop.directory.phone import tel_uri
from milpj_desktop.directory.repository import StoredEntry
from milpj_desktop.errors import KnownError
from milpj_desktop.shown import SHOWN_CHARS, SHOWN_ITEMS, clip, clip_lines
from milpj_desktop.typography import clock, typeset
from milpj_desktop.typography import phone as phone_text
from milpj_desktop.worker import TaskContext
from ui.ops import Runner
from ui.qt import (
    QEvent,
    QFontMetricsF,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QTextBrowser,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.widgets import ERROR_COLOUR

NOTE_DELAY_MS = 800  # a pause in typing this long saves the note


def entry_html(stored: StoredEntry, now: dt.datetime, stage_names: dict[str, str]) -> str:
    """The detail pane: every field a professional needs, hours first (public holidays known)."""
    entry = stored.entry

    def esc(text: str) -> str:  # every field bounded (a huge value cannot freeze the pane), French spacing
        return html.escape(typeset(clip(text)))

    status = open_status(entry.hours, now, departement=entry.departement)
    colour = "#18753C" if status.open_now else "#B34000"
    star = "★ " if stored.favourite else ""
    parts = [
        f"<h3>{star}{esc(entry.name)}</h3>",
        f"<p>{esc(TYPE_LABELS[entry.type])} · {esc(KIND_LABELS[entry.kind])}"
        + (" · <i>ajoutée sur ce poste</i>" if stored.origin == "local" else "")
        + "</p>",
        f'<p><b style="color:{colour}">{esc(status.label)}</b></p>',
    ]
    hours = clip_lines(describe_hours(entry.hours[:SHOWN_ITEMS]))
    if hours:
        parts.append("<p>" + "<br>".join(esc(line) for line in hours) + "</p>")
    address = ", ".join(p for p in (entry.address, f"{entry.postcode} {entry.commune}".strip()) if p)
    rows: list[tuple[str, str]] = []
    if address:
        rows.append(("Adresse", esc(address)))
    if entry.phone:
        link = html.escape(tel_uri(entry.phone))
        rows.append(("Téléphone", f'<a href="{link}">{html.escape(phone_text(entry.phone))}</a>'))
    if entry.email:
        rows.append(("Courriel", _link(f"mailto:{entry.email}", entry.email)))
    if entry.website:
        rows.append(("Site web", _link(entry.website, entry.website)))
    if entry.accessibility:
        rows.append(("Accessibilité", esc(ACCESSIBILITY_LABELS[entry.accessibility])))
    if entry.languages:
        rows.append(("Langues", esc(", ".join(LANGUAGE_NAMES.get(c, c) for c in entry.languages))))
    if entry.stages:
        rows.append(("Étapes", esc(", ".join(stage_names.get(s, s) for s in entry.stages))))
    if entry.source:
        rows.append(("Source", esc(entry.source)))
    rows.append(("Mise à jour", entry.updated_at.strftime("%d/%m/%Y")))
    parts.append(
        "<table cellspacing='0' cellpadding='3'>"
        + "".join(f"<tr><td><b>{label}</b></td><td>{value}</td></tr>" for label, value in rows)
        + "</table>"
    )
    return "".join(parts)


def _link(target: str, text: str) -> str:
    """A link, unless the value is beyond what is shown (stored before the limits): then cut text only."""
    shown = html.escape(clip(text))
    return shown if len(text) > SHOWN_CHARS else f'<a href="{html.escape(target)}">{shown}</a>'


class NoteEditor(QWidget):
    """The private note of the shown structure. Never lost: saved 800 ms after the last key, at once
    when another structure is chosen and before a lock; a line under it says where it stands."""

    saved = Signal(str, bool)  # entry id, whether it has a note now
    failed = Signal(str)  # a French message (the note stays in the field, marked unsaved)

    def __init__(self, runner: Runner, now: Callable[[], dt.datetime]) -> None:
        super().__init__()
        self.runner = runner
        self.now = now
        self._entry_id: str | None = None
        self._loading = False
        self._dirty = False
        self._edits = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("<b>Note privée</b>")
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("annuaire-note")
        self.edit.setAccessibleName("Note privée sur la structure")
        self.edit.setAccessibleDescription("Chiffrée sur ce poste, jamais synchronisée ni exportée.")
        self.edit.setPlaceholderText("Chiffrée sur ce poste, jamais synchronisée ni exportée.")
        self.edit.setTabChangesFocus(True)
        heading.setBuddy(self.edit)
        self._fit_to_font()
        self.state = QLabel()
        self.state.setObjectName("annuaire-note-etat")
        self.state.setAccessibleName("État de la note")
        self.state.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        line = QHBoxLayout()  # the heading and the saved state share one line
        line.addWidget(heading)
        line.addWidget(self.state, 1)
        layout.addLayout(line)
        layout.addWidget(self.edit, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(NOTE_DELAY_MS)
        self.timer.timeout.connect(self.save)
        self.edit.textChanged.connect(self._edited)
        self.show_note(None, "")

    def _fit_to_font(self) -> None:
        metrics = QFontMetricsF(self.font())
        self.edit.setMinimumHeight(round(metrics.lineSpacing() * 2 + metrics.height()))  # two lines at least

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._fit_to_font()

    @property
    def entry_id(self) -> str | None:
        return self._entry_id

    def show_note(self, entry_id: str | None, text: str) -> None:
        """Show another structure's note (the one being typed is saved first)."""
        self.flush()
        self._entry_id = entry_id
        self._loading = True
        self.edit.setPlainText(text)
        self._loading = False
        self.edit.setEnabled(entry_id is not None)
        self._set_state("")

    def _edited(self) -> None:
        if self._loading or self._entry_id is None:
            return
        self._dirty = True
        self._edits += 1
        self._set_state("Enregistrement…")
        self.timer.start()

    def flush(self) -> None:
        """Save now what was typed and not saved yet (selection change, lock, leaving the page)."""
        self.timer.stop()
        if self._dirty:
            self.save()

    def save(self) -> None:
        if not self._dirty or self._entry_id is None:
            return
        entry_id, text, edit_number = self._entry_id, self.edit.toPlainText(), self._edits
        self._dirty = False

        def task(ctx: TaskContext) -> None:
            with ctx.store.transaction() as conn:
                repository.set_note(conn, entry_id, text)

        def done(_: None) -> None:
            if self._entry_id == entry_id and self._edits == edit_number:
                at = clock(self.now().strftime("%H:%M"))
                self._set_state(f"Note enregistrée à {at}" if text.strip() else f"Note effacée à {at}")
            self.saved.emit(entry_id, bool(text.strip()))

        def fail(error: KnownError) -> None:
            if self._entry_id == entry_id:
                self._dirty = True  # kept in the field; the next pause or change tries again
                self._set_state(f"Note non enregistrée : {error.message}", error=True)
            else:
                self.failed.emit(f"Une note n'a pas pu être enregistrée : {error.message}")

        self.runner.db(task).success(done).failure(fail).run()

    def _set_state(self, text: str, *, error: bool = False) -> None:
        self.state.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.state.setText(text)


class DetailPanel(QWidget):
    """The chosen structure, its actions (only those that apply) and its note. Beside the list its
    parts are stacked; under the list (narrow window, large text) the text and the note sit side by side."""

    def __init__(self, runner: Runner, now: Callable[[], dt.datetime]) -> None:
        super().__init__()
        self.browser = QTextBrowser()
        self.browser.setObjectName("annuaire-detail")
        self.browser.setOpenExternalLinks(True)
        self.browser.setAccessibleName("Détail de la structure")
        self.copy_phone_button = QPushButton("Copier le téléphone")
        self.favourite_button = QPushButton("☆ Ajouter aux favoris")
        self.favourite_button.setObjectName("annuaire-favori")
        self.favourite_button.setCheckable(True)
        self.correction_button = QPushButton("Signaler une correction…")
        self.edit_button = QPushButton("Modifier…")
        self.delete_button = QPushButton("Supprimer…")
        for button, name in (
            (self.copy_phone_button, "Copier le numéro de téléphone"),
            (self.favourite_button, "Favori"),
            (self.correction_button, "Signaler une correction à l'annuaire national"),
            (self.edit_button, "Modifier la structure ajoutée sur ce poste"),
            (self.delete_button, "Supprimer la structure ajoutée sur ce poste"),
        ):
            button.setAccessibleName(name)
        buttons = QGridLayout()
        buttons.addWidget(self.copy_phone_button, 0, 0)
        buttons.addWidget(self.favourite_button, 0, 1)
        buttons.addWidget(self.correction_button, 1, 0, 1, 2)
        buttons.addWidget(self.edit_button, 2, 0)
        buttons.addWidget(self.delete_button, 2, 1)
        self.note = NoteEditor(runner, now)
        self.side = QWidget()
        side = QVBoxLayout(self.side)
        side.setContentsMargins(0, 0, 0, 0)
        side.addLayout(buttons)
        side.addWidget(self.note, 1)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.addWidget(self.browser, 3)
        self.box.addWidget(self.side, 2)
        self.set_side_by_side(False)

    def set_side_by_side(self, side_by_side: bool) -> None:
        """Text and note side by side (panel under the list) or stacked (panel beside the list)."""
        direction = QVBoxLayout.Direction.LeftToRight if side_by_side else QVBoxLayout.Direction.TopToBottom
        self.box.setDirection(direction)
        self.box.setStretch(0, 1 if side_by_side else 3)
        self.box.setStretch(1, 1 if side_by_side else 2)

    def show_actions(self, stored: StoredEntry | None) -> None:
        """Enable what applies: correction for a national structure, edit and delete for a local one."""
        local = stored is not None and stored.origin == "local"
        self.copy_phone_button.setEnabled(stored is not None and bool(stored.entry.phone))
        self.favourite_button.setEnabled(stored is not None)
        self.set_favourite(stored is not None and stored.favourite)
        self.correction_button.setVisible(not local)
        self.correction_button.setEnabled(stored is not None and not local)
        self.edit_button.setVisible(local)
        self.delete_button.setVisible(local)

    def set_favourite(self, favourite: bool) -> None:
        self.favourite_button.setChecked(favourite)
        self.favourite_button.setText("★ Favori" if favourite else "☆ Ajouter aux favoris")
        self.favourite_button.setToolTip(
            "Retirer cette structure des favoris" if favourite else "Ajouter cette structure aux favoris"
        )
