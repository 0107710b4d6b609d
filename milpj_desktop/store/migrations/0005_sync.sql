-- Synchronisation with the national server (sync/). Every page of changes is applied in one
-- transaction together with the new cursor of its stream, so the store is always as it was after
-- the last page that was applied whole.

-- One row per stream of changes: a collection, or for the directory the subscribed départements
-- ('directory') and each newly added département being fetched for the first time ('directory+25').
CREATE TABLE sync_stream (
    stream TEXT PRIMARY KEY,
    collection TEXT NOT NULL,
    -- opaque cursor issued by the server; '' = from the start
    cursor TEXT NOT NULL DEFAULT '',
    -- change number the cursor stands for (only to check that the server never goes back)
    seq INTEGER NOT NULL DEFAULT 0,
    -- directory streams: comma-separated départements this stream covers
    departements TEXT NOT NULL DEFAULT '',
    -- 1 while everything is being fetched from the start (first time, or the cursor expired):
    -- records not seen again by the end of that pass are removed, in the last page's transaction
    full_pass INTEGER NOT NULL DEFAULT 1 CHECK (full_pass IN (0, 1)),
    generation INTEGER NOT NULL DEFAULT 0,
    last_page_at TEXT,
    completed_at TEXT
) WITHOUT ROWID;

-- What the synchronisation brought (or adopted from the embedded pack): id, version, département
-- and the generation of the pass that last confirmed it. The state checksum is computed from here.
CREATE TABLE sync_record (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    dept TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL,
    generation INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (collection, id)
) WITHOUT ROWID;
CREATE INDEX sync_record_dept ON sync_record(collection, dept);

-- History of synchronisations and their result per collection (the window shows the last one).
CREATE TABLE sync_run (
    id INTEGER PRIMARY KEY,
    server TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'en-cours'
        CHECK (status IN ('en-cours', 'reussie', 'partielle', 'echec', 'annulee', 'interrompue')),
    message TEXT NOT NULL DEFAULT '',
    requests INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sync_run_collection (
    run_id INTEGER NOT NULL REFERENCES sync_run(id) ON DELETE CASCADE,
    collection TEXT NOT NULL,
    added INTEGER NOT NULL DEFAULT 0,
    changed INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    -- changes downloaded and applied (a resumed synchronisation re-downloads little)
    received INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'en-cours'
        CHECK (status IN ('en-cours', 'reussie', 'echec', 'annulee', 'interrompue')),
    message TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, collection)
) WITHOUT ROWID;

-- Binary assets (images, documents) by the sha256 of their bytes. The files themselves are public
-- national content and live in the data folder (medias/ab/abcdef…), written only once verified.
CREATE TABLE sync_asset (
    sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    present INTEGER NOT NULL DEFAULT 0 CHECK (present IN (0, 1))
) WITHOUT ROWID;

-- Handout templates published nationally, kept as received (JSON of sync.protocol.TemplateRecord)
-- until the handouts module loads them.
CREATE TABLE sync_template (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    data TEXT NOT NULL
) WITHOUT ROWID;

-- Sending attempts of the correction outbox (the corrections themselves: directory_correction).
CREATE TABLE sync_outbox_attempt (
    uuid TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    last_error TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
