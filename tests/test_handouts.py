"""Handouts: manifests and parameters, the sandbox, data assembly, PDF output read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import functools
import subprocess
import threading
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from milpj_desktop.content import repository
from milpj_desktop.directory import repository as directory_repo
from milpj_desktop.directory.hours import parse_hours
from milpj_desktop.directory.models import DirectoryEntry
from milpj_desktop.handouts import (
    Handout,
    HandoutError,
    HandoutParamError,
    TemplateSecurityError,
    get_template,
    load_templates,
    prepare,
    prepare_batch,
    render,
)
from milpj_desktop.handouts.history import get_print, list_prints, record_print
from milpj_desktop.settings import Settings
from milpj_desktop.store import Store
from tests.conftest import PASSPHRASE, run_cli

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 3, 12)
SETTINGS = Settings(
    structure_name="PMI de Villeurbanne — Centre Perralière",
    professional_name="Mme Élodie Martin, puéricultrice",
    professional_phone="04 78 00 00 00",
)
NOW = dt.datetime(2026, 2, 1, 10, 0)

SAMPLE_ENTRIES: list[dict[str, Any]] = [
    {
        "national_id": "PMI-1",
        "kind": "structure",
        "type": "pmi",
        "name": "Centre de PMI <b>Croix-Rousse</b> & Cie",
        "address": "12 rue d'Austerlitz",
        "postcode": "69004",
        "commune_insee": "69384",
        "commune": "Lyon 4e Arrondissement",
        "phone": "04 72 10 10 10",
        "hours": parse_hours("lundi-vendredi 9h-12h, 13h30-17h"),
        "latitude": 45.7772,
        "longitude": 4.8277,
        "languages": ["fr", "ar"],
    },
    {
        "national_id": "CAF-1",
        "kind": "structure",
        "type": "caf",
        "name": "CAF du Rhône — accueil Part-Dieu",
        "address": "67 boulevard Vivier-Merle",
        "postcode": "69003",
        "commune_insee": "69383",
        "commune": "Lyon 3e Arrondissement",
        "phone": "3230",
        "latitude": 45.7606,
        "longitude": 4.8590,
    },
    {
        "national_id": "PMI-FAR",
        "kind": "structure",
        "type": "pmi",
        "name": "PMI de Grenoble-Alpes",
        "postcode": "38000",
        "commune_insee": "38185",
        "commune": "Grenoble",
        "latitude": 45.1885,
        "longitude": 5.7245,
    },
]


def add_sample_directory(store: Store) -> None:
    """A few national entries around Lyon (one with HTML in its name) and one far away."""
    with store.transaction() as conn:
        for fields in SAMPLE_ENTRIES:
            directory_repo.upsert_national(conn, DirectoryEntry(updated_at=NOW, **fields))


def pdf_text(path: Path) -> str:
    """pdftotext output, ligatures unfolded (« ﬀ » → « ff ») so that words compare as typed."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return unicodedata.normalize("NFKC", out.stdout)


def squash(text: str) -> str:
    """Text with no space and no hyphen: pdftotext drops the hyphen of a word cut at a line end."""
    return "".join(text.split()).replace("-", "")


def to_pdf(handouts: list[Handout], path: Path, **kwargs: Any) -> str:
    from ui.printing import write_pdf

    pages = write_pdf(handouts, path, **kwargs)
    assert pages >= 1
    return pdf_text(path)


# -- manifests and parameters ------------------------------------------------------------------
def test_six_templates_are_listed_with_their_parameters() -> None:
    templates = load_templates()
    assert list(templates) == [
        "fiche-conseil",
        "contacts-utiles",
        "calendrier-1000-jours",
        "fiche-etape",
        "rendez-vous",
        "numeros-utiles",
    ]
    assert [p.name for p in templates["contacts-utiles"].manifest.parameters] == [
        "commune",
        "rayon",
        "types",
        "structures",
        "ligne",
    ]
    assert templates["calendrier-1000-jours"].manifest.one_of == [["naissance", "terme"]]


@pytest.mark.parametrize(
    ("template_id", "raw", "named", "fragment"),
    [
        ("fiche-conseil", {}, "articles", "manquant"),
        ("fiche-conseil", {"articles": "Pas Un Id"}, "articles", "mal formé"),
        ("calendrier-1000-jours", {"naissance": "2026-02-30"}, "naissance", "AAAA-MM-JJ"),
        ("calendrier-1000-jours", {"naissance": "2026-02-01", "terme": "2026-05-01"}, "naissance", "un seul"),
        ("calendrier-1000-jours", {}, "naissance", "un seul"),
        ("contacts-utiles", {"commune": "Lyon", "rayon": "loin"}, "rayon", "kilomètres"),
        ("contacts-utiles", {"commune": "Lyon", "types": "pmi,boulangerie"}, "types", "boulangerie"),
        ("fiche-etape", {"etape": "12"}, "etape", "de 1 à 9"),
        ("rendez-vous", {"heure": "25:00"}, "heure", "HH:MM"),
        ("rendez-vous", {"couleur": "bleu"}, "couleur", "inconnu"),
    ],
)
def test_bad_parameters_are_refused_by_name(template_id: str, raw: dict[str, str], named: str, fragment: str) -> None:
    with pytest.raises(HandoutParamError) as caught:
        get_template(template_id).validate(raw)
    assert caught.value.param == named
    assert f"« {named} »" in caught.value.message
    assert fragment in caught.value.message


def test_parameters_are_typed_and_defaults_applied() -> None:
    contacts = get_template("contacts-utiles").validate({"commune": " 69003 ", "types": "pmi, caf,pmi"})
    assert contacts == {"commune": "69003", "rayon": 10, "types": ["pmi", "caf"]}
    stage = get_template("fiche-etape").validate({"etape": "3"})
    assert stage == {"etape": "debut-grossesse"}
    meeting = get_template("rendez-vous").validate({"date": "2028-02-29", "heure": "9h"})
    assert meeting == {"date": dt.date(2028, 2, 29), "heure": "09:00"}
    assert get_template("rendez-vous").as_text(meeting) == {"date": "2028-02-29", "heure": "09:00"}


# -- the sandbox -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ data.__class__ }}",
        "{{ data.items.__self__.__class__ }}",
        "{{ range.__init__.__globals__ }}",
        "{{ data.pop('a') }}",
        "{% set x = data.update({'a': 1}) %}{{ x }}",
    ],
)
def test_template_cannot_reach_outside_its_data(tmp_path: Path, source: str) -> None:
    (tmp_path / "piege.html.j2").write_text(source, encoding="utf-8")
    with pytest.raises(TemplateSecurityError) as caught:
        render("piege.html.j2", {"data": {"a": "b"}}, root=tmp_path)
    assert "rendu refusé" in caught.value.message


@pytest.mark.parametrize(
    "source",
    [
        "{% import 'os' as os %}{{ os.system('true') }}",
        "{% include '../../../../etc/passwd' %}",
        "{{ lipsum() }}{{ cycler }}",
        "{{ absent }}",
    ],
)
def test_template_cannot_import_read_files_or_use_unknown_names(tmp_path: Path, source: str) -> None:
    (tmp_path / "piege.html.j2").write_text(source, encoding="utf-8")
    with pytest.raises(HandoutError) as caught:
        render("piege.html.j2", {}, root=tmp_path)
    assert "root:" not in caught.value.message


def test_autoescape_is_on_in_the_sandbox(tmp_path: Path) -> None:
    (tmp_path / "t.html.j2").write_text("<p>{{ text }}</p>", encoding="utf-8")
    assert render("t.html.j2", {"text": "<script>x</script>"}, root=tmp_path) == (
        "<p>&lt;script&gt;x&lt;/script&gt;</p>"
    )


# -- each template renders to a PDF that says what it should -----------------------------------
@pytest.fixture
def directory_store(content_store: Store) -> Store:
    add_sample_directory(content_store)
    return content_store


def test_fiche_conseil_pdf(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    handout = prepare(
        content_store.conn,
        "fiche-conseil",
        {"articles": "bebe-couchage-securite,grossesse-zero-alcool"},
        settings=SETTINGS,
        today=TODAY,
    )
    text = to_pdf([handout], tmp_path / "conseil.pdf")
    for expected in (
        "Coucher bébé en sécurité",
        "En bref",
        "Le saviez-vous ?",
        "Sources :",
        "Santé publique France",
        "PMI de Villeurbanne — Centre Perralière",
        "Mme Élodie Martin, puéricultrice · 04 78 00 00 00",
        "Remis le 12 mars 2026",
        "page 1 / ",
    ):
        assert expected in text, expected
    second = repository.get_article(content_store.conn, "grossesse-zero-alcool")
    assert second is not None and second.title in text
    pages = text.count("\f")
    assert f"page {pages} / {pages}" in text


def test_contacts_pdf(qapp: Any, directory_store: Store, tmp_path: Path) -> None:
    handout = prepare(
        directory_store.conn,
        "contacts-utiles",
        {"commune": "69003", "rayon": "8", "types": "pmi,caf"},
        settings=SETTINGS,
        today=TODAY,
    )
    text = " ".join(to_pdf([handout], tmp_path / "contacts.pdf").split())
    assert "Contacts utiles autour de Lyon 3e Arrondissement" in text
    assert squash("CAF du Rhône — accueil Part-Dieu") in squash(text)
    assert "04 72 10 10 10" in text
    assert "Du lundi au vendredi : 9 h – 12 h, 13 h 30 – 17 h" in text
    assert "Suivi gratuit de la grossesse" in text
    assert "Grenoble" not in text  # 95 km away: outside the radius
    assert handout.label == "Lyon 3e Arrondissement (69003)"


def test_unknown_commune_and_article_are_named(directory_store: Store) -> None:
    with pytest.raises(HandoutParamError, match="« commune »") as caught:
        prepare(directory_store.conn, "contacts-utiles", {"commune": "Zzzville"}, settings=SETTINGS, today=TODAY)
    assert "Zzzville" in caught.value.message
    with pytest.raises(HandoutParamError, match="article introuvable « nulle-part »"):
        prepare(directory_store.conn, "fiche-conseil", {"articles": "nulle-part"}, settings=SETTINGS, today=TODAY)


def test_html_in_article_body_and_directory_name_prints_as_text(
    qapp: Any, directory_store: Store, tmp_path: Path
) -> None:
    article = repository.get_article(directory_store.conn, "bebe-couchage-securite")
    assert article is not None
    section = article.sections[0].model_copy(update={"body": "Avant <b>gras</b> & <script>alert(1)</script> après."})
    with directory_store.transaction() as conn:
        repository.upsert_article(conn, article.model_copy(update={"sections": [section]}))
    conseil = prepare(directory_store.conn, "fiche-conseil", {"articles": article.id}, settings=SETTINGS, today=TODAY)
    assert "<b>gras</b>" not in conseil.html and "&lt;b&gt;gras&lt;/b&gt;" in conseil.html
    text = to_pdf([conseil], tmp_path / "html.pdf")
    assert "Avant <b>gras</b> & <script>alert(1)</script> après." in text
    contacts = prepare(
        directory_store.conn, "contacts-utiles", {"commune": "Lyon", "types": "pmi"}, settings=SETTINGS, today=TODAY
    )
    text = " ".join(to_pdf([contacts], tmp_path / "nom.pdf").split())
    assert squash("Centre de PMI <b>Croix-Rousse</b> & Cie") in squash(text)


def test_stage_and_appointment_pdfs(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    stage = prepare(content_store.conn, "fiche-etape", {"etape": "3"}, settings=SETTINGS, today=TODAY)
    text = to_pdf([stage], tmp_path / "etape.pdf")
    for expected in ("Étape 3 des 1000 premiers jours", "Début de grossesse", "1re échographie", "Qui peut vous aider"):
        assert expected in text, expected
    assert "Sage-femme" in text
    meeting = prepare(
        content_store.conn, "rendez-vous", {"date": "2026-04-01", "heure": "14:30"}, settings=SETTINGS, today=TODAY
    )
    text = to_pdf([meeting], tmp_path / "rdv.pdf")
    assert text.count("Mon prochain rendez-vous") >= 2  # two copies to cut out, plus the footer title
    assert "mercredi 1er avril 2026" in text and "14 h 30" in text
    assert "04 78 00 00 00" in text
    blank = prepare(content_store.conn, "rendez-vous", {}, settings=Settings(), today=TODAY)
    assert "....." in to_pdf([blank], tmp_path / "vide.pdf")


# -- the calendar's dates ------------------------------------------------------------------------
def _calendar_rows(store: Store, **param: str) -> str:
    handout = prepare(store.conn, "calendrier-1000-jours", param, settings=SETTINGS, today=TODAY)
    return handout.html


@pytest.mark.parametrize(
    ("param", "event", "expected"),
    [
        # born 31 January of a common year: + 35 days crosses a 28-day February
        ({"naissance": "2027-01-31"}, "Examen du 2e mois", "07/03/2027"),
        # same birth date in a leap year: one day earlier
        ({"naissance": "2028-01-31"}, "Examen du 2e mois", "06/03/2028"),
        # born on 29 February: + 366 days lands on 1 March of the next year
        ({"naissance": "2028-02-29"}, "Examen du 13e mois", "01/03/2029"),
        # due on 1 March of a leap year: 21 days before is 9 February
        ({"terme": "2028-03-01"}, "Examen prénatal du 9e mois", "09/02/2028"),
        # due on 31 December: the declaration reminder (day + 1, issue 18) is the next year
        ({"terme": "2026-12-31"}, "Déclaration de naissance", "01/01/2027"),
    ],
)
def test_calendar_dates_around_month_ends_and_leap_years(
    content_store: Store, param: dict[str, str], event: str, expected: str
) -> None:
    html = _calendar_rows(content_store, **param)
    row = html.split(event)[0].rsplit("<tr>", 1)[1]
    assert expected in row


def test_calendar_pdf_lists_only_events_ahead(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    handout = prepare(
        content_store.conn, "calendrier-1000-jours", {"naissance": "2026-01-31"}, settings=SETTINGS, today=TODAY
    )
    text = to_pdf([handout], tmp_path / "cal.pdf")
    assert "Mon calendrier des 1000 jours" in text
    assert "31 janvier 2026" in text
    assert "Examen du 2e mois" not in text  # 7 March 2026: before the print date
    assert "Examen du 3e mois" in text and "02/04/2026" in text
    assert "Ses 3 premiers mois" in text and "☐" in text


# -- output --------------------------------------------------------------------------------------
def test_large_print_is_at_least_14_points(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    from ui.printing import paginate
    from ui.qt import QPdfWriter

    writer = QPdfWriter(str(tmp_path / "x.pdf"))
    for template_id, raw in (
        ("fiche-conseil", {"articles": "bebe-couchage-securite"}),
        ("calendrier-1000-jours", {"terme": "2026-09-15"}),
        ("contacts-utiles", {"commune": "Lyon"}),
        ("fiche-etape", {"etape": "6"}),
        ("rendez-vous", {}),
        ("numeros-utiles", {}),
    ):
        handout = prepare(content_store.conn, template_id, raw, settings=SETTINGS, today=TODAY, large_print=True)
        paged = paginate(handout, writer)
        sizes = set()
        for doc in paged.docs:
            block = doc.begin()
            while block.isValid():
                it = block.begin()
                while not it.atEnd():
                    fragment = it.fragment()
                    if fragment.text().strip():
                        sizes.add(fragment.charFormat().font().pointSizeF())
                    it += 1
                block = block.next()
        assert sizes and min(sizes) >= 14, (template_id, sorted(sizes))
        small = paginate(prepare(content_store.conn, template_id, raw, settings=SETTINGS, today=TODAY), writer)
        assert len(paged.pages) >= len(small.pages)


def test_copies_repeat_pages_and_numbering_restarts(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    handout = prepare(content_store.conn, "fiche-etape", {"etape": "1"}, settings=SETTINGS, today=TODAY)
    single = to_pdf([handout], tmp_path / "un.pdf")
    pages = single.count("\f")
    triple = to_pdf([handout], tmp_path / "trois.pdf", copies=3)
    assert triple.count("\f") == 3 * pages
    assert triple.count(f"page 1 / {pages}") == 3


def test_pdf_rendering_on_worker_threads_matches_gui_thread(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    from ui.printing import in_qt_thread, write_pdf

    handout = prepare(
        content_store.conn, "calendrier-1000-jours", {"terme": "2026-09-15"}, settings=SETTINGS, today=TODAY
    )
    write_pdf([handout], tmp_path / "gui.pdf")
    results: dict[str, int] = {}

    def work(name: str) -> None:
        results[name] = in_qt_thread(lambda: write_pdf([handout], tmp_path / f"{name}.pdf"))

    threads = [threading.Thread(target=work, args=(f"t{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(results) == {"t0", "t1"}
    reference = pdf_text(tmp_path / "gui.pdf")
    assert pdf_text(tmp_path / "t0.pdf") == reference == pdf_text(tmp_path / "t1.pdf")


def test_cancelled_batch_leaves_no_file(qapp: Any, content_store: Store, tmp_path: Path) -> None:
    from milpj_desktop.worker import Cancelled
    from ui.printing import write_pdf

    handouts = prepare_batch(
        content_store.conn,
        "fiche-etape",
        {},
        vary="etape",
        variants=["1", "2", "3", "4"],
        settings=SETTINGS,
        today=TODAY,
    )
    assert [h.params["etape"] for h in handouts] == ["projet", "conception", "debut-grossesse", "fin-grossesse"]
    seen: list[int] = []

    def stop_after_two() -> None:
        if len(seen) >= 2:
            raise Cancelled()

    with pytest.raises(Cancelled):
        write_pdf(
            handouts,
            tmp_path / "lot.pdf",
            progress=lambda done, total, label: seen.append(done),
            check_cancelled=stop_after_two,
        )
    assert not list(tmp_path.glob("*.pdf"))
    assert write_pdf(handouts, tmp_path / "lot.pdf") >= 4
    text = pdf_text(tmp_path / "lot.pdf")
    assert "Projet de parentalité" in text and "Suite et fin de grossesse" in text


def test_batch_checks_every_value_before_rendering(content_store: Store) -> None:
    with pytest.raises(HandoutParamError, match="« terme »"):
        prepare_batch(
            content_store.conn,
            "calendrier-1000-jours",
            {},
            vary="terme",
            variants=["2026-09-15", "2026-13-01"],
            settings=SETTINGS,
            today=TODAY,
        )


# -- history ---------------------------------------------------------------------------------------
def test_history_keeps_template_params_and_date_only(store: Store) -> None:
    with store.transaction() as conn:
        first = record_print(
            conn,
            template_id="calendrier-1000-jours",
            params={"terme": "2026-09-15"},
            large_print=True,
            copies=2,
            output="pdf",
            at=dt.datetime(2026, 3, 12, 9, 30),
        )
        record_print(
            conn,
            template_id="rendez-vous",
            params={},
            large_print=False,
            copies=1,
            output="imprimante",
            at=dt.datetime(2026, 3, 12, 10, 0),
        )
    rows = list_prints(store.conn)
    assert [r.template_id for r in rows] == ["rendez-vous", "calendrier-1000-jours"]
    again = get_print(store.conn, first)
    assert again is not None and again.params == {"terme": "2026-09-15"} and again.large_print and again.copies == 2
    assert again.params_text() == "terme=2026-09-15"
    columns = [r[1] for r in store.conn.execute("PRAGMA table_info(handout_print)")]
    assert columns == ["id", "template_id", "params", "large_print", "copies", "output", "printed_at"]


# -- command line ------------------------------------------------------------------------------------
# `milpj-desktop fiche …` with no display and no QT_QPA_PLATFORM: the command goes offscreen by itself
_cli = functools.partial(run_cli, "fiche", unset=("QT_QPA_PLATFORM",))


def test_cli_lists_templates_without_a_store() -> None:
    result = _cli("--liste")
    assert result.returncode == 0, result.stderr
    for expected in ("fiche-conseil — Fiche conseil", "articles=", "commune=", "rayon=", "naissance=", "etape="):
        assert expected in result.stdout


def test_cli_writes_pdf_headless_and_records_history(content_store: Store, tmp_path: Path) -> None:
    add_sample_directory(content_store)
    content_store.close()
    output = tmp_path / "contacts.pdf"
    result = _cli(
        "--modele",
        "contacts-utiles",
        "--param",
        "commune=Lyon 3e Arrondissement",
        "--param",
        "rayon=8",
        "--param",
        "types=pmi,caf",
        "--gros-caracteres",
        "--pdf",
        str(output),
    )
    assert result.returncode == 0, result.stderr
    assert "écrite" in result.stdout
    assert "CAF du Rhône" in pdf_text(output)
    reopened = Store.open(content_store.path, PASSPHRASE)
    try:
        rows = list_prints(reopened.conn)
    finally:
        reopened.close()
    assert len(rows) == 1 and rows[0].large_print and rows[0].params["types"] == "pmi,caf"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--modele", "fiche-conseil"], "« articles » manquant"),
        (["--modele", "calendrier-1000-jours", "--param", "naissance=2026-02-29"], "« naissance » invalide"),
        (["--modele", "fiche-etape", "--param", "etape"], "« etape »"),
        (["--modele", "inconnu"], "Modèle de fiche inconnu « inconnu »"),
    ],
)
def test_cli_refuses_bad_parameters_with_exit_2(tmp_path: Path, args: list[str], named: str) -> None:
    result = _cli(*args, "--pdf", str(tmp_path / "x.pdf"))
    assert result.returncode == 2
    assert named in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_broken_manifest_is_told_in_french(tmp_path: Path) -> None:
    import json
    import shutil

    from milpj_desktop import paths
    from milpj_desktop.handouts.errors import HandoutError
    from milpj_desktop.handouts.manifest import load_templates

    folder = tmp_path / "modeles"
    shutil.copytree(paths.templates_dir() / "fiche-etape", folder / "fiche-etape")
    manifest = folder / "fiche-etape" / "manifeste.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    del data["title"]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(HandoutError) as info:
        load_templates(folder)
    assert info.value.message == "Manifeste de modèle invalide : fiche-etape (champ « title » : champ manquant)"


def test_history_lines_of_earlier_versions_lose_the_family_dates(data_dir: Path) -> None:
    """A store written before the history stopped keeping dates is cleaned when it is next opened."""
    from milpj_desktop import paths
    from milpj_desktop.store import Store
    from milpj_desktop.store import migrate as migrations
    from tests.conftest import PASSPHRASE

    store = Store.create(paths.store_path(), PASSPHRASE)
    try:
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO handout_print(template_id, params, output, printed_at) VALUES(?, ?, 'pdf', ?)",
                ("calendrier-1000-jours", '{"naissance": "2026-03-15", "terme": "2026-03-20"}', "2026-11-01T10:00:00"),
            )
            conn.execute(
                "INSERT INTO handout_print(template_id, params, output, printed_at) VALUES(?, ?, 'pdf', ?)",
                ("rendez-vous", '{"date": "2026-12-01", "heure": "10:30", "etape": "3"}', "2026-11-02T10:00:00"),
            )
            conn.execute("PRAGMA user_version = 9")  # as an earlier version left it
        migrations.apply_pending(store.conn)
        kept = [r[0] for r in store.conn.execute("SELECT params FROM handout_print ORDER BY id")]
    finally:
        store.close()
    assert kept == ["{}", '{"etape":"3"}']
