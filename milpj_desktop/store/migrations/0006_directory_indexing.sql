-- How the national directory's search indexes are written (milpj_desktop/directory/indexing.py).
--   bulk     = 1 inside one large batch (a synchronisation page, an import): the per-row triggers
--              stand aside and the batch fills the full-text and geographic indexes in one statement
--              each. Set and cleared inside the batch's own savepoint: never seen committed.
--   deferred = 1 while the first load of an empty national directory runs: its secondary B-tree
--              indexes are dropped (their SQL is kept below), its R-tree waits, and every page is
--              written in bulk with its full-text entries; the last page of the pass — or the end of
--              an interrupted run, or the next opening of the store — builds them. A migration that
--              changes these indexes must run after that.
CREATE TABLE directory_index_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    bulk INTEGER NOT NULL DEFAULT 0 CHECK (bulk IN (0, 1)),
    deferred INTEGER NOT NULL DEFAULT 0 CHECK (deferred IN (0, 1))
);
INSERT INTO directory_index_state(id) VALUES (1);

-- Secondary indexes of directory_national dropped while deferred, to be created again.
CREATE TABLE directory_deferred_index (
    name TEXT PRIMARY KEY,
    sql TEXT NOT NULL
) WITHOUT ROWID;

DROP TRIGGER directory_national_ai;
CREATE TRIGGER directory_national_ai AFTER INSERT ON directory_national
WHEN (SELECT bulk + deferred FROM directory_index_state WHERE id = 1) = 0
BEGIN
    INSERT INTO directory_national_fts(rowid, name, keywords, place)
    VALUES (new.rowid, new.name, new.keywords, new.commune || ' ' || new.postcode || ' ' || new.address);
    INSERT INTO directory_national_geo(id, min_lat, max_lat, min_lon, max_lon)
    SELECT new.rowid, new.latitude, new.latitude, new.longitude, new.longitude
    WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
END;

DROP TRIGGER directory_national_au;
CREATE TRIGGER directory_national_au AFTER UPDATE ON directory_national
WHEN (SELECT bulk + deferred FROM directory_index_state WHERE id = 1) = 0
BEGIN
    DELETE FROM directory_national_fts WHERE rowid = old.rowid;
    DELETE FROM directory_national_geo WHERE id = old.rowid;
    INSERT INTO directory_national_fts(rowid, name, keywords, place)
    VALUES (new.rowid, new.name, new.keywords, new.commune || ' ' || new.postcode || ' ' || new.address);
    INSERT INTO directory_national_geo(id, min_lat, max_lat, min_lon, max_lon)
    SELECT new.rowid, new.latitude, new.latitude, new.longitude, new.longitude
    WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
END;
