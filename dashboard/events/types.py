"""The kind of event a sentence reports: one of ACLED's six event types and, where its words say it, a
sub-event type, read by rules over cue lists kept as data (``dashboard/data/types_*.tsv``).

Each cue (a verb or a noun, one to four words; a single word ending in ``*`` is a stem) names a type, a
sub-type or none (``-``), and a weight. :func:`classify` adds up the weights of the cues a sentence holds,
per type; the type with the most wins (ties go to the type listed first in :data:`TYPES`: the more
specific, violent reading), and its sub-type is the one its cues weigh most for. A cue right after a word
of ``types_blockers.tsv`` (negation, the hypothetical: "no clashes", "to avoid an open war", "could
attack") does not count. A sentence whose cues weigh less than :data:`MIN_SCORE` has no type.

ACLED's own refinement is kept as a rule of classes, not of sentences: a protest with deaths reported is
"Excessive force against protesters" (:func:`refine`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..datafiles import rows

BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
STRATEGIC = "Strategic developments"
# ACLED's event types, in the order that breaks ties, with their sub-event types (ACLED's names).
TYPES: dict[str, tuple[str, ...]] = {
    EXPLOSIONS: ("Shelling/artillery/missile attack", "Air/drone strike", "Remote explosive/landmine/IED",
                 "Suicide bomb", "Grenade", "Chemical weapon"),
    BATTLES: ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    VIOLENCE_AGAINST_CIVILIANS: ("Attack", "Abduction/forced disappearance", "Sexual violence"),
    RIOTS: ("Violent demonstration", "Mob violence"),
    PROTESTS: ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    STRATEGIC: ("Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                "Headquarters or base established", "Looting/property destruction",
                "Non-violent transfer of territory", "Other"),
}
MIN_SCORE = 1.0  # the weight a sentence's cues need for it to have a type ...
DEATHS_MIN_SCORE = 0.5  # ... and its cues of violence, when it reports deaths ("kill 20 soldiers in attack on")
_ORDER = {t: i for i, t in enumerate(TYPES)}
_WORD = re.compile(r"[a-z]+(?:[-'’][a-z]+)*")
_MEMO = 50_000


@dataclass(frozen=True, slots=True)
class EventType:
    """A sentence's event type (``None``: its words name none), sub-type and the cues that said so."""

    type: str | None = None
    sub_type: str | None = None
    score: float = 0.0
    cues: tuple[str, ...] = ()  # the words of the cues found
    found: tuple[Any, ...] = field(default=(), repr=False, compare=False)  # the cues themselves


NO_TYPE = EventType()


@dataclass(frozen=True)
class _Cue:
    words: tuple[str, ...]
    type: str
    sub_type: str | None
    weight: float


class _Table:
    """The cues, by their first word (exact) or, for one-word stems, by the stem."""

    def __init__(self) -> None:
        self.by_first: dict[str, list[_Cue]] = {}
        self.stems: dict[str, _Cue] = {}
        self.longest_stem = 0
        self.blockers: dict[str, int] = {}
        self.looked_up: dict[str, bool] = {}  # words seen, and whether a cue may start at them
        self.cue_words: set[str] = set()
        self._seen: dict[str, tuple[_Cue, ...]] = {}

    def add(self, phrase: str, type_: str, sub: str, weight: float, where: str) -> None:
        if type_ not in TYPES:
            raise ValueError(f"{where}: {type_!r} is not one of ACLED's event types")
        sub_type = None if sub in ("", "-") else sub
        if sub_type is not None and sub_type not in TYPES[type_]:
            raise ValueError(f"{where}: {sub_type!r} is not an ACLED sub-event type of {type_}")
        words = tuple(phrase.lower().split())
        if len(words) == 1 and words[0].endswith("*"):
            self.stems[words[0][:-1]] = _Cue(words, type_, sub_type, weight)
            self.longest_stem = max(self.longest_stem, len(words[0]) - 1)
        else:
            self.by_first.setdefault(words[0], []).append(_Cue(words, type_, sub_type, weight))

    def starting(self, word: str) -> tuple[_Cue, ...]:
        """The cues that may start at ``word``: phrases whose first word it is, and the stem it continues."""
        try:
            return self._seen[word]
        except KeyError:
            pass
        found = list(self.by_first.get(word, ()))
        for k in range(min(len(word), self.longest_stem), 2, -1):
            cue = self.stems.get(word[:k])
            if cue is not None:
                found.append(cue)
                break
        out = tuple(sorted(found, key=lambda c: -len(c.words)))
        if len(self._seen) > _MEMO:
            self._seen.clear()
            self.looked_up.clear()
        self._seen[word] = out
        return out


@cache
def table() -> _Table:
    t = _Table()
    for name in ("types_verbs.tsv", "types_nouns.tsv"):
        for row in rows(name):
            if len(row) != 4:
                raise ValueError(f"dashboard/data/{name}: a row is cue, type, sub-type, weight: {row!r}")
            t.add(row[0], row[1], row[2], float(row[3]), f"dashboard/data/{name}")
    for word, window in rows("types_blockers.tsv"):
        t.blockers[word.lower()] = int(window)
    return t


def classify(text: str) -> EventType:
    """The event type of a sentence ``text`` (see the module's doc)."""
    t = table()
    words = _WORD.findall(text.lower())
    distinct = set(words)
    for word in distinct.difference(t.looked_up):  # new words only (set operations run in C)
        t.looked_up[word] = bool(t.starting(word))
        if t.looked_up[word]:
            t.cue_words.add(word)
    if t.cue_words.isdisjoint(distinct):  # no word of any cue
        return NO_TYPE
    found: dict[_Cue, str] = {}  # each cue counts once, however often it is said
    i, n = 0, len(words)
    while i < n:
        matched = 0
        for cue in t.starting(words[i]):
            k = len(cue.words)
            if k > 1 and tuple(words[i:i + k]) != cue.words:
                continue
            matched = k
            if not _blocked(words, i, t.blockers):
                found.setdefault(cue, " ".join(words[i:i + k]))
            break
        i += max(matched, 1)
    return _decide(found, violent_only=False)


def _decide(found: dict[_Cue, str], violent_only: bool, min_score: float = MIN_SCORE) -> EventType:
    scores: dict[str, float] = {}
    subs: dict[tuple[str, str], float] = {}
    for cue in found:
        if violent_only and cue.type == STRATEGIC:
            continue
        scores[cue.type] = scores.get(cue.type, 0.0) + cue.weight
        if cue.sub_type:
            subs[cue.type, cue.sub_type] = subs.get((cue.type, cue.sub_type), 0.0) + cue.weight
    if not scores:
        return NO_TYPE
    best = min(scores, key=lambda ty: (-scores[ty], _ORDER[ty]))
    if scores[best] < min_score:  # no type; the cues are kept for refine (deaths make weak cues of violence enough)
        return EventType(found=tuple(found))
    in_type = [(w, s) for (ty, s), w in subs.items() if ty == best]
    sub = min(in_type, key=lambda ws: (-ws[0], TYPES[best].index(ws[1])))[1] if in_type else None
    return EventType(best, sub, round(scores[best], 3), tuple(found.values()), tuple(found))


def refine(kind: EventType, deaths: int | None, deaths_reported: bool) -> EventType:
    """ACLED's rules of classes where deaths are reported (``deaths`` not 0): a strategic development is
    non-violent, so a sentence with deaths and a cue of violence is of the violent type ("six weeks of
    fighting claimed 6,500 lives and ended with a ceasefire": Battles), and one whose cues of violence weigh
    less than :data:`MIN_SCORE` takes their type when they weigh :data:`DEATHS_MIN_SCORE` (deaths say
    violence happened; the cue says which); a protest with deaths is excessive force against protesters."""
    if not deaths_reported or deaths == 0:
        return kind
    if kind.type is None:  # a weak cue of violence is enough with deaths: "Jihadists kill 20 soldiers in attack"
        kind = _decide({cue: " ".join(cue.words) for cue in kind.found}, violent_only=True, min_score=DEATHS_MIN_SCORE)
    if kind.type == STRATEGIC:
        violent = _decide(dict(zip(kind.found, kind.cues, strict=True)), violent_only=True)
        if violent.type is not None:
            kind = violent
    if kind.type == PROTESTS:
        return EventType(PROTESTS, "Excessive force against protesters", kind.score, kind.cues, kind.found)
    return kind


def _blocked(words: list[str], i: int, blockers: dict[str, int]) -> bool:
    for j in range(max(0, i - 4), i):
        window = blockers.get(words[j])
        if window is not None and i - j <= window:
            return True
    return False
