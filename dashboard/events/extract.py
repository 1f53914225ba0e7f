"""Sentences to events: an event is a sentence of an article with its places, their roles and its date.

:func:`read_events` reads an article's resolved mentions: each mention gets its role
(:mod:`dashboard.events.roles`), each sentence its date (:mod:`dashboard.events.dates`), and each
sentence and place an :class:`Event`. An event's place is ``literal`` (where it happened) when any of
the place's mentions in the sentence is; the sentence's associative places are its actors.
"""
from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..spans import Span, strip_span
from .dates import date_sentences
from .roles import ASSOCIATIVE, LITERAL, Role, assign_roles
from .sentences import new_paragraphs, sentences
from .timex import UNDATED, EventDate

_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True, slots=True)
class Event:
    """A sentence that mentions a place.

    ``mention`` is the index, in the article's list of mentions, of the place's first mention in the
    sentence. ``when`` is the sentence's date (:class:`~dashboard.events.dates.EventDate`); ``date`` is
    the first day it covers (``None`` when undated). ``role`` is ``literal`` when the place is where
    the sentence's event happens, ``associative`` when it only stands for an actor or a source."""

    sentence: Span
    place_id: int
    mention: int
    when: EventDate = UNDATED
    role: str = LITERAL
    role_confidence: float = 1.0

    @property
    def date(self) -> datetime.date | None:
        period = self.when.period()
        return period[0] if period else None

    @property
    def date_source(self) -> str | None:
        return self.when.source

    @property
    def date_precision(self) -> str | None:
        return self.when.precision


@dataclass(frozen=True, slots=True)
class InferredEvent:
    """A sentence that says when something happened but names no place of its own ("after midnight on
    September 13, troops began shelling border settlements"). ``mention`` is the index of the mention
    whose place it takes: the last literal one earlier in its paragraph, else the article's most named
    literal place (``None`` when the article has none). The place is inferred, so coarser than a named one."""

    sentence: Span
    when: EventDate
    mention: int | None


@dataclass(frozen=True, slots=True)
class Reading:
    """What :func:`read_events` makes of an article: a role per mention, the sentences with their
    dates, and the events."""

    roles: list[Role]
    sentences: list[Span]
    dates: list[EventDate]
    events: list[Event] = field(default_factory=list)
    inferred: list[InferredEvent] = field(default_factory=list)


def read_events(article: Any, mentions: Sequence[Any]) -> Reading:
    """The roles, sentence dates and events of ``article`` (a :class:`dashboard.reader.Article`) from
    its resolved ``mentions`` (``gazetteer.geoparse.Mention``: ``start``, ``end``, ``place.id``).

    A mention outside every sentence (in a region the reader did not call content) gets its line as
    its sentence, so no mention is without an event."""
    text = article.text
    spans = list(getattr(article, "content_spans", None) or [(0, len(text))])
    sents = sentences(text, spans, keep=[(m.start, m.end) for m in mentions])
    dates = date_sentences(text, sents, getattr(article, "published", None))
    roles = assign_roles(text, mentions, sents)
    starts = [s for s, _ in sents]
    by_key: dict[tuple[Span, int], int] = {}
    events: list[Event] = []
    for index, mention in sorted(enumerate(mentions), key=lambda im: (im[1].start, im[1].end)):
        i = bisect.bisect_right(starts, mention.start) - 1
        if i >= 0 and sents[i][0] <= mention.start and mention.end <= sents[i][1]:
            sentence, when = sents[i], dates[i]
        else:
            sentence, when = _line_of(text, mention.start, mention.end), _published(article)
        role = roles[index]
        key = (sentence, mention.place.id)
        if key in by_key:  # the place again in the sentence: literal if any of its mentions is
            j = by_key[key]
            if events[j].role == ASSOCIATIVE and role.role == LITERAL:
                old = events[j]
                events[j] = Event(old.sentence, old.place_id, old.mention, old.when, LITERAL, role.confidence)
            continue
        by_key[key] = len(events)
        events.append(Event(sentence, mention.place.id, index, when, role.role, role.confidence))
    return Reading(roles, sents, dates, events, _inferred(text, sents, dates, mentions, roles))


def _inferred(text: str, sents: list[Span], dates: list[EventDate], mentions: Sequence[Any],
              roles: list[Role]) -> list[InferredEvent]:
    """The sentences dated by their own words that name no place, each with the place it takes."""
    mention_starts = sorted(m.start for m in mentions)
    literal = sorted((m.start, i) for i, (m, r) in enumerate(zip(mentions, roles, strict=True))
                     if r.role == LITERAL and not r.filed_from)
    if not literal:
        return [InferredEvent(s, d, None) for s, d in zip(sents, dates, strict=True) if _own_date(text, s, d)
                and not _names_a_place(s, mention_starts)]
    counts: dict[int, int] = {}
    for _, i in literal:
        counts[mentions[i].place.id] = counts.get(mentions[i].place.id, 0) + 1
    focus = max(literal, key=lambda si: (counts[mentions[si[1]].place.id], -si[0]))[1]
    starts = [s for s, _ in literal]
    out, paragraph_start = [], 0
    for sentence, when, new in zip(sents, dates, new_paragraphs(text, sents), strict=True):
        if new:
            paragraph_start = sentence[0]
        if not _own_date(text, sentence, when) or _names_a_place(sentence, mention_starts):
            continue
        k = bisect.bisect_left(starts, sentence[0]) - 1
        out.append(InferredEvent(sentence, when, literal[k][1] if k >= 0 and starts[k] >= paragraph_start
                                 else focus))
    return out


MIN_INFERRED_WORDS = 4  # words besides its date that a place-less sentence needs to report something


def _own_date(text: str, sentence: Span, when: EventDate) -> bool:
    """Is the sentence dated by its own words, and more than a date line ("Thursday, December 2")?"""
    if when.source != "text" or when.span is None or not sentence[0] <= when.span[0] < sentence[1]:
        return False
    rest = text[sentence[0]:when.span[0]] + " " + text[when.span[1]:sentence[1]]
    return len(_WORD.findall(rest)) >= MIN_INFERRED_WORDS


def _names_a_place(sentence: Span, mention_starts: Sequence[int]) -> bool:
    """Whether a mention starts inside ``sentence`` (``mention_starts`` sorted: a bisection, not a scan)."""
    i = bisect.bisect_left(mention_starts, sentence[0])
    return i < len(mention_starts) and mention_starts[i] < sentence[1]


def extract_events(article: Any, mentions: Sequence[Any]) -> list[Event]:
    """The events of ``article``: one per sentence and place (see :func:`read_events`)."""
    return read_events(article, mentions).events


def _published(article: Any) -> EventDate:
    published = getattr(article, "published", None)
    return EventDate(published.isoformat(), "day", "published") if published else UNDATED


def _line_of(text: str, start: int, end: int) -> Span:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return strip_span(text, line_start, len(text) if line_end < 0 else line_end)
