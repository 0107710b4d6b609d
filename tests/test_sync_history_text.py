"""The window tells a run with files still to come as « réussie avec avertissements », not « réussie »."""

from __future__ import annotations

from sync.state import CollectionResult, RunResult
from ui.sync_history import outcome_text, run_item


def _run(failed: int) -> RunResult:
    run = RunResult(run_id=1, server="http://127.0.0.1", status="reussie", started_at="2026-12-05T08:00:00+00:00")
    run.finished_at = "2026-12-05T08:01:00+00:00"
    run.collections["directory"] = CollectionResult("directory", added=3, received=3, status="reussie")
    run.collections["assets"] = CollectionResult("assets", failed=failed, status="reussie")
    return run


def test_a_run_with_files_to_come_says_so() -> None:
    assert outcome_text(_run(1)).startswith("Synchronisation réussie avec avertissements")
    assert run_item(_run(1)).text(1) == "avec avertissements"
    assert outcome_text(_run(0)).startswith("Synchronisation réussie")
    assert "avertissements" not in outcome_text(_run(0))


def test_every_failure_tells_the_server_state_by_its_family() -> None:
    """A run records the exact error class; a subclass (TlsExpired) is told like its family."""
    from sync.freshness import server_phrase

    def failed(error: str) -> RunResult:
        return RunResult(run_id=1, server="https://s", status="echec", error=error)

    assert server_phrase(failed("TlsExpired")) == "Serveur : certificat refusé"
    assert server_phrase(failed("TooSlow")) == "Serveur injoignable"
    assert server_phrase(failed("ProxyAuth")) == "Serveur : le proxy demande une identification"
    assert server_phrase(failed("ErreurInconnue")) == "Serveur : échec de la synchronisation"
