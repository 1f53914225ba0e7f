"""Ingest: articles to the event store (read, geoparse, roles and dates, events, store), one transaction each.

One path for every way articles arrive: files and folders (``atlas ingest``, the seeds on first launch),
files uploaded in the page and pasted text. Each is a :class:`Source`: a label and a way to read it; the
one loop in :func:`ingest` reads, geoparses and stores each, and reports on every one: added, already
stored, or failed and why. A failure never stops the others, and never leaves part of an article in the
store. Ctrl-C (or SIGTERM under ``atlas ingest``) stops after the current article (rolled back whole, or,
when it came while the article was being committed, stored whole and reported).

Only regular files are read: a named pipe, socket or device is refused with a reason, never opened. A
folder or file that cannot be read is reported as failed; hidden files and folders are left out and
counted. A file name that is not UTF-8 is stored and shown with its bytes escaped (``caf\\xe9.txt``).

An upload's name is only a label (shown escaped, stored as the article's source); it is never used as a
path, whatever separators or dots it holds.
"""
from __future__ import annotations

import gc
import os
import re
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

import gazetteer as gz

from . import seeds as seed_files
from .errors import ArticleError, AtlasError, StoreError
from .ingest_report import ADDED, DUPLICATE, FAILED, REPARSED, FileResult, IngestReport
from .parse_pool import Parsed, default_workers, parse_article
from .parse_pool import parsed as parsed_sources
from .reader import Article, article_from_bytes, article_from_text, read_article
from .terminal import path_text

ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"})
UPLOAD_TYPES = ("txt", "html", "htm", "md")  # what the page's file picker offers
MAX_NAME = 200  # characters of a file name kept for display
PASTED = "pasted text"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

@dataclass(frozen=True)
class Source:
    """One article to ingest: ``label`` names it in the report and the store; ``read()`` makes the
    :class:`~dashboard.reader.Article` (raising :class:`~dashboard.errors.ArticleError` when it cannot)."""

    label: str
    read: Callable[[], Article]


class Collected(NamedTuple):
    files: list[Path]  # to read, in order
    failed: list[FileResult]  # paths that do not exist, folders and paths that cannot be read
    skipped: list[str]  # files in folders that are not articles by their suffix
    hidden: int  # hidden files and folders left out


def collect(paths: Iterable[str | os.PathLike[str]]) -> Collected:
    """The files to read: each file named, and the article files (by suffix) under each folder named,
    sorted, without repeats; hidden files and folders (``.*``) under a folder are left out and counted.
    Also a failure for each path that does not exist or cannot be read, and for each folder that cannot
    be listed. Nothing is opened here: the reader refuses what is not a regular file."""
    files: dict[Path, None] = {}
    failed: list[FileResult] = []
    skipped: list[str] = []
    hidden = 0

    def unlisted(exc: OSError) -> None:  # os.walk's onerror: a folder that cannot be listed
        failed.append(FileResult(path_text(exc.filename or "?"), FAILED, reason="unreadable",
                                 message=f"the folder cannot be read ({_why(exc)}); the files in it were left out"))

    for raw in paths:
        path = Path(raw)
        try:
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            failed.append(FileResult(path_text(raw), FAILED, reason="missing",
                                     message="no such file or folder; check the path"))
            continue
        except (OSError, ValueError) as exc:  # a folder above it cannot be searched, a symlink loop, ...
            failed.append(FileResult(path_text(raw), FAILED, reason="unreadable",
                                     message=f"cannot be read ({_why(exc)}); check its permissions and its folder's"))
            continue
        if not stat.S_ISDIR(mode):
            files.setdefault(path, None)
            continue
        for root, dirs, names in os.walk(path, onerror=unlisted):
            kept = sorted(d for d in dirs if not d.startswith("."))
            hidden += len(dirs) - len(kept)
            dirs[:] = kept
            for name in sorted(names):
                if name.startswith("."):
                    hidden += 1
                    continue
                child = Path(root) / name
                if child.suffix.lower() in ARTICLE_SUFFIXES:
                    files.setdefault(child, None)
                else:
                    skipped.append(path_text(child))
    return Collected(list(files), failed, skipped, hidden)


def _why(exc: BaseException) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(exc).__name__


def file_sources(files: Iterable[Path], relative_to: Path | None = None) -> Iterator[Source]:
    """Files as sources, named by their path (relative to ``relative_to`` when given), with any bytes of
    the name that are not UTF-8 escaped (and a warning saying so)."""
    for path in files:
        name = os.path.relpath(path, relative_to) if relative_to else str(path)
        label = path_text(name)
        note = () if label == name else ("the file name is not valid UTF-8: its bytes are shown escaped (\\xNN)",)
        yield Source(label, _FileRead(path, label, note))


def upload_sources(files: Iterable[Any]) -> Iterator[Source]:
    """Uploaded files as sources: ``(name, bytes)`` pairs or objects with ``name`` and ``getvalue()``
    (Streamlit's ``UploadedFile``)."""
    for item in files:
        name, data = item if isinstance(item, tuple) else (getattr(item, "name", None), item.getvalue())
        label = display_name(name)
        yield Source(label, _BytesRead(data, label))


def text_source(text: str, name: str = PASTED) -> Source:
    """Pasted text (title on its first line) as a source."""
    label = display_name(name, PASTED)
    return Source(label, _TextRead(text, label))


def display_name(name: Any, fallback: str = "upload") -> str:
    """An upload's name as a label: control characters removed, at most :data:`MAX_NAME` characters.
    Path separators and dots are kept as they are (it is never a path); escape it wherever it is shown."""
    text = _CONTROL.sub("", path_text("" if name is None else str(name))).strip()
    if len(text) > MAX_NAME:
        text = "…" + text[-(MAX_NAME - 1):]
    return text or fallback


@dataclass(frozen=True)
class _FileRead:  # the readers of sources are plain data, so a worker process can be sent them
    path: Path
    label: str
    note: tuple[str, ...]

    def __call__(self) -> Article:
        return _named(read_article(self.path), self.label, self.note)


@dataclass(frozen=True)
class _BytesRead:
    data: bytes
    label: str

    def __call__(self) -> Article:
        return article_from_bytes(self.data, self.label)


@dataclass(frozen=True)
class _TextRead:
    text: str
    label: str

    def __call__(self) -> Article:
        return article_from_text(self.text, self.label)


def _named(article: Article, name: str, warnings: tuple[str, ...] = ()) -> Article:
    if article.source == name and not warnings:
        return article
    return replace(article, source=name, warnings=(*article.warnings, *warnings))


def parser_version(gazetteer: Any) -> str:
    """What produced the mentions: the geoparser's version and the gazetteer index's fingerprint."""
    return f"gazetteer {gz.__version__}; index {getattr(gazetteer, 'meta', {}).get('fingerprint', '?')}"


class CommitWindow:
    """From just before an article is committed until its result is in the report: SIGINT and SIGTERM
    handlers that would raise (Python callables) are held and run when the window closes, so an
    interrupt never falls between the commit and the report's count. Outside the main thread (where no
    signal handler runs) it only remembers the pending result."""

    SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))

    def __init__(self) -> None:
        self.pending: FileResult | None = None  # what the report gets if the commit under way succeeds
        self._handlers: dict[int, Any] = {}
        self._caught: list[tuple[int, Any]] = []

    def open(self, result: FileResult) -> None:
        self.pending = result
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in self.SIGNALS:
            handler = signal.getsignal(sig)
            if callable(handler) and sig not in self._handlers:
                self._handlers[sig] = handler
                signal.signal(sig, self._hold)

    def _hold(self, signum: int, frame: Any) -> None:
        self._caught.append((signum, frame))

    def close(self) -> None:
        """Restore the handlers; run the one of a signal that came meanwhile (it raises, usually)."""
        self.pending = None
        handlers, self._handlers = self._handlers, {}
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        caught, self._caught = self._caught, []
        if caught:
            signum, frame = caught[0]
            handlers[signum](signum, frame)


def ingest_article(store: Any, gazetteer: Any, article: Article, *, path: str | None = None,
                   reparse: bool = False, window: CommitWindow | None = None,
                   parsed: Parsed | None = None) -> FileResult:
    """Geoparse one article (unless ``parsed`` holds it geoparsed already), read its roles, dates and
    events, and store it (all or nothing). An article already stored is left as it is, unless
    ``reparse``: then its mentions and events are read again (corrections, kept apart, still apply).
    With ``window``, it is opened just before the commit (the caller closes it once the result is
    counted)."""
    name = path or article.source
    result = FileResult(name, DUPLICATE, article.id, article.title, warnings=tuple(article.warnings))
    stored = store.has_article(article.id)
    if stored and not reparse:
        return result
    if parsed is None or (parsed.reading is None and not parsed.failure):
        parsed = parse_article(name, article, gazetteer)
    if parsed.failure:
        reason, message = parsed.failure
        return FileResult(name, FAILED, article.id, article.title, reason=reason, message=message)
    mentions, reading = parsed.mentions, parsed.reading
    done = replace(result, status=REPARSED if stored else ADDED, mentions=len(mentions), events=len(reading.events))
    if window:
        window.open(done)
    if store.add_article(article, mentions, reading.events, roles=reading.roles, parser=parser_version(gazetteer),
                         replace=stored, inferred=reading.inferred, signature=parsed.signature):
        return done
    return result


def store_parsed(store: Any, gazetteer: Any, parsed: Parsed, *, reparse: bool = False,
                 window: CommitWindow | None = None) -> FileResult:
    """Store one parsed source; a reader's or the store's refusal becomes a failed result."""
    if parsed.article is None:
        reason, message = parsed.failure or ("unreadable", "the file could not be read")
        return FileResult(parsed.label, FAILED, reason=reason, message=message)
    try:
        return ingest_article(store, gazetteer, parsed.article, path=parsed.label, reparse=reparse, window=window,
                              parsed=parsed)
    except StoreError as exc:
        return FileResult(parsed.label, FAILED, reason="store", message=str(exc))


def ingest_source(store: Any, gazetteer: Any, source: Source, *, reparse: bool = False,
                  window: CommitWindow | None = None) -> FileResult:
    """Read and ingest one source; a reader's or the store's refusal becomes a failed result."""
    try:
        article = source.read()
    except ArticleError as exc:
        return FileResult(source.label, FAILED, reason=exc.reason, message=str(exc))
    return store_parsed(store, gazetteer, Parsed(source.label, article), reparse=reparse, window=window)


Progress = Callable[[int, int, FileResult], None]


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM under ``atlas ingest``) while ingesting; ``report`` says what was done before.
    The article being stored at that moment is rolled back whole, or, if its commit was under way, stored
    whole and counted in the report; a new run adds the rest."""

    def __init__(self, report: IngestReport) -> None:
        super().__init__(report.summary())
        self.report = report


def ingest(sources: Iterable[Source], store: Any, gazetteer: Any, *, report: IngestReport | None = None,
           progress: Progress | None = None, reparse: bool = False, workers: int = 0) -> IngestReport:
    """Ingest each source in order; ``progress(done, total, result)`` after each. The one loop behind
    :func:`ingest_paths`, :func:`ingest_uploads` and :func:`ingest_text`. With ``workers``, the sources
    are read and geoparsed in that many processes (:mod:`dashboard.parse_pool`) and stored here, in order."""
    started = time.perf_counter()
    items = list(sources)
    report = report or IngestReport()
    report.total = report.total or len(report.results) + len(items)
    window = CommitWindow()
    written: list[int] = []  # report.results indexes of articles written since the batch's last commit
    # (articles committed together every half second: dashboard/store/batch.py)
    with _old_objects_frozen(), store.batch() as batch:
        try:
            for i, one in enumerate(parsed_sources(items, gazetteer, workers=workers, store_path=store.path,
                                                   is_stored=None if reparse else store.has_article), 1):
                try:
                    result = store_parsed(store, gazetteer, one, reparse=reparse, window=window)
                    report.results.append(result)
                    _written(batch, report, written)
                except KeyboardInterrupt:
                    _commit(batch, report, written)  # stored before the one being written is looked for
                    _count_if_committed(window.pending, store, report)
                    raise
                finally:
                    window.close()  # a signal held during the commit is raised here, once the result is counted
                if progress:
                    progress(i, len(items), result)
                if i % FREEZE_EVERY == 0:
                    gc.freeze()
            _commit(batch, report, written)
        except KeyboardInterrupt as exc:
            _commit(batch, report, written)
            report.interrupted = True
            report.seconds = time.perf_counter() - started
            raise IngestInterrupted(report) from exc
    report.seconds = time.perf_counter() - started
    return report


FREEZE_EVERY = 100  # articles: the loop freezes what it made so far this often (_old_objects_frozen)


@contextmanager
def _old_objects_frozen() -> Iterator[None]:
    """The objects made before the loop (the gazetteer's, the modules', the store's) left out of the
    garbage collector's scans while it runs: they outlive the loop, and at thousands of articles scanning
    them again was a fifth of the writer's time (bench/writer_replay.py: 8.2-8.5 -> 6.2-7.3 ms an
    article). The loop freezes those it made itself every :data:`FREEZE_EVERY` articles too (the writer's
    link index and copy index grow by a hundred thousand objects at 10,000 articles, and the parsed
    articles arrive as millions of new objects that set the collections off: 9 % of the writer's time at
    10,000 articles, the same peak memory). Unfrozen afterwards, so a long-lived process (the page) keeps
    collecting them, any cycle made meanwhile included."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _written(batch: Any, report: IngestReport, written: list[int]) -> None:
    """After an article: note it if it waits in the batch for the commit; settle the batch."""
    last = report.results[-1]
    if last.status in (ADDED, REPARSED) and batch.pending:
        written.append(len(report.results) - 1)
    _settle(batch, report, written, last.message if last.reason == "store" else None)


def _settle(batch: Any, report: IngestReport, written: list[int], why: str | None = None) -> None:
    """Forget the articles a commit stored; report those a failed commit lost as failed (``why``)."""
    if batch.lost:
        for k in written:
            r = report.results[k]
            report.results[k] = FileResult(r.path, FAILED, r.article_id, r.title, reason="store",
                                           message=why or "the store's commit failed; nothing of it was stored")
        batch.lost = 0
    if not batch.pending:
        written.clear()


def _commit(batch: Any, report: IngestReport, written: list[int]) -> None:
    try:
        batch.commit()
    except StoreError as exc:
        _settle(batch, report, written, str(exc))
    written.clear()


def _count_if_committed(pending: FileResult | None, store: Any, report: IngestReport) -> None:
    """An interrupt raised inside the commit window (not by a signal, which the window holds): the new
    article counts as added if the store holds it, so the report says exactly what was stored."""
    if pending is None or pending.status != ADDED or any(r is pending for r in report.results):
        return
    try:
        if store.has_article(pending.article_id):
            report.results.append(pending)
    except AtlasError:
        pass


def ingest_paths(paths: Iterable[str | os.PathLike[str]], store: Any, gazetteer: Any, *,
                 progress: Progress | None = None, relative_to: Path | None = None,
                 reparse: bool = False, workers: int | None = 0) -> IngestReport:
    """Ingest every article file under ``paths``. With ``relative_to``, files are named relative to that
    folder (in the report and the store). ``workers``: processes that parse (``None``: one per core but
    the writer's, for a batch big enough to be worth starting them: :func:`default_workers`)."""
    files, failed, skipped, hidden = collect(paths)
    report = IngestReport(list(failed), skipped, total=len(failed) + len(files), hidden=hidden)
    return ingest(file_sources(files, relative_to), store, gazetteer, report=report, progress=progress,
                  reparse=reparse, workers=default_workers(len(files)) if workers is None else workers)


def ingest_uploads(store: Any, gazetteer: Any, files: Iterable[Any], *,
                   progress: Progress | None = None) -> IngestReport:
    """Ingest uploaded files, in order. A file whose content is already in the store (or earlier in the
    same batch) is reported as already stored."""
    return ingest(upload_sources(files), store, gazetteer, progress=progress)


def ingest_text(store: Any, gazetteer: Any, text: str, name: str = PASTED) -> FileResult:
    """Pasted text as an article (title on its first line), geoparsed and stored."""
    return ingest_source(store, gazetteer, text_source(text, name))


def ingest_seeds(store: Any, gazetteer: Any, seeds: Path | None = None) -> IngestReport:
    """The sample articles (default :data:`dashboard.seeds.SEEDS_DIR`), for a new user's first look (the app
    does this when the store is empty and no stored copy of them is there: :mod:`dashboard.seeds`)."""
    seeds = seed_files.SEEDS_DIR if seeds is None else seeds
    return ingest_paths([seeds], store, gazetteer, relative_to=seeds.parent) if seeds.is_dir() else IngestReport()
