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
    badge TEXT CHECK (badge IS NULL OR badge IN ('new', 'updated'))
);

CREATE TABLE article_stage (
    article_id TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    stage_id TEXT NOT NULL,
    PRIMARY KEY (article_id, stage_id)
) WITHOUT ROWID;

CREATE INDEX article_stage_by_stage ON article_stage(stage_id, article_id);

CREATE TABLE article_theme (
    article_id TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL,
    PRIMARY KEY (article_id, theme_id)
) WITHOUT ROWID;

CREATE INDEX article_theme_by_theme ON article_theme(theme_id, article_id);

CREATE TABLE event (
    id TEXT PRIMARY KEY,
    offset_days INTEGER NOT NULL,
    data TEXT NOT NULL
) WITHOUT ROWID;

-- Full-text index of articles, rowid = article.rowid, kept in step by content/repository.py
-- in the same transaction as every write. Plain columns hold the text as written (accents
-- folded by the tokenizer); *_stem columns hold the same words through a light French stemmer
-- (content/search.py), so "vaccins" finds "vaccination" and "allaitement" finds "allaiter".
CREATE VIRTUAL TABLE article_fts USING fts5(
    title,
    keywords,
    summary,
    body,
    title_stem,
    text_stem,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Local only: never touched by a synchronisation.
CREATE TABLE favourite (
    article_id TEXT PRIMARY KEY,
    added_at TEXT NOT NULL
) WITHOUT ROWID;
