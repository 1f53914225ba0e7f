"""Exports of events: CSV (ACLED-like columns) and GeoJSON (RFC 7946), from the page and ``atlas export``.

Both take the rows the page's table shows (:meth:`dashboard.store.Store.event_records`: filtered, with
corrections applied) and give one row, or one Point feature, per event with the same columns:

=================  ================================================================================
event_id           the event's id in this store (negative for an event a correction derived)
event_date         ISO date (YYYY-MM-DD); empty when the article gives no date
time_precision     ACLED's: 1 the day is known, 2 the week, 3 only the month (or the year); empty when undated
place              the place's name (the corrected place when a person corrected it)
latitude           WGS 84 degrees
longitude
geo_precision      ACLED's, from the place's kind: 1 a town or site (the exact place); 2 a district, mountain,
                   river, sea or road (part of a region, or near a place); 3 a province, region, country or
                   continent (the coordinates are its middle)
country            the country's name (ISO 3166, via pycountry)
country_code       ISO 3166-1 alpha-2
place_kind         town, province, district, region, country, continent, water, terrain, route, site
place_id           GeoNames id (negative: a division or curated place of this gazetteer)
place_as_written   the place name as the article writes it (the first mention in the sentence)
sentence           the sentence that mentions the place (white space collapsed)
article_title      the article's title
url                the article's URL (http or https only); empty when it gives none
source_file        the file (or paste) the article came from
article_id         the article's id in this store (first 16 hex digits of the SHA-256 of its text)
confidence         how sure the geoparser was of the place (0-1); 1 for a corrected place
corrected          true when a person chose the place (or kept it in a sentence they corrected)
=================  ================================================================================

CSV: UTF-8, comma-separated, RFC 4180 quoting, CRLF line ends. A text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so that a spreadsheet shows it as
text instead of running it as a formula (article text is untrusted); numbers are written as numbers.
GeoJSON: a FeatureCollection of Points with ``[longitude, latitude]`` coordinates and the columns above
as properties, with their raw values (no quote added; ``null`` for missing; booleans and numbers typed).
"""
from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from .store import KIND_GROUPS, EventFilter, EventRecord

COLUMNS = ("event_id", "event_date", "time_precision", "place", "latitude", "longitude", "geo_precision", "country",
           "country_code", "place_kind", "place_id", "place_as_written", "sentence", "article_title", "url",
           "source_file", "article_id", "confidence", "corrected")
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
GEO_PRECISION = {"town": 1, "site": 1, "district": 2, "terrain": 2, "water": 2, "route": 2,
                 "province": 3, "region": 3, "country": 3, "continent": 3}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SPACES = re.compile(r"\s+")


def time_precision(date: datetime.date | None, precision: str | None) -> int | None:
    """ACLED's time precision of an event's date: 1 day, 2 week, 3 month (or coarser); ``None`` when undated."""
    if date is None:
        return None
    return TIME_PRECISION.get(precision or "day", 3)


def geo_precision(kind: str) -> int:
    """ACLED's geo precision of a place by its kind: 1 exact place, 2 part of a region or near a place,
    3 a province or larger (its middle)."""
    return GEO_PRECISION.get(kind, 2)


@cache
def country_name(code: str | None) -> str | None:
    if not code:
        return None
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or getattr(country, "name", None) or code


def record(row: EventRecord) -> dict[str, Any]:
    """One event as the exports' columns, with raw (typed) values; ``None`` for what is missing."""
    from .markup import safe_url

    return {
        "event_id": row.id,
        "event_date": row.date.isoformat() if row.date else None,
        "time_precision": time_precision(row.date, row.date_precision),
        "place": row.place,
        "latitude": round(float(row.lat), 6),
        "longitude": round(float(row.lon), 6),
        "geo_precision": geo_precision(row.kind),
        "country": country_name(row.country),
        "country_code": row.country,
        "place_kind": row.kind,
        "place_id": row.place_id,
        "place_as_written": row.mention_text,
        "sentence": _SPACES.sub(" ", row.sentence).strip(),
        "article_title": row.title,
        "url": safe_url(row.url),
        "source_file": row.source,
        "article_id": row.article_id,
        "confidence": round(float(row.confidence), 4),
        "corrected": bool(row.corrected),
    }


def spreadsheet_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula, prefixed with ``'``; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_safe(value)


def write_csv(rows: Iterable[EventRecord], out: TextIO) -> int:
    """Write the CSV to ``out``; returns the number of events written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    n = 0
    for row in rows:
        values = record(row)
        writer.writerow([_cell(values[c]) for c in COLUMNS])
        n += 1
    return n


def to_csv(rows: Iterable[EventRecord]) -> str:
    """The events as CSV text (header first)."""
    out = io.StringIO()
    write_csv(rows, out)
    return out.getvalue()


def to_geojson(rows: Iterable[EventRecord]) -> dict[str, Any]:
    """The events as an RFC 7946 FeatureCollection of Points (``[longitude, latitude]``)."""
    features = []
    for row in rows:
        props = record(row)
        features.append({"type": "Feature", "id": props["event_id"],
                         "geometry": {"type": "Point", "coordinates": [props["longitude"], props["latitude"]]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def geojson_text(rows: Iterable[EventRecord]) -> str:
    """:func:`to_geojson` as JSON text (UTF-8, no NaN or Infinity: a bad coordinate raises ``ValueError``)."""
    return json.dumps(to_geojson(rows), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


# -- atlas export --------------------------------------------------------------------------------------
def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2022-09-13") from None


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


def _article(text: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{16}", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not an article id (16 hex digits)")
    return text.strip().lower()


def add_filter_arguments(p: argparse.ArgumentParser) -> None:
    """The page's filters as options (the same names as the page's URL parameters where they fit)."""
    f = p.add_argument_group("filters (the page's filters; all optional, combined with AND)")
    f.add_argument("--from", dest="start", type=_iso_date, metavar="DATE", help="events on or after DATE")
    f.add_argument("--to", dest="end", type=_iso_date, metavar="DATE", help="events on or before DATE")
    f.add_argument("--no-undated", action="store_true", help="leave out events of articles without a date")
    f.add_argument("--no-countries", action="store_true", help="leave out country-level places")
    f.add_argument("--country", type=_country, action="append", default=[], metavar="CC",
                   help="places in these countries (ISO codes, repeat or comma-separate: AM,AZ)")
    f.add_argument("--place", type=int, action="append", default=[], metavar="ID", help="only this place id (repeat)")
    f.add_argument("--article", type=_article, metavar="ID", help="only this article (its 16-hex-digit id)")
    f.add_argument("--kind", choices=sorted(KIND_GROUPS), action="append", default=[],
                   help="kinds of place: town, region (province, district or region), country, feature (repeat)")
    f.add_argument("--min-confidence", type=_confidence, default=0.0, metavar="X",
                   help="events whose place was resolved with at least this confidence (0-1; corrected places: 1)")
    f.add_argument("--search", default="", metavar="TEXT", help="sentences containing TEXT")


def filter_from_args(args: argparse.Namespace) -> EventFilter:
    start, end = args.start, args.end
    if start and end and start > end:
        print(f"atlas export: error: --from {start} is after --to {end}", file=sys.stderr)
        raise SystemExit(2)
    return EventFilter(start, end, not args.no_undated, not args.no_countries,
                       country=[c for group in args.country for c in group], places=args.place,
                       article=args.article, kinds=args.kind, min_confidence=args.min_confidence, text=args.search)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``atlas export`` on the ``atlas`` command's subparsers."""
    p = sub.add_parser("export", help="write the stored events (filtered, with corrections) as CSV or GeoJSON",
                       description="Write the events of the store ($ATLAS_HOME/atlas.sqlite), with corrections "
                                   "applied, as CSV (ACLED-like columns) or GeoJSON (RFC 7946), to FILE or stdout.")
    p.add_argument("--format", choices=("csv", "geojson"), default=None,
                   help="csv or geojson (default: from FILE's suffix, else csv)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (replaced whole) instead of stdout")
    add_filter_arguments(p)
    p.set_defaults(func=cmd_export)
    return p


def output_format(fmt: str | None, output: str | None) -> str:
    if fmt:
        return fmt
    suffix = Path(output).suffix.lower() if output else ""
    return "geojson" if suffix in (".geojson", ".json") else "csv"


def cmd_export(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from .store import Store

    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    flt = filter_from_args(args)
    fmt = output_format(args.format, args.output)
    with Store.open() as store:
        rows = store.event_records(flt)
    text = geojson_text(rows) + "\n" if fmt == "geojson" else to_csv(rows)
    if args.output:
        write_atomically(Path(args.output), text)
        print(f"atlas: {len(rows)} events written to {args.output} ({fmt})", file=err)
    else:
        out.write(text)
        out.flush()
    return 0


def write_atomically(path: Path, text: str) -> None:
    """``text`` (UTF-8) to ``path`` via a temporary file in the same folder: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_names(today: datetime.date | None = None) -> tuple[str, str]:
    """Download names for the page: ``news-atlas-events-YYYY-MM-DD.csv`` and ``.geojson``."""
    stem = f"news-atlas-events-{(today or datetime.date.today()).isoformat()}"
    return f"{stem}.csv", f"{stem}.geojson"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m dashboard.export ...`` (the same as ``atlas export``)."""
    parser = argparse.ArgumentParser(prog="atlas")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["export", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
