"""An article's lines and its page furniture (boilerplate lines from ``data/boilerplate.tsv``, with the word classes
of ``data/reader_words.tsv``): what is content and what is not."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ..datafiles import rows
from ..spans import Span, strip_span


@dataclass(frozen=True)
class Line:
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
_DECORATION = r"[*_>]*[ \t]*"


_WORD_CLASS = re.compile(r"\{([a-z]+)\}")


@cache
def word_classes() -> dict[str, str]:
    """Each class of ``data/reader_words.tsv`` as a regex alternation of its phrases (longest first; a space in a phrase
    matches any run of spaces and tabs)."""
    phrases: dict[str, list[str]] = {}
    for row in rows("reader_words.tsv"):
        if len(row) < 2 or not row[1]:
            raise ValueError(f"reader_words.tsv: {row!r} needs a class and a phrase, TAB-separated")
        phrases.setdefault(row[0], []).append(row[1].lower())
    return {name: "|".join(r"[ \t]+".join(map(re.escape, p.split())) for p in sorted(set(words), key=len, reverse=True))
            for name, words in phrases.items()}


def expand(regex: str, source: str) -> str:
    """``regex`` with each ``{class}`` replaced by that word class's alternation; a bad regex fails here."""
    classes = word_classes()

    def one(m: re.Match[str]) -> str:
        if m[1] not in classes:
            raise ValueError(f"{source}: {regex!r} names an unknown word class {{{m[1]}}} (see reader_words.tsv)")
        return f"(?:{classes[m[1]]})"

    expanded = _WORD_CLASS.sub(one, regex)
    re.compile(expanded)  # a bad regex fails here, with its own message
    return expanded


@cache
def boilerplate() -> re.Pattern[str]:
    """One pattern, anchored at a line's start, made of the regexes in ``data/boilerplate.tsv``."""
    regexes = []
    for row in rows("boilerplate.tsv"):
        regex = row[0]
        if len(row) < 2 or not row[1].strip():
            raise ValueError(f"boilerplate.tsv: the regex {regex!r} needs a comment column after a TAB")
        regexes.append(f"(?:{expand(regex, 'boilerplate.tsv')})")
    return re.compile(_DECORATION + "(?:" + "|".join(regexes) + ")", re.IGNORECASE)


def split_lines(text: str) -> Iterator[Line]:
    """Non-blank lines, stripped, with how much of each is boilerplate (lines are split at \\n and \\r)."""
    junk = boilerplate()
    for m in _LINE.finditer(text):
        start, end = strip_span(text, m.start(), m.end())
        if start == end:
            continue
        hit = junk.match(text, start, end)
        junk_end = start if hit is None else hit.end()
        if start < junk_end < end:
            junk_end = strip_span(text, junk_end, end)[0]
        yield Line(start, end, junk_end)


def content_spans(lines: list[Line]) -> tuple[Span, ...]:
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
