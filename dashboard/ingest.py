"""Ingest: articles to the event store (read, geoparse, roles and dates, events, store), one transaction each.

One path for every way articles arrive: files and folders (``atlas ingest``, the seeds on first launch),
files uploaded in the page and pasted text. Each is a :class:`Source`: a label and a way to read it; the
one loop in :func:`ingest` reads, geoparses and stores each, and reports on every one: added, already
stored, or failed and why. A failure never stops the others, and never leaves part of an article in the
store. Ctrl-C (or SIGTERM under ``atlas ingest``) stops after the current article (rolled back whole).

An upload's name is only a label (shown escaped, stored as the article's source); it is never used as a
path, whatever separators or dots it holds.
"""
from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import gazetteer as gz
from gazetteer.geoparse import geoparse

from .errors import ArticleError, AtlasError, StoreError
from .events import read_events
from .reader import Article, article_from_bytes, article_from_text, read_article

ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"})
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
UPLOAD_TYPES = ("txt", "html", "htm", "md")  # what the page's file picker offers
MAX_NAME = 200  # characters of a file name kept for display
PASTED = "pasted text"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

ADDED, DUPLICATE, FAILED, REPARSED = "added", "duplicate", "failed", "reparsed"


@dataclass
class FileResult:
    """What happened to one file. ``reason`` is a short code when it failed (the reader's ``empty``,
    ``binary``, ``too-large``, ``encoding``, ``unreadable``, or ``missing``, ``geoparse``, ``store``)."""

    path: str
    status: str
    article_id: str | None = None
    title: str | None = None
    mentions: int = 0
    events: int = 0
    reason: str | None = None
    message: str | None = None
    warnings: tuple[str, ...] = ()

    def line(self) -> str:
        if self.status == FAILED:
            return f"failed     {self.path}: {self.reason}: {self.message}"
        what = f"{self.mentions} place mentions, {self.events} events" if self.status in (ADDED, REPARSED) \
            else "already stored"
        title = f" “{self.title}”" if self.title else ""
        warn = f" ({len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}: " \
               f"{'; '.join(self.warnings)})" if self.warnings else ""
        return f"{self.status:<10} {self.path}: {what}{title}{warn}"


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in folders that are not articles by their suffix
    seconds: float = 0.0
    total: int = 0  # files to read (those that do not exist included)
    interrupted: bool = False  # stopped (Ctrl-C, SIGTERM) before every file was read

    def _count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def added(self) -> int:
        return self._count(ADDED)

    @property
    def duplicates(self) -> int:
        return self._count(DUPLICATE)

    @property
    def failed(self) -> int:
        return self._count(FAILED)

    @property
    def reparsed(self) -> int:
        return self._count(REPARSED)

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.duplicates} already stored", f"{self.failed} failed"]
        if self.reparsed:
            parts.insert(1, f"{self.reparsed} read again")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped (not .txt, .md or .html)")
        head = f"interrupted after {len(self.results)} of {self.total} files" if self.interrupted \
            else f"{len(self.results)} files"
        return f"{head}: " + ", ".join(parts) + f" in {self.seconds:.1f} s ({self.rate:.1f} articles/s)"

    @property
    def rate(self) -> float:
        """Files read per second (added, already stored or failed alike)."""
        return len(self.results) / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Source:
    """One article to ingest: ``label`` names it in the report and the store; ``read()`` makes the
    :class:`~dashboard.reader.Article` (raising :class:`~dashboard.errors.ArticleError` when it cannot)."""

    label: str
    read: Callable[[], Article]


def collect(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[FileResult], list[str]]:
    """The files to read: each file named, and the article files (by suffix) under each folder named,
    sorted, without repeats. Also a failure for each path that does not exist, and the skipped files."""
    files: dict[Path, None] = {}
    missing: list[FileResult] = []
    skipped: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if name.startswith("."):
                        continue
                    child = Path(root) / name
                    if child.suffix.lower() in ARTICLE_SUFFIXES:
                        files.setdefault(child, None)
                    else:
                        skipped.append(str(child))
        elif path.exists():
            files.setdefault(path, None)
        else:
            missing.append(FileResult(str(raw), FAILED, reason="missing",
                                      message="no such file or folder; check the path"))
    return list(files), missing, skipped


def file_sources(files: Iterable[Path], relative_to: Path | None = None) -> Iterator[Source]:
    """Files as sources, named by their path (relative to ``relative_to`` when given)."""
    for path in files:
        name = os.path.relpath(path, relative_to) if relative_to else str(path)
        yield Source(name, lambda path=path, name=name: _named(read_article(path), name))


def upload_sources(files: Iterable[Any]) -> Iterator[Source]:
    """Uploaded files as sources: ``(name, bytes)`` pairs or objects with ``name`` and ``getvalue()``
    (Streamlit's ``UploadedFile``)."""
    for item in files:
        name, data = item if isinstance(item, tuple) else (getattr(item, "name", None), item.getvalue())
        label = display_name(name)
        yield Source(label, lambda data=data, label=label: article_from_bytes(data, label))


def text_source(text: str, name: str = PASTED) -> Source:
    """Pasted text (title on its first line) as a source."""
    label = display_name(name, PASTED)
    return Source(label, lambda: article_from_text(text, label))


def display_name(name: Any, fallback: str = "upload") -> str:
    """An upload's name as a label: control characters removed, at most :data:`MAX_NAME` characters.
    Path separators and dots are kept as they are (it is never a path); escape it wherever it is shown."""
    text = _CONTROL.sub("", "" if name is None else str(name)).strip()
    if len(text) > MAX_NAME:
        text = "…" + text[-(MAX_NAME - 1):]
    return text or fallback


def _named(article: Article, name: str) -> Article:
    return article if article.source == name else replace(article, source=name)


def parser_version(gazetteer: Any) -> str:
    """What produced the mentions: the geoparser's version and the gazetteer index's fingerprint."""
    return f"gazetteer {gz.__version__}; index {getattr(gazetteer, 'meta', {}).get('fingerprint', '?')}"


def ingest_article(store: Any, gazetteer: Any, article: Article, *, path: str | None = None,
                   reparse: bool = False) -> FileResult:
    """Geoparse one article, read its roles, dates and events, and store it (all or nothing). An article
    already stored is left as it is, unless ``reparse``: then its mentions and events are read again
    (corrections, kept apart, still apply)."""
    name = path or article.source
    result = FileResult(name, DUPLICATE, article.id, article.title, warnings=tuple(article.warnings))
    stored = store.has_article(article.id)
    if stored and not reparse:
        return result
    try:
        mentions = geoparse(article.text, gazetteer, article.content_spans)
        reading = read_events(article, mentions)
    except AtlasError:
        raise
    except Exception as exc:  # a geoparser bug must not stop the other files
        return FileResult(name, FAILED, article.id, article.title, reason="geoparse",
                          message=f"{type(exc).__name__}: {exc}")
    if store.add_article(article, mentions, reading.events, roles=reading.roles, parser=parser_version(gazetteer),
                         replace=stored):
        result.status = REPARSED if stored else ADDED
        result.mentions, result.events = len(mentions), len(reading.events)
    return result


def ingest_source(store: Any, gazetteer: Any, source: Source, *, reparse: bool = False) -> FileResult:
    """Read and ingest one source; a reader's or the store's refusal becomes a failed result."""
    try:
        return ingest_article(store, gazetteer, source.read(), path=source.label, reparse=reparse)
    except ArticleError as exc:
        return FileResult(source.label, FAILED, reason=exc.reason, message=str(exc))
    except StoreError as exc:
        return FileResult(source.label, FAILED, reason="store", message=str(exc))


Progress = Callable[[int, int, FileResult], None]


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM under ``atlas ingest``) while ingesting; ``report`` says what was done before.
    The article being stored at that moment is rolled back whole; a new run adds the rest."""

    def __init__(self, report: IngestReport) -> None:
        super().__init__(report.summary())
        self.report = report


def ingest(sources: Iterable[Source], store: Any, gazetteer: Any, *, report: IngestReport | None = None,
           progress: Progress | None = None, reparse: bool = False) -> IngestReport:
    """Ingest each source in order; ``progress(done, total, result)`` after each. The one loop behind
    :func:`ingest_paths`, :func:`ingest_uploads` and :func:`ingest_text`."""
    started = time.perf_counter()
    items = list(sources)
    report = report or IngestReport()
    report.total = report.total or len(report.results) + len(items)
    try:
        for i, source in enumerate(items, 1):
            result = ingest_source(store, gazetteer, source, reparse=reparse)
            report.results.append(result)
            if progress:
                progress(i, len(items), result)
    except KeyboardInterrupt as exc:
        report.interrupted = True
        report.seconds = time.perf_counter() - started
        raise IngestInterrupted(report) from exc
    report.seconds = time.perf_counter() - started
    return report


def ingest_paths(paths: Iterable[str | os.PathLike[str]], store: Any, gazetteer: Any, *,
                 progress: Progress | None = None, relative_to: Path | None = None,
                 reparse: bool = False) -> IngestReport:
    """Ingest every article file under ``paths``. With ``relative_to``, files are named relative to that
    folder (in the report and the store)."""
    files, missing, skipped = collect(paths)
    report = IngestReport(list(missing), skipped, total=len(missing) + len(files))
    return ingest(file_sources(files, relative_to), store, gazetteer, report=report, progress=progress,
                  reparse=reparse)


def ingest_uploads(store: Any, gazetteer: Any, files: Iterable[Any], *,
                   progress: Progress | None = None) -> IngestReport:
    """Ingest uploaded files, in order. A file whose content is already in the store (or earlier in the
    same batch) is reported as already stored."""
    return ingest(upload_sources(files), store, gazetteer, progress=progress)


def ingest_text(store: Any, gazetteer: Any, text: str, name: str = PASTED) -> FileResult:
    """Pasted text as an article (title on its first line), geoparsed and stored."""
    return ingest_source(store, gazetteer, text_source(text, name))


def ingest_seeds(store: Any, gazetteer: Any, seeds: Path | None = None) -> IngestReport:
    """The sample articles (default :data:`SEEDS_DIR`), for a new user's first look (the app does this
    when the store is empty)."""
    seeds = SEEDS_DIR if seeds is None else seeds
    return ingest_paths([seeds], store, gazetteer, relative_to=seeds.parent) if seeds.is_dir() else IngestReport()
