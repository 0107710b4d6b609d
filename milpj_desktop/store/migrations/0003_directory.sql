-- Directory (annuaire). National rows come from the server or an import and may be replaced
-- by a synchronisation; local entries, private notes and the correction outbox are local only
-- and live in tables that no synchronisation ever writes.

-- National entries: lookup columns beside the full record (JSON of DirectoryEntry).
CREATE TABLE directory_national (
    rowid INTEGER PRIMARY KEY,
    national_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    keywords TEXT NOT NULL,
    address TEXT NOT NULL,
    postcode TEXT NOT NULL,
    commune_insee TEXT NOT NULL,
    commune TEXT NOT NULL,
    departement TEXT NOT NULL,
    latitude REAL,
    longitude REAL,
    updated_at TEXT NOT NULL,
    data TEXT NOT NULL
);
-- covering index: the whole list in name order without reading the JSON records
CREATE INDEX directory_national_list ON directory_national(sort_key, national_id, name, type, commune, postcode);
CREATE INDEX directory_national_type ON directory_national(type, sort_key, national_id, name, commune, postcode);
CREATE INDEX directory_national_commune ON directory_national(commune_insee);
CREATE INDEX directory_national_postcode ON directory_national(postcode);
CREATE INDEX directory_national_departement ON directory_national(departement);

-- Accent-insensitive prefix search: "crech*" finds "Crèche", "besancon" finds "Besançon".
CREATE VIRTUAL TABLE directory_national_fts USING fts5(
    name, keywords, place,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- Bounding-box prefilter for "within N km": then exact haversine on the few candidates.
CREATE VIRTUAL TABLE directory_national_geo USING rtree(id, min_lat, max_lat, min_lon, max_lon);

CREATE TRIGGER directory_national_ai AFTER INSERT ON directory_national BEGIN
    INSERT INTO directory_national_fts(rowid, name, keywords, place)
    VALUES (new.rowid, new.name, new.keywords, new.commune || ' ' || new.postcode || ' ' || new.address);
    INSERT INTO directory_national_geo(id, min_lat, max_lat, min_lon, max_lon)
    SELECT new.rowid, new.latitude, new.latitude, new.longitude, new.longitude
    WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
END;

CREATE TRIGGER directory_national_ad AFTER DELETE ON directory_national BEGIN
    DELETE FROM directory_national_fts WHERE rowid = old.rowid;
    DELETE FROM directory_national_geo WHERE id = old.rowid;
END;

CREATE TRIGGER directory_national_au AFTER UPDATE ON directory_national BEGIN
    DELETE FROM directory_national_fts WHERE rowid = old.rowid;
    DELETE FROM directory_national_geo WHERE id = old.rowid;
    INSERT INTO directory_national_fts(rowid, name, keywords, place)
    VALUES (new.rowid, new.name, new.keywords, new.commune || ' ' || new.postcode || ' ' || new.address);
    INSERT INTO directory_national_geo(id, min_lat, max_lat, min_lon, max_lon)
    SELECT new.rowid, new.latitude, new.latitude, new.longitude, new.longitude
    WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
END;

-- Local only: entries the professional creates. Same shape, never touched by a synchronisation.
CREATE TABLE directory_local (
    rowid INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    keywords TEXT NOT NULL,
    address TEXT NOT NULL,
    postcode TEXT NOT NULL,
    commune_insee TEXT NOT NULL,
    commune TEXT NOT NULL,
    departement TEXT NOT NULL,
    latitude REAL,
    longitude REAL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX directory_local_sort ON directory_local(sort_key);
CREATE INDEX directory_local_identity ON directory_local(type, postcode, sort_key);

CREATE VIRTUAL TABLE directory_local_fts USING fts5(
    name, keywords, place,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE VIRTUAL TABLE directory_local_geo USING rtree(id, min_lat, max_lat, min_lon, max_lon);

CREATE TRIGGER directory_local_ai AFTER INSERT ON directory_local BEGIN
    INSERT INTO directory_local_fts(rowid, name, keywords, place)
    VALUES (new.rowid, new.name, new.keywords, new.commune || ' ' || new.postcode || ' ' || new.address);
    INSERT INTO directory_local_geo(id, min_lat, max_lat, min_lon, max_lon)
    SELECT new.rowid, new.latitude, new.latitude, new.longitude, new.longitude
    WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
END;

CREATE TRIGGER directory_local_ad AFTER DELETE ON directory_local BEGIN
    DELETE FROM directory_local_fts WHERE rowid = old.rowid;
    DELETE FROM directory_local_geo WHERE id = old.rowid;
END;

CREATE TRIGGER directory_local_au AFTER UPDATE ON directory_local BEGIN
    DELETE FROM directory_local_fts WHERE rowid = old.rowid;
    DELETE FROM directory_local_geo WHERE id = old.rowid;
    INSERT INTO directory_local_fts(rowid, name, keywords, place)
    VALUES (new.rowid, new.name, new.keywords, new.commune || ' ' || new.postcode || ' ' || new.address);
    INSERT INTO directory_local_geo(id, min_lat, max_lat, min_lon, max_lon)
    SELECT new.rowid, new.latitude, new.latitude, new.longitude, new.longitude
    WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
END;

-- Local only: private notes, keyed by the entry id (a national id, or "local-<uuid>").
-- A note outlives its national entry: if the entry comes back, so does the note.
CREATE TABLE directory_note (
    entry_id TEXT PRIMARY KEY,
    note TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- Local only: "Signaler une correction" outbox, sent by the synchronisation.
CREATE TABLE directory_correction (
    uuid TEXT PRIMARY KEY,
    national_id TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    sent_at TEXT
) WITHOUT ROWID;
CREATE INDEX directory_correction_state ON directory_correction(state, created_at);
