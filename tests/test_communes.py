"""Communes as people say them: arrondissements, former communes, Cedex, homonyms, one wrong letter."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from milpj_desktop.directory import communes
from milpj_desktop.directory.communes import AmbiguousCommune, UnknownCommune
from milpj_desktop.directory.csvio import import_file
from milpj_desktop.store import Store
from tests.conftest import run_cli

COMMUNES_CSV = Path("/work/shared/data/communes.csv")


@pytest.mark.parametrize(
    ("typed", "insee"),
    [
        ("Paris 11e", "75111"),
        ("Paris 11", "75111"),
        ("paris 1er", "75101"),
        ("Paris 20e arrondissement", "75120"),
        ("Lyon 3e", "69383"),
        ("Lyon 9", "69389"),
        ("Marseille 8e", "13208"),
        ("Marseille 1er", "13201"),
        ("Marseille 16e", "13216"),
        ("75011", "75111"),
        ("Evry (91)", "91228"),
        ("Évry-Courcouronnes", "91228"),
        ("Saint-Denis (93)", "93066"),
        ("Saint-Denis (974)", "97411"),
        ("Saint-Denis (93200)", "93066"),
        ("Cherbourg", "50129"),
        ("Besanson", "25056"),  # one wrong letter
        ("Besancn", "25056"),  # one missing letter
        ("Chalon sur saone", "71076"),
    ],
)
def test_what_people_type_resolves(typed: str, insee: str) -> None:
    found = communes.resolve_unique(typed)
    assert found.insee == insee


@pytest.mark.parametrize(
    ("typed", "successor", "note"),
    [
        ("Cherbourg-Octeville", "50129", "Cherbourg-Octeville : commune déléguée de Cherbourg-en-Cotentin"),
        ("Annecy-le-Vieux", "74010", "Annecy-le-Vieux : commune déléguée d'Annecy"),
        ("annecy le vieux", "74010", "Annecy-le-Vieux : commune déléguée d'Annecy"),
    ],
)
def test_former_communes_resolve_to_their_commune_and_say_so(typed: str, successor: str, note: str) -> None:
    found = communes.lookup(typed)
    assert [c.insee for c in found.communes] == [successor]
    assert found.note == note


@pytest.mark.parametrize(("code", "insee"), [("13233", "13055"), ("06364", "06088")])
def test_a_town_hall_cedex_code_gives_its_commune(code: str, insee: str) -> None:
    """The town halls' own CEDEX codes (public directory of town halls) lead to their commune."""
    found = communes.lookup(code)
    assert [c.insee for c in found.communes] == [insee]
    assert found.note.startswith(f"{code} : code CEDEX de ")


def test_homonyms_are_never_settled_in_silence() -> None:
    with pytest.raises(AmbiguousCommune) as refused:
        communes.resolve_unique("Saint-Denis")
    message = refused.value.message
    for expected in ("Saint-Denis (93200)", "Saint-Denis (97400)", "Saint-Denis (11310)", "Seine-Saint-Denis"):
        assert expected in message
    # « Évry » is a village of the Yonne, and what people call Évry-Courcouronnes: both are offered
    evry = communes.lookup("Evry")
    assert {c.insee for c in evry.communes} == {"89162", "91228"}
    assert communes.resolve_unique("Saint-Denis", most_populous=True).insee == "97411"


def test_a_cedex_code_and_an_unknown_name_are_told_in_french() -> None:
    with pytest.raises(UnknownCommune) as cedex:
        communes.resolve_unique("13999")
    assert "CEDEX" in cedex.value.message and "13999" in cedex.value.message
    with pytest.raises(UnknownCommune) as nowhere:
        communes.resolve_unique("Nullepartville")
    assert "introuvable" in nowhere.value.message
    assert communes.lookup("Paris 21e").communes == ()  # Paris has twenty arrondissements


def test_every_commune_name_and_postcode_of_the_national_list_resolves_to_itself() -> None:
    """Against the public list in shared/data (not the gazetteer's own file)."""
    if not COMMUNES_CSV.exists():
        pytest.skip("liste nationale absente")
    wrong_names, wrong_codes, wrong_insee = [], [], []
    gaz = communes.gazetteer()
    with COMMUNES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            insee = row["code_insee"]
            if insee not in {c.insee for c in gaz.lookup(row["nom"]).communes}:
                wrong_names.append(row["nom"])
            if gaz.get(insee) is None or gaz.get(insee).insee != insee:  # type: ignore[union-attr]
                wrong_insee.append(insee)
            for code in row["codes_postaux"].split():
                if code not in gaz.resolve(code).postcodes:  # type: ignore[union-attr]
                    wrong_codes.append(code)
    assert (wrong_names, wrong_codes, wrong_insee) == ([], [], [])


def test_a_choice_label_reads_back_as_that_commune() -> None:
    every = communes.gazetteer().by_insee.values()
    wrong = [c.choice_label for c in every if communes.lookup(c.choice_label).communes[:1] != (c,)]
    assert wrong == []
    assert communes.get("93066").choice_label == "Saint-Denis (93200) — Seine-Saint-Denis"  # type: ignore[union-attr]


def test_every_former_commune_resolves_to_its_successor() -> None:
    gaz = communes.gazetteer()
    assert len(gaz.former) > 2000  # communes déléguées and associées are in the gazetteer
    wrong = [old.name for old in gaz.former if old.successor not in gaz.lookup(old.name).communes]
    assert wrong == []


def test_the_command_line_refuses_an_ambiguous_commune_with_the_choices(data_dir: Path) -> None:
    assert run_cli("init").returncode == 0
    done = run_cli("annuaire", "rechercher", "--autour", "Saint-Denis")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "plusieurs communes" in done.stderr and "Saint-Denis (93200)" in done.stderr
    done = run_cli("annuaire", "rechercher", "--autour", "Saint-Denis (93)", "--rayon", "5")
    assert done.returncode == 0, done.stderr
    done = run_cli("annuaire", "rechercher", "--autour", "Saint-Denis", "--plus-peuplee", "--json")
    assert done.returncode == 0, done.stderr  # asked for: the most populous (La Réunion)


def test_an_import_row_naming_an_ambiguous_commune_is_reported_with_its_line(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "structures.csv"
    source.write_text(
        "nom,type,commune\n"
        "Crèche Les Lilas,creche,Saint-Denis\n"
        "Crèche du Vieux Bourg,creche,Annecy-le-Vieux\n"
        "Crèche des Quais,creche,Saint-Denis (93)\n",
        encoding="utf-8",
    )
    with store.transaction() as conn:
        report = import_file(conn, source)
    assert [line for line, _ in report.errors] == [2]
    assert "ambiguë" in report.errors[0][1] and "Saint-Denis (93200)" in report.errors[0][1]
    assert any(line == 3 and "commune déléguée d'Annecy" in text for line, text in report.warnings)
    assert report.local_added == 2


def test_a_handout_for_an_ambiguous_commune_asks_which_one(data_dir: Path, tmp_path: Path) -> None:
    assert run_cli("init").returncode == 0
    pdf = tmp_path / "contacts.pdf"
    args = ["fiche", "--modele", "contacts-utiles", "--param", "types=pmi", "--pdf", str(pdf)]
    done = run_cli(*args, "--param", "commune=Saint-Denis")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "plusieurs communes" in done.stderr and "Seine-Saint-Denis" in done.stderr
    assert not pdf.exists()
    done = run_cli(*args, "--param", "commune=Saint-Denis (93200) — Seine-Saint-Denis")
    assert done.returncode == 0, done.stderr
    assert pdf.exists()
