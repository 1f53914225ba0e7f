"""The ``atlas`` command, the one place that builds it: each command a docstring and a few lines over
library calls; progress bars, signals and exit codes live here.

Exit codes: 0 done; 1 some input failed (the others were processed); 2 a usage or setup error
(a message, never a traceback); 130 interrupted.
"""
from __future__ import annotations

import argparse
import datetime
import json
import re
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from gazetteer import Gazetteer, GazetteerError
from gazetteer.build import add_import, ensure_index, index_path
from gazetteer.geoparse import geoparse

from . import seeds, serve, users
from .errors import AtlasError
from .events import LITERAL, Event, EventDate, Reading, read_events
from .export import export_failure, open_atomically, silence_stdout, write_rows
from .ingest import FAILED, FileResult, IngestInterrupted, ingest_paths
from .parse_pool import MIN_FILES
from .reader import Article, read_article
from .store import KIND_GROUPS, EventFilter, Store
from .store.check import check_store
from .store.db import store_path
from .store.filters import EVENT_TYPE_CODES
from .terminal import terminal_safe
from .wording import counted


def _err(message: str) -> None:
    print(f"atlas: {message}", file=sys.stderr)


# -- atlas parse -----------------------------------------------------------------------------------------
def parse_record(article: Article, gazetteer: Gazetteer, file: str) -> dict:
    """One line of ``atlas parse`` output: the article's metadata, its resolved place mentions with their
    roles, and its events (the contract of ``../shared/eval/README.md``)."""
    mentions = geoparse(article.text, gazetteer, article.content_spans)
    reading = read_events(article, mentions)
    records = []
    for mention, role in zip(mentions, reading.roles, strict=True):
        record = mention.to_dict() | {"role": role.role, "role_confidence": round(role.confidence, 3)}
        if role.filed_from:
            record["filed_from"] = True
        records.append(record)
    return {
        "file": file, "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "url": article.url, "encoding": article.encoding, "warnings": list(article.warnings),
        "filed_from": sorted({m.place.name for m, r in zip(mentions, reading.roles, strict=True) if r.filed_from}),
        "mentions": records,
        "events": event_records(reading, mentions),
    }


def event_records(reading: Reading, mentions: Sequence[Any]) -> list[dict]:
    """``atlas parse``'s events, in text order: one per sentence that names a place, with its date, its
    literal places and its actors (the associative places named in it); and one per sentence that says
    when or what happened but names no place, with the place it is inferred to be about
    (``place_inferred``). Each has its ACLED event type and deaths; a repeated sentence's has ``repeat_of``."""
    by_sentence: dict[tuple[int, int], list[Event]] = {}
    for event in [*reading.events, *reading.repeats]:
        by_sentence.setdefault(event.sentence, []).append(event)
    out = [_event_record(sentence, events[0].when, events[0],
                         places=[mentions[e.mention].place.name for e in events if e.role == LITERAL],
                         actors=[mentions[e.mention].place.name for e in events if e.role != LITERAL])
           for sentence, events in by_sentence.items()]
    out += [_event_record(e.sentence, e.when, e, places=[mentions[e.mention].place.name]
                          if e.mention is not None else [], actors=[], place_inferred=True) for e in reading.inferred]
    return sorted(out, key=lambda e: e["start"])


def _event_record(sentence: tuple[int, int], when: EventDate, facts: Any = None, **more: Any) -> dict:
    period = when.period()
    kind = {"event_type": facts.event_type, "sub_event_type": facts.sub_event_type,
            "fatalities": facts.fatalities, "fatalities_high": facts.fatalities_high,
            "deaths_reported": facts.deaths_reported} if facts is not None else {}
    if facts is not None and facts.repeat_of is not None:
        kind["repeat_of"] = facts.repeat_of
    return {"start": sentence[0], "end": sentence[1], "date": when.value, "date_precision": when.precision,
            "date_source": when.source, "date_span": list(when.span) if when.span else None,
            "date_first": period[0].isoformat() if period else None,
            "date_last": period[1].isoformat() if period else None, **kind, **more}


def cmd_parse(args: argparse.Namespace) -> int:
    """Print one JSON line per article: title, date, URL, place mentions with roles, events."""
    gazetteer = Gazetteer.open(progress=None if args.quiet else _err)
    failed = 0
    for name in args.files:
        try:
            article = read_article(name)
        except AtlasError as exc:
            _err(terminal_safe(exc))  # the reader's messages name the file
            failed += 1
            continue
        for warning in article.warnings:
            _err(terminal_safe(f"{name}: {warning}"))
        print(json.dumps(parse_record(article, gazetteer, name), ensure_ascii=False), flush=False)
    sys.stdout.flush()
    if failed:
        _err(f"{failed} of {counted(len(args.files), 'file')} could not be read")
    return 1 if failed else 0


# -- atlas ingest ----------------------------------------------------------------------------------------
class ProgressBar:
    """``[#######.......]  7/15  name`` on one terminal line; nothing when the stream is not a terminal."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream, self.width = stream, width
        self.enabled = stream.isatty()

    def __call__(self, done: int, total: int, result: FileResult) -> None:
        if not self.enabled:
            return
        filled = self.width * done // max(total, 1)
        name = terminal_safe(Path(result.path).name)[-40:]
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {name:<40}")
        if done == total:
            self.stream.write("\r" + " " * (self.width + 60) + "\r")
        self.stream.flush()


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _with_sigterm(run: Callable[[], Any]) -> Any:
    """``run()`` with SIGTERM raising KeyboardInterrupt (signals reach the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return run()
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return run()
    finally:
        signal.signal(signal.SIGTERM, previous)


def cmd_ingest(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Read, geoparse and store articles. Exit status 0 when every file was added or already stored, 1
    when any failed, 130 when interrupted (Ctrl-C or SIGTERM: the files done so far are reported; running
    the same command again adds the rest)."""
    gazetteer = Gazetteer.open(progress=None if args.quiet else (lambda m: print(f"atlas: {m}", file=err)))
    with Store.open() as store:
        bar = None if args.quiet else ProgressBar(err)
        try:
            report = _with_sigterm(lambda: ingest_paths(args.paths, store, gazetteer, progress=bar,
                                                        reparse=args.reparse, workers=args.workers))
        except IngestInterrupted as exc:
            report = exc.report
            if bar and bar.enabled:
                err.write("\n")
        for result in report.results:
            if result.status == FAILED or not args.quiet:
                print(result.line(), file=out)
        out.flush()
        counts = store.counts()
        print(f"{report.summary()}; the store {store.path} holds {counted(counts['articles'], 'article')}, "
              f"{counted(counts['events'], 'event')} at {counted(counts['places'], 'place')}", file=err)
        if report.interrupted:
            print("atlas: interrupted; every article reported as added is stored whole, the one being read was "
                  "not stored: run the same command again to add the rest", file=err)
            return 130
    return 1 if report.failed else 0


# -- atlas export ----------------------------------------------------------------------------------------
def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2022-09-13") from None


def _workers(text: str) -> int:
    if not text.strip().isdigit() or not 0 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of processes from 0 to 64")
    return int(text)


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0 to 1")
    return value


def _country(text: str) -> list[str]:
    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    bad = [c for c in codes if not re.fullmatch(r"[A-Z]{2}", c)]
    if bad or not codes:
        raise argparse.ArgumentTypeError(f"{text!r}: give ISO 3166-1 alpha-2 codes such as AM or AM,AZ")
    return codes


def _place_id(text: str) -> int:
    """A place id: an integer SQLite can hold (64-bit signed), as GeoNames ids and curated (negative) ones are."""
    try:
        value = int(text.strip()) if re.fullmatch(r"\s*[+-]?[0-9]{1,25}\s*", text) else None
    except ValueError:
        value = None
    if value is None or not -(2**63) <= value <= 2**63 - 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a place id (an integer of at most 19 digits, "
                                         "e.g. 616108)")
    return value


def _article(text: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{16}", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not an article id (16 hex digits)")
    return text.strip().lower()


def add_filter_arguments(p: argparse.ArgumentParser) -> None:
    """The page's filters as options (the same names as the page's URL parameters where they fit)."""
    f = p.add_argument_group("filters (the page's filters; all optional, combined with AND)")
    f.add_argument("--from", dest="start", type=_iso_date, metavar="DATE",
                   help="events whose own date reaches DATE or later")
    f.add_argument("--to", dest="end", type=_iso_date, metavar="DATE", help="events whose own date starts by DATE")
    f.add_argument("--no-undated", action="store_true", help="leave out events without a date")
    f.add_argument("--no-countries", action="store_true", help="leave out country-level places")
    f.add_argument("--country", type=_country, action="append", default=[], metavar="CC",
                   help="places in these countries (ISO codes, repeat or comma-separate: AM,AZ)")
    f.add_argument("--place", type=_place_id, action="append", default=[], metavar="ID",
                   help="only this place id (repeat)")
    f.add_argument("--article", type=_article, metavar="ID", help="only this article (its 16-hex-digit id)")
    f.add_argument("--kind", choices=sorted(KIND_GROUPS), action="append", default=[],
                   help="kinds of place: town, region (province, district or region), country, feature (repeat)")
    f.add_argument("--min-confidence", type=_confidence, default=0.0, metavar="X",
                   help="events whose place was resolved with at least this confidence (0-1; corrected places: 1)")
    f.add_argument("--search", default="", metavar="TEXT", help="sentences containing TEXT")
    f.add_argument("--type", dest="event_type", choices=sorted(EVENT_TYPE_CODES), action="append", default=[],
                   help="only events of this ACLED event type (repeatable)")
    f.add_argument("--min-sources", type=_min_sources_arg, default=1, metavar="N",
                   help="only events that at least N distinct outlets report")
    f.add_argument("--every-mention", action="store_true",
                   help="also places named only as actors or sources (by default only where things happened)")


def _min_sources_arg(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of sources (1 or more)")
    return n


def filter_from_args(args: argparse.Namespace) -> EventFilter:
    start, end = args.start, args.end
    if start and end and start > end:
        print(f"atlas export: error: --from {start} is after --to {end}", file=sys.stderr)
        raise SystemExit(2)
    return EventFilter(start, end, not args.no_undated, not args.no_countries,
                       country=[c for group in args.country for c in group], places=args.place,
                       article=args.article, kinds=args.kind, min_confidence=args.min_confidence, text=args.search,
                       every_mention=args.every_mention, event_types=args.event_type, min_sources=args.min_sources)


def output_format(fmt: str | None, output: str | None) -> str:
    if fmt:
        return fmt
    suffix = Path(output).suffix.lower() if output else ""
    return "geojson" if suffix in (".geojson", ".json") else "csv"


def cmd_export(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Write the stored events (filtered, with corrections) as CSV or GeoJSON to a file or stdout."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    flt = filter_from_args(args)
    fmt = output_format(args.format, args.output)
    target = Path(args.output) if args.output else None
    if target is not None and target.is_dir():
        print(f"atlas export: error: {args.output} is a folder; give a file name such as "
              f"{target / ('events.' + fmt)}", file=err)
        return 2
    with Store.open() as store:
        store.query_budget = EXPORT_QUERY_BUDGET  # per query of the stream (no other session waits on it)

        def run() -> int:
            if target is None:
                n = write_rows(store.iter_event_records(flt), out, fmt)
                out.flush()
                return n
            with open_atomically(target) as fh:
                return write_rows(store.iter_event_records(flt), fh, fmt)

        try:
            n = _with_sigterm(run)
        except BrokenPipeError:
            raise
        except OSError as exc:
            code, message = export_failure(exc, args.output)
            print(f"atlas export: error: {message}", file=err)
            if target is None and out is sys.stdout:
                silence_stdout()
            return code
    if target is not None:
        print(f"atlas: {counted(n, 'event')} written to {args.output} ({fmt})", file=err)
    elif n == 0:
        print("atlas export: no event to write: none matches the filter, or the store holds none (atlas export "
              "--help lists the filters)", file=err)
    return 0


EXPORT_QUERY_BUDGET = 120.0  # seconds per query of an export (the page's are 5 s)


# -- atlas gazetteer -------------------------------------------------------------------------------------
def cmd_gazetteer_build(args: argparse.Namespace) -> int:
    """Build the index (only if missing or out of date, unless --force)."""
    path = ensure_index(force=args.force, progress=None if args.quiet else _err)
    if not args.quiet:
        _err(f"gazetteer index ready: {path}")
    return 0


def cmd_gazetteer_import(args: argparse.Namespace) -> int:
    """Add a GeoNames dump to every later build, and rebuild."""
    dumps = add_import(Path(args.path))
    _err(f"registered {len(dumps)} GeoNames dump(s); rebuilding the index")
    ensure_index(force=True, progress=_err)
    return 0


def cmd_gazetteer_lookup(args: argparse.Namespace) -> int:
    """Every place of a name, most prominent first (JSON lines)."""
    gazetteer = Gazetteer.open(progress=_err)
    places = gazetteer.lookup(args.name)[: args.limit]
    for p in places:
        print(json.dumps(p.to_dict(), ensure_ascii=False))
    if not places:
        _err(f"no place called {args.name!r} in the gazetteer")
    return 0 if places else 1


def cmd_gazetteer_info(args: argparse.Namespace) -> int:
    """Where the index is and what it holds."""
    gazetteer = Gazetteer.open(progress=_err)
    info = {"path": str(index_path()), **gazetteer.stats(),
            **{k: v for k, v in gazetteer.meta.items() if k != "counts"},
            "sources": json.loads(gazetteer.meta.get("counts", "{}"))}
    print(json.dumps(info, indent=1))
    return 0


# -- atlas store -----------------------------------------------------------------------------------------
def cmd_store_check(args: argparse.Namespace) -> int:
    """Run SQLite's integrity and foreign key checks on the event store (read-only; it changes nothing).
    Exit status 0 when it is sound, 1 when problems were found."""
    found = check_store(Path(args.path) if args.path else store_path())
    print("\n".join(map(terminal_safe, found.report())), flush=True)
    if not found.ok:
        _err("restore it from a backup, or move it away to start a new store; it was left as it is")
    return 0 if found.ok else 1


# -- the parser ------------------------------------------------------------------------------------------
def _command(sub: argparse._SubParsersAction, name: str, func: Callable[..., int], help: str,
             **kwargs: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help, description=(func.__doc__ or help).strip().split("\n\n")[0], **kwargs)
    p.set_defaults(func=func)
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="atlas", description="News Atlas: news articles to a map, offline.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _command(sub, "parse", cmd_parse, "print one JSON line per article: title, date, places, roles, events")
    p.add_argument("files", nargs="+", metavar="FILE", help="article files (.txt, .md, .html)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")

    p = _command(sub, "ingest", cmd_ingest, "add articles (files or folders) to the event store the map shows",
                 epilog="Folders are searched recursively for .txt, .md and .html files. "
                        "The store is $ATLAS_HOME/atlas.sqlite.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="article files and folders")
    p.add_argument("-q", "--quiet", action="store_true", help="report failures only, no progress bar")
    p.add_argument("--reparse", action="store_true",
                   help="read articles already stored again (new roles, dates, places; corrections kept)")
    p.add_argument("--workers", type=_workers, default=None, metavar="N",
                   help="processes that read and geoparse while this one stores (0: none; default: one per "
                        f"core but one, at most 4, for {MIN_FILES} files or more)")

    p = _command(sub, "export", cmd_export, "write the stored events (filtered, with corrections) as CSV or GeoJSON",
                 epilog="CSV has ACLED-like columns; GeoJSON is RFC 7946. The store is $ATLAS_HOME/atlas.sqlite.")
    p.add_argument("--format", choices=("csv", "geojson"), default=None,
                   help="csv or geojson (default: from FILE's suffix, else csv)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (replaced whole) instead of stdout")
    add_filter_arguments(p)

    seeds.add_command(sub, _command)
    serve.add_arguments(_command(sub, "serve", serve.cmd_serve, "serve the map page (127.0.0.1:8501; beyond: logins)"))
    users.add_command(sub, _command)

    g = sub.add_parser("gazetteer", help="build, extend or query the local gazetteer index")
    gsub = g.add_subparsers(dest="action", required=True, metavar="ACTION")
    b = _command(gsub, "build", cmd_gazetteer_build, "build the index (only if missing or out of date)")
    b.add_argument("--force", action="store_true", help="rebuild even if the index is current")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    i = _command(gsub, "import", cmd_gazetteer_import,
                 "add a GeoNames dump (allCountries.zip, cities*.zip, alternateNamesV2.zip)")
    i.add_argument("path", help="path of the dump file")
    lk = _command(gsub, "lookup", cmd_gazetteer_lookup, "every place of a name, most prominent first (JSON lines)")
    lk.add_argument("name")
    lk.add_argument("-n", "--limit", type=int, default=10)
    _command(gsub, "info", cmd_gazetteer_info, "where the index is and what it holds")

    s = sub.add_parser("store", help="check the event store")
    ssub = s.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = _command(ssub, "check", cmd_store_check, "run SQLite's integrity checks on the event store, changing nothing")
    c.add_argument("path", nargs="?", help="a store file (default: $ATLAS_HOME/atlas.sqlite)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (AtlasError, GazetteerError) as exc:
        _err(str(exc))
        return 2
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
