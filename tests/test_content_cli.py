"""`rechercher` and `etape` as a person runs them: a real process on a real encrypted store."""

from __future__ import annotations

import json
from pathlib import Path

from milpj_desktop.store import Store
from tests.conftest import run_cli


def test_search_json_and_text(content_store: Store, data_dir: Path) -> None:
    content_store.close()
    result = run_cli("rechercher", "creche", "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits, "le pack parle de crèches"
    for hit in hits:
        assert {"type", "id", "titre", "extrait"} <= hit.keys()
    assert any("crèche" in (h["titre"] + h["extrait"]).lower() for h in hits)
    text = run_cli("rechercher", "allait")
    assert text.returncode == 0
    assert text.stdout.startswith(" 1. [article] ")
    assert "«" in text.stdout
    none = run_cli("rechercher", "zzzqqqxxx")
    assert none.returncode == 0
    assert none.stdout.strip() == "Aucun résultat."


def test_stage_from_due_date_and_birth_date(content_store: Store, data_dir: Path) -> None:
    content_store.close()
    result = run_cli("etape", "--terme", "2026-12-01", "--aujourdhui", "2026-07-01", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["etape"] == "fin-grossesse"
    assert payload["position"] == "19 SA et 1 jour"
    dates = [e["date"] for e in payload["evenements"]]
    assert dates == sorted(dates)
    assert dates and dates[0] >= "2026-07-01"
    assert payload["articles"]
    text = run_cli("etape", "--naissance", "2026-01-15", "--aujourdhui", "2026-04-16")
    assert text.returncode == 0
    assert text.stdout.startswith("Étape au 16/04/2026 : De ses 4 mois à 1 an (3 mois et 1 jour).")
    assert "Prochains événements :" in text.stdout


def test_stage_bad_input_is_one_french_line(content_store: Store, data_dir: Path) -> None:
    content_store.close()
    bad = run_cli("etape", "--naissance", "15/13/2026")
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "milpj-desktop : Date de naissance : « 15/13/2026 » n'est pas une date : "
        "écrivez-la JJ/MM/AAAA, par exemple 15/03/2027."
    )
    future = run_cli("etape", "--naissance", "2026-05-01", "--aujourdhui", "2026-04-01")
    assert future.returncode == 2
    assert "postérieure" in future.stderr
    assert "Traceback" not in future.stderr
    both = run_cli("etape", "--terme", "2026-05-01", "--naissance", "2026-05-01")
    assert both.returncode == 2
    assert "incompatible" in both.stderr


def test_stage_from_a_last_period_or_a_dating_scan(content_store: Store, data_dir: Path) -> None:
    content_store.close()
    period = run_cli("etape", "--ddr", "01/01/2026", "--aujourdhui", "01/07/2026", "--json")
    assert period.returncode == 0, period.stderr
    payload = json.loads(period.stdout)
    assert payload["terme"] == "2026-10-15"  # 41 SA after the first day of the last period
    assert payload["position"] == "25 SA et 6 jours"
    late = [e["id"] for e in payload["a_rattraper"]]
    assert "examen-prenatal-5e-mois" in late  # due on 4 June 2026 (term − 133 days)
    assert all(e["date"] < "2026-07-01" for e in payload["a_rattraper"])
    assert all(e["date"] >= "2026-07-01" for e in payload["evenements"])
    scan = run_cli("etape", "--echographie", "15032026", "--sa", "12+3", "--aujourdhui", "2026-07-01")
    assert scan.returncode == 0, scan.stderr
    assert scan.stdout.startswith("Étape au 01/07/2026 : Suite et fin de grossesse (27 SA et 6 jours).")
    assert "À rattraper" in scan.stdout
    missing = run_cli("etape", "--echographie", "15/03/2026")
    assert missing.returncode == 2
    assert "--sa 12+3" in missing.stderr and "Traceback" not in missing.stderr
