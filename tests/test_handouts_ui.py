"""The Fiches page with real widgets on a real encrypted store: preview, PDF, printer (to PDF), batch, history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from pytestqt.qtbot import QtBot

from milpj_desktop.handouts.history import PrintRecord, list_prints, record_print
from milpj_desktop.settings import Settings
from milpj_desktop.store import Store
from milpj_desktop.worker import StoreWorker, TaskContext
from tests.test_accessibility import problems
from tests.test_handouts import add_sample_directory, pdf_text, squash
from ui.context import AppContext
from ui.fiches_batch import BatchDialog
from ui.fiches_history import Column, HistoryModel
from ui.fiches_params import ArticlePicker, CommuneEdit, DateEdit, TypesEdit
from ui.ops import Runner
from ui.pages.fiches import FichesPage
from ui.qt import QApplication, QMessageBox, QPrinter, Qt, QTimer

T = TypeVar("T")
SETTINGS = Settings(structure_name="Maison des familles de Besançon", professional_phone="03 81 00 00 00")


@pytest.fixture
def page(qtbot: QtBot, content_store: Store) -> Iterator[FichesPage]:
    add_sample_directory(content_store)
    worker = StoreWorker()
    worker.open(lambda: content_store).result(timeout=30)
    runner = Runner(worker)
    app = AppContext(runner)
    app.set_settings(SETTINGS)
    app.unlocked = True
    widget = FichesPage(app)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    widget.on_shown()
    qtbot.waitUntil(lambda: widget.template_list.count() == 6 and widget.form is not None, timeout=10000)
    yield widget
    runner.shutdown()


def on_store(page: FichesPage, fn: Callable[[TaskContext], T]) -> T:
    return page.app.runner.worker.run(fn).result(timeout=30)


def choose(page: FichesPage, template_id: str) -> None:
    ids = [page.template_list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(page.template_list.count())]
    page.template_list.setCurrentRow(ids.index(template_id))


def editor(page: FichesPage, name: str) -> object:
    assert page.form is not None
    return page.form.editors[name]


def test_article_picker_search_and_live_preview(qtbot: QtBot, page: FichesPage) -> None:
    choose(page, "fiche-conseil")
    picker = editor(page, "articles")
    assert isinstance(picker, ArticlePicker)
    # Said in the form's words, not as the parameter's command-line name (« articles » manquant).
    qtbot.waitUntil(lambda: page.feedback.text() == "Choisissez au moins un article.", timeout=5000)
    assert page.preview.message.text() == "Choisissez au moins un article."
    assert not page.pdf_button.isEnabled()
    qtbot.keyClicks(picker.search, "couchage securite")
    visible = [picker.list.item(r) for r in range(picker.list.count()) if not picker.list.item(r).isHidden()]
    assert [i.text() for i in visible] == ["Coucher bébé en sécurité"]
    visible[0].setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: "Coucher bébé en sécurité" in page.preview.toPlainText(), timeout=5000)
    assert "En bref" in page.preview.toPlainText()
    assert page.pdf_button.isEnabled() and page.print_button.isEnabled()


def test_calendar_form_with_date_picker_saves_pdf_and_history(qtbot: QtBot, page: FichesPage, tmp_path: Path) -> None:
    choose(page, "calendrier-1000-jours")
    assert page.form is not None
    page.form.choices["terme"].setChecked(True)
    due = editor(page, "terme")
    assert isinstance(due, DateEdit)
    due.edit.clear()
    qtbot.keyClicks(due.edit, f"2802{dt.date.today().year + 1}")  # typed as people do, Entrée validates
    qtbot.keyClick(due.edit, Qt.Key.Key_Return)
    assert page.form.raw_values() == {"terme": f"{dt.date.today().year + 1}-02-28"}
    qtbot.waitUntil(lambda: "date prévue d\u2019accouchement" in page.preview.toPlainText(), timeout=5000)
    qtbot.waitUntil(page.pdf_button.isEnabled, timeout=5000)
    target = tmp_path / "calendrier.pdf"
    page.ask_pdf_path = lambda suggested: target
    page.copies.setValue(2)
    page.large_print.setChecked(True)
    qtbot.waitUntil(page.pdf_button.isEnabled, timeout=5000)
    page.pdf_button.click()
    qtbot.waitUntil(lambda: "PDF enregistré" in page.feedback.text(), timeout=20000)
    text = pdf_text(target)
    assert "Mon calendrier des 1000" in text and "Maison des familles de Besançon" in text
    records = on_store(page, lambda ctx: list_prints(ctx.store.conn))
    assert len(records) == 1
    assert records[0].params == {}  # the due date is family data: never kept
    assert str(dt.date.today().year + 1) not in repr(records[0])
    assert records[0].copies == 2 and records[0].large_print and records[0].output == "pdf"
    qtbot.waitUntil(lambda: page.history_model.rowCount() == 1, timeout=5000)
    seen: list[tuple[list[str], str]] = []
    _answer_next_box(qtbot, Qt.Key.Key_Return, seen)  # Entrée is « Annuler »: nothing is cleared
    page.clear_history_button.click()
    assert seen == [(["Annuler", "Effacer"], "Annuler")]  # French verbs, Annuler the default
    assert len(on_store(page, lambda ctx: list_prints(ctx.store.conn))) == 1
    _answer_next_box(qtbot, None, seen)  # « Effacer » chosen
    page.clear_history_button.click()
    qtbot.waitUntil(lambda: page.history_model.rowCount() == 0, timeout=5000)
    assert on_store(page, lambda ctx: list_prints(ctx.store.conn)) == []


def _answer_next_box(qtbot: QtBot, key: Qt.Key | None, seen: list[tuple[list[str], str]]) -> None:
    """Answer the box about to open: note its buttons and default, then press key or click « Effacer » (None)."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        default = box.defaultButton()
        seen.append((sorted(b.text() for b in box.buttons()), default.text() if default is not None else ""))
        verb = [b for b in box.buttons() if b.text() == "Effacer"]
        if key is None and verb:
            verb[0].click()
        else:
            qtbot.keyClick(box, key or Qt.Key.Key_Escape)

    QTimer.singleShot(0, answer)


# The completion popup asks the offscreen platform for things it cannot do (raise, keyboard grab).
@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")
def test_contacts_form_commune_completion_and_type_checkboxes(qtbot: QtBot, page: FichesPage) -> None:
    choose(page, "contacts-utiles")
    commune = editor(page, "commune")
    types = editor(page, "types")
    assert isinstance(commune, CommuneEdit) and isinstance(types, TypesEdit)
    commune.edit.setFocus()
    qtbot.keyClicks(commune.edit, "6900")
    qtbot.waitUntil(lambda: commune.model.rowCount() > 0, timeout=5000)
    assert "Lyon 3e Arrondissement (69003) — Rhône" in commune.model.stringList()  # the département shown
    commune.edit.setText("69003 Lyon 3e Arrondissement")
    types.set_text("")
    types.boxes["caf"].setChecked(True)
    qtbot.waitUntil(lambda: "CAF du Rhône" in page.preview.toPlainText(), timeout=5000)
    assert "Croix-Rousse" not in page.preview.toPlainText()
    types.boxes["pmi"].setChecked(True)
    qtbot.waitUntil(lambda: "Centre de PMI <b>Croix-Rousse</b> & Cie" in page.preview.toPlainText(), timeout=5000)


def test_print_through_qprinter_to_pdf_and_reprint_from_history(qtbot: QtBot, page: FichesPage, tmp_path: Path) -> None:
    choose(page, "fiche-etape")
    qtbot.waitUntil(lambda: "Projet de parentalité" in page.preview.toPlainText(), timeout=5000)
    printed = tmp_path / "imprimante.pdf"

    def to_pdf_printer(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return True

    page.ask_printer = to_pdf_printer
    page.print_button.click()
    qtbot.waitUntil(lambda: "imprimante" in page.feedback.text(), timeout=20000)
    text = pdf_text(printed)
    assert "Projet de parentalité" in text and "page 1 / " in text
    qtbot.waitUntil(lambda: page.history_model.rowCount() == 1, timeout=5000)
    record = page.history_model.record(0)
    assert record is not None and record.output == "imprimante" and record.params == {"etape": "projet"}

    printed.unlink()
    choose(page, "rendez-vous")
    page.history.selectRow(0)
    page.reprint_button.click()
    assert page.current_template_id() == "fiche-etape"
    qtbot.waitUntil(lambda: printed.exists() and page.history_model.rowCount() == 2, timeout=20000)
    assert "Projet de parentalité" in pdf_text(printed)


def test_batch_for_several_communes_with_progress(qtbot: QtBot, page: FichesPage, tmp_path: Path) -> None:
    choose(page, "contacts-utiles")
    commune = editor(page, "commune")
    assert isinstance(commune, CommuneEdit)
    commune.edit.setText("Lyon")
    qtbot.waitUntil(page.pdf_button.isEnabled, timeout=5000)
    page.batch_button.click()
    dialog = page.batch_dialog
    assert isinstance(dialog, BatchDialog)
    assert problems(dialog) == []  # every control has a French accessible name
    assert dialog.param.currentData() == "commune"
    dialog.values.setPlainText("69003\nVilleurbanne\n\n69004")
    dialog.path.setText(str(tmp_path / "lot.pdf"))
    seen: list[int] = []
    dialog.progress_bar.valueChanged.connect(seen.append)
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Terminé"), timeout=30000)
    text = squash(pdf_text(tmp_path / "lot.pdf"))
    for place in ("autour de Lyon 3e Arrondissement", "autour de Villeurbanne", "autour de Lyon 4e Arrondissement"):
        assert squash(place) in text
    assert max(seen) >= 3
    records = on_store(page, lambda ctx: list_prints(ctx.store.conn))
    assert sorted(r.params["commune"] for r in records) == ["69003", "69004", "Villeurbanne"]


def test_batch_cancel_writes_nothing(qtbot: QtBot, page: FichesPage, tmp_path: Path) -> None:
    choose(page, "fiche-etape")
    qtbot.waitUntil(page.pdf_button.isEnabled, timeout=5000)
    page.batch_button.click()
    dialog = page.batch_dialog
    assert dialog is not None
    dialog.by_copies.setChecked(True)
    dialog.copies.setValue(500)
    dialog.path.setText(str(tmp_path / "beaucoup.pdf"))
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.progress_bar.value() >= 1, timeout=30000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: "annulé" in dialog.status.text(), timeout=30000)
    assert not list(tmp_path.glob("*.pdf"))
    assert on_store(page, lambda ctx: list_prints(ctx.store.conn)) == []


def test_lock_forgets_parameters_and_history(qtbot: QtBot, page: FichesPage) -> None:
    choose(page, "calendrier-1000-jours")
    qtbot.waitUntil(lambda: page.preview.toPlainText() != "", timeout=5000)
    page.on_locked()
    assert page.form is None and page.preview.toPlainText() == "" and page.history_model.rowCount() == 0


def test_history_model_columns_without_a_window(qapp: object) -> None:
    model = HistoryModel({"calendrier-1000-jours": "Mon calendrier des 1000 jours"})
    record = PrintRecord(
        id=1,
        template_id="calendrier-1000-jours",
        params={"terme": "2026-09-15"},
        large_print=True,
        copies=3,
        output="pdf",
        printed_at=dt.datetime(2026, 3, 12, 9, 5),
    )
    model.set_records([record])
    assert model.rowCount() == 1 and model.columnCount() == 4
    assert model.data(model.index(0, Column.DATE)) == "12/03/2026 09:05"
    assert model.data(model.index(0, Column.TEMPLATE)) == "Mon calendrier des 1000 jours"
    assert model.data(model.index(0, Column.PARAMS)) == "terme=2026-09-15"
    assert model.data(model.index(0, Column.OPTIONS)) == "PDF, 3 exemplaires, gros caractères"
    assert model.headerData(Column.PARAMS, Qt.Orientation.Horizontal) == "Paramètres"


def test_history_survives_unknown_template(qtbot: QtBot, page: FichesPage) -> None:
    def add(ctx: TaskContext) -> None:
        with ctx.store.transaction() as conn:
            record_print(
                conn,
                template_id="ancien-modele",
                params={},
                large_print=False,
                copies=1,
                output="pdf",
                at=dt.datetime(2026, 1, 1),
            )

    on_store(page, add)
    page.refresh()
    qtbot.waitUntil(lambda: page.history_model.rowCount() == 1, timeout=5000)
    page.history.selectRow(0)
    page.reprint_button.click()
    assert "n'existe plus" in page.feedback.text()


def test_preview_shows_the_printed_pages_with_zoom_and_position(qtbot: QtBot, page: FichesPage, tmp_path: Path) -> None:
    from ui.printing import render_page_images

    choose(page, "fiche-conseil")
    picker = editor(page, "articles")
    assert isinstance(picker, ArticlePicker)
    picker.set_text("bebe-allaitement-difficultes,enfant-allergenes-introduction,grossesse-arreter-de-fumer")
    qtbot.waitUntil(lambda: page.preview.page_count() > 1, timeout=15000)
    assert page.current is not None
    expected = render_page_images(page.current, dpi=40).images  # the same layout as the PDF
    assert page.preview.page_count() == len(expected)
    assert page.preview.position.text() == f"page 1 / {len(expected)}"
    first = page.preview.pages[0].pixmap()
    ratio = first.height() / first.width()
    assert abs(ratio - 297 / 210) < 0.01  # an A4 page, not a text column
    width = first.width()
    assert page.preview.pages[0].height() >= first.height() / first.devicePixelRatio() - 1  # whole, not squeezed
    page.grab().save(str(tmp_path / "apercu.png"))
    page.preview.zoom.setCurrentIndex(page.preview.zoom.count() - 1)
    qtbot.waitUntil(
        lambda: bool(page.preview.pages) and page.preview.pages[0].pixmap().width() > width * 2, timeout=15000
    )
    bar = page.preview.area.verticalScrollBar()

    def at_the_end() -> bool:
        bar.setValue(bar.maximum())  # the range grows once the new pages are laid out
        return page.preview.position.text() == f"page {len(expected)} / {len(expected)}"

    qtbot.waitUntil(at_the_end, timeout=5000)


def test_parameters_are_kept_per_template_and_asked_for_in_words(qtbot: QtBot, page: FichesPage) -> None:
    choose(page, "contacts-utiles")
    commune = editor(page, "commune")
    assert isinstance(commune, CommuneEdit)
    commune.edit.setText("Villeurbanne")
    choose(page, "calendrier-1000-jours")
    assert page.form is not None
    page.form.choices["terme"].setChecked(True)
    choose(page, "contacts-utiles")
    commune = editor(page, "commune")
    assert isinstance(commune, CommuneEdit)
    assert commune.edit.text() == "Villeurbanne"
    commune.edit.setText("")
    qtbot.waitUntil(
        lambda: page.feedback.text() == "Indiquez la commune ou le code postal de la famille.", timeout=5000
    )


def test_entries_are_searched_added_and_ordered(qtbot: QtBot, page: FichesPage) -> None:
    from ui.fiches_entries import EntriesPicker

    choose(page, "contacts-utiles")
    commune = editor(page, "commune")
    assert isinstance(commune, CommuneEdit)
    commune.edit.setText("69003")
    picker = editor(page, "structures")
    assert isinstance(picker, EntriesPicker)
    picker.search.setText("CAF Rhône")
    qtbot.waitUntil(
        lambda: picker.results.count() >= 1 and picker.results.item(0).data(Qt.ItemDataRole.UserRole) == "CAF-1"
    )
    picker.add_selected()
    picker.search.setText("Croix-Rousse")
    qtbot.waitUntil(
        lambda: picker.results.count() >= 1 and picker.results.item(0).data(Qt.ItemDataRole.UserRole) == "PMI-1"
    )
    picker.add_selected()
    assert picker.value() == ["CAF-1", "PMI-1"]
    picker.chosen.setCurrentRow(1)
    picker.up_button.click()
    assert picker.value() == ["PMI-1", "CAF-1"]
    qtbot.waitUntil(lambda: "CAF du Rhône" in page.preview.toPlainText(), timeout=10000)
    text = page.preview.toPlainText()
    assert text.index("Croix-Rousse") < text.index("CAF du Rhône")


def test_history_lines_are_readable_and_hold_no_family_data(qtbot: QtBot, page: FichesPage) -> None:
    settings = page.app.settings
    from milpj_desktop.handouts import prepare

    calendar = on_store(
        page,
        lambda ctx: prepare(
            ctx.store.conn,
            "calendrier-1000-jours",
            {"naissance": "2026-01-15"},
            settings=settings,
            today=dt.date.today(),
        ),
    )
    appointment = on_store(
        page,
        lambda ctx: prepare(
            ctx.store.conn,
            "rendez-vous",
            {"date": "2026-04-02", "heure": "14:30"},
            settings=settings,
            today=dt.date.today(),
        ),
    )
    contacts = on_store(
        page,
        lambda ctx: prepare(
            ctx.store.conn,
            "contacts-utiles",
            {"commune": "69003", "types": "pmi,caf"},
            settings=settings,
            today=dt.date.today(),
        ),
    )
    assert calendar.params == {} and appointment.params == {}
    assert "Durand" not in repr(contacts.params)  # a free line may name someone: not kept
    assert page.templates["contacts-utiles"].describe(contacts.params) == (
        "Commune ou code postal\u00a0: 69003 · Rayon (km)\u00a0: 10\u00a0km · Types de contacts\u00a0: PMI, CAF"
    )


def test_batch_warns_before_sheets_with_no_contact(qtbot: QtBot, page: FichesPage, tmp_path: Path) -> None:
    choose(page, "contacts-utiles")
    commune = editor(page, "commune")
    assert isinstance(commune, CommuneEdit)
    commune.edit.setText("69003")
    qtbot.waitUntil(page.pdf_button.isEnabled, timeout=5000)
    page.batch_button.click()
    dialog = page.batch_dialog
    assert isinstance(dialog, BatchDialog)
    asked: list[str] = []

    def answer_no(question: str) -> bool:
        asked.append(question)
        return False

    dialog.ask_yes_no = answer_no
    dialog.values.setPlainText("69003\n25290 Ornans")  # nothing of the sample directory near Ornans
    dialog.path.setText(str(tmp_path / "lot.pdf"))
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Lot annulé"), timeout=30000)
    assert len(asked) == 1 and "1 fiche sur 2" in asked[0] and "Ornans" in asked[0]
    assert not (tmp_path / "lot.pdf").exists()
