"""Group commit: the articles of one ingest share transactions, each article still all or nothing.

Committing costs more than writing an article: SQLite appends every page the article touched (a few
dozen B-tree pages of the tables and their indexes) to the write-ahead log, and checkpoints copy them
back. Articles written one after another touch the same pages, so :meth:`Store.batch
<dashboard.store.db.Store.batch>` writes each in a ``SAVEPOINT`` of one transaction and commits that
transaction every :data:`BATCH_SECONDS` (and when the batch ends). An article that fails is rolled back
to its savepoint alone; readers (the page) see new articles at each commit; another writer waits at
most about that long. If a commit fails (a full disk, an I/O error), every article written since the
last one is lost with it: :attr:`Batch.lost` says how many, so the caller reports them as failed.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import StoreError
from ..events import writer_state

BATCH_SECONDS = 0.5  # a batch's transaction is committed this often


class Batch:
    """The open group commit of one thread's writes to a :class:`~dashboard.store.db.Store`."""

    def __init__(self, store: Any, seconds: float = BATCH_SECONDS) -> None:
        self.store, self.seconds = store, seconds
        self.thread = threading.get_ident()
        self.began: float | None = None  # when its transaction began (None: none open)
        self.pending = 0  # articles written in the open transaction
        self.commits = 0  # transactions committed
        self.lost = 0  # articles written in transactions that failed: the caller reports them, then resets this

    @contextmanager
    def savepoint(self) -> Iterator[sqlite3.Connection]:
        """One article's writes: rolled back alone if the block raises; the batch commits when due."""
        db = self.store._db
        if self.began is None:
            self.store._lock.acquire()  # held until the commit: other threads' writes wait for it
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                self.store._lock.release()
                raise StoreError(f"cannot write to the event store {self.store.path} ({exc})") from exc
            self.began = time.monotonic()
        db.execute("SAVEPOINT article")
        try:
            yield db
            db.execute("RELEASE article")
        except BaseException as exc:
            writer_state.forget(db)  # the writer's indexes held what is rolled back
            if db.in_transaction:
                db.execute("ROLLBACK TO article")
                db.execute("RELEASE article")
            else:  # SQLite gave the whole transaction up: the articles written in it are lost
                self._end(lost=True)
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"writing to the event store {self.store.path} failed ({exc}); nothing of this "
                                 "article was written") from exc
            raise
        self.pending += 1
        if time.monotonic() - self.began >= self.seconds:
            self.commit()

    def commit(self) -> None:
        """Commit the open transaction (if any): what it holds is stored, and shown to readers."""
        if self.began is None:
            return
        db = self.store._db
        try:
            db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            n = self.pending
            if db.in_transaction:
                db.execute("ROLLBACK")
            writer_state.forget(db)
            self._end(lost=True)
            raise StoreError(f"writing to the event store {self.store.path} failed ({exc}); the last {n} "
                             "articles were not stored: run the same command again to add them") from exc
        self.commits += 1
        self._end(lost=False)

    def _end(self, lost: bool) -> None:
        if lost:
            self.lost += self.pending
        self.pending = 0
        if self.began is not None:
            self.began = None
            self.store._lock.release()
