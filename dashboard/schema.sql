-- News Atlas event store: the one definition of its schema.
--
-- dashboard/store.py applies the sections below in order, each in one transaction: a section headed
-- "-- version N" turns a store of version N-1 into version N, and PRAGMA user_version records the
-- version a store has. The schema's version is the highest N here. Never edit a released section;
-- add a new one (ALTER TABLE, CREATE TABLE, a data migration).
--
-- Offsets (start, end, sent_start, sent_end) are Python string offsets (code points) into
-- article.text, end exclusive. Dates are ISO 8601 (YYYY-MM-DD) text, NULL when unknown.
--
-- Room left for what comes next: corrections of a mention's place are to be stored apart from
-- machine output, keyed by (article, start, end) so they survive a re-ingest that rebuilds mention
-- rows; events reference mentions, so a correction re-derives event.place; event.date has its own
-- date_source and date_precision so an event can later carry a date read from its sentence.

-- version 1
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL                 -- e.g. generation: bumped by every write, for caches
);

CREATE TABLE article (
    id          TEXT PRIMARY KEY,       -- Article.id: first 16 hex digits of the SHA-256 of the text
    source      TEXT NOT NULL,          -- the file name it was read from (display only, never a path to open)
    title       TEXT,
    title_start INTEGER,
    title_end   INTEGER,
    published   TEXT,                   -- publication date, or NULL when the article gives none
    url         TEXT,                   -- http(s) only, or NULL
    encoding    TEXT NOT NULL,          -- how the bytes were decoded
    content     TEXT NOT NULL,          -- JSON [[start, end], ...]: the content spans (title and body)
    warnings    TEXT NOT NULL DEFAULT '[]',  -- JSON list of the reader's warnings
    text        TEXT NOT NULL,          -- the full text; every offset refers to it
    parser      TEXT NOT NULL,          -- what produced the mentions (geoparser and gazetteer versions)
    ingested_at TEXT NOT NULL           -- UTC, ISO 8601
);
CREATE INDEX article_published ON article(published);

-- The places that mentions and candidates name, copied from the gazetteer so the store stands alone.
CREATE TABLE place (
    id         INTEGER PRIMARY KEY,     -- gazetteer id (GeoNames id; negative for derived/curated places)
    name       TEXT NOT NULL,
    lat        REAL NOT NULL,
    lon        REAL NOT NULL,
    country    TEXT,                    -- ISO 3166-1 alpha-2
    fclass     TEXT NOT NULL,           -- GeoNames feature class and code
    fcode      TEXT NOT NULL,
    kind       TEXT NOT NULL,           -- Place.kind: country, province, district, region, town, ...
    population INTEGER NOT NULL DEFAULT 0,
    admin1     TEXT,
    source     TEXT NOT NULL
);
CREATE INDEX place_kind ON place(kind);
CREATE INDEX place_country ON place(country);

-- Machine output: one row per place name the geoparser resolved.
CREATE TABLE mention (
    id         INTEGER PRIMARY KEY,
    article    TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL,           -- article.text[start:end]
    place      INTEGER NOT NULL REFERENCES place(id),
    confidence REAL NOT NULL,           -- 0..1
    UNIQUE (article, start, end)
);
CREATE INDEX mention_place ON mention(place);

-- The runner-up places of a mention, best first.
CREATE TABLE candidate (
    mention INTEGER NOT NULL REFERENCES mention(id) ON DELETE CASCADE,
    rank    INTEGER NOT NULL,           -- 1 = first runner-up
    place   INTEGER NOT NULL REFERENCES place(id),
    score   REAL NOT NULL,
    PRIMARY KEY (mention, rank)
) WITHOUT ROWID;

-- An event: a sentence of an article that mentions a place (one per sentence and place).
CREATE TABLE event (
    id             INTEGER PRIMARY KEY,
    article        TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    mention        INTEGER NOT NULL REFERENCES mention(id) ON DELETE CASCADE,  -- the place's first mention in it
    sent_start     INTEGER NOT NULL,
    sent_end       INTEGER NOT NULL,
    place          INTEGER NOT NULL REFERENCES place(id),  -- the mention's place (or its correction, later)
    date           TEXT,                -- the event's date; NULL when undated
    date_source    TEXT CHECK (date_source IN ('published', 'text', 'user')),  -- where the date comes from
    date_precision TEXT CHECK (date_precision IN ('day', 'month', 'year')),
    UNIQUE (article, sent_start, place)
);
CREATE INDEX event_date ON event(date, place);
CREATE INDEX event_place ON event(place, date);
CREATE INDEX event_article ON event(article, sent_start);
CREATE INDEX event_mention ON event(mention);
