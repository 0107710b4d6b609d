"""Dialogs of the Annuaire page: a local entry's form and "Signaler une correction"."""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError

from milpj_desktop.content.models import DIRECTORY_TYPE_IDS, STAGE_IDS
from milpj_desktop.directory import communes
from milpj_desktop.directory.corrections import FIELDS as CORRECTION_FIELDS
from milpj_desktop.directory.corrections import correction_message, current_values, proposed_changes
from milpj_desktop.directory.csvio import parse_languages
from milpj_desktop.directory.hours import HoursError, format_hours, parse_hours
from milpj_desktop.directory.models import (
    ACCESSIBILITY_LABELS,
    LANGUAGE_NAMES,
    TYPE_KINDS,
    TYPE_LABELS,
    DirectoryEntry,
)
from milpj_desktop.directory.phone import format_phone
from milpj_desktop.errors import KnownError
from milpj_desktop.validation import french_reason
from ui.qt import (
    QComboBox,
    QCompleter,
    QDialog,
    QFontMetricsF,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGuiApplication,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QStringListModel,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import error_label, ok_cancel_buttons


class CommuneCompleter(QCompleter):
    """Completes a commune or postcode from the offline gazetteer as the person types."""

    def __init__(self, field: QLineEdit) -> None:
        self._names = QStringListModel()
        super().__init__(self._names, field)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setMaxVisibleItems(10)
        field.setCompleter(self)
        field.textEdited.connect(self._update)

    def _update(self, text: str) -> None:
        if len(text.strip()) < 2:
            self._names.setStringList([])
            return
        self._names.setStringList([c.choice_label for c in communes.complete(text, 10)])  # homonyms told apart
        self.complete()


class EntryDialog(QDialog):
    """Create or edit a local entry; the entry is validated before the dialog closes."""

    def __init__(
        self, parent: QWidget | None = None, entry: DirectoryEntry | None = None, *, stage_names: dict[str, str]
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Modifier la structure" if entry else "Nouvelle structure ou nouveau professionnel")
        self.result_entry: DirectoryEntry | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Les structures ajoutées ici restent sur cet ordinateur, chiffrées ; aucune synchronisation ne les modifie."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit()
        self.type = QComboBox()
        for type_id in DIRECTORY_TYPE_IDS:
            self.type.addItem(TYPE_LABELS[type_id], type_id)
        self.kind = QComboBox()
        self.kind.addItem("Structure", "structure")
        self.kind.addItem("Professionnel", "professionnel")
        self.type.currentIndexChanged.connect(self._type_changed)
        self.address = QLineEdit()
        self.commune = QLineEdit()
        self.commune.setPlaceholderText("Nom de la commune ou code postal")
        CommuneCompleter(self.commune)
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.website = QLineEdit()
        self.hours = QLineEdit()
        self.hours.setPlaceholderText("ex. lundi-vendredi 9h-12h, 14h-17h; samedi 9h-12h")
        self.accessibility = QComboBox()
        self.accessibility.addItem("Non renseignée", None)
        for key, label in ACCESSIBILITY_LABELS.items():
            self.accessibility.addItem(label, key)
        self.languages = QLineEdit()
        self.languages.setPlaceholderText("ex. anglais, arabe, langue des signes française")
        self.stages = QListWidget()
        lines = QFontMetricsF(self.stages.font()).lineSpacing()
        self.stages.setMinimumHeight(round(lines * 4))  # four stages seen at once, at any text size
        self.stages.setMaximumHeight(round(lines * 7))
        for stage_id in STAGE_IDS:
            item = QListWidgetItem(stage_names.get(stage_id, stage_id))
            item.setData(Qt.ItemDataRole.UserRole, stage_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.stages.addItem(item)
        for widget, label in (
            (self.name, "Nom"),
            (self.type, "Type"),
            (self.kind, "Nature"),
            (self.address, "Adresse"),
            (self.commune, "Commune"),
            (self.phone, "Téléphone"),
            (self.email, "Courriel"),
            (self.website, "Site web"),
            (self.hours, "Horaires"),
            (self.accessibility, "Accessibilité"),
            (self.languages, "Langues parlées"),
            (self.stages, "Étapes concernées"),
        ):
            widget.setAccessibleName(label)
            form.addRow(f"{label} :", widget)
        for combo in (self.type, self.kind, self.accessibility):  # long labels never widen the form
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        fields = QWidget()
        fields.setLayout(form)
        scroll = QScrollArea()  # at 200 % on a small screen the form scrolls instead of being cut
        scroll.setObjectName("defilement-fiche")
        scroll.setAccessibleName("Champs de la structure")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(fields)
        layout.addWidget(scroll, 1)
        self.error = error_label("erreur-fiche")
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel_buttons(self, "Enregistrer", self.check))
        screen = self.screen() if self.screen() is not None else QGuiApplication.primaryScreen()
        room = screen.availableGeometry().height() - 80 if screen is not None else 10_000
        wanted = fields.sizeHint().height() + self.sizeHint().height() - scroll.sizeHint().height()
        self.resize(fitted_width(self, chars=80), max(min(wanted, room), 200))
        if entry is not None:
            self._fill(entry)
        else:
            self._type_changed()

    def _type_changed(self) -> None:
        type_id = self.type.currentData()
        if type_id:
            self.kind.setCurrentIndex(self.kind.findData(TYPE_KINDS[type_id]))

    def _fill(self, entry: DirectoryEntry) -> None:
        self.name.setText(entry.name)
        self.type.setCurrentIndex(self.type.findData(entry.type))
        self.kind.setCurrentIndex(self.kind.findData(entry.kind))
        self.address.setText(entry.address)
        place = communes.get(entry.commune_insee)
        self.commune.setText(place.label if place else f"{entry.postcode} {entry.commune}".strip())
        self.phone.setText(format_phone(entry.phone))
        self.email.setText(entry.email)
        self.website.setText(entry.website)
        self.hours.setText(format_hours(entry.hours))
        self.accessibility.setCurrentIndex(max(self.accessibility.findData(entry.accessibility), 0))
        self.languages.setText(", ".join(LANGUAGE_NAMES.get(c, c) for c in entry.languages))
        for row in range(self.stages.count()):
            item = self.stages.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in entry.stages
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def build(self) -> DirectoryEntry:
        """The entry the form describes; ValueError with a French reason otherwise."""
        place_text = self.commune.text().strip()
        try:
            place = communes.resolve_unique(place_text) if place_text else None
        except KnownError as exc:  # unknown, or several communes of that name: the person chooses
            raise ValueError(f"{exc.message} Choisissez la commune dans la liste proposée.") from None
        if place is None:
            raise ValueError("Commune introuvable : choisissez-la dans la liste proposée (nom ou code postal).")
        try:
            hours = parse_hours(self.hours.text())
        except HoursError as exc:
            raise ValueError(str(exc)) from None
        postcode = place.postcode
        typed = self.commune.text().strip()[:5]
        if typed.isdigit() and typed in place.postcodes:
            postcode = typed
        values = {
            "kind": self.kind.currentData(),
            "type": self.type.currentData(),
            "name": self.name.text(),
            "address": self.address.text(),
            "postcode": postcode,
            "commune_insee": place.insee,
            "commune": place.name,
            "phone": self.phone.text(),
            "email": self.email.text(),
            "website": self.website.text(),
            "hours": [h.model_dump() for h in hours],
            "accessibility": self.accessibility.currentData(),
            "languages": parse_languages(self.languages.text()),
            "stages": [
                self.stages.item(r).data(Qt.ItemDataRole.UserRole)
                for r in range(self.stages.count())
                if self.stages.item(r).checkState() == Qt.CheckState.Checked
            ],
            "latitude": place.lat,
            "longitude": place.lon,
            "source": "Ajoutée sur ce poste",
            "updated_at": dt.datetime.now(dt.UTC).replace(microsecond=0),
        }
        try:
            return DirectoryEntry.model_validate(values)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = {"name": "Nom", "phone": "Téléphone", "email": "Courriel", "website": "Site web"}.get(
                str(err["loc"][0]) if err["loc"] else "", "Structure"
            )
            message = french_reason(err)
            if err["type"] == "string_too_short":
                message = "obligatoire"
            raise ValueError(f"{field} : {message}") from None

    def check(self) -> None:
        try:
            self.result_entry = self.build()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class CorrectionDialog(QDialog):
    """ "Signaler une correction" field by field: each field shows what the directory says and takes
    what it should say; a comment explains. Sent to the national team at the next synchronisation."""

    def __init__(self, parent: QWidget | None, entry: DirectoryEntry) -> None:
        super().__init__(parent)
        self.setWindowTitle("Signaler une correction")
        self.entry = entry
        self.message_text = ""
        layout = QVBoxLayout(self)
        text = QLabel(
            f"<b>{_html(entry.name)}</b><br>Écrivez la bonne valeur en face de ce qui est inexact "
            "(laissez vide ce qui est juste), et ajoutez un commentaire si besoin. Le signalement part "
            "vers l'équipe nationale à la prochaine synchronisation."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Champ</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Valeur actuelle</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Valeur proposée</b>"), 0, 2)
        self.proposed: dict[str, QLineEdit] = {}
        current = current_values(entry)
        for row, (field, label) in enumerate(CORRECTION_FIELDS, start=1):
            name = QLabel(f"{label} :")
            shown = QLineEdit(current[field])
            shown.setReadOnly(True)
            shown.setPlaceholderText("vide")
            shown.setCursorPosition(0)
            shown.setAccessibleName(f"{label}, valeur actuelle")
            edit = QLineEdit()
            edit.setObjectName(f"correction-{field}")
            edit.setAccessibleName(f"{label}, valeur proposée")
            edit.setPlaceholderText("inchangé")
            name.setBuddy(edit)
            self.proposed[field] = edit
            grid.addWidget(name, row, 0)
            grid.addWidget(shown, row, 1)
            grid.addWidget(edit, row, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        comment = QLabel("&Commentaire :")
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("correction-commentaire")
        self.comment.setAccessibleName("Commentaire sur la correction")
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(120)
        comment.setBuddy(self.comment)
        layout.addWidget(comment)
        layout.addWidget(self.comment)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel_buttons(self, "Signaler", self._check))
        self.resize(fitted_width(self, chars=100), self.sizeHint().height())

    def _check(self) -> None:
        try:
            changes = proposed_changes(self.entry, {f: e.text() for f, e in self.proposed.items()})
            self.message_text = correction_message(changes, self.comment.toPlainText())
        except KnownError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


def fitted_width(dialog: QDialog, *, chars: int) -> int:
    """About `chars` average characters of the current text size, never wider than the screen."""
    wanted = round(QFontMetricsF(dialog.font()).averageCharWidth() * chars)
    screen = dialog.screen() if dialog.screen() is not None else QGuiApplication.primaryScreen()
    room = screen.availableGeometry().width() - 40 if screen is not None else wanted
    return max(dialog.minimumSizeHint().width(), min(wanted, room))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
