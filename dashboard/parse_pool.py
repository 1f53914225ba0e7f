"""Reading and geoparsing articles for ingest: in the writer's process, or in worker processes.

Parsing an article (read, geoparse, roles, dates, events) needs nothing but the article and the
gazetteer index, and takes most of an article's time on a fresh store; storing it must go through one
writer, in order (the clusters and stories of a new article depend on those stored before it). So
``atlas ingest --workers N`` parses in N processes (each opens the gazetteer index read-only, and the
store read-only to skip articles it holds already) while the calling process stores what they return,
in the order of the files. At most :data:`AHEAD` chunks per worker are parsed ahead of the writer, so a
slow store never fills the memory with parsed articles. With ``workers=0`` everything runs in the
caller's process (the page's uploads, small batches).

Worker processes are started with ``spawn`` (never ``fork``: the writer holds open SQLite connections)
and ignore Ctrl-C: the writer alone decides what happens on an interrupt (it cancels what is queued).
A worker whose writer was killed (SIGKILL, a crash) ends within :data:`ORPHAN_CHECK` seconds.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from gazetteer.geoparse import geoparse

from .errors import ArticleError, AtlasError
from .events import Reading, read_events
from .reader import Article

CHUNK = 8  # sources per task sent to a worker
AHEAD = 4  # chunks per worker parsed ahead of the writer
MIN_FILES = 64  # fewer files than this are parsed in the writer's process (starting workers costs ~1 s)
ORPHAN_CHECK = 0.5  # seconds between a worker's checks that the writer is alive


@dataclass
class Parsed:
    """One source read and geoparsed: ``article`` with its ``mentions`` and ``reading``, or ``failure``
    (``(reason, message)``: the reader's refusal, or ``geoparse`` when the geoparser failed), or
    ``stored`` (the store held the article already: it was not geoparsed)."""

    label: str
    article: Article | None = None
    mentions: list[Any] | None = None
    reading: Reading | None = None
    failure: tuple[str, str] | None = None
    stored: bool = False
    signature: bytes | None = None  # its wire-copy signature (dashboard.events.copies), made here


def parse_source(source: Any, gazetteer: Any, is_stored: Any = None) -> Parsed:
    """Read ``source`` (an :class:`dashboard.ingest.Source`) and geoparse it, unless ``is_stored(id)``."""
    try:
        article = source.read()
    except ArticleError as exc:
        return Parsed(source.label, failure=(exc.reason, str(exc)))
    if is_stored is not None and is_stored(article.id):
        return Parsed(source.label, article, stored=True)
    return parse_article(source.label, article, gazetteer)


def parse_article(label: str, article: Article, gazetteer: Any) -> Parsed:
    """Geoparse an article, read its events and make its wire-copy signature; a geoparser bug becomes a
    failure (the other files go on)."""
    from .events.copies import signature, signature_blob  # (datasketch: imported when the first article is read)
    try:
        mentions = geoparse(article.text, gazetteer, article.content_spans)
        return Parsed(label, article, mentions, read_events(article, mentions),
                      signature=signature_blob(signature(article.text)))
    except AtlasError:
        raise
    except Exception as exc:
        return Parsed(label, article, failure=("geoparse", f"{type(exc).__name__}: {exc}"))


def default_workers(files: int) -> int:
    """Worker processes for ``files`` files: none for a small batch, else one per core but the writer's
    (at least one, at most four)."""
    if files < MIN_FILES:
        return 0
    return max(1, min(4, (os.cpu_count() or 1) - 1))


def parsed(sources: Sequence[Any], gazetteer: Any, *, workers: int = 0, store_path: Path | None = None,
           is_stored: Any = None) -> Iterator[Parsed]:
    """Each source parsed, in order, except those ``is_stored(id)`` says the store holds. With
    ``workers``, in that many processes (``gazetteer.path``: the index they open; ``store_path``: the
    store they ask instead, read-only, when ``is_stored`` is given)."""
    if workers <= 0 or len(sources) <= 1:
        for source in sources:
            yield parse_source(source, gazetteer, _safe(is_stored))
        return
    chunks = [sources[i:i + CHUNK] for i in range(0, len(sources), CHUNK)]
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=_start,
                               initargs=(str(gazetteer.path), None if is_stored is None or store_path is None
                                         else str(store_path)))
    queued: deque[Future] = deque()
    try:
        todo = iter(chunks)
        for chunk in todo:
            queued.append(pool.submit(_parse_chunk, chunk))
            if len(queued) >= AHEAD * workers:
                break
        while queued:
            done = queued.popleft().result()
            for chunk in todo:  # one more queued for each one taken
                queued.append(pool.submit(_parse_chunk, chunk))
                break
            yield from done
    finally:
        pool.shutdown(wait=not queued, cancel_futures=True)


# -- in a worker process -----------------------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _start(index_path: str, store_path: str | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the writer handles Ctrl-C
    parent = os.getppid()

    def orphaned() -> None:  # the writer was killed (SIGKILL: it could not stop us): end with it
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK)
        os._exit(1)

    threading.Thread(target=orphaned, name="atlas-parent-watch", daemon=True).start()
    from gazetteer import Gazetteer

    _WORKER["gazetteer"] = Gazetteer(Path(index_path))
    if store_path and Path(store_path).exists():
        db = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)
        _WORKER["is_stored"] = lambda aid: db.execute("SELECT 1 FROM article WHERE id = ?", (aid,)).fetchone() \
            is not None


def _parse_chunk(sources: Sequence[Any]) -> list[Parsed]:
    gazetteer, is_stored = _WORKER["gazetteer"], _WORKER.get("is_stored")
    return [parse_source(s, gazetteer, _safe(is_stored)) for s in sources]


def _safe(is_stored: Any) -> Any:
    """The store check, never failing the article: a store that cannot be read now is checked again by
    the writer, which skips what it holds anyway (and reports a store that cannot be read)."""
    if is_stored is None:
        return None

    def check(aid: str) -> bool:
        try:
            return is_stored(aid)
        except (sqlite3.Error, AtlasError):
            return False
    return check
