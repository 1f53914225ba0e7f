"""The event store: articles, resolved place mentions and events in one embedded SQLite file.

The file is ``$ATLAS_HOME/atlas.sqlite`` (default: the per-user data directory, e.g.
``~/.local/share/news-atlas``). Its schema is ``dashboard/schema.sql`` (versioned; applied and
upgraded by :meth:`Store.open`). Each article is written in one transaction with its mentions,
runner-up candidates and events, so an interrupted ingest (exception, Ctrl-C, SIGKILL) leaves the
store as it was; an article already stored (same text, same id) is not stored again. The database
runs in WAL mode: the app reads while ``atlas ingest`` writes.

Corrections are kept apart from machine output; the ``event`` table holds the events with
corrections applied (schema version 3): every write re-derives the events it changes from the
``effective_event`` view in its own transaction, and every reader selects from ``event`` (indexed).

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
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


# Kinds of place a filter can ask for, and the Place.kind values each covers.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "town": ("town",),
    "region": ("province", "district", "region", "continent"),
    "country": ("country",),
    "feature": ("water", "terrain", "route", "site"),
}
KIND_LABELS = {"town": "town or city", "region": "province, district or region", "country": "country",
               "feature": "sea, river, mountain, road or site"}
MAX_FILTER_PLACES = 200  # place ids one filter (one URL) may name
MAX_SEARCH = 200  # characters of a text search
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_ARTICLE_ID = re.compile(r"[0-9a-f]{16}")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _codes(values: Any) -> tuple[str, ...]:
    return tuple(sorted({v for v in (str(x).strip().upper() for x in values) if _COUNTRY_CODE.fullmatch(v)}))


def _ids(values: Any) -> tuple[int, ...]:
    out = set()
    for x in values:
        try:
            out.add(int(str(x).strip()))
        except ValueError:
            continue
    return tuple(sorted(out))[:MAX_FILTER_PLACES]


def _kinds(values: Any) -> tuple[str, ...]:
    return tuple(k for k in KIND_GROUPS if k in {str(v).strip().lower() for v in values})


def _confidence(value: Any) -> float:
    try:
        number = float(str(value).strip()) if value is not None else 0.0
    except ValueError:
        return 0.0
    if number != number:  # NaN
        return 0.0
    return round(min(max(number, 0.0), 1.0), 2)


def _search(value: Any) -> str:
    return " ".join(_CONTROLS.sub(" ", "" if value is None else str(value)).split())[:MAX_SEARCH]


def _article_id(value: Any) -> str | None:
    text = "" if value is None else str(value).strip().lower()
    return text if _ARTICLE_ID.fullmatch(text) else None


def _listed(value: Any) -> list[str]:
    """``"a,b"`` or ``["a", "b"]`` (a URL parameter given once or repeated) as a list of strings."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    return [part for item in items for part in str(item).split(",") if part.strip()]


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with ``%``, ``_`` and the escape character escaped."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to show. Dates are inclusive; ``undated`` keeps events without a date;
    ``countries`` keeps country-level places; ``country`` keeps places in these ISO 3166-1 alpha-2
    countries; ``places`` only these place ids; ``article`` only this article's events; ``kinds`` only
    these kinds of place (keys of :data:`KIND_GROUPS`); ``min_confidence`` only events whose place was
    resolved at least this surely (a corrected place counts as 1); ``text`` only sentences containing
    it (SQLite ``LIKE``: case-insensitive for ASCII letters only). Empty means "no restriction".
    Hashable (a cache key) and serialisable to the URL; values are normalised on construction."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    undated: bool = True
    countries: bool = True
    country: tuple[str, ...] = ()
    places: tuple[int, ...] = ()
    article: str | None = None
    kinds: tuple[str, ...] = ()
    min_confidence: float = 0.0
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "country", _codes(self.country))
        object.__setattr__(self, "places", _ids(self.places))
        object.__setattr__(self, "article", _article_id(self.article))
        object.__setattr__(self, "kinds", _kinds(self.kinds))
        object.__setattr__(self, "min_confidence", _confidence(self.min_confidence))
        object.__setattr__(self, "text", _search(self.text))

    def where(self, event: str = "e", place: str = "p") -> tuple[str, list[Any]]:
        """A SQL condition over ``event`` (a row of the ``event`` table) and ``place`` (joined on
        ``event.place``), and its parameters."""
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
        if self.country:
            cond += f" AND {place}.country IN ({', '.join('?' * len(self.country))})"
            params.extend(self.country)
        if self.places:
            cond += f" AND {event}.place IN ({', '.join('?' * len(self.places))})"
            params.extend(self.places)
        if self.article:
            cond += f" AND {event}.article = ?"
            params.append(self.article)
        if self.kinds:
            kinds = [k for group in self.kinds for k in KIND_GROUPS[group]]
            cond += f" AND {place}.kind IN ({', '.join('?' * len(kinds))})"
            params.extend(kinds)
        if self.min_confidence > 0:
            cond += f" AND {event}.confidence >= ?"
            params.append(self.min_confidence)
        if self.text:
            cond += (f" AND EXISTS (SELECT 1 FROM article ax WHERE ax.id = {event}.article AND substr(ax.text, "
                     f"{event}.sent_start + 1, {event}.sent_end - {event}.sent_start) LIKE ? ESCAPE '\\')")
            params.append(like_pattern(self.text))
        return cond, params

    # The URL: ?from=2022-01-01&to=2022-12-31&undated=0&countries=0&country=AM,AZ&places=616108&
    # article=0123456789abcdef&kind=town,region&conf=0.5&q=shelling (defaults are left out).
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
        if self.country:
            params["country"] = ",".join(self.country)
        if self.places:
            params["places"] = ",".join(map(str, self.places))
        if self.article:
            params["article"] = self.article
        if self.kinds:
            params["kind"] = ",".join(self.kinds)
        if self.min_confidence > 0:
            params["conf"] = f"{self.min_confidence:g}"
        if self.text:
            params["q"] = self.text
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> EventFilter:
        """The filter a URL asks for; malformed values fall back to the defaults (a list drops only its
        malformed items), reversed dates are swapped."""
        start, end = _date(_one(params.get("from"))), _date(_one(params.get("to")))
        if start and end and start > end:
            start, end = end, start
        return cls(start, end, _flag(_one(params.get("undated")), True), _flag(_one(params.get("countries")), True),
                   country=_listed(params.get("country")), places=_listed(params.get("places")),
                   article=_one(params.get("article")), kinds=_listed(params.get("kind")),
                   min_confidence=_one(params.get("conf")), text=_one(params.get("q")))

    def clamp(self, low: datetime.date | None, high: datetime.date | None) -> EventFilter:
        """The same filter with its dates kept inside ``[low, high]`` (a date range widget's bounds)."""
        def inside(d: datetime.date | None) -> datetime.date | None:
            if d is None or low is None or high is None:
                return d
            return min(max(d, low), high)
        return replace(self, start=inside(self.start), end=inside(self.end))


def _one(value: Any) -> Any:
    """The last value of a URL parameter given more than once."""
    if isinstance(value, (list, tuple)):
        return value[-1] if value else None
    return value


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
    corrected: bool = False  # a correction in this sentence made or kept this event


@dataclass(frozen=True, slots=True)
class EventRecord:
    """An event with its place and article, for the events table and exports (one row each)."""

    id: int
    article_id: str
    date: datetime.date | None
    date_precision: str | None  # day, month, year (None when undated)
    place_id: int
    place: str
    kind: str
    feature: str  # GeoNames class and code, e.g. P.PPL
    country: str | None
    lat: float
    lon: float
    sentence: str
    sent_start: int  # where the sentence starts in the article's text
    mention: tuple[int, int]  # the place's first mention in the sentence, offsets in the article's text
    mention_text: str
    title: str | None
    url: str | None
    source: str
    confidence: float  # the geoparser's; 1 for a corrected place
    corrected: bool


@dataclass(frozen=True, slots=True)
class StoredMention:
    """A mention with the place it names now (``place_id`` None: marked "not a place")."""

    start: int
    end: int
    text: str
    place_id: int | None
    place_name: str
    kind: str
    country: str | None
    confidence: float
    corrected: bool = False
    machine_place_id: int | None = None
    machine_place_name: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction of a mention: the place a person chose (``place_id`` None: "not a place")."""

    id: int
    article_id: str
    start: int
    end: int
    text: str  # the mention as written ("" when the article is no longer stored)
    place_id: int | None
    place_name: str | None
    machine_place_id: int | None
    machine_place_name: str | None
    title: str | None
    author: str
    created_at: str


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
    def add_article(self, article: Any, mentions: Sequence[Any], events: Sequence[Any], *, parser: str,
                    replace: bool = False) -> bool:
        """Store an article (:class:`dashboard.articles.Article`) with its mentions
        (``gazetteer.geoparse.Mention``) and events (:class:`dashboard.events.Event`, whose ``mention``
        indexes ``mentions``), all or nothing. ``False`` when an article with the same id is stored already,
        unless ``replace``: then its mentions and events are rebuilt from these (a new parser's output);
        corrections, kept by span, apply to the new mentions.

        The events give each mention its sentence and date; the stored events are derived from the
        mentions (one per sentence and place they name, corrections applied: ``effective_event``)."""
        article_id = article.id
        now = _now()
        with self.transaction() as db:
            exists = db.execute("SELECT 1 FROM article WHERE id = ?", (article_id,)).fetchone()
            if exists and not replace:
                return False
            for e in events:
                if not 0 <= e.mention < len(mentions):
                    raise StoreError(f"event {e} refers to mention {e.mention}, but the article has "
                                     f"{len(mentions)}; nothing was written")
            title_start, title_end = article.title_span or (None, None)
            row = (article.source, article.title, title_start, title_end,
                   article.published.isoformat() if article.published else None, article.url, article.encoding,
                   json.dumps([list(s) for s in article.content_spans]), json.dumps(list(article.warnings)),
                   article.text, parser, now)
            if exists:
                db.execute("DELETE FROM mention WHERE article = ?", (article_id,))  # and their candidates, events
                db.execute("UPDATE article SET source = ?, title = ?, title_start = ?, title_end = ?, published = ?, "
                           "url = ?, encoding = ?, content = ?, warnings = ?, text = ?, parser = ?, ingested_at = ? "
                           "WHERE id = ?", (*row, article_id))
            else:
                db.execute(
                    "INSERT INTO article (id, source, title, title_start, title_end, published, url, encoding, "
                    "content, warnings, text, parser, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (article_id, *row))
            places = {m.place.id: m.place for m in mentions}
            places.update((p.id, p) for m in mentions for p, _ in m.candidates)
            _upsert_places(db, places.values())
            for m, e in zip(mentions, _mention_events(mentions, events), strict=True):
                sentence, date, source, precision = (None, None), None, None, None
                if e is not None:
                    sentence = tuple(e.sentence)
                    date, source, precision = (e.date.isoformat() if e.date else None), e.date_source, e.date_precision
                cur = db.execute("INSERT INTO mention (article, start, end, text, place, confidence, sent_start, "
                                 "sent_end, date, date_source, date_precision) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                 (article_id, m.start, m.end, m.text, m.place.id, float(m.confidence), *sentence,
                                  date, source, precision))
                db.executemany("INSERT INTO candidate (mention, rank, place, score) VALUES (?, ?, ?, ?)",
                               [(cur.lastrowid, rank, p.id, float(score))
                                for rank, (p, score) in enumerate(m.candidates, 1)])
            self._derive_events(db, article_id)
        return True

    _DERIVED = ("article, mention, mention_start, mention_end, sent_start, sent_end, place, date, date_source, "
                "date_precision, confidence, corrected")

    def _derive_events(self, db: sqlite3.Connection, article_id: str, sent_start: int | None = None) -> None:
        """Make the events of an article (or of its sentence starting at ``sent_start``) those that
        ``effective_event`` defines from its mentions and corrections now. Inside the writer's transaction."""
        where, params = "article = ?", [article_id]
        if sent_start is not None:
            where, params = f"{where} AND sent_start = ?", [article_id, sent_start]
        db.execute(f"DELETE FROM event WHERE {where}", params)
        db.execute(f"INSERT INTO event ({self._DERIVED}) SELECT {self._DERIVED} FROM effective_event WHERE {where}",
                   params)

    def _derive_mention_events(self, db: sqlite3.Connection, article_id: str, start: int, end: int) -> None:
        """:meth:`_derive_events` for the sentence of the mention at ``[start, end)`` (if it is stored)."""
        row = db.execute("SELECT sent_start FROM mention WHERE article = ? AND start = ? AND end = ?",
                         (article_id, start, end)).fetchone()
        if row is not None and row[0] is not None:
            self._derive_events(db, article_id, row[0])

    # -- corrections -------------------------------------------------------------------------------------
    def correct(self, article_id: str, start: int, end: int, place: Any, *, author: str = "") -> int:
        """Record that the mention at ``[start, end)`` of an article names ``place``: a
        ``gazetteer.Place`` (copied into the store), the id of a place already stored (a runner-up), or
        ``None`` for "not a place". Returns the correction's id. Machine output is left as it is."""
        with self.transaction() as db:
            if not db.execute("SELECT 1 FROM mention WHERE article = ? AND start = ? AND end = ?",
                              (article_id, start, end)).fetchone():
                raise StoreError(f"no place mention at {start}-{end} of article {article_id}; nothing was corrected")
            if place is None:
                place_id = None
            elif isinstance(place, int) and not isinstance(place, bool):
                if not db.execute("SELECT 1 FROM place WHERE id = ?", (place,)).fetchone():
                    raise StoreError(f"place {place} is not in the store; pass the gazetteer's Place to copy it")
                place_id = place
            else:
                _upsert_places(db, [place])
                place_id = place.id
            cur = db.execute("INSERT INTO correction (article, start, end, place, author, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", (article_id, start, end, place_id, author, _now()))
            self._derive_mention_events(db, article_id, start, end)
            return cur.lastrowid

    def undo_correction(self, article_id: str, start: int, end: int) -> bool:
        """Take back the latest correction of a mention (the one before it, or the machine's place, counts
        again). ``False`` when the mention has none."""
        with self.transaction() as db:
            cur = db.execute("DELETE FROM correction WHERE id = (SELECT max(id) FROM correction WHERE article = ? "
                             "AND start = ? AND end = ?)", (article_id, start, end))
            self._derive_mention_events(db, article_id, start, end)
            return cur.rowcount > 0

    _CORRECTION_COLUMNS = (
        "c.id, c.article, c.start, c.end, coalesce(m.text, ''), c.place, cp.name, m.place, mp.name, a.title, "
        "c.author, c.created_at FROM correction c LEFT JOIN place cp ON cp.id = c.place "
        "LEFT JOIN mention m ON m.article = c.article AND m.start = c.start AND m.end = c.end "
        "LEFT JOIN place mp ON mp.id = m.place LEFT JOIN article a ON a.id = c.article")

    def correction_history(self, article_id: str, start: int, end: int) -> list[Correction]:
        """Every correction of a mention, oldest first (the last one counts)."""
        rows = self._query(f"SELECT {self._CORRECTION_COLUMNS} WHERE c.article = ? AND c.start = ? AND c.end = ? "
                           "ORDER BY c.id", (article_id, start, end))
        return [Correction(*r) for r in rows]

    def corrections(self, limit: int | None = None) -> list[Correction]:
        """The corrections that count now (the latest of each mention), newest first."""
        rows = self._query(
            f"SELECT {self._CORRECTION_COLUMNS} WHERE c.id IN (SELECT max(id) FROM correction "
            f"GROUP BY article, start, end) ORDER BY c.id DESC LIMIT {-1 if limit is None else int(limit)}")
        return [Correction(*r) for r in rows]

    def count_corrections(self) -> int:
        """The number of mentions with a correction that counts."""
        return self._query("SELECT count(*) FROM (SELECT DISTINCT article, start, end FROM correction)")[0][0]

    def mention(self, article_id: str, start: int, end: int) -> StoredMention | None:
        """The mention at ``[start, end)`` of an article, with the place it names now and the machine's."""
        rows = self._query(f"SELECT {self._MENTION_COLUMNS} WHERE m.article = ? AND m.start = ? AND m.end = ?",
                           (article_id, start, end))
        return StoredMention(*rows[0]) if rows else None

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

    # The order of events everywhere: newest first, undated last (NULL sorts last in descending order), in
    # text order within an article. Indexes event_place and event_date hold events in this order.
    _EVENT_ORDER = "e.date DESC, e.article, e.sent_start"
    _SENTENCE = "substr(a.text, e.sent_start + 1, e.sent_end - e.sent_start)"
    _EVENT_COLUMNS = (
        f"e.id, e.article, e.place, e.sent_start, e.sent_end, {_SENTENCE}, "
        "(SELECT json_group_array(json_array(m.start - e.sent_start, m.end - e.sent_start)) FROM effective_mention m "
        " WHERE m.article = e.article AND m.sent_start = e.sent_start AND m.place = e.place "
        " AND m.start >= e.sent_start AND m.end <= e.sent_end), "
        "e.date, a.title, a.url, a.source, e.corrected")

    def events(self, place_id: int, flt: EventFilter = EventFilter(), *, limit: int | None = None) -> list[EventRow]:
        """The events of one place under ``flt``: newest first, undated last, in text order within an
        article; each with every mention of the place in its sentence highlighted."""
        where, params = flt.where()
        rows = self._query(
            f"SELECT {self._EVENT_COLUMNS} FROM event e JOIN article a ON a.id = e.article "
            f"JOIN place p ON p.id = e.place WHERE e.place = ? AND {where} ORDER BY {self._EVENT_ORDER} "
            f"LIMIT {-1 if limit is None else int(limit)}", [place_id, *params])
        return [_event_row(r) for r in rows]

    def count_events(self, place_id: int | None, flt: EventFilter = EventFilter()) -> int:
        """The number of events under ``flt`` (of one place, unless ``place_id`` is None)."""
        where, params = flt.where()
        if place_id is not None:
            where, params = f"e.place = ? AND {where}", [place_id, *params]
        return self._query(f"SELECT count(*) FROM event e JOIN place p ON p.id = e.place WHERE {where}", params)[0][0]

    def samples(self, flt: EventFilter = EventFilter(), per_place: int = 3) -> dict[int, list[EventRow]]:
        """The first ``per_place`` events of every place under ``flt`` (the order of :meth:`events`), each
        with its own mention highlighted (the place's first in the sentence: what a popup marks)."""
        pairs = self.sample_ids(flt, per_place)
        rows = self.event_sentences([eid for _, eid in pairs])
        out: dict[int, list[EventRow]] = {}
        for place, eid in pairs:
            out.setdefault(place, []).append(rows[eid])
        return out

    def sample_ids(self, flt: EventFilter = EventFilter(), per_place: int = 3) -> list[tuple[int, int]]:
        """``(place id, event id)`` of the first ``per_place`` events of every place under ``flt``, by
        place and in the order of :meth:`events` (numbered along index event_place, without a sort)."""
        where, params = flt.where()
        return [tuple(r) for r in self._query(
            "SELECT place, id FROM (SELECT e.place, e.id, row_number() OVER (PARTITION BY e.place ORDER BY "
            f"{self._EVENT_ORDER}) AS rn FROM event e JOIN place p ON p.id = e.place WHERE {where}) "
            "WHERE rn <= ? ORDER BY place, rn", [*params, per_place])]

    def event_sentences(self, ids: Iterable[int]) -> dict[int, EventRow]:
        """The events ``ids`` with their sentences, each with its own mention highlighted."""
        rows = self._query(
            f"SELECT e.id, e.article, e.place, e.sent_start, e.sent_end, {self._SENTENCE}, "
            "e.mention_start - e.sent_start, e.mention_end - e.sent_start, e.date, a.title, a.url, a.source, "
            "e.corrected FROM event e JOIN article a ON a.id = e.article "
            "WHERE e.id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))
        return {eid: EventRow(eid, article, place, s, e, sentence, ((m_start, m_end),), _date(date), title, url,
                              source, bool(corrected))
                for eid, article, place, s, e, sentence, m_start, m_end, date, title, url, source, corrected in rows}

    _RECORD_COLUMNS = (
        "e.id, e.article, e.date, e.date_precision, p.id, p.name, p.kind, p.fclass || '.' || p.fcode, p.country, "
        f"p.lat, p.lon, {_SENTENCE}, e.mention_start, e.mention_end, "
        "substr(a.text, e.mention_start + 1, e.mention_end - e.mention_start), a.title, a.url, a.source, "
        "e.confidence, e.corrected, e.sent_start")

    def event_records(self, flt: EventFilter = EventFilter(), *, limit: int | None = None) -> list[EventRecord]:
        """Every event under ``flt`` with its place and article, newest first, undated last (the table's
        and the exports' rows)."""
        where, params = flt.where()
        order = f"{self._EVENT_ORDER}, p.name"
        # The rows are chosen and cut on key columns first; their texts are read for the kept rows only.
        rows = self._query(
            f"WITH chosen AS MATERIALIZED (SELECT e.id FROM event e JOIN place p ON p.id = e.place WHERE {where} "
            f"ORDER BY {order} LIMIT {-1 if limit is None else int(limit)}) "
            f"SELECT {self._RECORD_COLUMNS} FROM chosen JOIN event e ON e.id = chosen.id "
            f"JOIN place p ON p.id = e.place JOIN article a ON a.id = e.article ORDER BY {order}", params)
        return [EventRecord(r[0], r[1], _date(r[2]), r[3], *r[4:12], r[20], (r[12], r[13]), *r[14:19], bool(r[19]))
                for r in rows]

    def timeline(self, flt: EventFilter = EventFilter()) -> list[tuple[datetime.date, int]]:
        """Events per day under ``flt`` (days with none are left out), oldest first."""
        where, params = flt.where()
        rows = self._query(f"SELECT e.date, count(*) FROM event e JOIN place p ON p.id = e.place "
                           f"WHERE {where} AND e.date IS NOT NULL GROUP BY e.date ORDER BY e.date", params)
        return [(_date(d), n) for d, n in rows]

    def country_counts(self) -> list[tuple[str, int]]:
        """Countries of the places with events, with their numbers of events, most first."""
        return [tuple(r) for r in self._query(
            "SELECT p.country, count(*) FROM event e JOIN place p ON p.id = e.place "
            "WHERE p.country IS NOT NULL GROUP BY p.country ORDER BY count(*) DESC, p.country")]

    def article_list(self, limit: int | None = None) -> list[tuple[str, str | None, str, datetime.date | None]]:
        """Stored articles as ``(id, title, source, published)``, newest first, undated last."""
        rows = self._query("SELECT id, title, source, published FROM article ORDER BY published IS NULL, "
                           f"published DESC, source LIMIT {-1 if limit is None else int(limit)}")
        return [(i, t, s, _date(p)) for i, t, s, p in rows]

    _MENTION_COLUMNS = (
        "m.start, m.end, m.text, m.place, coalesce(p.name, 'not a place'), coalesce(p.kind, ''), p.country, "
        "m.confidence, m.corrected, m.machine_place, mp.name FROM effective_mention m "
        "LEFT JOIN place p ON p.id = m.place LEFT JOIN place mp ON mp.id = m.machine_place")

    def article(self, article_id: str) -> StoredArticle | None:
        """An article with its mentions (each with the place it names now), or ``None``."""
        rows = self._query("SELECT id, source, title, published, url, text FROM article WHERE id = ?", (article_id,))
        if not rows:
            return None
        aid, source, title, published, url, text = rows[0]
        mentions = self._query(f"SELECT {self._MENTION_COLUMNS} WHERE m.article = ? ORDER BY m.start", (article_id,))
        return StoredArticle(aid, source, title, _date(published), url, text,
                             tuple(StoredMention(*m[:8], bool(m[8]), *m[9:]) for m in mentions))

    def places_named(self, name: str) -> list[int]:
        """The ids of the places with events whose name is ``name`` (upper and lower case alike for A-Z),
        most events first."""
        return [r[0] for r in self._query(
            "SELECT e.place FROM event e JOIN place p ON p.id = e.place WHERE p.name = ? COLLATE NOCASE "
            "GROUP BY e.place ORDER BY count(*) DESC", (name.strip(),))]

    def place(self, place_id: int) -> PlaceCount | None:
        """A stored place with its total numbers of events and articles (no filter)."""
        rows = self._query(
            "SELECT p.id, p.name, p.kind, p.country, p.lat, p.lon, p.fclass || '.' || p.fcode, "
            "(SELECT count(*) FROM event e WHERE e.place = ?), "
            "(SELECT count(DISTINCT e.article) FROM event e WHERE e.place = ?) "
            "FROM place p WHERE p.id = ?", (place_id, place_id, place_id))
        return PlaceCount(*rows[0]) if rows else None

    def candidates(self, article_id: str, start: int, end: int) -> list[tuple[int, str, float]]:
        """The runner-ups of the mention at ``[start, end)``: ``(place id, name, score)``, best first."""
        return [tuple(r) for r in self._query(
            "SELECT p.id, p.name, c.score FROM mention m JOIN candidate c ON c.mention = m.id "
            "JOIN place p ON p.id = c.place WHERE m.article = ? AND m.start = ? AND m.end = ? ORDER BY c.rank",
            (article_id, start, end))]

    def stored_place(self, place_id: int) -> tuple[str, str, str | None] | None:
        """``(name, kind, country)`` of a stored place (with or without events)."""
        rows = self._query("SELECT name, kind, country FROM place WHERE id = ?", (place_id,))
        return tuple(rows[0]) if rows else None


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _upsert_places(db: sqlite3.Connection, places: Iterable[Any]) -> None:
    """Copy gazetteer places into the store (the store stands alone), updating those already there."""
    db.executemany(
        "INSERT INTO place (id, name, lat, lon, country, fclass, fcode, kind, population, admin1, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
        "lat = excluded.lat, lon = excluded.lon, country = excluded.country, fclass = excluded.fclass, "
        "fcode = excluded.fcode, kind = excluded.kind, population = excluded.population, "
        "admin1 = excluded.admin1, source = excluded.source",
        [(p.id, p.name, p.lat, p.lon, p.country_code, p.feature_class, p.feature_code, p.kind,
          p.population, p.admin1, p.source) for p in places])


def _mention_events(mentions: Sequence[Any], events: Sequence[Any]) -> list[Any]:
    """The event whose sentence each mention is in (giving it its sentence and date): its own event, else
    that of an event of its place whose sentence holds it (the geoparser's events name each place once per
    sentence), else any event whose sentence holds it; ``None`` when no sentence holds it."""
    out: list[Any] = [None] * len(mentions)
    for e in events:
        if 0 <= e.mention < len(mentions):
            out[e.mention] = e
    for i, m in enumerate(mentions):
        if out[i] is not None:
            continue
        holding = [e for e in events if e.sentence[0] <= m.start and m.end <= e.sentence[1]]
        same = [e for e in holding if e.place_id == m.place.id]
        if same or holding:
            out[i] = (same or holding)[0]
    return out


def _event_row(r: tuple) -> EventRow:
    (eid, article, place, s, e, sentence, spans, date, title, url, source, corrected) = r
    highlights = tuple(sorted((a, b) for a, b in json.loads(spans or "[]")))
    return EventRow(eid, article, place, s, e, sentence, highlights, _date(date), title, url, source, bool(corrected))


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
