-- Local only: the structures a professional marked as favourites (« Favoris » filter of the
-- Annuaire), keyed by the entry id (a national id, or "local-<uuid>"). No synchronisation writes
-- this table; a favourite outlives its national entry like a note does.
CREATE TABLE directory_favourite (
    entry_id TEXT PRIMARY KEY,
    added_at TEXT NOT NULL
) WITHOUT ROWID;
