"""Directory in the encrypted store: national vs local rows, notes, corrections, search."""

from __future__ import annotations

import datetime as dt

import pytest

from milpj_desktop.directory import communes, repository
from milpj_desktop.directory.generate import fictitious_entries, mairies_sample
from milpj_desktop.directory.models import DirectoryEntry
from milpj_desktop.directory.search import Place, fts_query, search, search_rows, text_search
from milpj_desktop.store import Store

NOW = dt.datetime(2025, 3, 11, 10, 0, tzinfo=dt.UTC)


def _entry(**changes: object) -> DirectoryEntry:
    besancon = communes.resolve("25000")
    assert besancon is not None and besancon.lat is not None and besancon.lon is not None
    values: dict[str, object] = {
        "kind": "structure",
        "type": "creche",
        "name": "Crèche Les Écureuils",
        "postcode": "25000",
        "commune_insee": "25056",
        "commune": "Besançon",
        "latitude": besancon.lat + 0.01,
        "longitude": besancon.lon,
        "updated_at": NOW,
    }
    values.update(changes)
    return DirectoryEntry.model_validate(values)


@pytest.fixture
def filled(store: Store) -> Store:
    with store.transaction() as conn:
        repository.upsert_national_many(conn, mairies_sample(400) + fictitious_entries(600, seed=3))
        for text in ("25000", "69001", "13001"):  # something near each test place
            commune = communes.resolve(text)
            assert commune is not None
            repository.upsert_national(
                conn,
                _entry(
                    national_id=f"test-{text}",
                    name=f"Maternité de test {commune.name}",
                    type="maternite",
                    commune_insee=commune.insee,
                    commune=commune.name,
                    postcode=text,
                    latitude=commune.lat,
                    longitude=commune.lon,
                ),
            )
    return store


def test_local_entries_notes_and_outbox_survive_national_changes(store: Store) -> None:
    conn = store.conn
    with store.transaction():
        repository.upsert_national(conn, _entry(national_id="n-1", name="PMI du Centre", type="pmi"))
        local_id = repository.add_local(conn, _entry(name="Ma sage-femme de confiance", type="sage-femme"))
        repository.set_note(conn, "n-1", "Demander Mme Roux, accueil le mardi")
        correction = repository.add_correction(conn, "n-1", "Le numéro a changé.", now=NOW)
    with store.transaction():
        repository.upsert_national(conn, _entry(national_id="n-1", name="PMI du Centre-ville", type="pmi"))
        assert repository.purge_departements(conn, ["25"]) == 1
    assert repository.get_entry(conn, "n-1") is None
    assert repository.get_note(conn, "n-1") == "Demander Mme Roux, accueil le mardi"
    stored = repository.get_entry(conn, local_id)
    assert stored is not None and stored.origin == "local" and stored.entry.name == "Ma sage-femme de confiance"
    assert [c.uuid for c in repository.pending_corrections(conn)] == [correction.uuid]
    with store.transaction():
        repository.mark_correction_sent(conn, correction.uuid)
    assert repository.pending_corrections(conn) == []
    with store.transaction():
        repository.upsert_national(conn, _entry(national_id="n-1", name="PMI du Centre-ville", type="pmi"))
    back = repository.get_entry(conn, "n-1")
    assert back is not None and back.note == "Demander Mme Roux, accueil le mardi"


def test_national_entries_cannot_be_edited_as_local(store: Store) -> None:
    with store.transaction() as conn:
        repository.upsert_national(conn, _entry(national_id="n-2"))
    with pytest.raises(repository.NotLocalEntry, match="Signaler une correction"):
        repository.update_local(store.conn, "n-2", _entry())
    with pytest.raises(repository.NotLocalEntry):
        repository.delete_local(store.conn, "n-2")


def test_update_and_delete_local_reindex(store: Store) -> None:
    conn = store.conn
    with store.transaction():
        local_id = repository.add_local(conn, _entry(name="Crèche Les Écureuils"))
    assert [h.id for h in text_search(conn, "ecureuil")] == [local_id]
    with store.transaction():
        repository.update_local(conn, local_id, _entry(name="Crèche Les Mésanges"))
    assert text_search(conn, "ecureuil") == []
    assert [h.id for h in text_search(conn, "mesange")] == [local_id]
    with store.transaction():
        repository.set_note(conn, local_id, "note")
        repository.delete_local(conn, local_id)
    assert text_search(conn, "mesange") == []
    assert repository.get_note(conn, local_id) == ""


def test_text_search_is_accent_insensitive_prefix_and_covers_local(filled: Store) -> None:
    conn = filled.conn
    with filled.transaction():
        local_id = repository.add_local(conn, _entry(name="Crèche Les Écureuils"))
    hits = search(conn, text="crech ecur")
    assert [h.id for h in hits] == [local_id]
    assert all(h.entry.type == "creche" for h in search(conn, text="Crèche", limit=20))
    assert search(conn, text="materni besancon")[0].id == "test-25000"
    assert fts_query('mairie "de" l\'Ain*') == '"mairie"* "de"* "l"* "ain"*'
    assert search(conn, text="«»") == []


def test_radius_search_sorted_by_distance_and_combinable(filled: Store) -> None:
    conn = filled.conn
    besancon = communes.resolve("25000")
    assert besancon is not None and besancon.lat is not None and besancon.lon is not None
    with filled.transaction():
        local_id = repository.add_local(conn, _entry(name="Crèche Les Écureuils"))  # ≈ 1.1 km north
    hits = search(conn, around=besancon, radius_km=10)
    distances = [h.distance_km for h in hits]
    assert hits[0].id == "test-25000" and distances[0] == pytest.approx(0, abs=0.01)
    assert all(d is not None and d <= 10 for d in distances)
    assert distances == sorted(distances)  # type: ignore[type-var]
    assert local_id in [h.id for h in hits]
    only = search(conn, around=besancon, radius_km=10, types=["creche"], text="ecureuils")
    assert [h.id for h in only] == [local_id]
    assert only[0].distance_km == pytest.approx(1.11, abs=0.05)
    # a radius that excludes it; a point given as coordinates
    assert search(conn, around=Place(besancon.lat, besancon.lon), radius_km=0.5, types=["creche"]) == []
    lyon = communes.resolve("69001")
    assert lyon is not None
    near_lyon = search(conn, around=lyon, radius_km=30)
    assert near_lyon and all((h.distance_km or 0) <= 30 for h in near_lyon)
    assert "test-25000" not in [h.id for h in near_lyon]


def test_commune_filter_and_light_rows(filled: Store) -> None:
    conn = filled.conn
    besancon = communes.resolve("Besançon")
    assert besancon is not None
    rows = search_rows(conn, commune=besancon)
    assert rows and all(r.commune == "Besançon" for r in rows)
    every = search_rows(conn)
    assert len(every) == 1003
    assert [r.name for r in every[:50]] == sorted((r.name for r in every[:50]), key=communes.fold)
    paris = communes.resolve("Paris")
    assert paris is not None
    assert all(r.commune.startswith("Paris") for r in search_rows(conn, commune=paris))


def test_an_entry_stored_before_the_limits_still_shows(store: Store) -> None:
    """Stored by an older version (no limits then): read back with what is out of bounds cut or
    dropped, never an error in the window."""
    entry = fictitious_entries(1, seed=11)[0]
    with store.transaction() as conn:
        repository.upsert_national(conn, entry)
        one = '{"days": ["lundi"], "slots": [{"opens": "09:00", "closes": "12:00"}]}'
        hours = "[" + ",".join([one] * 60_000) + "]"
        conn.execute(
            "UPDATE directory_national SET data = json_set(data, '$.website', ?, '$.email', ?, '$.hours', json(?)) "
            "WHERE national_id = ?",
            ("https://exemple.fr/" + "a" * 7_000_000, "b" * 3_000_000 + "@x.fr", hours, str(entry.national_id)),
        )
    shown = repository.get_entry(store.conn, str(entry.national_id))
    assert shown is not None and shown.entry.name == entry.name
    assert not shown.entry.email  # cut, still not an address: dropped
    assert shown.entry.website is not None and shown.entry.website.startswith("https://exemple.fr/aaa")
    assert len(shown.entry.website) <= 300  # cut to what a line holds
    assert shown.entry.hours == []  # 60 000 copies of one range overlap: even the first 14 are refused
    hits = search(store.conn, text=entry.name.split()[0])
    assert any(h.entry.name == entry.name for h in hits)
