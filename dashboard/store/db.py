"""The event store: articles, resolved place mentions and events in one embedded SQLite file.

The file is ``$ATLAS_HOME/atlas.sqlite`` (default: the per-user data directory, e.g.
``~/.local/share/news-atlas``). Its schema is ``schema.sql`` beside this module (versioned; applied and
upgraded by :meth:`Store.open`). Each article is written in one transaction with its mentions, runner-up
candidates and events, so an interrupted ingest (exception, Ctrl-C, SIGKILL) leaves the store as it was;
an article already stored (same text, same id) is not stored again. The database runs in WAL mode: the
app reads while ``atlas ingest`` writes.

Corrections (of a place, a role, a date, an event's type or deaths; splits and merges of events across
articles: :mod:`.clusters`) are kept apart from machine output; the ``event`` table holds
the events with corrections applied: every write re-derives the events it changes from the
``effective_event`` view in its own transaction (:mod:`.writes`), and every reader selects from ``event``.

>>> with Store.open() as store:                     # doctest: +SKIP
...     store.add_article(article, mentions, events, parser="geoparse 0.1")
...     store.place_counts(EventFilter(start=date(2022, 1, 1)))
"""
from __future__ import annotations

import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import platformdirs

from ..errors import StoreError
from ..events import writer_state
from . import clusters, writes
from .batch import BATCH_SECONDS, Batch
from .check import diagnose, open_error
from .event_fixes import EventFixReads
from .reads import Reads
from .schema import SCHEMA_VERSION, migrate

STORE_NAME = "atlas.sqlite"
QUERY_BUDGET = 5.0  # seconds one read query may take (the page's); None: no limit
WRITER_CACHE_KIB = 65536  # the writer's page cache: at 10,000 articles its B-trees (event, mention, report indexes)
#                            outgrow SQLite's 2 MB default, and each page read again costs a read() call
_IDLE_READERS = 8  # read connections kept open for reuse
_PROGRESS_STEPS = 10_000  # SQLite virtual machine steps between two looks at the clock


def data_dir() -> Path:
    """``$ATLAS_HOME``, or the platform's per-user data directory for News Atlas."""
    env = os.environ.get("ATLAS_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("news-atlas", appauthor=False))


def store_path() -> Path:
    return data_dir() / STORE_NAME


# What each reader reads, in the words of the message of a query that ran out of time.
_WHAT = {
    "place_counts": "counting the events of each place (the map)", "count_events": "counting the events",
    "events": "reading the place's events (the panel)", "sample_ids": "choosing the popups' sentences",
    "event_sentences": "reading the popups' sentences", "event_records": "reading the events (the table)",
    "iter_event_records": "reading the events to export", "sentence_places": "reading the sentences' places",
    "timeline": "counting the events per day (the timeline)", "periods": "reading the timeline's periods",
    "date_range": "reading the events' date range", "country_counts": "counting the events per country",
}


class _Reader:
    """A read connection of its own for one query at a time, with a time budget (SQLite's progress handler
    interrupts a statement that runs past ``deadline``)."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        self.db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        self.db.execute("PRAGMA query_only = ON")
        self.deadline: float | None = None
        self.expired = False
        self.db.set_progress_handler(self._progress, _PROGRESS_STEPS)

    def _progress(self) -> int:
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.expired = True
            return 1  # interrupts the statement (sqlite3.OperationalError: interrupted)
        return 0

    def start(self, budget: float | None) -> None:
        self.deadline = None if budget is None else time.monotonic() + budget
        self.expired = False


class Store(Reads, clusters.ClusterReads, EventFixReads):
    """The event store. Writes go through one SQLite connection under one lock; reads each take a
    connection of their own (from a small pool), so a slow read never makes another session's read, or a
    write, wait (WAL). Thread-safe, so Streamlit's sessions can share one Store. Every read query has a
    time budget (:attr:`query_budget`, seconds): one that runs longer is stopped with a
    :class:`~dashboard.errors.StoreError` that says which query and how to narrow it.
    The readers are :class:`~dashboard.store.reads.Reads`; the writers are below."""

    query_budget: float | None = QUERY_BUDGET

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 10.0) -> None:
        self.path = Path(path)
        diagnose(self.path, timeout=timeout)  # read-only first: a corrupt, newer or unreadable store is left as it is
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
            self._db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        except (OSError, sqlite3.Error) as exc:
            if getattr(self, "_db", None) is not None:
                self._db.close()
            raise open_error(self.path, exc) from exc
        self._lock = threading.RLock()
        self._batch: Batch | None = None
        self._timeout = timeout
        self._idle: list[_Reader] = []  # read connections free for the next query
        self._pool_lock = threading.Lock()
        with self._lock:
            try:
                migrate(self._db, self.path)
            except StoreError:
                self._db.close()
                raise
            except sqlite3.Error as exc:
                self._db.close()
                raise open_error(self.path, exc) from exc

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Store:
        """The store at ``path`` (default :func:`store_path`), created or upgraded to :data:`SCHEMA_VERSION`."""
        return cls(path or store_path())

    def close(self) -> None:
        with self._pool_lock:
            idle, self._idle = self._idle, []
        for reader in idle:
            reader.db.close()
        with self._lock:
            writer_state.forget(self._db)  # (the writer's indexes go with its connection)
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return self._query("PRAGMA user_version")[0][0]

    # -- plumbing ----------------------------------------------------------------------------------------
    @contextmanager
    def _reading(self, budget: float | None = None) -> Iterator[_Reader]:
        """A read connection of this query's own (reused from the pool, or opened), its budget started."""
        with self._pool_lock:
            reader = self._idle.pop() if self._idle else None
        if reader is None:
            try:
                reader = _Reader(self.path, self._timeout)
            except sqlite3.Error as exc:
                raise StoreError(f"cannot read the event store {self.path} ({exc})") from exc
        reader.start(self.query_budget if budget is None else budget)
        try:
            yield reader
        finally:
            reader.deadline = None
            if reader.db.in_transaction:
                with suppress(sqlite3.Error):
                    reader.db.execute("ROLLBACK")
            with self._pool_lock:
                keep = len(self._idle) < _IDLE_READERS
                if keep:
                    self._idle.append(reader)
            if not keep:
                reader.db.close()

    def _read_error(self, reader: _Reader, exc: sqlite3.Error, what: str) -> StoreError:
        if reader.expired:
            budget = self.query_budget
            return StoreError(f"{what} took longer than {budget:g} s and was stopped; narrow the filters "
                              "(an article, a place, a shorter date range, a longer search text) and try again")
        return StoreError(f"reading the event store {self.path} failed ({exc})")

    @staticmethod
    def _what(depth: int = 2) -> str:
        """What the reading method that asked reads (for the message of a query that ran out of time)."""
        name = sys._getframe(depth).f_code.co_name
        return _WHAT.get(name, f"reading the event store ({name.strip('_').replace('_', ' ')})")

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Rows as plain tuples (counts, ids, pairs)."""
        with self._reading() as reader:
            try:
                return reader.db.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                raise self._read_error(reader, exc, self._what()) from exc

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Rows whose columns are read by name (for :func:`~dashboard.store.records.from_row`)."""
        with self._reading() as reader:
            try:
                cur = reader.db.cursor()
                cur.row_factory = sqlite3.Row
                return cur.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                raise self._read_error(reader, exc, self._what()) from exc

    @contextmanager
    def _snapshot(self) -> Iterator[Any]:
        """Several queries on one read connection that see one state of the store (a read transaction),
        each with its own budget: ``run(sql, params)`` gives rows by name (a streaming export's batches)."""
        with self._reading() as reader:
            try:
                reader.db.execute("BEGIN")
            except sqlite3.Error as exc:
                raise self._read_error(reader, exc, "starting a read") from exc
            what = self._what(3)

            def run(sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
                reader.start(self.query_budget)
                try:
                    cur = reader.db.cursor()
                    cur.row_factory = sqlite3.Row
                    return cur.execute(sql, tuple(params)).fetchall()
                except sqlite3.Error as exc:
                    raise self._read_error(reader, exc, what) from exc

            yield run

    @contextmanager
    def batch(self, seconds: float = BATCH_SECONDS) -> Iterator[Batch]:
        """Inside, this thread's writes share transactions committed every ``seconds`` (each write still
        all or nothing: :mod:`.batch`); the last is committed when the block ends, whatever ends it."""
        if self._batch is not None:
            yield self._batch
            return
        self._batch = batch = Batch(self, seconds)
        try:
            yield batch
        finally:
            self._batch = None
            batch.commit()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back if anything in the block raises. Bumps the
        store's generation, so caches keyed on :meth:`generation` see the change. In this thread's
        :meth:`batch`, a savepoint of the batch's transaction instead."""
        batch = self._batch
        if batch is not None and batch.thread == threading.get_ident():
            with batch.savepoint() as db:
                yield db
            return
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
                writer_state.forget(self._db)  # the writer's indexes held what was rolled back
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"writing to the event store {self.path} failed ({exc}); nothing was "
                                     "written") from exc
                raise

    # -- writing -----------------------------------------------------------------------------------------
    def add_article(self, article: Any, mentions: Sequence[Any], events: Sequence[Any], *, parser: str,
                    roles: Sequence[Any] | None = None, replace: bool = False,
                    inferred: Sequence[Any] = (), signature: bytes | None = None) -> bool:
        """Store an article (:class:`dashboard.reader.Article`) with its mentions
        (``gazetteer.geoparse.Mention``), their roles (:class:`dashboard.events.Role`, one per mention; by
        default each mention takes its event's) and events (:class:`dashboard.events.Event`, whose
        ``mention`` indexes ``mentions``), all or nothing. ``False`` when an article with the same id is
        stored already, unless ``replace``: then its mentions and events are rebuilt from these (a new
        parser's output); corrections, kept by span, apply to the new mentions.

        The events give each mention its sentence and date; the stored events are derived from the
        mentions (one per sentence and place they name, corrections applied: ``effective_event``).
        ``inferred`` (:class:`dashboard.events.InferredEvent`) are the place-less sentences that report
        something: kept as reports for linking events across articles, never as events of the map.
        ``signature``: the article's wire-copy signature when the process that parsed it made it."""
        with self.transaction() as db:
            return writes.write_article(db, article, mentions, events, roles, parser, replace, inferred, signature)

    def correct(self, article_id: str, start: int, end: int, place: Any, *, author: str = "") -> int:
        """Record that the mention at ``[start, end)`` of an article names ``place``: a
        ``gazetteer.Place`` (copied into the store), the id of a place already stored (a runner-up), or
        ``None`` for "not a place". Returns the correction's id. Machine output is left as it is."""
        with self.transaction() as db:
            return writes.correct_place(db, article_id, start, end, place, author)

    def correct_every_mention(self, article_id: str, start: int, end: int, place: Any, *,
                              author: str = "") -> list[int]:
        """:meth:`correct` for every mention of the article with the name of the one at ``[start, end)``
        (the gazetteer's name normaliser decides), as one group: undoing any of them undoes them all.
        Returns the corrections' ids, in text order."""
        with self.transaction() as db:
            return writes.correct_place_every_mention(db, article_id, start, end, place, author)

    def undo_correction(self, article_id: str, start: int, end: int, *, author: str = "") -> bool:
        """Take back the latest place correction of a mention (the one before it, or the machine's place,
        counts again), with the rest of its group (:meth:`correct_every_mention`). ``False`` when the
        mention has none. Every undo is kept: the row stays in the correction's log, marked undone by
        ``author`` and when (as every ``undo_*`` here)."""
        with self.transaction() as db:
            return writes.undo(db, "correction", article_id, start, end, author=author)

    def correct_role(self, article_id: str, start: int, end: int, role: str, *, author: str = "") -> int:
        """Record a person's reading of the mention at ``[start, end)``: ``literal`` (where it happened) or
        ``associative`` ("not where it happened": an actor or a source)."""
        with self.transaction() as db:
            return writes.correct_role(db, article_id, start, end, role, author)

    def undo_role(self, article_id: str, start: int, end: int, *, author: str = "") -> bool:
        """Take back the latest role correction of a mention."""
        with self.transaction() as db:
            return writes.undo(db, "role_correction", article_id, start, end, author=author)

    def correct_date(self, article_id: str, sent_start: int, when: Any, *, author: str = "") -> int:
        """Give the events of the sentence starting at ``sent_start`` a person's date
        (:class:`dashboard.events.EventDate`; ``None``: no date can be known)."""
        with self.transaction() as db:
            return writes.correct_date(db, article_id, sent_start, when, author)

    def undo_date(self, article_id: str, sent_start: int, *, author: str = "") -> bool:
        """Take back the latest date correction of a sentence."""
        with self.transaction() as db:
            return writes.undo(db, "date_correction", article_id, sent_start, author=author)

    # -- corrections of what an event is, and of events across articles (version 8) ------------------
    def correct_type(self, article_id: str, sent_start: int, event_type: str | None,
                     sub_event_type: str | None = None, *, author: str = "") -> int:
        """Give the events of the sentence starting at ``sent_start`` a person's ACLED event type (``None``:
        the sentence reports no event of a type) and sub-event type (``None``: the type only)."""
        with self.transaction() as db:
            return writes.correct_type(db, article_id, sent_start, event_type, sub_event_type, author)

    def undo_type(self, article_id: str, sent_start: int, *, author: str = "") -> bool:
        """Take back the latest type correction of a sentence."""
        with self.transaction() as db:
            return writes.undo(db, "type_correction", article_id, sent_start, author=author)

    def correct_deaths(self, article_id: str, sent_start: int, fatalities: int | None,
                       fatalities_high: int | None = None, *, author: str = "") -> int:
        """Give the events of a sentence a person's death count (``None``: no number given) and the highest
        figure of a range (``None``: one figure)."""
        with self.transaction() as db:
            return writes.correct_deaths(db, article_id, sent_start, fatalities, fatalities_high, author)

    def undo_deaths(self, article_id: str, sent_start: int, *, author: str = "") -> bool:
        """Take back the latest deaths correction of a sentence."""
        with self.transaction() as db:
            return writes.undo(db, "deaths_correction", article_id, sent_start, author=author)

    def split_report(self, article_id: str, sent_start: int, *, author: str = "") -> int:
        """Take the report of the sentence at ``sent_start`` out of the event across articles it was merged
        into: an event of its own (:mod:`.clusters`)."""
        with self.transaction() as db:
            return clusters.split_report(db, article_id, sent_start, author)

    def merge_events(self, article_id: str, sent_start: int, other_article: str, other_sent_start: int, *,
                     author: str = "") -> int:
        """Put every report of the event of the sentence ``(other_article, other_sent_start)`` into the event
        of the sentence ``(article_id, sent_start)``."""
        with self.transaction() as db:
            return clusters.merge_events(db, article_id, sent_start, other_article, other_sent_start, author)

    def undo_cluster(self, article_id: str, sent_start: int, *, author: str = "") -> bool:
        """Take back the latest split or merge that names the report of a sentence."""
        with self.transaction() as db:
            return clusters.undo_cluster(db, article_id, sent_start, author)


__all__ = ["SCHEMA_VERSION", "STORE_NAME", "Store", "data_dir", "store_path"]
