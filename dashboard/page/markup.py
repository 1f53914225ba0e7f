"""The one way text from articles becomes HTML: :func:`escape`, and helpers built on it; and the one
way variable text reaches Markdown: :func:`escape_markdown`.

Article text is untrusted. Whatever of it reaches a browser as markup (map popups and tooltips,
highlighted sentences in the page) goes through :func:`escape`, which turns ``& < > " ' ` $`` into
character references: no tag, attribute, template literal (```${...}```) or Markdown/LaTeX syntax
survives it. Links go through :func:`safe_url` (http and https only). Offsets everywhere are
offsets into the original text, never into escaped text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#x27;",
    "`": "&#x60;",
    "$": "&#x24;",
}
_ESCAPE_RE = re.compile("[&<>\"'`$]")
# C0/C1 controls other than tab and newline have no business in a page (and NUL breaks some parsers).
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def escape(value: object) -> str:
    """``str(value)`` with ``& < > " ' ` $`` as character references and control characters removed.

    >>> escape('<img src=x onerror=alert(1)> ${x} `y`')
    '&lt;img src=x onerror=alert(1)&gt; &#x24;{x} &#x60;y&#x60;'
    """
    text = _CONTROL_RE.sub("", "" if value is None else str(value))
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], text)


# Every ASCII punctuation character may be backslash-escaped in CommonMark: escaped, none of them starts
# a link, an image, emphasis, code, a heading, a list, a table, HTML, LaTeX (``$``), a directive
# (``:red[...]``) or an autolink (``http://``, ``www.``, ``a@b.c``) in Streamlit's Markdown.
_MARKDOWN_RE = re.compile(r"[!-/:-@\[-`{-~]")
_LINE_BREAK_RE = re.compile(r"\s*(?:\r\n|\r|\n|\u2028|\u2029)\s*")


def escape_markdown(value: object) -> str:
    r"""``str(value)`` for a Streamlit call that renders Markdown (``st.caption``, ``st.info``, widget
    labels and help texts ...): every ASCII punctuation character backslash-escaped, control characters
    removed and line breaks made spaces, so the text shows as written and nothing in it is markup.

    >>> print(escape_markdown("![x](http://203.0.113.7/p.png)"))
    \!\[x\]\(http\:\/\/203\.0\.113\.7\/p\.png\)
    """
    text = _LINE_BREAK_RE.sub(" ", "" if value is None else str(value))
    return _MARKDOWN_RE.sub(lambda m: "\\" + m.group(), _CONTROL_RE.sub("", text))


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host, else ``None`` (no ``javascript:``,
    ``data:``, relative or protocol-relative links). The result still needs :func:`escape` in markup."""
    if not url:
        return None
    url = url.strip()
    if not url or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def link(url: str | None, label: str) -> str:
    """An ``<a>`` opening ``url`` in a new tab, or the escaped label alone when the URL is not http(s)."""
    href = safe_url(url)
    if href is None:
        return escape(label)
    return f'<a href="{escape(href)}" target="_blank" rel="noopener noreferrer nofollow">{escape(label)}</a>'


@dataclass(frozen=True, slots=True)
class Mark:
    """A span of the text to wrap in ``<mark class="...">``; ``css`` is trusted (ours, never article text)."""

    start: int
    end: int
    css: str = "atlas-place"
    title: str | None = None  # shown on hover (escaped)


def marked(text: str, marks: Iterable[Mark], start: int = 0, end: int | None = None, *,
           newlines: bool = False) -> str:
    """``text[start:end]`` escaped, with each mark wrapped in ``<mark>``.

    Marks are clipped to the slice; a mark overlapping an earlier one is dropped (the earlier, or the
    longer at the same start, wins). With ``newlines`` line breaks become ``<br>`` so a whole article
    keeps its paragraphs inside one HTML element.
    """
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    chosen: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.start, -(m.end - m.start))):
        s, e = max(mark.start, start), min(mark.end, end)
        if s >= e or (chosen and s < chosen[-1].end):
            continue
        chosen.append(Mark(s, e, mark.css, mark.title))
    out: list[str] = []
    pos = start
    for mark in chosen:
        out.append(_plain(text[pos:mark.start], newlines))
        title = f' title="{escape(mark.title)}"' if mark.title else ""
        out.append(f'<mark class="{escape(mark.css)}"{title}>{_plain(text[mark.start:mark.end], newlines)}</mark>')
        pos = mark.end
    out.append(_plain(text[pos:end], newlines))
    return "".join(out)


def _plain(text: str, newlines: bool) -> str:
    escaped = escape(text)
    if newlines:
        escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    return escaped


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A window of a sentence: ``text[start:end]``, with ellipses where it was cut."""

    start: int
    end: int
    cut_left: bool
    cut_right: bool


def excerpt(sentence_start: int, sentence_end: int, focus: Sequence[int], limit: int = 240) -> Excerpt:
    """At most ``limit`` characters of the sentence ``[sentence_start, sentence_end)`` around the
    ``focus`` span ``(start, end)`` (a place name), for popups. Cuts fall on the sentence's bounds or
    anywhere inside; callers add the ellipses."""
    if sentence_end - sentence_start <= limit:
        return Excerpt(sentence_start, sentence_end, False, False)
    fs, fe = max(focus[0], sentence_start), min(focus[1], sentence_end)
    room = max(limit - (fe - fs), 0)
    left = max(sentence_start, fs - room // 2)
    right = min(sentence_end, left + max(limit, fe - left))
    left = max(sentence_start, min(left, right - limit))
    return Excerpt(left, right, left > sentence_start, right < sentence_end)


def excerpt_words(text: str, sentence_start: int, sentence_end: int, focus: Sequence[int],
                  limit: int = 240) -> Excerpt:
    """:func:`excerpt`, with its cuts moved inwards to the nearest space (within 30 characters), so
    no word is cut in two."""
    win = excerpt(sentence_start, sentence_end, focus, limit)
    left, right = win.start, win.end
    if win.cut_left:
        space = text.find(" ", left, min(focus[0], left + 30))
        left = space + 1 if space >= 0 else left
    if win.cut_right:
        space = text.rfind(" ", max(focus[1], right - 30), right)
        right = space if space >= 0 else right
    return Excerpt(left, right, win.cut_left, win.cut_right)


def marked_excerpt(text: str, sentence: tuple[int, int], marks: Iterable[Mark], focus: tuple[int, int],
                   limit: int = 240) -> str:
    """:func:`marked` over the :func:`excerpt` of a sentence, with ellipses where it was cut."""
    window = excerpt(sentence[0], sentence[1], focus, limit)
    body = marked(text, marks, window.start, window.end).strip()
    return ("… " if window.cut_left else "") + body + (" …" if window.cut_right else "")
