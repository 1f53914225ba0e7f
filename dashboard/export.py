"""Exports of events: CSV (ACLED-like columns) and GeoJSON (RFC 7946), from the page and ``atlas export``.

Both take the rows the page's table shows (:meth:`dashboard.store.Store.event_records`: filtered, with
corrections applied) and give one row, or one Point feature, per report of an event (a sentence of an
article at a place: ``event_row`` marks each event's first at each place) with the same columns:

=================  ================================================================================
event_id           the event's id in this store (negative for an event a correction derived)
event_date         ISO date (YYYY-MM-DD): the first day of the event's own date; empty when undated
time_precision     ACLED's: 1 the day is known, 2 the week, 3 only the month (or a season, year, decade); empty
                   when undated
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
date_value         the event's date as a TIMEX3 value (2022-09-13, 2021-W48, 2021-05, 2020-FA, 2020, 199)
date_last          the last day that date covers (ISO)
date_source        text (read from the article's words), published (the publication date), user (corrected)
role               literal (the place is where it happened) or associative (named as an actor or a source)
role_confidence    how sure the role is (0-1); 1 for a corrected role
actors             the places the sentence names as actors or sources ("Baku; Yerevan")
event_type         ACLED's event type read from the sentence's words (Battles, Explosions/Remote violence,
                   Violence against civilians, Protests, Riots, Strategic developments), or a person's
                   correction of it; empty when they name none
sub_event_type     ACLED's sub-event type, where the words say it (Armed clash, Air/drone strike, Agreement, ...)
fatalities         deaths the sentence reports (ACLED's conventions: "at least 49" 49, "dozens" 12, "hundreds"
                   100; the lowest of several figures), or a person's correction; empty when none are reported or
                   no number is given
fatalities_high    the highest figure, when a range ("10 to 15") or several figures are given; else empty
reports            the number of articles reporting the event across articles (its cluster; a wire copy
                   counts: GDELT's NumArticles)
sources            the number of distinct outlets among them (a URL's registered domain, else the file; a wire
                   copy counts as its original's: GDELT's NumSources)
cluster_id         the event across articles this row reports (the id of its first report; rows of one event
                   share it), with a person's splits and merges applied (reports and sources count them too)
event_row          true on the first row of each event at each place in the file; false on the rows after it,
                   other articles' reports of the same event at that place. Keep the rows where it is true to
                   count each event once at each of its places, as the map does (ACLED's rows: one per event
                   and location); ``fatalities`` stays each row's own sentence's
story_id           the story of the row's article (articles that share current events)
outlets            those outlets, "; "-separated (as ACLED's ``source``)
report_sentences   every report of the event (across articles): a JSON array of objects ``{"article_id",
                   "start", "end", "outlet", "sentence"}``, ``start``/``end`` the sentence's character
                   offsets in the article's text ([start, end), Python string indices), oldest report first
                   (as GDELT's mentions table: one per article and sentence), the oldest 100 when there are
                   more (``reports`` counts them all). In the CSV, JSON text; in the GeoJSON, an array
corrected_by       who made the corrections in force on this row (its place, role, date, type, deaths, event),
                   "; "-separated: the logged-in user, or on a single analyst's page the OS user; empty when none
corrected_at       when the latest of them was made (UTC, ISO 8601); empty when none
=================  ================================================================================

CSV: UTF-8, comma-separated, RFC 4180 quoting, CRLF line ends. A text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so that a spreadsheet shows it as
text instead of running it as a formula (article text is untrusted); numbers are written as numbers.
GeoJSON: a FeatureCollection of Points with ``[longitude, latitude]`` coordinates and the columns above
as properties, with their raw values (no quote added; ``null`` for missing; booleans and numbers typed).
"""
from __future__ import annotations

import csv
import datetime
import errno
import functools
import io
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import pycountry

from .reader import clean_url
from .store import EventRecord

COLUMNS = ("event_id", "event_date", "time_precision", "place", "latitude", "longitude", "geo_precision", "country",
           "country_code", "place_kind", "place_id", "place_as_written", "sentence", "article_title", "url",
           "source_file", "article_id", "confidence", "corrected", "date_value", "date_last", "date_source",
           "role", "role_confidence", "actors", "event_type", "sub_event_type", "fatalities", "fatalities_high",
           "reports", "sources", "cluster_id", "event_row", "story_id", "outlets", "report_sentences", "corrected_by",
           "corrected_at")
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "season": 3, "year": 3, "decade": 3}
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
@functools.lru_cache(maxsize=512)
def country_name(code: str | None) -> str | None:
    """A country's common name from its ISO 3166-1 alpha-2 code (the code itself when unknown); ``None`` for none."""
    if not code:
        return None
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or getattr(country, "name", None) or code


def record(row: EventRecord, first: bool | None = None) -> dict[str, Any]:
    """One event as the exports' columns, with raw (typed) values; ``None`` for what is missing (``first``:
    whether it is its event's first row at its place in the file, :func:`firsts`)."""
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
        "url": clean_url(row.url),
        "source_file": row.source,
        "article_id": row.article_id,
        "confidence": round(float(row.confidence), 4),
        "corrected": bool(row.corrected),
        "date_value": row.date_value,
        "date_last": row.date_last.isoformat() if row.date_last else None,
        "date_source": row.date_source,
        "role": row.role,
        "role_confidence": round(float(row.role_confidence), 4),
        "actors": "; ".join(row.actors) or None,
        "event_type": row.event_type,
        "sub_event_type": row.sub_event_type,
        "fatalities": row.fatalities,
        "fatalities_high": row.fatalities_high,
        "reports": row.reports,
        "sources": row.sources,
        "cluster_id": row.cluster_id,
        "event_row": first,
        "story_id": row.story_id,
        "outlets": "; ".join(row.outlets) or None,
        "report_sentences": [{"article_id": a, "start": start, "end": end, "outlet": outlet,
                              "sentence": _SPACES.sub(" ", text).strip()}
                             for a, start, end, outlet, text in row.report_sentences],
        "corrected_by": "; ".join(row.corrected_by) or None,
        "corrected_at": row.corrected_at,
    }


def firsts(rows: Iterable[EventRecord]) -> Iterator[tuple[EventRecord, bool]]:
    """Each row with whether it is the first of its event at its place (``event_row``): the rows after it
    report that event there again, from other articles (the keys of the events seen are kept: a few bytes
    an event)."""
    seen: set[tuple[int, int]] = set()
    for row in rows:
        key = row.event_key
        yield row, key not in seen
        seen.add(key)


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
    if isinstance(value, list):  # report_sentences: JSON text (it starts with "[": no formula)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return spreadsheet_safe(value)


def write_csv(rows: Iterable[EventRecord], out: TextIO) -> int:
    """Write the CSV to ``out``; returns the number of events written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    n = 0
    for row, first in firsts(rows):
        values = record(row, first)
        writer.writerow([_cell(values[c]) for c in COLUMNS])
        n += 1
    return n


def to_csv(rows: Iterable[EventRecord]) -> str:
    """The events as CSV text (header first)."""
    out = io.StringIO()
    write_csv(rows, out)
    return out.getvalue()


def feature(row: EventRecord, first: bool | None = None) -> dict[str, Any]:
    """One event as a GeoJSON Point feature (``[longitude, latitude]``) with the columns as properties."""
    props = record(row, first)
    return {"type": "Feature", "id": props["event_id"],
            "geometry": {"type": "Point", "coordinates": [props["longitude"], props["latitude"]]},
            "properties": props}


def to_geojson(rows: Iterable[EventRecord]) -> dict[str, Any]:
    """The events as an RFC 7946 FeatureCollection of Points (``[longitude, latitude]``)."""
    return {"type": "FeatureCollection", "features": [feature(row, first) for row, first in firsts(rows)]}


def write_geojson(rows: Iterable[EventRecord], out: TextIO) -> int:
    """The FeatureCollection written to ``out`` feature by feature (never the whole collection in memory);
    the same text as :func:`geojson_text`. Returns the number of events written."""
    out.write('{"type":"FeatureCollection","features":[')
    n = 0
    for row, first in firsts(rows):
        if n:
            out.write(",")
        out.write(json.dumps(feature(row, first), ensure_ascii=False, allow_nan=False, separators=(",", ":")))
        n += 1
    out.write("]}")
    return n


def geojson_text(rows: Iterable[EventRecord]) -> str:
    """:func:`to_geojson` as JSON text (UTF-8, no NaN or Infinity: a bad coordinate raises ``ValueError``)."""
    out = io.StringIO()
    write_geojson(rows, out)
    return out.getvalue()


def write_rows(rows: Iterable[EventRecord], out: TextIO, fmt: str) -> int:
    """Stream the events to ``out`` as ``csv`` or ``geojson`` (a final newline after the GeoJSON), row by
    row: memory holds one row (and the keys of the events written: :func:`firsts`), whatever the number of
    events. Returns the number written."""
    if fmt == "csv":
        return write_csv(rows, out)
    if fmt == "geojson":
        n = write_geojson(rows, out)
        out.write("\n")
        return n
    raise ValueError(f"unknown export format {fmt!r}: csv or geojson")


# -- files: written whole or not at all -------------------------------------------------------------------
_TEMP_SUFFIX = ".part"


def _temp_pattern(name: str) -> re.Pattern[str]:
    """The names :func:`open_atomically` gives its temporary files for ``name``: ``.NAME.<pid>.<random>.part``
    (and, from older versions, ``.NAME.<random>``)."""
    return re.compile(rf"\.{re.escape(name)}\.(?:(?P<pid>\d+)\.[a-z0-9_]+{re.escape(_TEMP_SUFFIX)}|[a-z0-9_]{{8}})")


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or cannot tell: leave its file alone
    return True


def clean_stale(path: Path, *, older_than: float = 60.0) -> list[Path]:
    """Remove the temporary files a killed export to ``path`` left beside it: those of a process that is
    gone (and, without a process id, older than ``older_than`` seconds). Returns what was removed."""
    pattern, removed = _temp_pattern(path.name), []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if not match:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            pid = match.group("pid")
            if (_running(int(pid)) if pid else now - entry.stat(follow_symlinks=False).st_mtime < older_than):
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def open_atomically(path: Path) -> Iterator[TextIO]:
    """A text file (UTF-8, no newline translation) that becomes ``path`` when the block ends without an
    error, whole: written to a temporary file beside it, given the mode a new file gets (0666 less the
    umask, or the mode of the file it replaces), then renamed over it. On any error or interruption
    (Ctrl-C, SIGTERM raised as KeyboardInterrupt) the temporary file is removed and ``path`` is left as
    it was; files left by a killed run are removed first (:func:`clean_stale`). A ``path`` that exists
    and is not a regular file (``/dev/stdout``, a FIFO) is written directly."""
    if path.exists() and not path.is_file() and not path.is_dir():
        with open(path, "w", encoding="utf-8", newline="") as fh:
            yield fh
        return
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    clean_stale(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=_TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o7777 if path.is_file() else 0o666 & ~_umask()
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_failure(exc: OSError, output: str | None) -> tuple[int, str]:
    """Exit status and message for an export that could not be written: 2 when the target cannot be
    used (a folder, no permission, a read-only disk), 1 when writing failed (a full disk, an I/O error)."""
    where = output or "the standard output"
    kept = ""
    if output and not is_device(output):
        kept = "; nothing was written" + (f" ({output} is left as it was)" if Path(output).is_file() else "")
    errno_ = exc.errno
    if isinstance(exc, IsADirectoryError):
        return 2, f"{where} is a folder; give a file name"
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return 2, f"cannot write {where}: a part of that path is a file, not a folder"
    if isinstance(exc, PermissionError) or errno_ in (errno.EACCES, errno.EPERM):
        return 2, (f"cannot write {where}: permission denied (is the folder {Path(output).parent} writable?)"
                   if output else f"cannot write to {where}: permission denied")
    if errno_ == errno.EROFS:
        return 2, f"cannot write {where}: the disk is read-only"
    if errno_ in (errno.ENOSPC, errno.EDQUOT):
        return 1, f"cannot write {where}: no space left on the device{kept}"
    return 1, f"cannot write {where}: {exc.strerror or exc}{kept}"


def is_device(output: str) -> bool:
    path = Path(output)
    return path.exists() and not path.is_file() and not path.is_dir()


def silence_stdout() -> None:
    """Point the standard output at /dev/null, so the interpreter's last flush of what could not be written
    raises nothing more at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def file_names(today: datetime.date | None = None) -> tuple[str, str]:
    """Download names for the page: ``news-atlas-events-YYYY-MM-DD.csv`` and ``.geojson``."""
    stem = f"news-atlas-events-{(today or datetime.date.today()).isoformat()}"
    return f"{stem}.csv", f"{stem}.geojson"
