-- News Atlas event store: the one definition of its schema.
--
-- dashboard/store/schema.py applies the sections below in order, each in one transaction: a section headed
-- "-- version N" turns a store of version N-1 into version N, and PRAGMA user_version records the
-- version a store has. The schema's version is the highest N here. Never edit a released section;
-- add a new one (ALTER TABLE, CREATE TABLE, a data migration).
--
-- Offsets (start, end, sent_start, sent_end) are Python string offsets (code points) into
-- article.text, end exclusive. Dates are ISO 8601 (YYYY-MM-DD) text, NULL when unknown.
--
-- Corrections of a mention's place (version 2) are stored apart from machine output, keyed by
-- (article, start, end) so they survive a re-ingest that rebuilds mention rows. Readers never read
-- mention.place directly: the view effective_mention says which place a mention names now. Since
-- version 3 the event table holds the events with corrections applied, kept equal to the view
-- effective_event by every writer. event.date has its own date_source and
-- date_precision so an event can later carry a date read from its sentence.

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

-- version 2
-- Corrections: a person's choice of place for a mention, kept apart from machine output (mention.place
-- is never changed), keyed by the mention's span (article, start, end), never by mention id, so a
-- re-ingest that rebuilds mention rows keeps them. Append-only: the latest row of a span is the one
-- that counts; undo deletes it, and the row before it (or the machine's place) counts again.

-- The sentence each mention is in (so events can be derived again from mentions once a correction
-- changes a sentence's places). Stores of version 1 take it from the event whose sentence holds it.
ALTER TABLE mention ADD COLUMN sent_start INTEGER;
ALTER TABLE mention ADD COLUMN sent_end INTEGER;
UPDATE mention SET (sent_start, sent_end) = (
    SELECT e.sent_start, e.sent_end FROM event e
    WHERE e.article = mention.article AND e.place = mention.place
      AND e.sent_start <= mention.start AND mention.end <= e.sent_end);
UPDATE mention SET (sent_start, sent_end) = (
    SELECT e.sent_start, e.sent_end FROM event e
    WHERE e.article = mention.article AND e.sent_start <= mention.start AND mention.end <= e.sent_end)
WHERE sent_start IS NULL;
CREATE INDEX mention_sentence ON mention(article, sent_start);

CREATE TABLE correction (
    id         INTEGER PRIMARY KEY,     -- increasing: a span's latest row counts
    article    TEXT NOT NULL,           -- article.id (no foreign key: a correction outlives machine output)
    start      INTEGER NOT NULL,        -- the mention's span in article.text
    end        INTEGER NOT NULL,
    place      INTEGER REFERENCES place(id),  -- the right place, copied into place; NULL: "not a place"
    author     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL            -- UTC, ISO 8601
);
CREATE INDEX correction_span ON correction(article, start, end, id);

-- The one definition of "the place a mention names now", used by every reader: the latest correction
-- of its span, else the geoparser's place. place IS NULL: marked "not a place". A corrected mention's
-- confidence is 1 (a person chose it).
CREATE VIEW effective_mention AS
SELECT m.id, m.article, m.start, m.end, m.text, m.sent_start, m.sent_end,
       m.place AS machine_place, m.confidence AS machine_confidence,
       CASE WHEN c.id IS NULL THEN m.place ELSE c.place END AS place,
       CASE WHEN c.id IS NULL THEN m.confidence ELSE 1.0 END AS confidence,
       c.id IS NOT NULL AS corrected
FROM mention m
LEFT JOIN correction c ON c.id = (SELECT max(l.id) FROM correction l
                                  WHERE l.article = m.article AND l.start = m.start AND l.end = m.end);

-- The events every reader shows: one per sentence and place the sentence's mentions name now.
-- Sentences no correction touches keep the stored events (the fast, indexed path); the few sentences
-- with a correction have theirs derived from effective_mention (ids: minus the first mention's id).
-- (CROSS JOIN keeps SQLite from scanning every mention to find the few corrected ones.)
-- "Not a place" takes the mention's events away; a mention corrected to a place the sentence already
-- names adds no second event.
CREATE VIEW effective_event AS
SELECT e.id, e.article, e.mention, m.start AS mention_start, m.end AS mention_end, e.sent_start, e.sent_end,
       e.place, e.date, e.date_source, e.date_precision, m.confidence, 0 AS corrected
FROM event e JOIN mention m ON m.id = e.mention
WHERE NOT EXISTS (SELECT 1 FROM correction c JOIN mention cm
                  ON cm.article = c.article AND cm.start = c.start AND cm.end = c.end
                  WHERE c.article = e.article AND cm.sent_start = e.sent_start)
UNION ALL
SELECT -em.id, em.article, em.id, min(em.start), em.end, em.sent_start, em.sent_end,
       em.place, d.date, d.date_source, d.date_precision, em.confidence, em.corrected
FROM (SELECT DISTINCT cm.article, cm.sent_start FROM correction c CROSS JOIN mention cm
      ON cm.article = c.article AND cm.start = c.start AND cm.end = c.end) s
JOIN effective_mention em ON em.article = s.article AND em.sent_start = s.sent_start
JOIN event d ON d.id = (SELECT x.id FROM event x WHERE x.article = s.article AND x.sent_start = s.sent_start
                        ORDER BY x.id LIMIT 1)
WHERE em.place IS NOT NULL
GROUP BY em.article, em.sent_start, em.place;

-- version 3
-- Events are materialised: the event table holds the events every reader shows, corrections applied,
-- so readers select from it directly (indexed) instead of building effective_event on every query.
-- Machine output is the mentions (each with its place, confidence, sentence and now the date of its
-- sentence's events) and their candidates; corrections stay apart from it. Events are derived data:
-- effective_event (below) defines them from effective_mention, and every writer keeps event equal to
-- it in the transaction that changes them, for one sentence (Store.correct, Store.undo_correction) or a
-- whole article (Store.add_article, a re-ingest included). The views stay the definition and the test
-- oracle (tests check that effective_event and event hold the same rows).

-- The date of the events of each mention's sentence (so a sentence whose events a correction took away
-- gets them back, dated, on undo). Stores of version 2 take it from the events of the mention's sentence.
ALTER TABLE mention ADD COLUMN date TEXT;
ALTER TABLE mention ADD COLUMN date_source TEXT CHECK (date_source IN ('published', 'text', 'user'));
ALTER TABLE mention ADD COLUMN date_precision TEXT CHECK (date_precision IN ('day', 'month', 'year'));
UPDATE mention SET (date, date_source, date_precision) = (
    SELECT e.date, e.date_source, e.date_precision FROM event e
    WHERE e.article = mention.article AND e.sent_start = mention.sent_start ORDER BY e.id LIMIT 1);

-- The events: one per sentence and place the sentence's mentions name now (a mention marked "not a
-- place" names none; a mention corrected to a place the sentence names already adds no second event),
-- with the place's first mention in the sentence (min(start): SQLite takes the other columns from
-- that row), its confidence (1 when corrected) and whether it was corrected.
DROP VIEW effective_event;
DROP VIEW effective_mention;
CREATE VIEW effective_mention AS
SELECT m.id, m.article, m.start, m.end, m.text, m.sent_start, m.sent_end,
       m.date, m.date_source, m.date_precision,
       m.place AS machine_place, m.confidence AS machine_confidence,
       CASE WHEN c.id IS NULL THEN m.place ELSE c.place END AS place,
       CASE WHEN c.id IS NULL THEN m.confidence ELSE 1.0 END AS confidence,
       c.id IS NOT NULL AS corrected
FROM mention m
LEFT JOIN correction c ON c.id = (SELECT max(l.id) FROM correction l
                                  WHERE l.article = m.article AND l.start = m.start AND l.end = m.end);
CREATE VIEW effective_event AS
SELECT em.article, em.id AS mention, min(em.start) AS mention_start, em.end AS mention_end,
       em.sent_start, em.sent_end, em.place, em.date, em.date_source, em.date_precision,
       em.confidence, em.corrected
FROM effective_mention em
WHERE em.place IS NOT NULL AND em.sent_start IS NOT NULL
GROUP BY em.article, em.sent_start, em.place;

CREATE TABLE event_v3 (
    id             INTEGER PRIMARY KEY,
    article        TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    mention        INTEGER NOT NULL REFERENCES mention(id) ON DELETE CASCADE,  -- the place's first mention in it
    mention_start  INTEGER NOT NULL,    -- that mention's span in article.text
    mention_end    INTEGER NOT NULL,
    sent_start     INTEGER NOT NULL,
    sent_end       INTEGER NOT NULL,
    place          INTEGER NOT NULL REFERENCES place(id),  -- the place the mention names now
    date           TEXT,                -- the event's date; NULL when undated
    date_source    TEXT CHECK (date_source IN ('published', 'text', 'user')),
    date_precision TEXT CHECK (date_precision IN ('day', 'month', 'year')),
    confidence     REAL NOT NULL,       -- the geoparser's for the mention; 1 when a person chose the place
    corrected      INTEGER NOT NULL,    -- 1 when a correction chose the place
    UNIQUE (article, sent_start, place)
);
INSERT INTO event_v3 (article, mention, mention_start, mention_end, sent_start, sent_end, place, date, date_source,
                      date_precision, confidence, corrected)
SELECT article, mention, mention_start, mention_end, sent_start, sent_end, place, date, date_source, date_precision,
       confidence, corrected
FROM effective_event ORDER BY article, sent_start, place;
DROP TABLE event;
ALTER TABLE event_v3 RENAME TO event;
-- A place's events newest first (undated last: NULL sorts last descending), in text order within an
-- article: the panel, the popups' first sentences and the filters on places read them in this order.
CREATE INDEX event_place ON event(place, date DESC, article, sent_start);
-- Every event newest first (the events table and the exports), and dates (the date range, the timeline).
CREATE INDEX event_date ON event(date DESC, article, sent_start);
CREATE INDEX event_article ON event(article, sent_start);
CREATE INDEX event_mention ON event(mention);

-- version 4
-- Events, not mentions: each mention has a role (literal: the place is where something happens, is or
-- goes; associative: it stands for an actor, a source or only qualifies a noun) with a confidence, and
-- datelines/bylines are marked filed_from. Each sentence's date is a TIMEX3 value (date_value: 2021-11-14,
-- 2021-W48, 2021-05, 2020-FA, 2020, 199) with its precision (day, week, month, season, year, decade), the
-- days it covers (date = the first, date_last = the last: filters keep an event whose period overlaps
-- their range), its source (text, published, user; story later) and the span of the expression it was
-- read from. People can correct a mention's role (role_correction, by span) and a sentence's date
-- (date_correction, by sentence start), kept apart from machine output like place corrections.
-- Stores of version 3 keep their dates as days from the publication ('published', precision day) and
-- their mentions as literal with role_confidence 0 (not read for roles): re-ingest them with
-- `atlas ingest --reparse` to read roles and dates.
-- The mention and event tables are rebuilt (their CHECK constraints change); the store runs schema
-- upgrades with foreign keys off (SQLite's documented way to rebuild a table others refer to) and
-- checks them before committing.
DROP VIEW effective_event;
DROP VIEW effective_mention;

CREATE TABLE mention_v4 (
    id              INTEGER PRIMARY KEY,
    article         TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    start           INTEGER NOT NULL,
    end             INTEGER NOT NULL,
    text            TEXT NOT NULL,          -- article.text[start:end]
    place           INTEGER NOT NULL REFERENCES place(id),
    confidence      REAL NOT NULL,          -- 0..1, of the place
    sent_start      INTEGER,                -- the mention's sentence
    sent_end        INTEGER,
    role            TEXT NOT NULL DEFAULT 'literal' CHECK (role IN ('literal', 'associative')),
    role_confidence REAL NOT NULL DEFAULT 0,  -- 0..1; 0: not read for its role (an upgraded store)
    filed_from      INTEGER NOT NULL DEFAULT 0,  -- 1: a dateline or byline (where the report was filed)
    date            TEXT,                   -- the sentence's date: the first day it covers (ISO), NULL when undated
    date_last       TEXT,                   -- the last day it covers
    date_value      TEXT,                   -- TIMEX3 value
    date_source     TEXT CHECK (date_source IN ('published', 'text', 'user', 'story')),
    date_precision  TEXT CHECK (date_precision IN ('day', 'week', 'month', 'season', 'year', 'decade')),
    date_expr_start INTEGER,                -- the expression the date was read from (source 'text')
    date_expr_end   INTEGER,
    UNIQUE (article, start, end)
);
INSERT INTO mention_v4 (id, article, start, end, text, place, confidence, sent_start, sent_end, date, date_last,
                        date_value, date_source, date_precision)
SELECT id, article, start, end, text, place, confidence, sent_start, sent_end, date, date, date, date_source,
       date_precision
FROM mention;
DROP TABLE mention;
ALTER TABLE mention_v4 RENAME TO mention;
CREATE INDEX mention_place ON mention(place);
CREATE INDEX mention_sentence ON mention(article, sent_start);

-- A person's reading of a mention's role, latest per span counts (undo deletes it).
CREATE TABLE role_correction (
    id         INTEGER PRIMARY KEY,
    article    TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('literal', 'associative')),
    author     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX role_correction_span ON role_correction(article, start, end, id);

-- A person's date for a sentence's events, latest per sentence counts; date_value NULL: "no date".
CREATE TABLE date_correction (
    id             INTEGER PRIMARY KEY,
    article        TEXT NOT NULL,
    sent_start     INTEGER NOT NULL,
    date_value     TEXT,
    date           TEXT,
    date_last      TEXT,
    date_precision TEXT CHECK (date_precision IN ('day', 'week', 'month', 'season', 'year', 'decade')),
    author         TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);
CREATE INDEX date_correction_sentence ON date_correction(article, sent_start, id);

-- What a mention names now, its role now and its sentence's date now: the latest correction of each, else
-- the machine's. A corrected place or role counts with confidence 1.
CREATE VIEW effective_mention AS
SELECT m.id, m.article, m.start, m.end, m.text, m.sent_start, m.sent_end,
       CASE WHEN dc.id IS NULL THEN m.date ELSE dc.date END AS date,
       CASE WHEN dc.id IS NULL THEN m.date_last ELSE dc.date_last END AS date_last,
       CASE WHEN dc.id IS NULL THEN m.date_value ELSE dc.date_value END AS date_value,
       CASE WHEN dc.id IS NULL THEN m.date_source WHEN dc.date_value IS NULL THEN NULL ELSE 'user' END
           AS date_source,
       CASE WHEN dc.id IS NULL THEN m.date_precision ELSE dc.date_precision END AS date_precision,
       CASE WHEN dc.id IS NULL THEN m.date_expr_start END AS date_expr_start,
       CASE WHEN dc.id IS NULL THEN m.date_expr_end END AS date_expr_end,
       m.place AS machine_place, m.confidence AS machine_confidence,
       CASE WHEN c.id IS NULL THEN m.place ELSE c.place END AS place,
       CASE WHEN c.id IS NULL THEN m.confidence ELSE 1.0 END AS confidence,
       c.id IS NOT NULL AS corrected,
       m.role AS machine_role,
       CASE WHEN rc.id IS NULL THEN m.role ELSE rc.role END AS role,
       CASE WHEN rc.id IS NULL THEN m.role_confidence ELSE 1.0 END AS role_confidence,
       rc.id IS NOT NULL AS role_corrected,
       dc.id IS NOT NULL AS date_corrected,
       m.filed_from
FROM mention m
LEFT JOIN correction c ON c.id = (SELECT max(l.id) FROM correction l
                                  WHERE l.article = m.article AND l.start = m.start AND l.end = m.end)
LEFT JOIN role_correction rc ON rc.id = (SELECT max(l.id) FROM role_correction l
                                         WHERE l.article = m.article AND l.start = m.start AND l.end = m.end)
LEFT JOIN date_correction dc ON dc.id = (SELECT max(l.id) FROM date_correction l
                                         WHERE l.article = m.article AND l.sent_start = m.sent_start);

-- The events: one per sentence and place its mentions name now, literal when any of the place's mentions
-- in the sentence is (sum() is no min/max aggregate, so SQLite still takes the other columns from the
-- row of min(start): the place's first mention in the sentence).
CREATE VIEW effective_event AS
SELECT em.article, em.id AS mention, min(em.start) AS mention_start, em.end AS mention_end,
       em.sent_start, em.sent_end, em.place,
       CASE WHEN sum(em.role = 'literal') > 0 THEN 'literal' ELSE 'associative' END AS role,
       em.role_confidence, max(em.role_corrected) > 0 AS role_corrected,
       em.date, em.date_last, em.date_value, em.date_source, em.date_precision, em.date_expr_start,
       em.date_expr_end, em.date_corrected, em.confidence, em.corrected
FROM effective_mention em
WHERE em.place IS NOT NULL AND em.sent_start IS NOT NULL
GROUP BY em.article, em.sent_start, em.place;

CREATE TABLE event_v4 (
    id              INTEGER PRIMARY KEY,
    article         TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    mention         INTEGER NOT NULL REFERENCES mention(id) ON DELETE CASCADE,  -- the place's first mention in it
    mention_start   INTEGER NOT NULL,
    mention_end     INTEGER NOT NULL,
    sent_start      INTEGER NOT NULL,
    sent_end        INTEGER NOT NULL,
    place           INTEGER NOT NULL REFERENCES place(id),
    role            TEXT NOT NULL CHECK (role IN ('literal', 'associative')),  -- the place's in this event
    role_confidence REAL NOT NULL,
    role_corrected  INTEGER NOT NULL,
    date            TEXT,                   -- first day of the event's date (ISO); NULL when undated
    date_last       TEXT,                   -- last day of it
    date_value      TEXT,                   -- TIMEX3 value
    date_source     TEXT CHECK (date_source IN ('published', 'text', 'user', 'story')),
    date_precision  TEXT CHECK (date_precision IN ('day', 'week', 'month', 'season', 'year', 'decade')),
    date_expr_start INTEGER,
    date_expr_end   INTEGER,
    date_corrected  INTEGER NOT NULL,
    confidence      REAL NOT NULL,
    corrected       INTEGER NOT NULL,       -- 1 when a correction chose the place
    UNIQUE (article, sent_start, place)
);
INSERT INTO event_v4 (article, mention, mention_start, mention_end, sent_start, sent_end, place, role,
                      role_confidence, role_corrected, date, date_last, date_value, date_source, date_precision,
                      date_expr_start, date_expr_end, date_corrected, confidence, corrected)
SELECT article, mention, mention_start, mention_end, sent_start, sent_end, place, role, role_confidence,
       role_corrected, date, date_last, date_value, date_source, date_precision, date_expr_start, date_expr_end,
       date_corrected, confidence, corrected
FROM effective_event ORDER BY article, sent_start, place;
DROP TABLE event;
ALTER TABLE event_v4 RENAME TO event;
CREATE INDEX event_place ON event(place, date DESC, article, sent_start);
CREATE INDEX event_date ON event(date DESC, article, sent_start);
CREATE INDEX event_article ON event(article, sent_start);
CREATE INDEX event_mention ON event(mention);
CREATE INDEX event_role ON event(role, date DESC, article, sent_start);

-- version 5
-- Each event's sentence is stored with its text, so readers (the panel, the popups, the table, the text
-- search, the exports) read a few hundred characters per event instead of cutting the sentence out of
-- the whole article's text (substr over article.text reads the whole value per row: an article of
-- 1 MB with 44,000 events made every such query quadratic). Written with the article (and its events)
-- in the same transaction; a sentence longer than a few thousand characters is cut into parts before
-- events are read from it (dashboard/events/sentences.py), so each row stays short.
-- Stores of version 4 take the texts from their mentions' sentences.
CREATE TABLE sentence (
    article TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    start   INTEGER NOT NULL,               -- the sentence's span in article.text (event.sent_start)
    end     INTEGER NOT NULL,
    text    TEXT NOT NULL,                  -- article.text[start:end]
    PRIMARY KEY (article, start)
);
INSERT OR IGNORE INTO sentence (article, start, end, text)
SELECT s.article, s.sent_start, s.sent_end, substr(a.text, s.sent_start + 1, s.sent_end - s.sent_start)
FROM (SELECT article, sent_start, max(sent_end) AS sent_end FROM mention WHERE sent_start IS NOT NULL
      GROUP BY article, sent_start) s
JOIN article a ON a.id = s.article;

-- version 6
-- What kind of event each is and how deadly: ACLED's event type and sub-event type, read from its sentence's
-- words (dashboard/events/types.py; NULL: the words name none), and the deaths the sentence reports
-- (dashboard/events/deaths.py): fatalities (ACLED's conventions: "at least 49" = 49, "dozens" = 12; NULL: no
-- number given) and fatalities_high (the highest figure of a range or of several; NULL when there is one).
-- They are kept on the mentions of the sentence, like its date, and derived into its events. A sentence an
-- article prints again (a lead paragraph repeated, a title repeated as a subtitle) counts once: the repeat's
-- mentions are stored without a sentence, so they make no event. Stores of version 5 have no types or
-- deaths: re-ingest them with `atlas ingest --reparse` to read them.
-- The mention and event tables are rebuilt, as in version 4 (new columns with CHECK constraints).
DROP VIEW effective_event;
DROP VIEW effective_mention;

CREATE TABLE mention_v6 (
    id              INTEGER PRIMARY KEY,
    article         TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    start           INTEGER NOT NULL,
    end             INTEGER NOT NULL,
    text            TEXT NOT NULL,          -- article.text[start:end]
    place           INTEGER NOT NULL REFERENCES place(id),
    confidence      REAL NOT NULL,          -- 0..1, of the place
    sent_start      INTEGER,                -- the mention's sentence (NULL: none, or a repeated sentence)
    sent_end        INTEGER,
    role            TEXT NOT NULL DEFAULT 'literal' CHECK (role IN ('literal', 'associative')),
    role_confidence REAL NOT NULL DEFAULT 0,
    filed_from      INTEGER NOT NULL DEFAULT 0,
    date            TEXT,
    date_last       TEXT,
    date_value      TEXT,
    date_source     TEXT CHECK (date_source IN ('published', 'text', 'user', 'story')),
    date_precision  TEXT CHECK (date_precision IN ('day', 'week', 'month', 'season', 'year', 'decade')),
    date_expr_start INTEGER,
    date_expr_end   INTEGER,
    event_type      TEXT CHECK (event_type IN ('Battles', 'Explosions/Remote violence',
                                               'Violence against civilians', 'Protests', 'Riots',
                                               'Strategic developments')),  -- of the sentence; NULL: none
    sub_event_type  TEXT,                   -- ACLED's sub-event type, where the words say it
    fatalities      INTEGER CHECK (fatalities >= 0),  -- deaths the sentence reports; NULL: no number
    fatalities_high INTEGER CHECK (fatalities_high >= fatalities),  -- the highest of a range or of several
    UNIQUE (article, start, end)
);
INSERT INTO mention_v6 (id, article, start, end, text, place, confidence, sent_start, sent_end, role,
                        role_confidence, filed_from, date, date_last, date_value, date_source, date_precision,
                        date_expr_start, date_expr_end)
SELECT id, article, start, end, text, place, confidence, sent_start, sent_end, role, role_confidence, filed_from,
       date, date_last, date_value, date_source, date_precision, date_expr_start, date_expr_end
FROM mention;
DROP TABLE mention;
ALTER TABLE mention_v6 RENAME TO mention;
CREATE INDEX mention_place ON mention(place);
CREATE INDEX mention_sentence ON mention(article, sent_start);

CREATE TABLE event_v6 (
    id              INTEGER PRIMARY KEY,
    article         TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    mention         INTEGER NOT NULL REFERENCES mention(id) ON DELETE CASCADE,  -- the place's first mention in it
    mention_start   INTEGER NOT NULL,
    mention_end     INTEGER NOT NULL,
    sent_start      INTEGER NOT NULL,
    sent_end        INTEGER NOT NULL,
    place           INTEGER NOT NULL REFERENCES place(id),
    role            TEXT NOT NULL CHECK (role IN ('literal', 'associative')),
    role_confidence REAL NOT NULL,
    role_corrected  INTEGER NOT NULL,
    date            TEXT,
    date_last       TEXT,
    date_value      TEXT,
    date_source     TEXT CHECK (date_source IN ('published', 'text', 'user', 'story')),
    date_precision  TEXT CHECK (date_precision IN ('day', 'week', 'month', 'season', 'year', 'decade')),
    date_expr_start INTEGER,
    date_expr_end   INTEGER,
    date_corrected  INTEGER NOT NULL,
    confidence      REAL NOT NULL,
    corrected       INTEGER NOT NULL,
    event_type      TEXT CHECK (event_type IN ('Battles', 'Explosions/Remote violence',
                                               'Violence against civilians', 'Protests', 'Riots',
                                               'Strategic developments')),
    sub_event_type  TEXT,
    fatalities      INTEGER CHECK (fatalities >= 0),
    fatalities_high INTEGER CHECK (fatalities_high >= fatalities),
    UNIQUE (article, sent_start, place)
);
INSERT INTO event_v6 (id, article, mention, mention_start, mention_end, sent_start, sent_end, place, role,
                      role_confidence, role_corrected, date, date_last, date_value, date_source, date_precision,
                      date_expr_start, date_expr_end, date_corrected, confidence, corrected)
SELECT id, article, mention, mention_start, mention_end, sent_start, sent_end, place, role, role_confidence,
       role_corrected, date, date_last, date_value, date_source, date_precision, date_expr_start, date_expr_end,
       date_corrected, confidence, corrected
FROM event;
DROP TABLE event;
ALTER TABLE event_v6 RENAME TO event;
CREATE INDEX event_place ON event(place, date DESC, article, sent_start);
CREATE INDEX event_date ON event(date DESC, article, sent_start);
CREATE INDEX event_article ON event(article, sent_start);
CREATE INDEX event_mention ON event(mention);
CREATE INDEX event_role ON event(role, date DESC, article, sent_start);

CREATE VIEW effective_mention AS
SELECT m.id, m.article, m.start, m.end, m.text, m.sent_start, m.sent_end,
       CASE WHEN dc.id IS NULL THEN m.date ELSE dc.date END AS date,
       CASE WHEN dc.id IS NULL THEN m.date_last ELSE dc.date_last END AS date_last,
       CASE WHEN dc.id IS NULL THEN m.date_value ELSE dc.date_value END AS date_value,
       CASE WHEN dc.id IS NULL THEN m.date_source WHEN dc.date_value IS NULL THEN NULL ELSE 'user' END
           AS date_source,
       CASE WHEN dc.id IS NULL THEN m.date_precision ELSE dc.date_precision END AS date_precision,
       CASE WHEN dc.id IS NULL THEN m.date_expr_start END AS date_expr_start,
       CASE WHEN dc.id IS NULL THEN m.date_expr_end END AS date_expr_end,
       m.place AS machine_place, m.confidence AS machine_confidence,
       CASE WHEN c.id IS NULL THEN m.place ELSE c.place END AS place,
       CASE WHEN c.id IS NULL THEN m.confidence ELSE 1.0 END AS confidence,
       c.id IS NOT NULL AS corrected,
       m.role AS machine_role,
       CASE WHEN rc.id IS NULL THEN m.role ELSE rc.role END AS role,
       CASE WHEN rc.id IS NULL THEN m.role_confidence ELSE 1.0 END AS role_confidence,
       rc.id IS NOT NULL AS role_corrected,
       dc.id IS NOT NULL AS date_corrected,
       m.filed_from,
       m.event_type, m.sub_event_type, m.fatalities, m.fatalities_high
FROM mention m
LEFT JOIN correction c ON c.id = (SELECT max(l.id) FROM correction l
                                  WHERE l.article = m.article AND l.start = m.start AND l.end = m.end)
LEFT JOIN role_correction rc ON rc.id = (SELECT max(l.id) FROM role_correction l
                                         WHERE l.article = m.article AND l.start = m.start AND l.end = m.end)
LEFT JOIN date_correction dc ON dc.id = (SELECT max(l.id) FROM date_correction l
                                         WHERE l.article = m.article AND l.sent_start = m.sent_start);

CREATE VIEW effective_event AS
SELECT em.article, em.id AS mention, min(em.start) AS mention_start, em.end AS mention_end,
       em.sent_start, em.sent_end, em.place,
       CASE WHEN sum(em.role = 'literal') > 0 THEN 'literal' ELSE 'associative' END AS role,
       em.role_confidence, max(em.role_corrected) > 0 AS role_corrected,
       em.date, em.date_last, em.date_value, em.date_source, em.date_precision, em.date_expr_start,
       em.date_expr_end, em.date_corrected, em.confidence, em.corrected,
       em.event_type, em.sub_event_type, em.fatalities, em.fatalities_high
FROM effective_mention em
WHERE em.place IS NOT NULL AND em.sent_start IS NOT NULL
GROUP BY em.article, em.sent_start, em.place;

-- version 7
-- Wire copies, events across articles and stories (dashboard/events/stories.py, computed at ingest for the
-- new article against the stored ones, through indexes). article_copy keeps each article's MinHash signature
-- (128 32-bit values over 5-word shingles, little-endian, datasketch's affine32) so a writer rebuilds its LSH index from the store
-- without re-reading any article, its outlet (the URL's registered domain, else the file; a copy takes its
-- original's) and, for a copy, the first ingested article it copies. A report is a sentence with events (or
-- a place-less one with a date or deaths) with what the same-event rule compares; report_key holds its
-- places' keys (the place, what holds it, what it is) with its date period, the index candidates are read
-- through; reports of one event share a cluster (the id of its first report). article_story: the story of
-- each article (articles sharing current events). Stores of version 6 have none: `atlas ingest --reparse`.
-- (IF NOT EXISTS: a store faked as older, as the tests do, keeps these tables.)
CREATE TABLE IF NOT EXISTS article_copy (
    seq        INTEGER PRIMARY KEY,     -- ingest order (the LSH index is topped up from the last one read)
    article    TEXT NOT NULL UNIQUE REFERENCES article(id) ON DELETE CASCADE,
    signature  BLOB NOT NULL,
    outlet     TEXT NOT NULL,
    copy_of    TEXT REFERENCES article(id) ON DELETE SET NULL,  -- NULL: not a copy (the one shown)
    similarity REAL                     -- estimated Jaccard with copy_of
);
CREATE INDEX IF NOT EXISTS article_copy_of ON article_copy(copy_of);

CREATE TABLE IF NOT EXISTS report (
    id             INTEGER PRIMARY KEY,
    article        TEXT NOT NULL REFERENCES article(id) ON DELETE CASCADE,
    sent_start     INTEGER NOT NULL,
    sent_end       INTEGER NOT NULL,
    date           TEXT,                -- the sentence's own date period (NULL: undated)
    date_last      TEXT,
    date_value     TEXT,
    date_precision TEXT,
    event_type     TEXT,
    fatalities     INTEGER,
    words          TEXT NOT NULL,       -- content word stems, space-separated
    current        INTEGER NOT NULL,    -- dated near its article's publication: links stories
    strong         INTEGER NOT NULL,    -- current and dated by its own words
    cluster        INTEGER NOT NULL,    -- the event it reports (the id of the cluster's first report)
    UNIQUE (article, sent_start)
);
CREATE INDEX IF NOT EXISTS report_cluster ON report(cluster);

CREATE TABLE IF NOT EXISTS report_key (
    key       TEXT NOT NULL,            -- p:<place id>, is:c:<country>, in:c:<country>, is:a:<CC.admin1>, in:a:...
    date      TEXT,
    date_last TEXT,
    report    INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS report_key_date ON report_key(key, date);
CREATE INDEX IF NOT EXISTS report_key_report ON report_key(report);

CREATE TABLE IF NOT EXISTS article_story (
    article TEXT PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,
    story   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS article_story_story ON article_story(story);

-- version 8
-- Corrections of what kind of event a sentence reports (type_correction: its ACLED event type and sub-event
-- type; event_type NULL: "no type"), of how deadly (deaths_correction: fatalities and fatalities_high;
-- fatalities NULL: "no number given"), both by sentence like date_correction, and of which event across
-- articles a report belongs to (cluster_correction, by the report's sentence: 'split' takes the report out
-- of its event into one of its own; 'merge' puts the reports of the event of (other_article,
-- other_sent_start) into the event of (article, sent_start)). Kept apart from machine output (mention's
-- type and deaths, report.cluster), keyed by article and sentence start, never by row id, so they survive a
-- re-ingest that rebuilds mentions and reports; append-only, undo deletes the latest row.
-- Types and deaths reach the events through effective_mention, like dates; event.type_corrected and
-- event.deaths_corrected say which were corrected. Cluster corrections are applied in their order over the
-- machine's clusters, and their outcome is kept in corrected_cluster (derived data, re-made by every writer
-- that changes reports or cluster corrections: dashboard/store/clusters.py): it holds every report of each
-- machine cluster a correction names (so a cluster is either wholly there or not at all), with the event it
-- is in now; every other report is in its machine cluster. A report's event now: coalesce(corrected_cluster
-- .cluster, report.cluster). An event that corrections changed is named by its first report (the smallest
-- report id), one they left as the machine made it keeps its machine id.
-- (IF NOT EXISTS: a store faked as older, as the tests do, keeps these tables.)
CREATE TABLE IF NOT EXISTS type_correction (
    id             INTEGER PRIMARY KEY,
    article        TEXT NOT NULL,
    sent_start     INTEGER NOT NULL,
    event_type     TEXT CHECK (event_type IN ('Battles', 'Explosions/Remote violence',
                                              'Violence against civilians', 'Protests', 'Riots',
                                              'Strategic developments')),  -- NULL: the sentence reports none
    sub_event_type TEXT CHECK (sub_event_type IS NULL OR event_type IS NOT NULL),
    author         TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS type_correction_sentence ON type_correction(article, sent_start, id);

CREATE TABLE IF NOT EXISTS deaths_correction (
    id              INTEGER PRIMARY KEY,
    article         TEXT NOT NULL,
    sent_start      INTEGER NOT NULL,
    fatalities      INTEGER CHECK (fatalities >= 0),  -- NULL: no number given
    fatalities_high INTEGER CHECK (fatalities_high >= fatalities),  -- the highest of a range; NULL: one figure
    author          TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deaths_correction_sentence ON deaths_correction(article, sent_start, id);

CREATE TABLE IF NOT EXISTS cluster_correction (
    id               INTEGER PRIMARY KEY,  -- increasing: corrections apply in this order
    action           TEXT NOT NULL CHECK (action IN ('split', 'merge')),
    article          TEXT NOT NULL,        -- the report acted on (its sentence)
    sent_start       INTEGER NOT NULL,
    other_article    TEXT,                 -- merge: a report of the event put into the first's
    other_sent_start INTEGER,
    author           TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    CHECK ((action = 'merge') = (other_article IS NOT NULL AND other_sent_start IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS cluster_correction_report ON cluster_correction(article, sent_start, id);
CREATE INDEX IF NOT EXISTS cluster_correction_other ON cluster_correction(other_article, other_sent_start, id);

CREATE TABLE IF NOT EXISTS corrected_cluster (
    report  INTEGER PRIMARY KEY REFERENCES report(id) ON DELETE CASCADE,
    cluster INTEGER NOT NULL            -- the event the report is in now
);
CREATE INDEX IF NOT EXISTS corrected_cluster_cluster ON corrected_cluster(cluster);

ALTER TABLE event ADD COLUMN type_corrected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event ADD COLUMN deaths_corrected INTEGER NOT NULL DEFAULT 0;

DROP VIEW effective_event;
DROP VIEW effective_mention;
CREATE VIEW effective_mention AS
SELECT m.id, m.article, m.start, m.end, m.text, m.sent_start, m.sent_end,
       CASE WHEN dc.id IS NULL THEN m.date ELSE dc.date END AS date,
       CASE WHEN dc.id IS NULL THEN m.date_last ELSE dc.date_last END AS date_last,
       CASE WHEN dc.id IS NULL THEN m.date_value ELSE dc.date_value END AS date_value,
       CASE WHEN dc.id IS NULL THEN m.date_source WHEN dc.date_value IS NULL THEN NULL ELSE 'user' END
           AS date_source,
       CASE WHEN dc.id IS NULL THEN m.date_precision ELSE dc.date_precision END AS date_precision,
       CASE WHEN dc.id IS NULL THEN m.date_expr_start END AS date_expr_start,
       CASE WHEN dc.id IS NULL THEN m.date_expr_end END AS date_expr_end,
       m.place AS machine_place, m.confidence AS machine_confidence,
       CASE WHEN c.id IS NULL THEN m.place ELSE c.place END AS place,
       CASE WHEN c.id IS NULL THEN m.confidence ELSE 1.0 END AS confidence,
       c.id IS NOT NULL AS corrected,
       m.role AS machine_role,
       CASE WHEN rc.id IS NULL THEN m.role ELSE rc.role END AS role,
       CASE WHEN rc.id IS NULL THEN m.role_confidence ELSE 1.0 END AS role_confidence,
       rc.id IS NOT NULL AS role_corrected,
       dc.id IS NOT NULL AS date_corrected,
       m.filed_from,
       CASE WHEN tc.id IS NULL THEN m.event_type ELSE tc.event_type END AS event_type,
       CASE WHEN tc.id IS NULL THEN m.sub_event_type ELSE tc.sub_event_type END AS sub_event_type,
       CASE WHEN fc.id IS NULL THEN m.fatalities ELSE fc.fatalities END AS fatalities,
       CASE WHEN fc.id IS NULL THEN m.fatalities_high ELSE fc.fatalities_high END AS fatalities_high,
       tc.id IS NOT NULL AS type_corrected,
       fc.id IS NOT NULL AS deaths_corrected
FROM mention m
LEFT JOIN correction c ON c.id = (SELECT max(l.id) FROM correction l
                                  WHERE l.article = m.article AND l.start = m.start AND l.end = m.end)
LEFT JOIN role_correction rc ON rc.id = (SELECT max(l.id) FROM role_correction l
                                         WHERE l.article = m.article AND l.start = m.start AND l.end = m.end)
LEFT JOIN date_correction dc ON dc.id = (SELECT max(l.id) FROM date_correction l
                                         WHERE l.article = m.article AND l.sent_start = m.sent_start)
LEFT JOIN type_correction tc ON tc.id = (SELECT max(l.id) FROM type_correction l
                                         WHERE l.article = m.article AND l.sent_start = m.sent_start)
LEFT JOIN deaths_correction fc ON fc.id = (SELECT max(l.id) FROM deaths_correction l
                                           WHERE l.article = m.article AND l.sent_start = m.sent_start);

CREATE VIEW effective_event AS
SELECT em.article, em.id AS mention, min(em.start) AS mention_start, em.end AS mention_end,
       em.sent_start, em.sent_end, em.place,
       CASE WHEN sum(em.role = 'literal') > 0 THEN 'literal' ELSE 'associative' END AS role,
       em.role_confidence, max(em.role_corrected) > 0 AS role_corrected,
       em.date, em.date_last, em.date_value, em.date_source, em.date_precision, em.date_expr_start,
       em.date_expr_end, em.date_corrected, em.confidence, em.corrected,
       em.event_type, em.sub_event_type, em.fatalities, em.fatalities_high, em.type_corrected, em.deaths_corrected
FROM effective_mention em
WHERE em.place IS NOT NULL AND em.sent_start IS NOT NULL
GROUP BY em.article, em.sent_start, em.place;

-- version 9
-- report_key's keys carry a time bucket, `<place key>@<bucket>` (dashboard/events/stories.py, stored_buckets):
-- the months of a period of at most 92 days, the years of a longer one of at most 3 years, `*` for a longer
-- one or none, so the candidates of a new report are read through the buckets its period may overlap, never
-- every report of a country (ingest stayed linear in the size of the store). Keys of older stores are
-- rewritten here the same way.
WITH RECURSIVE
    old(key, date, date_last, report, days, years) AS (
        SELECT key, date, date_last, report, julianday(date_last) - julianday(date),
               CAST(substr(date_last, 1, 4) AS INTEGER) - CAST(substr(date, 1, 4) AS INTEGER)
        FROM report_key WHERE instr(key, '@') = 0),
    months(key, date, date_last, report, month) AS (
        SELECT key, date, date_last, report, substr(date, 1, 7) FROM old WHERE date IS NOT NULL AND days <= 92
        UNION ALL
        SELECT key, date, date_last, report, strftime('%Y-%m', month || '-01', '+1 month') FROM months
        WHERE strftime('%Y-%m', month || '-01', '+1 month') <= substr(date_last, 1, 7)),
    years(key, date, date_last, report, year) AS (
        SELECT key, date, date_last, report, CAST(substr(date, 1, 4) AS INTEGER) FROM old
        WHERE date IS NOT NULL AND days > 92 AND years < 3
        UNION ALL
        SELECT key, date, date_last, report, year + 1 FROM years WHERE year < CAST(substr(date_last, 1, 4) AS INTEGER))
INSERT INTO report_key (key, date, date_last, report)
    SELECT key || '@' || month, date, date_last, report FROM months
    UNION ALL SELECT key || '@Y' || year, date, date_last, report FROM years
    UNION ALL SELECT key || '@*', date, date_last, report FROM old WHERE date IS NULL OR (days > 92 AND years >= 3);
DELETE FROM report_key WHERE instr(key, '@') = 0;

-- version 10
-- Reports by event and date: the undated reports of an event (those a dated report of their story dates,
-- dashboard/events/stories.py) are one index seek, not a walk over every report of a big event.
DROP INDEX IF EXISTS report_cluster;
CREATE INDEX IF NOT EXISTS report_cluster_date ON report(cluster, date);

-- version 11
-- Corrections keep their history: an undo no longer deletes a row. Each correction table becomes an
-- append-only log (<table>_log) whose rows say who made them and when (author, created_at, as before) and,
-- once undone, who undid them and when (undone_by, undone_at; NULL while in force). A view with the old
-- table's name holds the rows in force, so every reader still takes a span's or sentence's latest row
-- there (the latest wins); writers insert into the log and undo by marking a row. The views that read
-- the corrections are dropped first (a rename checks the whole schema) and made again as in version 8.
DROP VIEW effective_event;
DROP VIEW effective_mention;
ALTER TABLE correction RENAME TO correction_log;
ALTER TABLE correction_log ADD COLUMN undone_by TEXT;
ALTER TABLE correction_log ADD COLUMN undone_at TEXT;  -- UTC, ISO 8601; NULL: in force
CREATE VIEW correction AS
SELECT id, article, start, end, place, author, created_at
FROM correction_log WHERE undone_at IS NULL;

ALTER TABLE role_correction RENAME TO role_correction_log;
ALTER TABLE role_correction_log ADD COLUMN undone_by TEXT;
ALTER TABLE role_correction_log ADD COLUMN undone_at TEXT;  -- UTC, ISO 8601; NULL: in force
CREATE VIEW role_correction AS
SELECT id, article, start, end, role, author, created_at
FROM role_correction_log WHERE undone_at IS NULL;

ALTER TABLE date_correction RENAME TO date_correction_log;
ALTER TABLE date_correction_log ADD COLUMN undone_by TEXT;
ALTER TABLE date_correction_log ADD COLUMN undone_at TEXT;  -- UTC, ISO 8601; NULL: in force
CREATE VIEW date_correction AS
SELECT id, article, sent_start, date_value, date, date_last, date_precision, author, created_at
FROM date_correction_log WHERE undone_at IS NULL;

ALTER TABLE type_correction RENAME TO type_correction_log;
ALTER TABLE type_correction_log ADD COLUMN undone_by TEXT;
ALTER TABLE type_correction_log ADD COLUMN undone_at TEXT;  -- UTC, ISO 8601; NULL: in force
CREATE VIEW type_correction AS
SELECT id, article, sent_start, event_type, sub_event_type, author, created_at
FROM type_correction_log WHERE undone_at IS NULL;

ALTER TABLE deaths_correction RENAME TO deaths_correction_log;
ALTER TABLE deaths_correction_log ADD COLUMN undone_by TEXT;
ALTER TABLE deaths_correction_log ADD COLUMN undone_at TEXT;  -- UTC, ISO 8601; NULL: in force
CREATE VIEW deaths_correction AS
SELECT id, article, sent_start, fatalities, fatalities_high, author, created_at
FROM deaths_correction_log WHERE undone_at IS NULL;

ALTER TABLE cluster_correction RENAME TO cluster_correction_log;
ALTER TABLE cluster_correction_log ADD COLUMN undone_by TEXT;
ALTER TABLE cluster_correction_log ADD COLUMN undone_at TEXT;  -- UTC, ISO 8601; NULL: in force
CREATE VIEW cluster_correction AS
SELECT id, action, article, sent_start, other_article, other_sent_start, author, created_at
FROM cluster_correction_log WHERE undone_at IS NULL;

CREATE VIEW effective_mention AS
SELECT m.id, m.article, m.start, m.end, m.text, m.sent_start, m.sent_end,
       CASE WHEN dc.id IS NULL THEN m.date ELSE dc.date END AS date,
       CASE WHEN dc.id IS NULL THEN m.date_last ELSE dc.date_last END AS date_last,
       CASE WHEN dc.id IS NULL THEN m.date_value ELSE dc.date_value END AS date_value,
       CASE WHEN dc.id IS NULL THEN m.date_source WHEN dc.date_value IS NULL THEN NULL ELSE 'user' END
           AS date_source,
       CASE WHEN dc.id IS NULL THEN m.date_precision ELSE dc.date_precision END AS date_precision,
       CASE WHEN dc.id IS NULL THEN m.date_expr_start END AS date_expr_start,
       CASE WHEN dc.id IS NULL THEN m.date_expr_end END AS date_expr_end,
       m.place AS machine_place, m.confidence AS machine_confidence,
       CASE WHEN c.id IS NULL THEN m.place ELSE c.place END AS place,
       CASE WHEN c.id IS NULL THEN m.confidence ELSE 1.0 END AS confidence,
       c.id IS NOT NULL AS corrected,
       m.role AS machine_role,
       CASE WHEN rc.id IS NULL THEN m.role ELSE rc.role END AS role,
       CASE WHEN rc.id IS NULL THEN m.role_confidence ELSE 1.0 END AS role_confidence,
       rc.id IS NOT NULL AS role_corrected,
       dc.id IS NOT NULL AS date_corrected,
       m.filed_from,
       CASE WHEN tc.id IS NULL THEN m.event_type ELSE tc.event_type END AS event_type,
       CASE WHEN tc.id IS NULL THEN m.sub_event_type ELSE tc.sub_event_type END AS sub_event_type,
       CASE WHEN fc.id IS NULL THEN m.fatalities ELSE fc.fatalities END AS fatalities,
       CASE WHEN fc.id IS NULL THEN m.fatalities_high ELSE fc.fatalities_high END AS fatalities_high,
       tc.id IS NOT NULL AS type_corrected,
       fc.id IS NOT NULL AS deaths_corrected
FROM mention m
LEFT JOIN correction c ON c.id = (SELECT max(l.id) FROM correction l
                                  WHERE l.article = m.article AND l.start = m.start AND l.end = m.end)
LEFT JOIN role_correction rc ON rc.id = (SELECT max(l.id) FROM role_correction l
                                         WHERE l.article = m.article AND l.start = m.start AND l.end = m.end)
LEFT JOIN date_correction dc ON dc.id = (SELECT max(l.id) FROM date_correction l
                                         WHERE l.article = m.article AND l.sent_start = m.sent_start)
LEFT JOIN type_correction tc ON tc.id = (SELECT max(l.id) FROM type_correction l
                                         WHERE l.article = m.article AND l.sent_start = m.sent_start)
LEFT JOIN deaths_correction fc ON fc.id = (SELECT max(l.id) FROM deaths_correction l
                                           WHERE l.article = m.article AND l.sent_start = m.sent_start);

CREATE VIEW effective_event AS
SELECT em.article, em.id AS mention, min(em.start) AS mention_start, em.end AS mention_end,
       em.sent_start, em.sent_end, em.place,
       CASE WHEN sum(em.role = 'literal') > 0 THEN 'literal' ELSE 'associative' END AS role,
       em.role_confidence, max(em.role_corrected) > 0 AS role_corrected,
       em.date, em.date_last, em.date_value, em.date_source, em.date_precision, em.date_expr_start,
       em.date_expr_end, em.date_corrected, em.confidence, em.corrected,
       em.event_type, em.sub_event_type, em.fatalities, em.fatalities_high, em.type_corrected, em.deaths_corrected
FROM effective_mention em
WHERE em.place IS NOT NULL AND em.sent_start IS NOT NULL
GROUP BY em.article, em.sent_start, em.place;

-- version 12
-- Same-event candidates are found in the writer's memory (dashboard/events/link_index.py), which reads
-- report_key whole when it is built: the index by key and date is no longer read, and each report's keys
-- (about 29 rows an article) no longer pay for it.
DROP INDEX IF EXISTS report_key_date;

-- version 13
-- Each event carries the event across articles it is in now and its article's outlet, copies kept in step
-- by the triggers below, so that the page's counts of distinct events and sources (place_counts, the
-- panel's numbers, the popups' first events) read the event table alone instead of joining report,
-- corrected_cluster and article_copy for every event under the filter (0.3 s of every filter change at
-- 100,000 events). cluster: coalesce(corrected_cluster.cluster, report.cluster) of the report of the
-- event's sentence (dashboard/store/clusters.py), NULL when it has none; outlet: article_copy.outlet of its
-- article, NULL when it has none. Self-contained: whatever writes report, corrected_cluster, article_copy
-- or event, the triggers follow it.
ALTER TABLE event ADD COLUMN cluster INTEGER;
ALTER TABLE event ADD COLUMN outlet TEXT;
UPDATE event SET
    cluster = (SELECT coalesce(cx.cluster, r.cluster) FROM report r LEFT JOIN corrected_cluster cx ON cx.report = r.id
               WHERE r.article = event.article AND r.sent_start = event.sent_start),
    outlet = (SELECT c.outlet FROM article_copy c WHERE c.article = event.article);
-- an event written after its report and its article's copy row (a correction re-deriving a sentence's
-- events, a re-read): both looked up (while an article is first stored, neither exists yet)
CREATE TRIGGER IF NOT EXISTS event_cluster_outlet AFTER INSERT ON event
WHEN EXISTS (SELECT 1 FROM report WHERE article = NEW.article AND sent_start = NEW.sent_start)
     OR EXISTS (SELECT 1 FROM article_copy WHERE article = NEW.article)
BEGIN
    UPDATE event SET
        cluster = (SELECT coalesce(cx.cluster, r.cluster) FROM report r LEFT JOIN corrected_cluster cx
                   ON cx.report = r.id WHERE r.article = NEW.article AND r.sent_start = NEW.sent_start),
        outlet = (SELECT c.outlet FROM article_copy c WHERE c.article = NEW.article)
    WHERE id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS report_added AFTER INSERT ON report BEGIN
    UPDATE event SET cluster = coalesce((SELECT cluster FROM corrected_cluster WHERE report = NEW.id), NEW.cluster)
    WHERE article = NEW.article AND sent_start = NEW.sent_start;
END;
CREATE TRIGGER IF NOT EXISTS report_moved AFTER UPDATE OF cluster, article, sent_start ON report BEGIN
    UPDATE event SET cluster = NULL WHERE article = OLD.article AND sent_start = OLD.sent_start;
    UPDATE event SET cluster = coalesce((SELECT cluster FROM corrected_cluster WHERE report = NEW.id), NEW.cluster)
    WHERE article = NEW.article AND sent_start = NEW.sent_start;
END;
CREATE TRIGGER IF NOT EXISTS report_removed AFTER DELETE ON report BEGIN
    UPDATE event SET cluster = NULL WHERE article = OLD.article AND sent_start = OLD.sent_start;
END;
CREATE TRIGGER IF NOT EXISTS corrected_cluster_added AFTER INSERT ON corrected_cluster BEGIN
    UPDATE event SET cluster = NEW.cluster
    WHERE article = (SELECT article FROM report WHERE id = NEW.report)
      AND sent_start = (SELECT sent_start FROM report WHERE id = NEW.report);
END;
CREATE TRIGGER IF NOT EXISTS corrected_cluster_moved AFTER UPDATE ON corrected_cluster BEGIN
    UPDATE event SET cluster = (SELECT cluster FROM report WHERE id = OLD.report)
    WHERE article = (SELECT article FROM report WHERE id = OLD.report)
      AND sent_start = (SELECT sent_start FROM report WHERE id = OLD.report);
    UPDATE event SET cluster = NEW.cluster
    WHERE article = (SELECT article FROM report WHERE id = NEW.report)
      AND sent_start = (SELECT sent_start FROM report WHERE id = NEW.report);
END;
CREATE TRIGGER IF NOT EXISTS corrected_cluster_removed AFTER DELETE ON corrected_cluster BEGIN
    UPDATE event SET cluster = (SELECT cluster FROM report WHERE id = OLD.report)
    WHERE article = (SELECT article FROM report WHERE id = OLD.report)
      AND sent_start = (SELECT sent_start FROM report WHERE id = OLD.report);
END;
CREATE TRIGGER IF NOT EXISTS article_copy_added AFTER INSERT ON article_copy BEGIN
    UPDATE event SET outlet = NEW.outlet WHERE article = NEW.article;
END;
CREATE TRIGGER IF NOT EXISTS article_copy_moved AFTER UPDATE OF article, outlet ON article_copy BEGIN
    UPDATE event SET outlet = NULL WHERE article = OLD.article;
    UPDATE event SET outlet = NEW.outlet WHERE article = NEW.article;
END;
CREATE TRIGGER IF NOT EXISTS article_copy_removed AFTER DELETE ON article_copy BEGIN
    UPDATE event SET outlet = NULL WHERE article = OLD.article;
END;
