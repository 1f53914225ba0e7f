"""The event store: articles, resolved place mentions and events in one embedded SQLite file.

The file is ``$ATLAS_HOME/atlas.sqlite`` (default: the per-user data directory, e.g.
``~/.local/share/news-atlas``). Its schema is ``dashboard/schema.sql`` (versioned; applied and
upgraded by :meth:`Store.open`). Each article is written in one transaction with its mentions,
runner-up candidates and events, so an interrupted ingest (exception, Ctrl-C, SIGKILL) leaves the
store as it was; an article already stored (same text, same id) is not stored again. The database
runs in WAL mode: the app reads while ``atlas ingest`` writes.

>>> with Store.open() as store:                     # doctest: +SKIP
...     store.add_article(article, mentions, events, parser="geoparse 0.1")
...     store.place_counts(EventFilter(start=date(2022, 1, 1)))
"""
from __future__ import annotations

import datetime
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import StoreError

STORE_NAME = "atlas.sqlite"
SCHEMA_PATH = Path(__file__).with_name("schema.sql")
_SECTION = re.compile(r"^-- version (\d+)\s*$", re.MULTILINE)


def data_dir() -> Path:
    """``$ATLAS_HOME``, or the platform's per-user data directory for News Atlas."""
    env = os.environ.get("ATLAS_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("news-atlas", appauthor=False))


def store_path() -> Path:
    return data_dir() / STORE_NAME


def schema_sections(sql: str | None = None) -> list[tuple[int, str]]:
    """``(version, statements)`` for each ``-- version N`` section of ``schema.sql``, in order."""
    sql = SCHEMA_PATH.read_text(encoding="utf-8") if sql is None else sql
    marks = list(_SECTION.finditer(sql))
    sections = []
    for i, mark in enumerate(marks):
        body = sql[mark.end(): marks[i + 1].start() if i + 1 < len(marks) else len(sql)]
        sections.append((int(mark.group(1)), body))
    versions = [v for v, _ in sections]
    if not versions or versions != list(range(1, len(versions) + 1)):
        raise StoreError(f"{SCHEMA_PATH} must hold sections '-- version 1', '-- version 2', ... in order")
    return sections


SCHEMA_VERSION = schema_sections()[-1][0]


# -- filters -------------------------------------------------------------------------------------------
def _date(value: Any) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    return default


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to show. Dates are inclusive; ``undated`` keeps events without a date;
    ``countries`` keeps country-level places. Hashable (a cache key) and serialisable to the URL."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    undated: bool = True
    countries: bool = True

    def where(self, event: str = "e", place: str = "p") -> tuple[str, list[Any]]:
        """A SQL condition over ``event`` (and ``place``, joined on ``event.place``) and its parameters."""
        dated, params = [f"{event}.date IS NOT NULL"], []
        if self.start:
            dated.append(f"{event}.date >= ?")
            params.append(self.start.isoformat())
        if self.end:
            dated.append(f"{event}.date <= ?")
            params.append(self.end.isoformat())
        cond = "(" + " AND ".join(dated) + (f" OR {event}.date IS NULL)" if self.undated else ")")
        if not self.countries:
            cond += f" AND {place}.kind <> 'country'"
        return cond, params

    # The URL: ?from=2022-01-01&to=2022-12-31&undated=0&countries=0 (defaults are left out).
    def to_params(self) -> dict[str, str]:
        params = {}
        if self.start:
            params["from"] = self.start.isoformat()
        if self.end:
            params["to"] = self.end.isoformat()
        if not self.undated:
            params["undated"] = "0"
        if not self.countries:
            params["countries"] = "0"
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> EventFilter:
        """The filter a URL asks for; malformed values fall back to the defaults, reversed dates are swapped."""
        start, end = _date(params.get("from")), _date(params.get("to"))
        if start and end and start > end:
            start, end = end, start
        return cls(start, end, _flag(params.get("undated"), True), _flag(params.get("countries"), True))

    def clamp(self, low: datetime.date | None, high: datetime.date | None) -> EventFilter:
        """The same filter with its dates kept inside ``[low, high]`` (a date range widget's bounds)."""
        def inside(d: datetime.date | None) -> datetime.date | None:
            if d is None or low is None or high is None:
                return d
            return min(max(d, low), high)
        return replace(self, start=inside(self.start), end=inside(self.end))


# -- what the store returns ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PlaceCount:
    """A place with its number of events and articles under a filter."""

    id: int
    name: str
    kind: str
    country: str | None
    lat: float
    lon: float
    feature: str
    events: int
    articles: int


@dataclass(frozen=True, slots=True)
class EventRow:
    """An event with its sentence (``sentence == article text[sent_start:sent_end]``) and its article."""

    id: int
    article_id: str
    place_id: int
    sent_start: int
    sent_end: int
    sentence: str
    highlights: tuple[tuple[int, int], ...]  # the place's mentions, offsets within ``sentence``
    date: datetime.date | None
    title: str | None
    url: str | None
    source: str


@dataclass(frozen=True, slots=True)
class StoredMention:
    start: int
    end: int
    text: str
    place_id: int
    place_name: str
    kind: str
    country: str | None
    confidence: float


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: str
    source: str
    title: str | None
    published: datetime.date | None
    url: str | None
    text: str
    mentions: tuple[StoredMention, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class DateRange:
    first: datetime.date | None
    last: datetime.date | None
    dated: int  # events with a date
    undated: int  # events without one


# -- the store -----------------------------------------------------------------------------------------
class Store:
    """One SQLite connection to the event store; thread-safe (one lock), so Streamlit can share it."""

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 10.0) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._db.execute("PRAGMA foreign_keys = ON")
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"{self.path}: cannot switch the store to WAL mode (got {mode}); "
                                 "put ATLAS_HOME on a local disk")
            self._db.execute("PRAGMA synchronous = NORMAL")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the event store {self.path} ({exc}); check the folder's permissions "
                             "or set ATLAS_HOME to a writable folder") from exc
        self._lock = threading.RLock()
        self._migrate()

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Store:
        """The store at ``path`` (default :func:`store_path`), created or upgraded to :data:`SCHEMA_VERSION`."""
        return cls(path or store_path())

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------------------------
    @property
    def version(self) -> int:
        return self._query("PRAGMA user_version")[0][0]

    def _migrate(self) -> None:
        with self._lock:
            current = self.version
            if current > SCHEMA_VERSION:
                raise StoreError(f"the event store {self.path} has schema version {current}, newer than this "
                                 f"News Atlas understands ({SCHEMA_VERSION}); upgrade News Atlas or set "
                                 "ATLAS_HOME to another folder")
            for version, sql in schema_sections():
                if version <= current:
                    continue
                try:
                    self._db.execute("BEGIN IMMEDIATE")
                    if self._db.execute("PRAGMA user_version").fetchone()[0] >= version:  # another process did it
                        self._db.execute("ROLLBACK")
                        continue
                    for statement in _statements(sql):
                        self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version = {version}")
                    self._db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', "
                                     "COALESCE((SELECT value FROM meta WHERE key = 'generation'), 0) + 1)")
                    self._db.execute("COMMIT")
                except sqlite3.Error as exc:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise StoreError(f"cannot create or upgrade the event store {self.path} to schema version "
                                     f"{version} ({exc})") from exc

    # -- plumbing ----------------------------------------------------------------------------------------
    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"reading the event store {self.path} failed ({exc})") from exc

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back if anything in the block raises. Bumps the
        store's generation, so caches keyed on :meth:`generation` see the change."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"cannot write to the event store {self.path} ({exc})") from exc
            try:
                yield self._db
                self._db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
                self._db.execute("COMMIT")
            except BaseException as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"writing to the event store {self.path} failed ({exc}); nothing was "
                                     "written") from exc
                raise

    # -- writing -----------------------------------------------------------------------------------------
    def add_article(self, article: Any, mentions: Sequence[Any], events: Sequence[Any], *, parser: str) -> bool:
        """Store an article (:class:`dashboard.articles.Article`) with its mentions
        (``gazetteer.geoparse.Mention``) and events (:class:`dashboard.events.Event`, whose ``mention``
        indexes ``mentions``), all or nothing. ``False`` when an article with the same id is stored already."""
        article_id = article.id
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM article WHERE id = ?", (article_id,)).fetchone():
                return False
            title_start, title_end = article.title_span or (None, None)
            db.execute(
                "INSERT INTO article (id, source, title, title_start, title_end, published, url, encoding, content, "
                "warnings, text, parser, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article_id, article.source, article.title, title_start, title_end,
                 article.published.isoformat() if article.published else None, article.url, article.encoding,
                 json.dumps([list(s) for s in article.content_spans]), json.dumps(list(article.warnings)),
                 article.text, parser, now))
            places = {m.place.id: m.place for m in mentions}
            places.update((p.id, p) for m in mentions for p, _ in m.candidates)
            db.executemany(
                "INSERT INTO place (id, name, lat, lon, country, fclass, fcode, kind, population, admin1, source) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
                "lat = excluded.lat, lon = excluded.lon, country = excluded.country, fclass = excluded.fclass, "
                "fcode = excluded.fcode, kind = excluded.kind, population = excluded.population, "
                "admin1 = excluded.admin1, source = excluded.source",
                [(p.id, p.name, p.lat, p.lon, p.country_code, p.feature_class, p.feature_code, p.kind,
                  p.population, p.admin1, p.source) for p in places.values()])
            mention_ids = []
            for m in mentions:
                cur = db.execute("INSERT INTO mention (article, start, end, text, place, confidence) "
                                 "VALUES (?, ?, ?, ?, ?, ?)",
                                 (article_id, m.start, m.end, m.text, m.place.id, float(m.confidence)))
                mention_ids.append(cur.lastrowid)
                db.executemany("INSERT INTO candidate (mention, rank, place, score) VALUES (?, ?, ?, ?)",
                               [(cur.lastrowid, rank, p.id, float(score))
                                for rank, (p, score) in enumerate(m.candidates, 1)])
            self._insert_events(db, article_id, mention_ids, events)
        return True

    def _insert_events(self, db: sqlite3.Connection, article_id: str, mention_ids: Sequence[int],
                       events: Sequence[Any]) -> None:
        rows = []
        for e in events:
            if not 0 <= e.mention < len(mention_ids):
                raise StoreError(f"event {e} refers to mention {e.mention}, but the article has "
                                 f"{len(mention_ids)}; nothing was written")
            rows.append((article_id, mention_ids[e.mention], e.sentence[0], e.sentence[1], e.place_id,
                         e.date.isoformat() if e.date else None, e.date_source, e.date_precision))
        db.executemany("INSERT INTO event (article, mention, sent_start, sent_end, place, date, date_source, "
                       "date_precision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    # -- reading -----------------------------------------------------------------------------------------
    def generation(self) -> int:
        """A number that changes whenever the store's content does (in this or any other process)."""
        rows = self._query("SELECT value FROM meta WHERE key = 'generation'")
        return int(rows[0][0]) if rows else 0

    def has_article(self, article_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM article WHERE id = ?", (article_id,)))

    def is_empty(self) -> bool:
        return not self._query("SELECT 1 FROM article LIMIT 1")

    def counts(self) -> dict[str, int]:
        (row,) = self._query("SELECT (SELECT count(*) FROM article), (SELECT count(*) FROM mention), "
                             "(SELECT count(*) FROM event), (SELECT count(DISTINCT place) FROM event)")
        return dict(zip(("articles", "mentions", "events", "places"), row, strict=True))

    def date_range(self) -> DateRange:
        (first, last, dated, undated), = self._query(
            "SELECT min(date), max(date), count(date), count(*) - count(date) FROM event")
        return DateRange(_date(first), _date(last), dated, undated)

    def extent(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """``((south, west), (north, east))`` of every place with an event, or ``None`` when there is none."""
        (s, w, n, e), = self._query("SELECT min(lat), min(lon), max(lat), max(lon) FROM place "
                                    "WHERE id IN (SELECT DISTINCT place FROM event)")
        return None if s is None else ((s, w), (n, e))

    def place_counts(self, flt: EventFilter = EventFilter()) -> list[PlaceCount]:
        """Every place with events under ``flt``, most events first."""
        where, params = flt.where()
        rows = self._query(
            "SELECT p.id, p.name, p.kind, p.country, p.lat, p.lon, p.fclass || '.' || p.fcode, count(*), "
            f"count(DISTINCT e.article) FROM event e JOIN place p ON p.id = e.place WHERE {where} "
            "GROUP BY p.id ORDER BY count(*) DESC, p.name", params)
        return [PlaceCount(*r) for r in rows]

    _EVENT_COLUMNS = (
        "e.id, e.article, e.place, e.sent_start, e.sent_end, "
        "substr(a.text, e.sent_start + 1, e.sent_end - e.sent_start), "
        "(SELECT json_group_array(json_array(m.start - e.sent_start, m.end - e.sent_start)) FROM mention m "
        " WHERE m.article = e.article AND m.place = e.place AND m.start >= e.sent_start AND m.end <= e.sent_end), "
        "e.date, a.title, a.url, a.source")
    _EVENT_ORDER = "e.date IS NULL, e.date DESC, a.published IS NULL, a.published DESC, e.article, e.sent_start"

    def events(self, place_id: int, flt: EventFilter = EventFilter(), *, limit: int | None = None) -> list[EventRow]:
        """The events of one place under ``flt``: newest first, undated last, in text order within an article."""
        where, params = flt.where()
        rows = self._query(
            f"SELECT {self._EVENT_COLUMNS} FROM event e JOIN article a ON a.id = e.article "
            f"JOIN place p ON p.id = e.place WHERE e.place = ? AND {where} ORDER BY {self._EVENT_ORDER} "
            f"LIMIT {-1 if limit is None else int(limit)}", [place_id, *params])
        return [_event_row(r) for r in rows]

    def count_events(self, place_id: int, flt: EventFilter = EventFilter()) -> int:
        where, params = flt.where()
        return self._query(f"SELECT count(*) FROM event e JOIN place p ON p.id = e.place "
                           f"WHERE e.place = ? AND {where}", [place_id, *params])[0][0]

    def samples(self, flt: EventFilter = EventFilter(), per_place: int = 3) -> dict[int, list[EventRow]]:
        """The first ``per_place`` events of every place under ``flt`` (the order of :meth:`events`)."""
        where, params = flt.where()
        rows = self._query(
            f"WITH ranked AS (SELECT e.id, row_number() OVER (PARTITION BY e.place ORDER BY {self._EVENT_ORDER}) "
            f"AS rn FROM event e JOIN article a ON a.id = e.article JOIN place p ON p.id = e.place WHERE {where}) "
            f"SELECT {self._EVENT_COLUMNS} FROM ranked r JOIN event e ON e.id = r.id "
            f"JOIN article a ON a.id = e.article WHERE r.rn <= ? ORDER BY e.place, r.rn", [*params, per_place])
        out: dict[int, list[EventRow]] = {}
        for r in rows:
            row = _event_row(r)
            out.setdefault(row.place_id, []).append(row)
        return out

    def article(self, article_id: str) -> StoredArticle | None:
        """An article with its mentions (and each mention's place), or ``None``."""
        rows = self._query("SELECT id, source, title, published, url, text FROM article WHERE id = ?", (article_id,))
        if not rows:
            return None
        aid, source, title, published, url, text = rows[0]
        mentions = self._query(
            "SELECT m.start, m.end, m.text, p.id, p.name, p.kind, p.country, m.confidence FROM mention m "
            "JOIN place p ON p.id = m.place WHERE m.article = ? ORDER BY m.start", (article_id,))
        return StoredArticle(aid, source, title, _date(published), url, text,
                             tuple(StoredMention(*m) for m in mentions))

    def place(self, place_id: int) -> PlaceCount | None:
        """A stored place with its total numbers of events and articles (no filter)."""
        rows = self._query(
            "SELECT p.id, p.name, p.kind, p.country, p.lat, p.lon, p.fclass || '.' || p.fcode, count(e.id), "
            "count(DISTINCT e.article) FROM place p LEFT JOIN event e ON e.place = p.id WHERE p.id = ? GROUP BY p.id",
            (place_id,))
        return PlaceCount(*rows[0]) if rows else None

    def candidates(self, article_id: str, start: int, end: int) -> list[tuple[int, str, float]]:
        """The runner-ups of the mention at ``[start, end)``: ``(place id, name, score)``, best first."""
        return [tuple(r) for r in self._query(
            "SELECT p.id, p.name, c.score FROM mention m JOIN candidate c ON c.mention = m.id "
            "JOIN place p ON p.id = c.place WHERE m.article = ? AND m.start = ? AND m.end = ? ORDER BY c.rank",
            (article_id, start, end))]


def _event_row(r: tuple) -> EventRow:
    (eid, article, place, s, e, sentence, spans, date, title, url, source) = r
    highlights = tuple(sorted((a, b) for a, b in json.loads(spans or "[]")))
    return EventRow(eid, article, place, s, e, sentence, highlights, _date(date), title, url, source)


def _statements(sql: str) -> list[str]:
    """Split a schema section into statements (``sqlite3.complete_statement`` knows where one ends)."""
    out, current = [], []
    for line in sql.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current.append(line)
        text = "\n".join(current)
        if sqlite3.complete_statement(text):
            out.append(text)
            current = []
    if current and "\n".join(current).strip():
        raise StoreError(f"{SCHEMA_PATH}: unterminated statement: {' '.join(current)[:80]}")
    return out
