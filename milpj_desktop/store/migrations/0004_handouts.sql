-- Printed handouts (fiches imprimables): what was printed and when, to reprint in one click.
-- No family identity: only the template id, its parameters as validated JSON and the options.
CREATE TABLE handout_print (
    id INTEGER PRIMARY KEY,
    template_id TEXT NOT NULL,
    params TEXT NOT NULL,
    large_print INTEGER NOT NULL DEFAULT 0 CHECK (large_print IN (0, 1)),
    copies INTEGER NOT NULL DEFAULT 1 CHECK (copies >= 1),
    -- 'pdf' or 'imprimante'
    output TEXT NOT NULL CHECK (output IN ('pdf', 'imprimante')),
    printed_at TEXT NOT NULL
);

CREATE INDEX handout_print_recent ON handout_print(printed_at DESC);
