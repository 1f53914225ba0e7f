"""The headline of an article: the first line of its head that looks like one, past the page's furniture.

A head line is passed over when it is boilerplate (``data/boilerplate.tsv``), a date line, a label that is never a
headline (section labels, kickers, photo captions and credits, correspondent lines: ``data/head_labels.tsv``) or the
site's name (its letters are the URL's host name). Of the rest, the first *headline-like* line wins: three words or
more, not all capitals, not ending like a sentence. Failing one, the first short or capitalised line does ("Title",
"ATTACK ON GOMA"). A scraper's "Title: ..." header gives the headline directly; a site name after it ("| The Niger
Courier") is dropped when the URL says it is the site's."""
from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

from ..datafiles import rows
from ..spans import Span, strip_span
from .furniture import Line, expand

HEAD_LINES = 15  # the head: lines up to the 15th of three words or more (menus of one-word lines do not count)
_HEAD_MAX_LINES = 80  # ... and never more lines than this
_TITLE_MAX_CHARS = 250
_TITLE_MAX_WORDS = 40
_MD_HEADING = re.compile(r"#{1,6}[ \t]+")
_EMPHASIS = ("**", "__", "*", "_")
_DECORATION = re.compile(r"[*_>#]*[ \t]*")
_SITE_SUFFIX = re.compile(r"[ \t]+[|–—-][ \t]+(?P<site>[^|–—\n]{2,60})$")
_LETTERS = re.compile(r"[^\W\d_]+")
_KINDS = ("label", "weak", "title")


def head_of(lines: list[Line], text: str) -> list[Line]:
    """The head of an article: its first lines, up to the :data:`HEAD_LINES`-th non-boilerplate line of three words
    or more (a site menu scraped one item a line does not use the head up), at most ``_HEAD_MAX_LINES`` lines."""
    seen = 0
    for n, line in enumerate(lines[:_HEAD_MAX_LINES]):
        if not line.is_junk and len(text[line.junk_end:line.end].split(None, 3)) >= 3:
            seen += 1
            if seen == HEAD_LINES:
                return lines[:n + 1]
    return lines[:_HEAD_MAX_LINES]


@cache
def _head_labels() -> dict[str, re.Pattern[str]]:
    """The patterns of ``data/head_labels.tsv``, one per kind."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in _KINDS}
    for row in rows("head_labels.tsv"):
        if len(row) < 3 or row[0] not in by_kind or not row[2]:
            raise ValueError(f"head_labels.tsv: {row!r} needs a kind ({', '.join(_KINDS)}), a regex and a comment")
        by_kind[row[0]].append(f"(?:{expand(row[1], 'head_labels.tsv')})")
    suffix = {"title": ""}  # a title label is a prefix; the others match the whole line
    return {kind: re.compile("(?:" + "|".join(regexes or ["(?!)"]) + ")" + suffix.get(kind, r"[ \t]*$"),
                             re.IGNORECASE) for kind, regexes in by_kind.items()}


def find_title(text: str, head: list[Line], date_lines: dict[int, object] | set[int],
               url: str | None = None) -> tuple[int | None, Span | None]:
    """The index (in ``head``) and span of the title. ``date_lines`` are the head's date lines: a pure one (only a
    date) is never the title, another only a weak one; a ``set`` holds only pure ones."""
    labels = _head_labels()
    host = _host_letters(url)
    weak: tuple[int, Span] | None = None
    for i, line in enumerate(head):
        dated = date_lines.get(i) if isinstance(date_lines, dict) else (True if i in date_lines else None)
        if line.has_junk or (dated is not None and (dated is True or getattr(dated, "is_pure", False))):
            continue
        if line.end - line.start > 2 * _TITLE_MAX_CHARS:  # a paragraph: the head's headlines are above it
            break
        start, end = _unmark(text, line.start, line.end)
        if not any(c.isalnum() for c in text[start:end]):
            continue
        bare = _DECORATION.match(text, start, end)
        bare_start = bare.end() if bare else start
        if m := labels["title"].match(text, bare_start, end):
            start, end = _without_site(text, *strip_span(text, m.end(), end), host)
            if start < end:
                return i, (start, end)
            continue
        if labels["label"].match(text, bare_start, end):
            continue
        words = text[start:end].split()
        if end - start > _TITLE_MAX_CHARS or len(words) > _TITLE_MAX_WORDS:
            break
        if not any(c.isalpha() for c in text[start:end]):
            break
        if host and _letters(text[start:end]) in host:  # the site's name ("The Kivu Times" on kivutimes.example)
            continue
        start, end = _without_site(text, start, end, host)
        is_weak = (dated is not None or len(words) <= 2 or bool(labels["weak"].match(text, bare_start, end))
                   or not any(c.islower() for c in text[start:end]) or _sentence_end(text[start:end]))
        if not is_weak:
            return i, (start, end)
        if weak is None:
            weak = (i, (start, end))
    return weak if weak else (None, None)


def _sentence_end(line: str) -> bool:
    """A line that ends like a sentence ("... officials said."), not like a headline (no final full stop)."""
    return line.endswith(".") and not line.endswith("..") and len(line.split()) > 3


def _letters(s: str) -> str:
    words = _LETTERS.findall(s.casefold())
    if words and words[0] in ("the", "le", "la", "el", "les", "los", "las", "die", "der"):
        words = words[1:]
    return "".join(words) if sum(map(len, words)) >= 4 else "\0"


def _host_letters(url: str | None) -> str:
    """The letters of a URL's host name, without "www" ("dailyledger example com" as "dailyledgerexamplecom")."""
    if not url:
        return ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return "".join(part for part in host.casefold().split(".") if part not in ("www", "m", "amp"))


def _without_site(text: str, start: int, end: int, host: str) -> Span:
    """``text[start:end]`` without a trailing site name ("Curfew in Gao | The Niger Courier") that the URL's host
    spells; unchanged when there is no URL or the suffix is not the site's."""
    if host and (m := _SITE_SUFFIX.search(text, start, end)) and _letters(m["site"]) in host and m.start() > start:
        return strip_span(text, start, m.start())
    return start, end


def _unmark(text: str, start: int, end: int) -> Span:
    """Bounds of a line without Markdown heading marks and surrounding emphasis."""
    if m := _MD_HEADING.match(text, start, end):
        start = m.end()
    closing = end
    while closing > start and text[closing - 1] == "#":
        closing -= 1
    if closing < end and closing > start and text[closing - 1] in " \t":  # "## Title ##"
        end = closing
    start, end = strip_span(text, start, end)
    changed = True
    while changed:
        changed = False
        for mark in _EMPHASIS:
            n = len(mark)
            if end - start > 2 * n and text.startswith(mark, start) and text.endswith(mark, start, end):
                start, end = strip_span(text, start + n, end - n)
                changed = True
                break
    return strip_span(text, start, end)
