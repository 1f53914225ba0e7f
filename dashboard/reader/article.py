"""The article reader: a text, Markdown or HTML file (or pasted text) becomes an :class:`Article`.

It is the first stage of the pipeline (article text -> Article -> toponym spans -> places -> events -> store -> map).
Every offset that later stages report refers to :attr:`Article.text`, which for a text file is the file's bytes decoded
with no newline translation, exactly as ``open(path, encoding="utf-8", newline="")`` reads a UTF-8 file (a UTF-8 BOM
stays in the text as U+FEFF so that offsets still agree). For HTML the text is what trafilatura extracts.

What is found, and how:

- the title: the first line of the head that looks like a headline, past boilerplate lines (``data/boilerplate.tsv``:
  menus, breadcrumbs, share bars, notices, stamps, bylines), date lines, section labels and captions
  (``data/head_labels.tsv``), the site's name and decoration (see :mod:`.titles`); Markdown ``#``/``**`` are not part
  of it;
- the publication date: candidates are found with regexes (never by running a parser over the body) in the short lines
  of the head, then in labelled lines ("Published: ..."), then in the article's URL path, then in update stamps (see
  :mod:`.published`); English month names are read from a table and any other month word through ``dateparser``
  (cached, so at most a few calls per run);
- the URL: "Original url:", "Source:", "URL:" lines, or the canonical URL of an HTML page; http(s) only;
- the content spans: everything that is not boilerplate; toponym recognition looks only there.

Only :class:`~dashboard.errors.ArticleError` escapes from the public functions.
"""
from __future__ import annotations

import datetime
import hashlib
import os
import stat
from dataclasses import dataclass

from ..errors import ArticleError
from ..spans import Span
from ..terminal import path_text
from .decode import decode_bytes, is_blank
from .furniture import content_spans, split_lines
from .htmlpage import extract_html, looks_like_html
from .published import YEARS, date_lines, find_published
from .titles import find_title, head_of
from .urls import clean_url, find_url

MEGABYTE = 1_000_000  # bytes: a MB as Streamlit's file picker counts it (it counts 1024 x 1024 on Windows only)
MAX_ARTICLE_BYTES = 5 * MEGABYTE


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
    """Read the file at ``path`` (text, Markdown or HTML) as an article. Only a regular file is read: a
    named pipe, socket or device is refused (reason ``not-a-file``) without being opened, so it can never
    block the reader. The article's ``source`` is the path as text, any bytes of the name that are not
    UTF-8 escaped (``caf\\xe9.txt``)."""
    if not isinstance(path, str | bytes | os.PathLike):
        raise ArticleError(f"{path!r} is not a file path", "unreadable")
    source = path_text(path)
    try:
        _regular_file(os.stat(path), source)
        # O_NONBLOCK: should the path become a FIFO between the stat and the open, the open does not wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            _regular_file(st, source)
            # as many bytes as the file has and one more, to see that it grew meanwhile (then on to the
            # limit): a buffer of the limit's size for every small file cost more than reading it
            data = fh.read(min(st.st_size, max_bytes) + 1)
            if len(data) > st.st_size and len(data) <= max_bytes:
                data += fh.read(max_bytes + 1 - len(data))
            if len(data) > max_bytes:
                size = max(os.fstat(fh.fileno()).st_size, len(data))
                raise ArticleError(_too_large_message(source, size, max_bytes, exact=size > max_bytes + 1),
                                   "too-large")
    except ArticleError:
        raise
    except (FileNotFoundError, NotADirectoryError) as e:
        raise ArticleError(f"{source}: no such file; check the path", "unreadable") from e
    except IsADirectoryError as e:
        raise ArticleError(f"{source} is a folder, not an article; give a .txt, .md or .html file", "unreadable") from e
    except PermissionError as e:
        raise ArticleError(f"{source} cannot be read (permission denied)", "unreadable") from e
    except (OSError, ValueError) as e:
        raise ArticleError(f"{source} cannot be read: {e.strerror if isinstance(e, OSError) and e.strerror else e}",
                           "unreadable") from e
    return article_from_bytes(data, source, max_bytes=max_bytes)


_SPECIAL_FILES = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                  (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _regular_file(st: os.stat_result, source: str) -> None:
    """Refuse anything but a regular file (a folder with the reader's usual message)."""
    if stat.S_ISREG(st.st_mode):
        return
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(source)
    kind = next((name for test, name in _SPECIAL_FILES if test(st.st_mode)), "a special file")
    raise ArticleError(f"{source} is {kind}, not a regular file; only regular files are read (it was not read)",
                       "not-a-file")


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
    if is_blank(text):
        raise ArticleError(f"{source} is empty: there is no text to read", "empty")
    return _build(text, source, "utf-8", [])


def _too_large_message(source: str, size: int, limit: int, *, exact: bool = True) -> str:
    more = "" if exact else "more than "
    return (f"{source} is {more}{_megabytes(size)} ({more}{size:,} bytes), larger than the limit of "
            f"{_megabytes(limit)} ({limit:,} bytes) for one article; split it or give only the article")


def _megabytes(n: int) -> str:
    return f"{n / MEGABYTE:.1f} MB"


def _build(text: str, source: str, encoding: str, warnings: list[str]) -> Article:
    if looks_like_html(text, source):
        return _html_article(text, source, encoding, warnings)
    return _assemble(text, source, encoding, warnings)


def _assemble(text: str, source: str, encoding: str, warnings: list[str], *, title_span: Span | None = None,
              url: str | None = None, published: datetime.date | None = None) -> Article:
    """Find what is not given (title, URL, date) and the content spans of ``text``."""
    lines = list(split_lines(text))
    head = head_of(lines, text)
    dated = date_lines(text, head)
    url = url or find_url(text)
    if title_span is None:
        title_index, title_span = find_title(text, head, dated, url)
    else:
        title_index = next((i for i, line in enumerate(head) if line.start <= title_span[0] < line.end), None)
    content = content_spans(lines)
    published = published or find_published(text, dated, title_index, url, content)
    return Article(
        text=text, source=source, title=text[title_span[0]:title_span[1]] if title_span else None,
        title_span=title_span, published=published, url=url, encoding=encoding,
        content_spans=content, warnings=tuple(warnings))


def _html_article(html: str, source: str, encoding: str, warnings: list[str]) -> Article:
    """The main text of a page as the article's text: its title, a blank line, then the body."""
    meta = extract_html(html)
    title = " ".join(str(meta.get("title") or "").split())
    body = str(meta["text"]).strip()
    first, _, after = body.partition("\n")
    if title and " ".join(first.split()) == title:  # the page's <h1> repeats the title
        body = after.strip()
    text = "\n\n".join(part for part in (title, body) if part)
    if is_blank(text):
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
    return found if found and YEARS[0] <= found.year <= YEARS[1] else None
