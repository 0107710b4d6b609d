"""The Annuaire page with real widgets on a real encrypted store, driven through pytest-qt."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop import paths
from milpj_desktop.content.repository import list_stages
from milpj_desktop.directory import communes, repository
from milpj_desktop.directory.csvio import ImportReport
from milpj_desktop.directory.csvmap import preview
from milpj_desktop.directory.generate import fictitious_entries
from milpj_desktop.directory.models import DirectoryEntry
from milpj_desktop.directory.search import Row
from milpj_desktop.store import Store
from milpj_desktop.worker import StoreWorker, TaskContext
from tests.test_accessibility import problems
from ui.annuaire_dialogs import CorrectionDialog, EntryDialog
from ui.annuaire_import import IGNORED, ImportDialog, ReportDialog
from ui.annuaire_model import ID_ROLE, DirectoryTableModel, distance_text
from ui.context import AppContext
from ui.ops import Runner
from ui.pages.annuaire import AnnuairePage
from ui.qt import QApplication, QDialog, QDialogButtonBox, QGuiApplication, QMessageBox, Qt, QTableWidgetItem, QTimer

T = TypeVar("T")
TUESDAY_10H30 = dt.datetime(2025, 3, 11, 10, 30)
MAIRIES = Path("/work/shared/data/mairies.csv")


def _town_hall() -> DirectoryEntry:
    besancon = communes.resolve("25000")
    assert besancon is not None
    return DirectoryEntry.model_validate(
        {
            "national_id": "mairie-25056",
            "kind": "structure",
            "type": "mairie",
            "name": "Mairie de Besançon",
            "address": "2 rue Mégevand",
            "postcode": "25000",
            "commune_insee": "25056",
            "commune": "Besançon",
            "phone": "03 81 61 50 50",
            "hours": [{"first_day": "lundi", "last_day": "vendredi", "slots": [{"opens": "08:30", "closes": "17:30"}]}],
            "latitude": besancon.lat,
            "longitude": besancon.lon,
            "source": "test",
            "updated_at": "2025-01-01T00:00:00Z",
        }
    )


@pytest.fixture
def page(qtbot: QtBot, content_store: Store) -> Iterator[AnnuairePage]:
    store = content_store  # the stages' names come from the content pack
    with store.transaction() as conn:
        repository.upsert_national_many(conn, [_town_hall(), *fictitious_entries(400, seed=11)])
    worker = StoreWorker()
    worker.open(lambda: store).result(timeout=30)
    runner = Runner(worker)
    app = AppContext(runner)
    app.unlocked = True
    widget = AnnuairePage(app)
    widget.now = lambda: TUESDAY_10H30
    qtbot.addWidget(widget)
    widget.resize(1200, 720)
    widget.show()
    widget.on_shown()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 401, timeout=10000)
    yield widget
    runner.shutdown()


def on_store(page: AnnuairePage, fn: Callable[[TaskContext], T]) -> T:
    return page.app.runner.worker.run(fn).result(timeout=30)


def detail_text(page: AnnuairePage) -> str:
    """The detail as shown, no-break spaces kept (toPlainText turns them into plain spaces)."""
    return page.detail.browser.document().toRawText()


def names(page: AnnuairePage) -> list[str]:
    return [r.name for r in page.model.rows()]


def test_text_type_and_radius_filters(qtbot: QtBot, page: AnnuairePage) -> None:
    assert page.table.isColumnHidden(DirectoryTableModel.DISTANCE)
    qtbot.keyClicks(page.search_field, "mairie besan")
    qtbot.waitUntil(lambda: names(page) == ["Mairie de Besançon"], timeout=5000)
    page.search_field.clear()
    page.commune_field.setText("Besançon (25000)")
    qtbot.waitUntil(lambda: "à moins de 10\u00a0km de Besançon" in page.count_label.text(), timeout=5000)
    rows = page.model.rows()
    assert rows[0].name == "Mairie de Besançon"
    assert not page.table.isColumnHidden(DirectoryTableModel.DISTANCE)
    assert page.model.index(0, DirectoryTableModel.DISTANCE).data() == "0 m"
    distances = [r.distance_km or 0.0 for r in rows]
    assert distances == sorted(distances) and max(distances) <= 10
    page.type_combo.setCurrentIndex(page.type_combo.findData("mairie"))
    qtbot.waitUntil(lambda: names(page) == ["Mairie de Besançon"], timeout=5000)
    page.radius.setValue(0)  # the commune only
    qtbot.waitUntil(lambda: page.count_label.text() == "1 structure à Besançon", timeout=5000)
    page.commune_field.setText("Atlantide")
    qtbot.waitUntil(lambda: "«\u00a0Atlantide\u00a0» introuvable" in page.count_label.text(), timeout=5000)


def test_detail_open_now_copy_phone_note_and_correction(qtbot: QtBot, page: AnnuairePage) -> None:
    page.search_field.setText("mairie besancon")
    qtbot.waitUntil(lambda: names(page) == ["Mairie de Besançon"], timeout=5000)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: "Ouvert maintenant — ferme à 17\u00a0h\u00a030" in detail_text(page), timeout=5000)
    assert "Du lundi au vendredi\u00a0: 8\u00a0h\u00a030 – 17\u00a0h\u00a030" in detail_text(page)
    assert "03\u00a081\u00a061\u00a050\u00a050" in detail_text(page)  # a phone number never breaks across lines
    assert page.detail.edit_button.isHidden() and page.detail.correction_button.isEnabled()
    page.detail.copy_phone_button.click()
    assert QGuiApplication.clipboard().text() == "03 81 61 50 50"
    qtbot.keyClicks(page.detail.note.edit, "Accueil des naissances : bureau 3")
    assert page.detail.note.state.text() == "Enregistrement…"
    # saved by itself after a pause, with the time it was saved
    qtbot.waitUntil(lambda: page.detail.note.state.text() == "Note enregistrée à 10\u00a0h\u00a030", timeout=5000)
    assert on_store(page, lambda ctx: repository.get_note(ctx.store.conn, "mairie-25056")) == (
        "Accueil des naissances : bureau 3"
    )
    assert page.model.rows()[0].has_note  # the list marks it
    assert page.model.index(0, DirectoryTableModel.MARKS).data() == "✎"
    page.record_correction("mairie-25056", "Nouvel horaire le samedi matin.")
    qtbot.waitUntil(lambda: "prochaine synchronisation" in page.message.text(), timeout=5000)
    pending = on_store(page, lambda ctx: repository.pending_corrections(ctx.store.conn))
    assert [(c.national_id, c.message) for c in pending] == [("mairie-25056", "Nouvel horaire le samedi matin.")]
    page.on_locked()
    assert page.model.rowCount() == 0
    assert "Besançon" not in detail_text(page) and page.detail.note.edit.toPlainText() == ""


def test_add_edit_delete_local_entry(qtbot: QtBot, page: AnnuairePage) -> None:
    dialog = EntryDialog(page, stage_names=page.stage_names)
    qtbot.addWidget(dialog)
    pack_names = on_store(page, lambda ctx: [s.name for s in list_stages(ctx.store.conn)])
    assert [dialog.stages.item(i).text() for i in range(dialog.stages.count())] == pack_names
    dialog.type.setCurrentIndex(dialog.type.findData("lactation"))
    assert dialog.kind.currentData() == "professionnel"
    dialog.check()
    assert "Commune introuvable" in dialog.error.text()
    dialog.commune.setText("Dole (39100)")
    dialog.hours.setText("mardi 9h-12h")
    dialog.phone.setText("06 12 34 56 78")
    dialog.languages.setText("anglais, arabe")
    dialog.check()
    assert dialog.error.text() == "Nom : obligatoire"
    dialog.name.setText("Anne Roux, consultante en lactation")
    dialog.check()
    entry = dialog.result_entry
    assert entry is not None and entry.commune_insee == "39198" and entry.phone == "+33612345678"
    assert entry.languages == ["en", "ar"]
    page.save_local(None, entry)
    qtbot.waitUntil(lambda: "Anne Roux, consultante en lactation" in names(page), timeout=5000)
    qtbot.waitUntil(lambda: page.detail.edit_button.isVisible(), timeout=5000)
    assert page._current is not None and page._current.origin == "local"
    local_id = page._current.id
    assert page.detail.correction_button.isHidden()
    again = EntryDialog(page, entry, stage_names=page.stage_names)
    qtbot.addWidget(again)
    assert again.commune.text() == "Dole (39100)" and again.hours.text() == "mardi 09:00-12:00"
    again.name.setText("Anne Roux-Martin, consultante en lactation")
    again.check()
    assert again.result_entry is not None
    page.save_local(local_id, again.result_entry)
    qtbot.waitUntil(lambda: "Anne Roux-Martin, consultante en lactation" in names(page), timeout=5000)
    page.delete_local(local_id)
    qtbot.waitUntil(lambda: page.model.rowCount() == 401, timeout=5000)
    assert on_store(page, lambda ctx: repository.counts(ctx.store.conn))["local"] == 0


def _slice(tmp_path: Path, rows: int) -> Path:
    lines = MAIRIES.read_text(encoding="utf-8").splitlines(keepends=True)
    target = tmp_path / "mairies.csv"
    target.write_text("".join(lines[: rows + 1]), encoding="utf-8")
    return target


def test_import_with_progress_then_cancel_rolls_back(qtbot: QtBot, page: AnnuairePage, tmp_path: Path) -> None:
    source = _slice(tmp_path, 1500)
    seen: list[int] = []
    page.progress.valueChanged.connect(seen.append)
    page.start_import(source)
    assert page.progress.isVisible() and page.cancel_button.isVisible()
    qtbot.waitUntil(lambda: "1500 structures importées" in page.message.text(), timeout=30000)
    assert seen and max(seen) == 1500
    assert not page.progress.isVisible()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1901, timeout=10000)
    assert "1500 structures importées" in page.message.text()  # the refreshed list keeps the report

    bigger = _slice(tmp_path, 3000)
    page.start_import(bigger)
    page.cancel_import()
    qtbot.waitUntil(lambda: "Import annulé" in page.message.text(), timeout=30000)
    assert on_store(page, lambda ctx: repository.counts(ctx.store.conn))["national"] == 1901
    assert page.transfer_button.isEnabled()


def test_table_model_on_100k_rows_without_a_window() -> None:
    model = DirectoryTableModel()
    rows = [Row(f"n-{i}", "national", f"Fiche {i}", "pmi", "Besançon", "25000", i / 100) for i in range(100_000)]
    model.set_rows(rows, with_distance=True)
    assert model.rowCount() == 100_000 and model.columnCount() == 5
    last = model.index(99_999, DirectoryTableModel.NAME)
    assert last.data() == "Fiche 99999" and last.data(ID_ROLE) == "n-99999"
    assert model.index(5, DirectoryTableModel.TYPE).data() == "PMI"
    assert model.index(5, DirectoryTableModel.COMMUNE).data() == "Besançon (25000)"
    assert model.headerData(DirectoryTableModel.DISTANCE, Qt.Orientation.Horizontal) == "Distance"
    assert [distance_text(x) for x in (0.0, 0.853, 3.44, 27.2, None)] == ["0 m", "850 m", "3,4 km", "27 km", ""]


def test_empty_directory_says_how_to_fill_it(qtbot: QtBot, store: Store) -> None:
    worker = StoreWorker()
    worker.open(lambda: store).result(timeout=30)
    runner = Runner(worker)
    app = AppContext(runner)
    app.unlocked = True
    widget = AnnuairePage(app)
    qtbot.addWidget(widget)
    widget.show()
    widget.on_shown()
    qtbot.waitUntil(lambda: "annuaire est vide" in detail_text(widget), timeout=10000)
    assert "importez un fichier CSV" in detail_text(widget)
    qtbot.keyClicks(widget.search_field, "zzzz")
    qtbot.waitUntil(lambda: "Choisissez une structure" in detail_text(widget), timeout=10000)
    runner.shutdown()


def test_a_note_typed_then_left_at_once_then_locked_is_kept(qtbot: QtBot, page: AnnuairePage) -> None:
    page.table.selectRow(0)
    first = page.model.rows()[0].id
    qtbot.waitUntil(lambda: page.detail.note.entry_id == first, timeout=5000)
    qtbot.keyClicks(page.detail.note.edit, "Sonner deux fois")
    page.table.selectRow(1)  # at once: no pause for the autosave
    page.on_locked()  # and lock straight away
    assert page.detail.note.edit.toPlainText() == ""
    assert on_store(page, lambda ctx: repository.get_note(ctx.store.conn, first)) == "Sonner deux fois"


def test_a_note_typed_just_before_a_lock_is_kept(qtbot: QtBot, page: AnnuairePage) -> None:
    page.table.selectRow(2)
    third = page.model.rows()[2].id
    qtbot.waitUntil(lambda: page.detail.note.entry_id == third, timeout=5000)
    qtbot.keyClicks(page.detail.note.edit, "Parking derriere")
    page.on_locked()
    assert on_store(page, lambda ctx: repository.get_note(ctx.store.conn, third)) == "Parking derriere"


def test_tab_enters_and_leaves_the_list_as_one_stop(qtbot: QtBot, page: AnnuairePage) -> None:
    page.activateWindow()
    qtbot.waitUntil(lambda: page.isActiveWindow(), timeout=5000)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, DirectoryTableModel.NAME))
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == 1  # arrows move inside
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    assert page.detail.browser.hasFocus()  # one Tab leaves the list
    qtbot.keyClick(page.detail.browser, Qt.Key.Key_Backtab)
    assert page.table.hasFocus()
    page.favourites_only.setFocus()
    qtbot.keyClick(page.favourites_only, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # Ajouter, Importer / exporter, then the list
    assert page.table.hasFocus()


def test_focus_on_the_list_is_visible(qtbot: QtBot, page: AnnuairePage) -> None:
    page.setStyleSheet((paths.resources_dir() / "style" / "milpj.qss").read_text(encoding="utf-8"))
    page.activateWindow()
    qtbot.waitUntil(lambda: page.isActiveWindow(), timeout=5000)
    page.search_field.setFocus()
    qtbot.waitUntil(lambda: page.search_field.hasFocus(), timeout=5000)
    before = page.table.grab().toImage().pixelColor(0, page.table.height() // 2).name()
    page.table.setFocus()
    qtbot.waitUntil(lambda: page.table.hasFocus(), timeout=5000)
    after = page.table.grab().toImage().pixelColor(0, page.table.height() // 2).name()
    assert after.lower() == "#0a76f6" and before.lower() != after.lower()


def test_a_new_search_starts_at_the_top(qtbot: QtBot, page: AnnuairePage) -> None:
    page.table.selectRow(390)
    page.table.scrollToBottom()
    assert page.table.verticalScrollBar().value() > 0
    page.type_combo.setCurrentIndex(page.type_combo.findData("pmi"))
    qtbot.waitUntil(lambda: 0 < page.model.rowCount() < 401, timeout=5000)
    assert page.table.verticalScrollBar().value() == 0
    assert page.table.currentIndex().row() <= 0


def test_deleting_asks_with_french_verbs_and_annuler_by_default(
    qtbot: QtBot, page: AnnuairePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    town_hall = _town_hall()
    page.save_local(None, town_hall.model_copy(update={"national_id": None, "name": "Relais petite enfance"}))
    qtbot.waitUntil(lambda: page.detail.delete_button.isVisible(), timeout=5000)
    seen: list[tuple[list[str], str]] = []

    def answer(box: QMessageBox, press: str) -> None:
        seen.append(([b.text() for b in box.buttons()], box.defaultButton().text()))
        target = box.defaultButton() if press == "default" else next(b for b in box.buttons() if b.text() == press)
        target.click()

    for press in ("default", "Supprimer"):
        QTimer.singleShot(0, lambda press=press: answer(_open_box(), press))
        page.detail.delete_button.click()
        if press == "default":
            assert on_store(page, lambda ctx: repository.counts(ctx.store.conn))["local"] == 1
    qtbot.waitUntil(lambda: on_store(page, lambda ctx: repository.counts(ctx.store.conn))["local"] == 0, timeout=5000)
    assert seen[0] == (["Supprimer", "Annuler"], "Annuler") or seen[0] == (["Annuler", "Supprimer"], "Annuler")


def _open_box() -> QMessageBox:
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(boxes) == 1
    return boxes[0]


def test_favourites_open_now_and_one_message_area(qtbot: QtBot, page: AnnuairePage) -> None:
    page.search_field.setText("mairie besancon")
    qtbot.waitUntil(lambda: names(page) == ["Mairie de Besançon"], timeout=5000)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail.favourite_button.isEnabled(), timeout=5000)
    height = page.message.height()
    page.detail.favourite_button.click()
    qtbot.waitUntil(lambda: "ajoutée aux favoris" in page.message.text(), timeout=5000)
    assert page.message.height() == height  # a message never moves the list
    assert page.model.index(0, DirectoryTableModel.MARKS).data() == "★"
    assert on_store(page, lambda ctx: repository.favourite_ids(ctx.store.conn)) == {"mairie-25056"}
    page.search_field.clear()
    page.favourites_only.setChecked(True)
    qtbot.waitUntil(lambda: page.count_label.text() == "1 structure, parmi les favoris", timeout=5000)
    assert names(page) == ["Mairie de Besançon"]
    page.now = lambda: dt.datetime(2026, 5, 14, 10, 30)  # Ascension Day: town halls are closed
    page.open_now.setChecked(True)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    page.now = lambda: dt.datetime(2026, 5, 13, 10, 30)  # the Wednesday before
    page.refresh()
    qtbot.waitUntil(lambda: names(page) == ["Mairie de Besançon"], timeout=5000)


def test_correction_form_field_by_field_feeds_the_outbox(qtbot: QtBot, page: AnnuairePage) -> None:
    page.search_field.setText("mairie besancon")
    qtbot.waitUntil(lambda: names(page) == ["Mairie de Besançon"], timeout=5000)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page._current is not None, timeout=5000)
    assert page._current is not None
    dialog = CorrectionDialog(page, page._current.entry)
    qtbot.addWidget(dialog)
    dialog._check()
    assert dialog.error.text() == "Indiquez au moins une valeur proposée ou un commentaire."
    qtbot.keyClicks(dialog.proposed["phone"], "03 81 61 5")
    dialog._check()
    assert dialog.error.text().startswith("Téléphone proposé")
    dialog.proposed["phone"].setText("03 81 61 50 99")
    qtbot.keyClicks(dialog.comment, "Nouveau standard")
    dialog._check()
    assert dialog.result() == QDialog.DialogCode.Accepted
    page.record_correction("mairie-25056", dialog.message_text)
    qtbot.waitUntil(lambda: "prochaine synchronisation" in page.message.text(), timeout=5000)
    pending = on_store(page, lambda ctx: repository.pending_corrections(ctx.store.conn))
    assert [c.message for c in pending] == [
        "Téléphone\u00a0: «\u00a003 81 61 50 50\u00a0» → «\u00a003 81 61 50 99\u00a0»\nCommentaire\u00a0: Nouveau standard"
    ]


def test_import_step_previews_lets_choose_columns_and_reports_by_line(
    qtbot: QtBot, page: AnnuairePage, tmp_path: Path
) -> None:
    source = tmp_path / "partenaires.csv"
    source.write_bytes(
        (
            "Nom;Ville;Code postal;Téléphone;Divers\r\n"
            "Crèche Les Écureuils;Besançon;25000;03 81 00 00 00;x\r\n"
            "Sans commune;;;;\r\n"
            "LAEP La Passerelle;Dole;39100;0384000000;\r\n"
        ).encode("cp1252")
    )
    page.prepare_import(source)
    qtbot.waitUntil(lambda: page.import_dialog is not None and page.import_dialog.isVisible(), timeout=5000)
    dialog = page.import_dialog
    assert dialog is not None
    header = [_text(dialog.table.horizontalHeaderItem(c)) for c in range(dialog.table.columnCount())]
    assert header == ["Nom", "Ville", "Code postal", "Téléphone", "Divers"]
    assert [c.currentText() for c in dialog.choices] == ["Nom", "Commune", "Code postal", "Téléphone", IGNORED]
    assert _text(dialog.table.item(1, 0)) == "Crèche Les Écureuils"  # decoded from Windows-1252
    assert _text(dialog.table.verticalHeaderItem(1)) == "ligne 2"
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and "type pour toutes les lignes" in dialog.error.text()
    dialog.default_type.setCurrentIndex(dialog.default_type.findData("creche"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "2 structures importées sur 3 lignes" in page.message.text(), timeout=10000)
    report = page.report_dialog
    assert report is not None and report.isVisible()
    assert _text(report.table.item(0, 0)) == "1" and "Windows-1252" in _text(report.table.item(0, 2))
    assert _text(report.table.item(1, 0)) == "1" and "Divers" in _text(report.table.item(1, 2))
    assert (_text(report.table.item(2, 0)), _text(report.table.item(2, 1))) == ("3", "Refusée")
    assert "commune manquante" in _text(report.table.item(2, 2))
    report.accept()
    assert on_store(page, lambda ctx: repository.counts(ctx.store.conn))["local"] == 2

    page.prepare_import(source)  # again, then « Annuler » at the column step: nothing is written
    qtbot.waitUntil(lambda: page.import_dialog is not dialog, timeout=5000)
    second = page.import_dialog
    assert second is not None and second.isVisible()
    second.reject()
    assert "annulé\u00a0: rien n\u2019a été écrit" in page.message.text()
    assert on_store(page, lambda ctx: repository.counts(ctx.store.conn))["local"] == 2


def _text(item: QTableWidgetItem | None) -> str:
    assert item is not None
    return item.text()


def test_model_file_saved_from_the_page(qtbot: QtBot, page: AnnuairePage, tmp_path: Path) -> None:
    target = tmp_path / "modele-annuaire.csv"
    page.save_model_csv(target)
    qtbot.waitUntil(lambda: "Modèle enregistré" in page.message.text(), timeout=5000)
    assert target.read_bytes().startswith(b"\xef\xbb\xbfNom;Type;Adresse;Code postal;Commune")


def test_every_control_of_the_annuaire_and_its_dialogs_has_a_french_name(
    qtbot: QtBot, page: AnnuairePage, tmp_path: Path
) -> None:
    page.save_local(None, _town_hall().model_copy(update={"national_id": None, "name": "Relais petite enfance"}))
    qtbot.waitUntil(lambda: page.detail.delete_button.isVisible(), timeout=5000)
    assert problems(page) == []  # with a structure shown: its actions and note
    source = tmp_path / "f.csv"
    source.write_text("Nom;Ville\nA;Dole\n", encoding="utf-8")
    assert page._current is not None
    report = ImportReport("annuaire", rows=2, errors=[(2, "commune manquante")], warnings=[(1, "colonne ignorée")])
    for dialog in (
        EntryDialog(page, page._current.entry, stage_names=page.stage_names),
        CorrectionDialog(page, page._current.entry),
        ImportDialog(page, preview(source)),
        ReportDialog(page, report),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        assert problems(dialog) == [], type(dialog).__name__
        dialog.close()


def test_the_list_shown_prints_as_a_pdf(qtbot: QtBot, page: AnnuairePage, tmp_path: Path) -> None:
    page.type_combo.setCurrentIndex(page.type_combo.findData("mairie"))
    qtbot.waitUntil(lambda: names(page) == ["Mairie de Besançon"], timeout=5000)
    target = tmp_path / "liste.pdf"
    page.print_list(target)
    qtbot.waitUntil(lambda: "Liste imprimée en PDF" in page.message.text(), timeout=30000)
    assert "(1 structure, 1 page)" in page.message.text()
    done = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True)
    flat = " ".join(done.stdout.split())  # cells wrap: compare words, not lines
    for expected in ("Structures utiles", "1 structure — type : Mairie", "Mairie de Besançon", "2 rue Mégevand"):
        assert expected in flat, expected
    assert "03 81 61 50 50" in flat and "8 h 30 – 17 h 30" in flat
    assert "Maternité" not in flat  # only what the list shows
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages: +1$", info, re.MULTILINE) and "Title:           Liste de structures" in info
