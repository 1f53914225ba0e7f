"""Sentences to events: an event is a sentence of an article with its places, their roles and its date.

:func:`read_events` reads an article's resolved mentions: each mention gets its role
(:mod:`dashboard.events.roles`), each sentence its date (:mod:`dashboard.events.dates`), its ACLED event
type (:mod:`dashboard.events.types`) and its deaths (:mod:`dashboard.events.deaths`), and each sentence and
place an :class:`Event`. An event's place is ``literal`` (where it happened) when any of the place's
mentions in the sentence is; the sentence's associative places are its actors.

A sentence printed again in the article (a lead paragraph twice, a title repeated as a subtitle) counts
once: its events are kept apart (``Reading.repeats``, each with ``repeat_of``: where the first copy starts)
and the mentions stay as they are.
"""
from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..spans import Span, strip_span
from .dates import date_sentences
from .deaths import Deaths, read_deaths
from .roles import ASSOCIATIVE, LITERAL, Role, assign_roles
from .sentences import new_paragraphs, sentences
from .timex import UNDATED, EventDate
from .types import NO_TYPE, STRATEGIC, EventType, classify, refine

_WORD = re.compile(r"[^\W\d_]{2,}")
_REPEAT_WORD = re.compile(r"\w+")
MIN_REPEAT_WORDS = 3  # a shorter line said twice ("Read more.") is no repeat of a report
HEAD_SENTENCES = 8  # the article's head (title, subtitle, lead): the sentences that layouts print twice


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
    event_type: str | None = None  # ACLED's event type of the sentence (None: its words name none)
    sub_event_type: str | None = None  # ACLED's sub-event type, where the words say it
    fatalities: int | None = None  # deaths reported (None: none reported, or reported without a number)
    fatalities_high: int | None = None  # the highest figure, when a range or several figures are given
    deaths_reported: bool = False  # the sentence reports deaths (with a number or without)
    repeat_of: int | None = None  # the start of the sentence's first copy, when the sentence is a repeat

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
    event_type: str | None = None
    sub_event_type: str | None = None
    fatalities: int | None = None
    fatalities_high: int | None = None
    deaths_reported: bool = False
    repeat_of: int | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """What :func:`read_events` makes of an article: a role per mention, the sentences with their
    dates, and the events."""

    roles: list[Role]
    sentences: list[Span]
    dates: list[EventDate]
    events: list[Event] = field(default_factory=list)
    inferred: list[InferredEvent] = field(default_factory=list)
    repeats: list[Event] = field(default_factory=list)  # the events of repeated sentences (not counted)


def read_events(article: Any, mentions: Sequence[Any]) -> Reading:
    """The roles, sentence dates and events of ``article`` (a :class:`dashboard.reader.Article`) from
    its resolved ``mentions`` (``gazetteer.geoparse.Mention``: ``start``, ``end``, ``place.id``).

    A mention outside every sentence (in a region the reader did not call content) gets its line as
    its sentence, so no mention is without an event."""
    text = article.text
    spans = list(getattr(article, "content_spans", None) or [(0, len(text))])
    sents = sentences(text, spans, keep=[(m.start, m.end) for m in mentions])
    paragraphs = new_paragraphs(text, sents)  # read once: the dates and the inferred events both need it
    dates = date_sentences(text, sents, getattr(article, "published", None), paragraphs)
    roles = assign_roles(text, mentions, sents)
    facts = [_facts(text, s) for s in sents]
    repeats = _repeats(text, sents)
    starts = [s for s, _ in sents]
    by_key: dict[tuple[Span, int], int] = {}
    events: list[Event] = []
    for index, mention in sorted(enumerate(mentions), key=lambda im: (im[1].start, im[1].end)):
        i = bisect.bisect_right(starts, mention.start) - 1
        if i >= 0 and sents[i][0] <= mention.start and mention.end <= sents[i][1]:
            sentence, when, (kind, deaths), repeat_of = sents[i], dates[i], facts[i], repeats[i]
        else:
            sentence, when, repeat_of = _line_of(text, mention.start, mention.end), _published(article), None
            kind, deaths = _facts(text, sentence)
        role = roles[index]
        key = (sentence, mention.place.id)
        if key in by_key:  # the place again in the sentence: literal if any of its mentions is
            j = by_key[key]
            if events[j].role == ASSOCIATIVE and role.role == LITERAL:
                events[j] = replace(events[j], role=LITERAL, role_confidence=role.confidence)
            continue
        by_key[key] = len(events)
        events.append(Event(sentence, mention.place.id, index, when, role.role, role.confidence, kind.type,
                            kind.sub_type, deaths.fatalities, deaths.high, deaths.reported, repeat_of))
    inferred = _inferred(text, sents, dates, paragraphs, mentions, roles, facts, repeats)
    return Reading(roles, sents, dates, [e for e in events if e.repeat_of is None], inferred,
                   [e for e in events if e.repeat_of is not None])


def _facts(text: str, sentence: Span) -> tuple[EventType, Deaths]:
    """The sentence's ACLED event type and the deaths it reports."""
    words = text[sentence[0]:sentence[1]]
    deaths = read_deaths(words)
    kind = classify(words)
    if kind is not NO_TYPE:
        kind = refine(kind, deaths.fatalities, deaths.reported)
    return kind, deaths


def _repeats(text: str, sents: list[Span]) -> list[int | None]:
    """For each sentence, the start of a sentence of the article's head (its first :data:`HEAD_SENTENCES`:
    title, subtitle, lead) with the same words (case, punctuation and white space aside), when this one is
    a later copy of it, else ``None``: the first copy counts, a repeat does not. A layout prints the head
    again (the title as a subtitle, the lead paragraph twice); a sentence the body says again is the
    writer's and stays."""
    head: dict[str, int] = {}
    openers: set[str] = set()  # the first words of the head's sentences
    out: list[int | None] = []
    for n, (start, end) in enumerate(sents):
        lowered = text[start:end].lower()
        if n >= HEAD_SENTENCES:  # after the head, a copy needs its first word to open a head sentence
            opener = _REPEAT_WORD.search(lowered)
            if opener is None or opener.group() not in openers:
                out.append(None)
                continue
        words = _REPEAT_WORD.findall(lowered)
        key = " ".join(words) if len(words) >= MIN_REPEAT_WORDS else None
        first = head.get(key) if key is not None else None
        out.append(first)
        if key is not None and first is None and n < HEAD_SENTENCES:
            head[key] = start
            openers.add(words[0])
    return out


def _reports(kind: EventType, deaths: Deaths) -> bool:
    """Does a sentence report something that happened (deaths, or a violent or public event), so that it is
    an event even when it names no place and no date ("the clashes have killed at least 49 people")?"""
    return deaths.reported or (kind.type is not None and kind.type != STRATEGIC)


def _inferred(text: str, sents: list[Span], dates: list[EventDate], paragraphs: Sequence[bool],
              mentions: Sequence[Any], roles: list[Role], facts: list[tuple[EventType, Deaths]],
              repeats: list[int | None]) -> list[InferredEvent]:
    """The sentences that name no place but are dated by their own words or report something that
    happened (:func:`_reports`), each with the place it takes."""
    mention_starts = sorted(m.start for m in mentions)
    literal = sorted((m.start, i) for i, (m, r) in enumerate(zip(mentions, roles, strict=True))
                     if r.role == LITERAL and not r.filed_from)
    focus: int | None = None
    if literal:
        counts: dict[int, int] = {}
        for _, i in literal:
            counts[mentions[i].place.id] = counts.get(mentions[i].place.id, 0) + 1
        focus = max(literal, key=lambda si: (counts[mentions[si[1]].place.id], -si[0]))[1]
    starts = [s for s, _ in literal]
    out, paragraph_start = [], 0
    for i, (sentence, when, new) in enumerate(zip(sents, dates, paragraphs, strict=True)):
        if new:
            paragraph_start = sentence[0]
        kind, deaths = facts[i]
        if _names_a_place(sentence, mention_starts) or not (_own_date(text, sentence, when)
                                                            or _reports(kind, deaths)):
            continue
        k = bisect.bisect_left(starts, sentence[0]) - 1
        out.append(InferredEvent(sentence, when, literal[k][1] if k >= 0 and starts[k] >= paragraph_start
                                 else focus, kind.type, kind.sub_type, deaths.fatalities, deaths.high,
                                 deaths.reported, repeats[i]))
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
