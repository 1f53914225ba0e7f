"""Ingest: article files to the event store (read, geoparse, cut into events, store), one transaction each.

``atlas ingest PATH...`` takes files and folders (searched recursively for .txt, .md and .html files),
shows a progress bar on a terminal, and reports on every file: added, already stored, or failed and why.
A file that fails never stops the others, and never leaves part of an article in the store.
The app calls :func:`ingest_seeds` on first launch, when the store is empty.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .errors import ArticleError, AtlasError, StoreError

ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"})
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

ADDED, DUPLICATE, FAILED = "added", "duplicate", "failed"


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
        what = f"{self.mentions} place mentions, {self.events} events" if self.status == ADDED else "already stored"
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

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.duplicates} already stored", f"{self.failed} failed"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped (not .txt, .md or .html)")
        head = f"interrupted after {len(self.results)} of {self.total} files" if self.interrupted \
            else f"{len(self.results)} files"
        return f"{head}: " + ", ".join(parts) + f" in {self.seconds:.1f} s ({self.rate:.1f} articles/s)"

    @property
    def rate(self) -> float:
        """Files read per second (added, already stored or failed alike)."""
        return len(self.results) / self.seconds if self.seconds > 0 else 0.0


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


def parser_version(gazetteer: Any) -> str:
    """What produced the mentions: the geoparser's version and the gazetteer index's fingerprint."""
    import gazetteer as gz

    return f"gazetteer {gz.__version__}; index {getattr(gazetteer, 'meta', {}).get('fingerprint', '?')}"


def ingest_article(store: Any, gazetteer: Any, article: Any, *, path: str | None = None) -> FileResult:
    """Geoparse one :class:`~dashboard.articles.Article`, cut it into events and store it (all or nothing)."""
    from gazetteer.geoparse import geoparse

    from .events import extract_events

    name = path or article.source
    result = FileResult(name, DUPLICATE, article.id, article.title, warnings=tuple(article.warnings))
    if store.has_article(article.id):
        return result
    try:
        mentions = geoparse(article.text, gazetteer, article.content_spans)
        events = extract_events(article, mentions)
    except AtlasError:
        raise
    except Exception as exc:  # a geoparser bug must not stop the other files
        return FileResult(name, FAILED, article.id, article.title, reason="geoparse",
                          message=f"{type(exc).__name__}: {exc}")
    if store.add_article(article, mentions, events, parser=parser_version(gazetteer)):
        result.status, result.mentions, result.events = ADDED, len(mentions), len(events)
    return result


def ingest_file(store: Any, gazetteer: Any, path: str | os.PathLike[str], *, name: str | None = None) -> FileResult:
    """Read and ingest one file; ``name`` is how to call it in the report and the store (default: the path)."""
    from dataclasses import replace

    from .articles import read_article

    name = name or str(path)
    try:
        article = read_article(path)
        if article.source != name:
            article = replace(article, source=name)
        return ingest_article(store, gazetteer, article, path=name)
    except ArticleError as exc:
        return FileResult(name, FAILED, reason=exc.reason, message=str(exc))
    except StoreError as exc:
        return FileResult(name, FAILED, reason="store", message=str(exc))


Progress = Callable[[int, int, FileResult], None]


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM under ``atlas ingest``) while ingesting; ``report`` says what was done before.
    The article being stored at that moment is rolled back whole; a new run adds the rest."""

    def __init__(self, report: IngestReport) -> None:
        super().__init__(report.summary())
        self.report = report


def ingest_paths(paths: Iterable[str | os.PathLike[str]], store: Any, gazetteer: Any, *,
                 progress: Progress | None = None, relative_to: Path | None = None) -> IngestReport:
    """Ingest every article file under ``paths``; ``progress(done, total, result)`` after each file.
    With ``relative_to``, files are named relative to that folder (in the report and the store)."""
    started = time.perf_counter()
    files, missing, skipped = collect(paths)
    report = IngestReport(list(missing), skipped, total=len(missing) + len(files))
    try:
        for i, path in enumerate(files, 1):
            name = os.path.relpath(path, relative_to) if relative_to else None
            result = ingest_file(store, gazetteer, path, name=name)
            report.results.append(result)
            if progress:
                progress(i, len(files), result)
    except KeyboardInterrupt as exc:
        report.interrupted = True
        report.seconds = time.perf_counter() - started
        raise IngestInterrupted(report) from exc
    report.seconds = time.perf_counter() - started
    return report


def ingest_seeds(store: Any, gazetteer: Any, seeds: Path | None = None) -> IngestReport:
    """The sample articles (default :data:`SEEDS_DIR`), for a new user's first look (the app does this
    when the store is empty)."""
    seeds = SEEDS_DIR if seeds is None else seeds
    return ingest_paths([seeds], store, gazetteer, relative_to=seeds.parent) if seeds.is_dir() else IngestReport()


# -- the command line ----------------------------------------------------------------------------------
class ProgressBar:
    """``[#######.......]  7/15  name`` on one terminal line; nothing when the stream is not a terminal."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream, self.width = stream, width
        self.enabled = stream.isatty()

    def __call__(self, done: int, total: int, result: FileResult) -> None:
        if not self.enabled:
            return
        filled = self.width * done // max(total, 1)
        name = Path(result.path).name[-40:]
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {name:<40}")
        if done == total:
            self.stream.write("\r" + " " * (self.width + 60) + "\r")
        self.stream.flush()


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``atlas ingest`` on the ``atlas`` command's subparsers."""
    p = sub.add_parser("ingest", help="add articles (files or folders) to the event store the map shows",
                       description="Read, geoparse and store articles. Folders are searched recursively for "
                                   ".txt, .md and .html files. The store is $ATLAS_HOME/atlas.sqlite.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="article files and folders")
    p.add_argument("-q", "--quiet", action="store_true", help="report failures only, no progress bar")
    p.set_defaults(func=cmd_ingest)
    return p


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def cmd_ingest(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Exit status 0 when every file was added or already stored, 1 when any failed, 130 when interrupted
    (Ctrl-C or SIGTERM: the files done so far are reported; running the same command again adds the rest)."""
    from gazetteer import Gazetteer

    from .store import Store

    gazetteer = Gazetteer.open(progress=None if args.quiet else (lambda m: print(f"atlas: {m}", file=err)))
    with Store.open() as store:
        bar = None if args.quiet else ProgressBar(err)
        main_thread = threading.current_thread() is threading.main_thread()  # signals go to the main thread
        previous = signal.signal(signal.SIGTERM, _terminate) if main_thread else None
        try:
            report = ingest_paths(args.paths, store, gazetteer, progress=bar)
        except IngestInterrupted as exc:
            report = exc.report
            if bar and bar.enabled:
                err.write("\n")
        finally:
            if main_thread:
                signal.signal(signal.SIGTERM, previous)
        for result in report.results:
            if result.status == FAILED or not args.quiet:
                print(result.line(), file=out)
        out.flush()
        counts = store.counts()
        print(f"{report.summary()}; the store {store.path} holds {counts['articles']} articles, "
              f"{counts['events']} events at {counts['places']} places", file=err)
        if report.interrupted:
            print("atlas: interrupted; every article reported as added is stored whole, the one being read was "
                  "not stored: run the same command again to add the rest", file=err)
            return 130
    return 1 if report.failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m dashboard.ingest PATH...`` (the same as ``atlas ingest``)."""
    parser = argparse.ArgumentParser(prog="atlas")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["ingest", *(sys.argv[1:] if argv is None else argv)])
    from gazetteer import GazetteerError

    try:
        return args.func(args)
    except (AtlasError, GazetteerError) as exc:
        print(f"atlas: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
