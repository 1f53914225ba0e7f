"""The article reader: a text, Markdown or HTML file (or pasted text) becomes an :class:`Article`.

It is the first stage of the pipeline (article text -> Article -> toponym spans -> places -> events -> store -> map).
Every offset that later stages report refers to :attr:`Article.text`, which for a text file is the file's bytes decoded
with no newline translation, exactly as ``open(path, encoding="utf-8", newline="")`` reads a UTF-8 file (a UTF-8 BOM
stays in the text as U+FEFF so that offsets still agree). For HTML the text is what trafilatura extracts.

What is found, and how:

- the title: the first line of the head that looks like a headline, after skipping boilerplate lines
  (``data/boilerplate.tsv``), date lines and decoration; Markdown ``#``/``**`` are not part of it;
- the publication date: candidates are found with regexes (never by running a parser over the body) in the short lines
  of the head, then in labelled lines ("Published: ..."), then in the article's URL path; English month names are read
  from a table and any other month word through ``dateparser`` (cached, so at most a few calls per run);
- the URL: "Original url:", "Source:", "URL:" lines, or the canonical URL of an HTML page; http(s) only;
- the content spans: everything that is not boilerplate; toponym recognition looks only there.

Only :class:`~dashboard.errors.ArticleError` escapes from the public functions.
"""
from __future__ import annotations

import codecs
import datetime
import hashlib
import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from html.parser import HTMLParser
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from .errors import ArticleError

MAX_ARTICLE_BYTES = 5 * 1024 * 1024

Span = tuple[int, int]


@dataclass(frozen=True)
class Article:
    """One news article. Every offset (``title_span``, ``content_spans``, and the spans later stages add) refers to
    :attr:`text`."""

    text: str
    source: str  # the file name as given: for display only, never used as a path
    title: str | None
    title_span: Span | None
    published: datetime.date | None
    url: str | None  # http(s) only
    encoding: str  # how the bytes were decoded: "utf-8", "utf-8-sig", "cp1251", ...
    content_spans: tuple[Span, ...]  # title and body: everything except boilerplate
    warnings: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """Stable content hash: the first 16 hex digits of the SHA-256 of the UTF-8 text."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    @property
    def body(self) -> str:
        """The content regions joined by blank lines (for display)."""
        return "\n\n".join(self.text[start:end] for start, end in self.content_spans)


# ---------------------------------------------------------------------------------------------------------------------
# Public entry points


def read_article(path: str | os.PathLike[str], *, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read the file at ``path`` (text, Markdown or HTML) as an article."""
    if not isinstance(path, str | bytes | os.PathLike):
        raise ArticleError(f"{path!r} is not a file path", "unreadable")
    source = os.fsdecode(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
            if len(data) > max_bytes:
                size = max(os.fstat(fh.fileno()).st_size, len(data))
                raise ArticleError(_too_large_message(source, size, max_bytes, exact=size > max_bytes + 1),
                                   "too-large")
    except ArticleError:
        raise
    except FileNotFoundError as e:
        raise ArticleError(f"{source}: no such file; check the path", "unreadable") from e
    except IsADirectoryError as e:
        raise ArticleError(f"{source} is a folder, not an article; give a .txt, .md or .html file", "unreadable") from e
    except PermissionError as e:
        raise ArticleError(f"{source} cannot be read (permission denied)", "unreadable") from e
    except (OSError, ValueError) as e:
        raise ArticleError(f"{source} cannot be read: {e}", "unreadable") from e
    return article_from_bytes(data, source, max_bytes=max_bytes)


def article_from_bytes(data: bytes, source: str, *, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """An article from raw bytes, e.g. an upload; ``source`` is only shown (and its suffix may say "HTML")."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ArticleError(f"{source}: expected bytes, got {type(data).__name__}", "unreadable")
    data = bytes(data)
    source = str(source)
    if len(data) > max_bytes:
        raise ArticleError(_too_large_message(source, len(data), max_bytes), "too-large")
    text, encoding, warnings = decode_bytes(data, source)
    return _build(text, source, encoding, warnings)


def article_from_text(text: str, source: str = "pasted text") -> Article:
    """An article from text that is already decoded (pasted into the app)."""
    if not isinstance(text, str):
        raise ArticleError(f"{source}: expected text, got {type(text).__name__}", "unreadable")
    source = str(source)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as e:
        raise ArticleError(f"{source} holds characters that are not valid Unicode (lone surrogates); "
                           "paste it again or save it as UTF-8", "encoding") from e
    if size > MAX_ARTICLE_BYTES:
        raise ArticleError(_too_large_message(source, size, MAX_ARTICLE_BYTES), "too-large")
    if _is_blank(text):
        raise ArticleError(f"{source} is empty: there is no text to read", "empty")
    return _build(text, source, "utf-8", [])


def _too_large_message(source: str, size: int, limit: int, *, exact: bool = True) -> str:
    more = "" if exact else "more than "
    return (f"{source} is {more}{_megabytes(size)} ({more}{size:,} bytes), larger than the limit of "
            f"{_megabytes(limit)} ({limit:,} bytes) for one article; split it or give only the article")


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _is_blank(text: str) -> bool:
    return not text.replace("\ufeff", "").strip()


# ---------------------------------------------------------------------------------------------------------------------
# Decoding

# Byte-order marks that are decoded as such; UTF-8's BOM is kept in the text (see the module docstring).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# File signatures of common non-text formats someone might upload by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or .docx/.odt)"), (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"), (b"\xd0\xcf\x11\xe0", "an old Office document"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c") + b"\x7f"
_MAX_CONTROL_SHARE = 0.1


def decode_bytes(data: bytes, source: str) -> tuple[str, str, list[str]]:
    """Decode ``data`` as text: UTF-8 (with or without BOM), UTF-16/32 with a BOM, else what charset-normalizer finds.
    Returns the text (no newline translation), the encoding's name and warnings."""
    if not data.strip():
        raise ArticleError(f"{source} is empty: there is no text to read", "empty")
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data, "utf-8", source), "utf-8-sig"
        return _nonblank(text, source), encoding, []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding, source)
            return _nonblank(text, source), encoding, [f"decoded as {encoding} (byte-order mark), not UTF-8"]
    _refuse_binary(data, source)
    try:
        return _nonblank(data.decode("utf-8"), source), "utf-8", []
    except UnicodeDecodeError:
        pass
    text, encoding = _detect(data, source)
    return _nonblank(text, source), encoding, [f"decoded as {encoding}, not UTF-8"]


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise ArticleError(f"{source} starts with a {encoding} byte-order mark but is not valid {encoding} "
                           f"(byte {e.start}); save it as UTF-8", "encoding") from e


def _nonblank(text: str, source: str) -> str:
    if _is_blank(text):
        raise ArticleError(f"{source} is empty: there is no text to read", "empty")
    return text


def _refuse_binary(data: bytes, source: str) -> None:
    """Raise ``binary`` for known file signatures, NUL bytes, or a high share of control bytes."""
    what = next((name for magic, name in _MAGIC if data.startswith(magic)), None)
    if what is None and b"\x00" in data:
        what = "a binary file"
    sample = data[:65536]
    if what is None and len(sample) - len(sample.translate(None, _CONTROL_BYTES)) > _MAX_CONTROL_SHARE * len(sample):
        what = "a binary file"
    if what is not None:
        raise ArticleError(f"{source} looks like {what}, not text; give a .txt, .md or .html article", "binary")


# Where charset-normalizer finds several encodings equally plausible (short texts often decode identically, or equally
# cleanly, in cp1250 and cp1252), the one most used for news on the web wins.
_PREFERRED_ENCODINGS = ("cp1252", "latin_1", "iso8859_15", "cp1251", "koi8_r", "cp1250", "iso8859_2", "cp1253",
                        "cp1254", "cp1256", "cp1255", "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr", "cp874")


def _pick_encoding(matches: list[Any]) -> str | None:
    """The best of charset-normalizer's matches, ties broken by :data:`_PREFERRED_ENCODINGS`."""
    if not matches:
        return None
    best = matches[0]
    tied = {name for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)
            for name in (m.encoding, *m.could_be_from_charset)}
    return next((name for name in _PREFERRED_ENCODINGS if name in tied), best.encoding)


def _detect(data: bytes, source: str) -> tuple[str, str]:
    """Decode non-UTF-8 bytes with the encoding charset-normalizer finds most plausible."""
    import charset_normalizer

    try:
        encoding = _pick_encoding(list(charset_normalizer.from_bytes(data)))
        if encoding is not None:
            return data.decode(encoding), encoding
    except Exception:  # a heuristic library on arbitrary bytes: any failure means "cannot tell"
        pass
    raise ArticleError(f"cannot tell how {source} is encoded (it is not UTF-8); save it as UTF-8", "encoding")


# ---------------------------------------------------------------------------------------------------------------------
# Lines and boilerplate


@dataclass(frozen=True)
class _Line:
    start: int  # first non-blank character
    end: int  # after the last non-blank character
    junk_end: int  # boilerplate covers [start, junk_end); == start when none, == end when the whole line is junk

    @property
    def is_junk(self) -> bool:
        return self.junk_end >= self.end

    @property
    def has_junk(self) -> bool:
        return self.junk_end > self.start


_LINE = re.compile(r"[^\r\n]+")
_BLANK = " \t\f\v\ufeff\u00a0\u200b\u2028\u2029\u3000\x1c\x1d\x1e\x85"
_DECORATION = r"[*_>]*[ \t]*"


@cache
def boilerplate() -> re.Pattern[str]:
    """One pattern, anchored at a line's start, made of the regexes in ``data/boilerplate.tsv``."""
    text = resources.files("dashboard").joinpath("data", "boilerplate.tsv").read_text(encoding="utf-8")
    regexes = []
    for n, row in enumerate(text.splitlines(), 1):
        if not row.strip() or row.startswith("#"):
            continue
        regex, _, comment = row.partition("\t")
        if not comment.strip():
            raise ValueError(f"boilerplate.tsv line {n}: a regex needs a comment column after a TAB")
        re.compile(regex)  # a bad regex fails here, with its own message
        regexes.append(f"(?:{regex})")
    return re.compile(_DECORATION + "(?:" + "|".join(regexes) + ")", re.IGNORECASE)


def _lines(text: str) -> Iterator[_Line]:
    """Non-blank lines, stripped, with how much of each is boilerplate (lines are split at \\n and \\r)."""
    junk = boilerplate()
    for m in _LINE.finditer(text):
        start, end = _strip(text, m.start(), m.end())
        if start == end:
            continue
        hit = junk.match(text, start, end)
        junk_end = start if hit is None else hit.end()
        if start < junk_end < end:
            junk_end = _strip(text, junk_end, end)[0]
        yield _Line(start, end, junk_end)


def _strip(text: str, start: int, end: int) -> Span:
    """Bounds of ``text[start:end]`` without surrounding blanks."""
    while start < end and (text[start] in _BLANK or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _BLANK or text[end - 1].isspace()):
        end -= 1
    return start, end


def _content_spans(lines: list[_Line]) -> tuple[Span, ...]:
    """Runs of content lines (blank lines inside a run are kept); boilerplate cuts a run."""
    spans: list[Span] = []
    run: list[int] | None = None
    for line in lines:
        if line.is_junk or line.has_junk:
            if run:
                spans.append((run[0], run[1]))
            run = None
            if line.is_junk:
                continue
        if run is None:
            run = [line.junk_end, line.end]
        else:
            run[1] = line.end
    if run:
        spans.append((run[0], run[1]))
    return tuple(spans)


# ---------------------------------------------------------------------------------------------------------------------
# Title

_HEAD_LINES = 15  # the head: this many non-blank lines
_TITLE_MAX_CHARS = 250
_TITLE_MAX_WORDS = 40
_MD_HEADING = re.compile(r"#{1,6}[ \t]+")
_EMPHASIS = ("**", "__", "*", "_")


def _find_title(text: str, head: list[_Line], date_lines: set[int]) -> tuple[int | None, Span | None]:
    """The index (in ``head``) and span of the title: the first line that is neither boilerplate, a date line nor
    decoration, provided it looks like a headline (short, one line)."""
    for i, line in enumerate(head):
        if line.has_junk or i in date_lines:
            continue
        if line.end - line.start > 2 * _TITLE_MAX_CHARS:  # a paragraph: not worth unmarking
            return None, None
        start, end = _unmark(text, line.start, line.end)
        if not any(c.isalnum() for c in text[start:end]):
            continue
        if end - start > _TITLE_MAX_CHARS or len(text[start:end].split()) > _TITLE_MAX_WORDS:
            return None, None
        if not any(c.isalpha() for c in text[start:end]):
            return None, None
        return i, (start, end)
    return None, None


def _unmark(text: str, start: int, end: int) -> Span:
    """Bounds of a line without Markdown heading marks and surrounding emphasis."""
    if m := _MD_HEADING.match(text, start, end):
        start = m.end()
    closing = end
    while closing > start and text[closing - 1] == "#":
        closing -= 1
    if closing < end and closing > start and text[closing - 1] in " \t":  # "## Title ##"
        end = closing
    start, end = _strip(text, start, end)
    changed = True
    while changed:
        changed = False
        for mark in _EMPHASIS:
            n = len(mark)
            if end - start > 2 * n and text.startswith(mark, start) and text.endswith(mark, start, end):
                start, end = _strip(text, start + n, end - n)
                changed = True
                break
    return _strip(text, start, end)


# ---------------------------------------------------------------------------------------------------------------------
# Dates

_MONTHS_EN = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
# Weekday names (Monday = 0) in the languages dateparser is asked about; needed to place a year-less date.
_WEEKDAYS = {
    **dict.fromkeys(("monday", "mon"), 0), **dict.fromkeys(("tuesday", "tue", "tues"), 1),
    **dict.fromkeys(("wednesday", "wed"), 2), **dict.fromkeys(("thursday", "thu", "thurs"), 3),
    **dict.fromkeys(("friday", "fri"), 4), **dict.fromkeys(("saturday", "sat"), 5),
    **dict.fromkeys(("sunday", "sun"), 6),
    "lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4, "sábado": 5, "sabado": 5,
    "domingo": 6,
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonnabend": 5,
    "sonntag": 6,
    "понедельник": 0, "вторник": 1, "среда": 2, "четверг": 3, "пятница": 4, "суббота": 5, "воскресенье": 6,
}
_DATE_LANGUAGES = ["en", "es", "fr", "de", "ru"]
_DATEPARSER_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True,
    "PARSERS": ["absolute-time"], "RETURN_AS_TIMEZONE_AWARE": False,
}
_YEARS = (1900, 2100)

_WORD = r"[^\W\d_]{3,}\.?"
_YEAR_DIGITS = r"(?P<y>(?:19|20)\d\d)"
_YEAR = _YEAR_DIGITS + r"(?!\d)"
_ORD = r"(?:st|nd|rd|th|er|º|°|\.)?"
_WD = "(?P<wd>" + "|".join(sorted(map(re.escape, _WEEKDAYS), key=len, reverse=True)) + r")\.?"
_NO_YEAR_AFTER = r"(?![ \t.,]*(?:de[ \t]+|del[ \t]+)?(?:19|20)\d\d(?!\d))"
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"(?<!\d)" + _YEAR_DIGITS + r"(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)",  # 2021-11-16
    r"(?<![\d.])(?P<a>\d{1,2})(?P<sep2>[-/.])(?P<b>\d{1,2})(?P=sep2)" + _YEAR,  # 16/11/2021, day first (_resolve)
    r"(?<!\w)(?P<d>\d{1,2})" + _ORD + r"[ \t]*(?:de[ \t]+)?(?P<mon>" + _WORD + r")[ \t,]*(?:de[ \t]+|del[ \t]+)?"
    + _YEAR,  # 14 Sep, 2022 / 14 de septiembre de 2022 / 14. September 2022
    r"(?<!\w)(?P<mon>" + _WORD + r")[ \t]+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d),?[ \t]+" + _YEAR,  # November 16, 2021
    r"(?<!\w)" + _WD + r"[ \t,]+(?P<mon>" + _WORD + r")[ \t]+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d)"
    + _NO_YEAR_AFTER,  # Thursday, December 2
    r"(?<!\w)" + _WD + r"[ \t,]+(?P<d>\d{1,2})" + _ORD + r"[ \t]*(?:de[ \t]+)?(?P<mon>" + _WORD + r")(?!\w)"
    + _NO_YEAR_AFTER,  # jeudi 2 décembre
))
_LABELLED_DATE = re.compile(
    r"^[ \t*_>#-]*(?P<label>published|posted|updated|last[ \t]+updated|date|dated|publication[ \t]+date|publicado|"
    r"fecha|publié|publie|mis[ \t]+à[ \t]+jour|veröffentlicht|datum|aktualisiert|опубликовано|обновлено|дата)"
    r"(?:[ \t]+(?:on|at|le|el|am))?[ \t*_]*:?[ \t*_]*(?P<rest>[^\r\n]{0,80})",
    re.IGNORECASE | re.MULTILINE)
_DATE_LABEL = re.compile(_LABELLED_DATE.pattern.removeprefix("^"), re.IGNORECASE)  # the same, at a given position
_UPDATE_LABELS = ("updated", "last", "mis", "aktualisiert", "обновлено")  # read after the "published" labels
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})(?:[/_.-]|$)")
_MENTIONED_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?!\d|,\d)")
_TIME = re.compile(r"\d{1,2}[:.h]\d\d(?::\d\d)?(?:[ \t]*[ap]\.?m\.?)?", re.IGNORECASE)
# Words that may stand beside a date on a date line ("Published on Thursday, 14 September 2022 at 07:35 GMT").
_DATE_LINE_WORDS = frozenset({
    "published", "posted", "updated", "last", "on", "at", "by", "am", "pm", "the", "of", "de", "del", "le", "la", "el",
    "um", "publié", "publie", "mis", "à", "jour", "publicado", "actualizado", "veröffentlicht", "aktualisiert",
    "опубликовано", "обновлено", "в", "г", "gmt", "utc", "est", "edt", "cet", "cest", "msk", "bst", "pst", "pdt", "ist",
    "jst", *_WEEKDAYS})
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    groups: dict[str, str | None]


def _candidates(text: str, start: int, end: int) -> list[_Candidate]:
    """Date-like substrings of ``text[start:end]``, by position."""
    found = [_Candidate(m.start(), m.end(), m.groupdict())
             for pattern in _DATE_PATTERNS for m in pattern.finditer(text, start, end)]
    return sorted(found, key=lambda c: (c.start, -c.end))


def _month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    return _MONTHS_EN.get(word) or _foreign_month(word)


@lru_cache(maxsize=4096)
def _foreign_month(word: str) -> int | None:
    """The month a (non-English) word names, asking dateparser once per word."""
    if word in _WEEKDAYS or len(word) > 20:
        return None
    try:
        import dateparser

        parsed = dateparser.parse(f"1 {word} 2000", languages=_DATE_LANGUAGES, settings=_DATEPARSER_SETTINGS)
    except Exception:  # dateparser is a heuristic parser; any failure of it just means "not a month"
        return None
    return parsed.month if parsed and parsed.year == 2000 and parsed.day == 1 else None


def _ymd(year: int, month: int, day: int) -> datetime.date | None:
    if not _YEARS[0] <= year <= _YEARS[1]:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _resolve(c: _Candidate, years: Callable[[], list[int]]) -> datetime.date | None:
    """The date a candidate stands for; a year-less one takes the year its weekday fits (see :func:`year_for`)."""
    g = c.groups
    if g.get("a"):  # numeric: day first (16/11/2021) unless the month slot cannot be one (11/16/2021)
        day, month = int(g["a"] or 0), int(g["b"] or 0)
        if month > 12 >= day:
            day, month = month, day
        return _ymd(int(g["y"] or 0), month, day)
    month = _month_number(g["mon"]) if g.get("mon") else int(g.get("m") or 0)
    if not month:
        return None
    day = int(g["d"] or 0)
    if g.get("y"):
        return _ymd(int(g["y"] or 0), month, day)
    year = year_for(_WEEKDAYS[(g["wd"] or "").lower()], month, day, years())
    return _ymd(year, month, day) if year else None


def year_for(weekday: int, month: int, day: int, mentioned: list[int]) -> int | None:
    """The year in which ``day``/``month`` falls on ``weekday`` (Monday = 0), searched from the earliest year the text
    mentions to the latest + 1; of several, the one closest after the latest (i.e. the last); ``None`` if none fits
    or the text mentions no year."""
    if not mentioned:
        return None
    fits = [y for y in range(min(mentioned), max(mentioned) + 2)
            if (d := _ymd(y, month, day)) is not None and d.weekday() == weekday]
    return fits[-1] if fits else None


@dataclass(frozen=True)
class _DateLine:
    """The date candidates of one short head line, and how many other words stand beside them."""

    candidates: list[_Candidate]
    other_words: int  # words that are neither part of a date nor date words ("Published", "GMT", weekdays)
    is_update: bool  # "Updated: ...": read after the other date lines

    @property
    def is_pure(self) -> bool:
        """A line that is only a date ("Thursday, December 2", "14 Sep, 2022 14:39"): never a title."""
        return self.other_words == 0


_HEAD_DATE_LINE_MAX = 120  # longer head lines are paragraphs, whose dates are events, not the publication
# "Thomas Osborne, 14 September 2022" and "Reuters | 14 Sep 2022" are date lines, "The deal of May 9, 2020 holds." is
# not: beside the date a date line has at most this many other words, all capitalised (names, agencies).
_DATE_LINE_MAX_OTHER_WORDS = 3
_DIGIT = re.compile(r"\d")


def _date_lines(text: str, head: list[_Line]) -> dict[int, _DateLine]:
    """The head lines (by index) that are short, hold a date candidate and few other words. Only the content part of a
    line counts ("By Jane Doe | 14 Sep 2022" is a byline, then a date line)."""
    found: dict[int, _DateLine] = {}
    for i, line in enumerate(head):
        start = line.junk_end
        if line.is_junk or line.end - start > _HEAD_DATE_LINE_MAX or not _DIGIT.search(text, start, line.end):
            continue
        cands = _candidates(text, start, line.end)
        if not cands:
            continue
        rest, pos = [], start
        for c in cands:
            rest.append(text[pos:max(pos, c.start)])
            pos = max(pos, c.end)
        rest.append(text[pos:line.end])
        words = [w for w in _WORDS.findall(_TIME.sub(" ", " ".join(rest))) if w.lower() not in _DATE_LINE_WORDS]
        if len(words) <= _DATE_LINE_MAX_OTHER_WORDS and all(w[0].isupper() for w in words):
            label = _DATE_LABEL.match(text, start, line.end)
            found[i] = _DateLine(cands, len(words), bool(label and label["label"].lower().startswith(_UPDATE_LABELS)))
    return found


def _date_in(text: str, start: int, end: int, years: Callable[[], list[int]]) -> datetime.date | None:
    for c in _candidates(text, start, end):
        if (found := _resolve(c, years)) is not None:
            return found
    return None


def _find_published(text: str, date_lines: dict[int, _DateLine], title_index: int | None,
                    url: str | None) -> datetime.date | None:
    """The publication date: from a date line of the head, else a labelled line ("Published: ..."), else the URL path;
    never from the body. A year-less date ("Thursday, December 2") counts only on a line of its own."""
    mentioned: list[int] = []

    def years() -> list[int]:
        if not mentioned:
            mentioned.extend(int(y) for y in _MENTIONED_YEAR.findall(text))
        return mentioned

    for i, line in sorted(date_lines.items(), key=lambda item: (item[1].is_update, item[0])):
        if i == title_index:
            continue
        for c in line.candidates:
            if (c.groups.get("y") or line.is_pure) and (found := _resolve(c, years)) is not None:
                return found
    labelled = sorted(_LABELLED_DATE.finditer(text), key=lambda m: (m["label"].lower().startswith(_UPDATE_LABELS),
                                                                      m.start()))
    for m in labelled:
        if (found := _date_in(text, m.start("rest"), m.end("rest"), years)) is not None:
            return found
    if url and (m := _URL_DATE.search(urlsplit(url).path)):
        return _ymd(int(m["y"]), int(m["m"]), int(m["d"]))
    return None


# ---------------------------------------------------------------------------------------------------------------------
# URL

_URL_LABEL = re.compile(
    r"^[ \t*_>-]*(?:original[ \t]+url|original[ \t]+article|source[ \t]+url|source|url|link|canonical)[ \t*_]*:"
    r"[ \t*_]*(?:(?P<same>[^\r\n]+)|(?:\r?\n[ \t]*){1,3}(?P<next>[^\r\n]+))", re.IGNORECASE | re.MULTILINE)
# Schemes are bounded (and must start a word) so that a long run of letters costs linear time, not quadratic.
_URL_TOKEN = re.compile(r"(?<![a-z0-9+.-])(?P<url>[a-z][a-z0-9+.-]{0,20}:[^\s<>()\"']+)", re.IGNORECASE)
_URL_ONLY = re.compile(r"[ \t]*<?(?P<url>[a-z][a-z0-9+.-]{0,20}:[^\s<>]+)>?[ \t]*", re.IGNORECASE)
_URL_SCHEMES = frozenset({"http", "https"})


def clean_url(candidate: str | None) -> str | None:
    """``candidate`` if it is an absolute http(s) URL, else ``None``."""
    if not candidate:
        return None
    url = candidate.strip().strip("<>").rstrip(".,;:")
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _URL_SCHEMES or not parts.hostname or any(c.isspace() for c in url):
        return None
    return url


def _find_url(text: str) -> str | None:
    """The URL given on an "Original url:" / "Source:" / "URL:" line (or the line after it)."""
    for m in _URL_LABEL.finditer(text):
        token = _URL_TOKEN.search(m["same"]) if m["same"] else _URL_ONLY.fullmatch(m["next"])
        if token and (url := clean_url(token["url"])):
            return url
    return None


# ---------------------------------------------------------------------------------------------------------------------
# HTML

_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_MARKDOWN_SUFFIXES = (".md", ".markdown")
_HTML_START = ("<!doctype html", "<html", "<?xml")
_TAG = re.compile(r"<(?:/?[a-z][a-z0-9]{0,20}|!--)[^<>]{0,2000}>", re.IGNORECASE)
_HTML_TAG_SHARE = 0.3


def looks_like_html(text: str, source: str = "") -> bool:
    """HTML by suffix (when it has tags at all) or by content: a doctype/<html> start, or mostly tags."""
    head = text[:4096].lstrip("\ufeff \t\r\n").lower()
    if head.startswith(_HTML_START) and (not head.startswith("<?xml") or "<html" in head):
        return True
    tags = _TAG.findall(text, 0, 20000)
    if source.lower().endswith(_HTML_SUFFIXES):
        return bool(tags)
    if source.lower().endswith(_MARKDOWN_SUFFIXES):  # Markdown may carry inline HTML and stays text
        return False
    sample = text[:20000]
    return len(tags) >= 5 and sum(map(len, tags)) > _HTML_TAG_SHARE * len("".join(sample.split()))


class _PlainText(HTMLParser):
    """A last-resort HTML-to-text converter that drops script, style and other non-content elements and keeps the
    ``<title>`` apart."""

    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "object"})
    BREAK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section",
                       "header", "footer", "blockquote", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.skipping = 0
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BREAK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
        elif not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        return "\n".join(line for line in lines if line)


def _plain_text(html: str) -> tuple[str, str]:
    """Title and text of ``html`` by a plain tag stripper."""
    parser = _PlainText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; whatever it chokes on, keep what it produced so far
        pass
    return "".join(parser.title_parts), parser.text()


@cache
def _quiet_html_loggers() -> None:
    """trafilatura and its helpers log every page they cannot parse; with no logging set up Python would print that
    on stderr (``atlas parse`` output). What matters reaches the Article's warnings instead."""
    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _extract_html(html: str) -> dict[str, Any]:
    """Title, main text, date and URL of an HTML page (trafilatura, else a plain tag stripper)."""
    meta: dict[str, Any] = {}
    try:
        import trafilatura

        _quiet_html_loggers()
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
            date_extraction_params={"extensive_search": False, "original_date": True})
        if doc is not None:
            meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    except Exception:  # trafilatura/lxml on hostile markup: fall back to the tag stripper below
        meta = {}
    meta["extractor"] = "trafilatura"
    if not str(meta.get("text") or "").strip():
        title, meta["text"] = _plain_text(html)
        meta["title"] = meta.get("title") or title
        meta["extractor"] = "a plain tag stripper"
    return meta


def _html_article(html: str, source: str, encoding: str, warnings: list[str]) -> Article:
    """The main text of a page as the article's text: its title, a blank line, then the body."""
    meta = _extract_html(html)
    title = " ".join(str(meta.get("title") or "").split())
    body = str(meta["text"]).strip()
    first, _, after = body.partition("\n")
    if title and " ".join(first.split()) == title:  # the page's <h1> repeats the title
        body = after.strip()
    text = "\n\n".join(part for part in (title, body) if part)
    if _is_blank(text):
        raise ArticleError(f"{source} is an HTML page with no readable text", "empty")
    return _assemble(text, source, encoding,
                     [*warnings, f"HTML: main text extracted with {meta['extractor']}; offsets refer to that text"],
                     title_span=(0, len(title)) if title else None, url=clean_url(meta.get("url")),
                     published=_iso_date(meta.get("date")))


def _iso_date(value: object) -> datetime.date | None:
    try:
        found = datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
    return found if found and _YEARS[0] <= found.year <= _YEARS[1] else None


# ---------------------------------------------------------------------------------------------------------------------
# Assembly


def _build(text: str, source: str, encoding: str, warnings: list[str]) -> Article:
    if looks_like_html(text, source):
        return _html_article(text, source, encoding, warnings)
    return _assemble(text, source, encoding, warnings)


def _assemble(text: str, source: str, encoding: str, warnings: list[str], *, title_span: Span | None = None,
              url: str | None = None, published: datetime.date | None = None) -> Article:
    """Find what is not given (title, URL, date) and the content spans of ``text``."""
    lines = list(_lines(text))
    head = lines[:_HEAD_LINES]
    date_lines = _date_lines(text, head)
    if title_span is None:
        title_index, title_span = _find_title(text, head, {i for i, line in date_lines.items() if line.is_pure})
    else:
        title_index = next((i for i, line in enumerate(head) if line.start <= title_span[0] < line.end), None)
    url = url or _find_url(text)
    published = published or _find_published(text, date_lines, title_index, url)
    return Article(
        text=text, source=source, title=text[title_span[0]:title_span[1]] if title_span else None,
        title_span=title_span, published=published, url=url, encoding=encoding,
        content_spans=_content_spans(lines), warnings=tuple(warnings))
