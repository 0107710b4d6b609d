-- National guidance content. Full records are kept as JSON; lookup columns beside them.
CREATE TABLE stage (
    id TEXT PRIMARY KEY,
    ord INTEGER NOT NULL,
    data TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE theme (
    id TEXT PRIMARY KEY,
    ord INTEGER NOT NULL,
    data TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE article (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    data TEXT NOT NULL,
    -- 'new' / 'updated' after a synchronisation, cleared when read
    badge TEXT
);

CREATE TABLE article_stage (
    article_id TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    stage_id TEXT NOT NULL,
    PRIMARY KEY (article_id, stage_id)
) WITHOUT ROWID;

CREATE TABLE article_theme (
    article_id TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL,
    PRIMARY KEY (article_id, theme_id)
) WITHOUT ROWID;

CREATE TABLE event (
    id TEXT PRIMARY KEY,
    offset_days INTEGER NOT NULL,
    data TEXT NOT NULL
) WITHOUT ROWID;

-- Local only: never touched by a synchronisation.
CREATE TABLE favourite (
    article_id TEXT PRIMARY KEY,
    added_at TEXT NOT NULL
) WITHOUT ROWID;
