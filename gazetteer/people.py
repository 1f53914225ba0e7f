"""Which capitalised names in a text are people's: titles, name lists, "First Last" pairs, kin."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection
from typing import TYPE_CHECKING

from .datafiles import stoplist
from .names import normalize, prior_of_name
from .wordlists import cues, frequent_given_names, kin_words, person_titles

if TYPE_CHECKING:
    from .index import Gazetteer
    from .recognize import Toponym, _Token

FUNCTION_WORD = 5.0  # Zipf frequency from which a capitalised word is "The", "In", "But": not part of a name
PERSON_OVER_TOWN = 7.0  # a given name before a town's name less prominent than this makes a person

_PARTICLES = frozenset(("de", "da", "di", "du", "le", "la", "van", "von", "der", "den", "del", "dos", "bin", "ibn"))
_COUPLE = re.compile(r" and ([A-Z][^\W\d_]+) ([A-Z][^\W\d_'’-]+)")
_LOCATIVE = frozenset((
    "in", "at", "from", "near", "to", "into", "across", "outside", "inside", "throughout", "via", "between",
    "around", "toward", "towards", "en", "à", "de", "desde", "hacia",
))


def same_name(text: str, a: _Token, b: _Token, zipf: dict[str, float], given: Collection[str] = ()) -> bool:
    """Whether two neighbouring capitalised words read as parts of one proper name: one space apart,
    both in capitals or neither ("WASHINGTON Barack Obama" is a dateline, then a name), and the first
    not a capitalised function word ("The Laurel County Sheriff"), unless a given name ("John", "Bill")."""
    return text[a.end:b.start] == " " and a.text.isupper() == b.text.isupper() \
        and (zipf.get(a.text.lower(), 0.0) < FUNCTION_WORD or a.text.lower() in given)  # "John Bolton"


def strongest(span: Toponym) -> float:
    """The prior of a span's likeliest candidate (:func:`gazetteer.names.prior`)."""
    return max((prior_of_name(p, kind, span.key) for p, kind in span.candidates), default=0.0)


def mark_people(text: str, spans: list[Toponym], per_region, gazetteer: Gazetteer) -> None:
    """Find the names that belong to people in this text and mark their spans.

    A one-word name is a person's when it follows a title ("President Obama", "Mr. Steele"), stands in
    a pair of a known given name and a known surname or unknown word ("Kimberly Hacker", "Brooke
    Henderson"; Faker's name lists), ends a
    "First Last" pair whose first word is not a common English word and whose last word is not a
    prominent place ("Christopher Steele", "Vladimir Isachenkov", but not "The Ukraine" or "CBC
    Toronto"), or begins a pair whose last word is such a surname ("Georgia Stevens"). A mention with
    a preposition of place before it ("in Georgia") keeps its place reading.
    """
    titles, stop, zipf = person_titles(), stoplist(), gazetteer.zipf
    # a word that says what kind of place the name before it is ("Kharkiv Oblast", "Aleppo province") is
    # no one's surname: two such names do not make their first words given names
    designators = {w for w, cue in cues().items() if cue.where in ("after", "both")}
    given_names, family_names = gazetteer.given_names, gazetteer.surnames
    frequent = frequent_given_names()
    span_at = {s.start: s for s in spans}
    named_first: set[str] = set()  # given names of pairs a name list confirms
    surnames: dict[str, set[str]] = defaultdict(set)  # surname -> the words seen before it ("" for a title)
    pairs: list[tuple[str, str]] = []  # (first, last) of two-word runs
    for _a, _b, tokens in per_region:
        run: list[_Token] = []
        for tok in [*tokens, None]:
            gap = text[run[-1].end:tok.start] if run and tok is not None else ""
            if tok is not None and (not run or (gap == " " and (same_name(text, run[-1], tok, zipf, frequent)
                                                                or run[-1].text.lower() in _PARTICLES))
                                                        or (gap in (" ", ". ", ", ") and run[-1].text in titles)
                                                        or (gap == ". " and len(run[-1].text) == 1)):
                # "Dr. X", "President, Vladimir Putin", "Kody R. Berrey"
                run.append(tok)
                continue
            if len(run) < 2:  # a word alone (most runs): no title before a name, no pair
                run = [tok] if tok is not None else []
                continue
            words = [t.key for t in run]
            titled = [k for k, t in enumerate(run[:-1]) if t.text in titles]
            if titled:  # "The Russian President, Vladimir Putin": the words after the last title
                for w in words[titled[-1] + 1:]:
                    surnames[w].add("")
                for t in run[titled[-1] + 1:]:  # "Interior Minister Bruno Le Roux": a name of two words too
                    if (span := span_at.get(t.start)) is not None and span.n_words > 1 and span.end <= run[-1].end:
                        span.person = True
            elif 2 <= len(run) <= 3 and text[run[-2].end:run[-1].start] == " ":
                whole = span_at.get(run[0].start)
                last = span_at.get(run[-1].start)
                if not (whole and whole.end >= run[-1].end):  # not itself a place ("Red Deer")
                    first = span_at.get(run[0].start)
                    if words[0] in given_names and not run[-1].text.isupper() and (
                            words[-1] in family_names or
                            (zipf.get(words[-1], 0.0) < 3.0 and not last and not (first and strongest(first) >= 7.0))):
                        surnames[words[-1]].add("")  # "Brooke Henderson", "Kimberly Hacker": a name list says so
                        named_first.add(words[0])
                    elif words[-2] in given_names and run[-2].start not in span_at and last is not None \
                            and strongest(last) < PERSON_OVER_TOWN and not run[-1].text.isupper():
                        surnames[words[-1]].add("")  # "John Bolton", "Bill Rigby": a given name, then a town's
                    elif words[0] in given_names and run[0].start not in span_at and not run[-1].text.isupper():
                        # "Bruno Le Roux", "Andre De Grasse": a given name, then a town's name of two words
                        tail = next((span_at[t.start] for t in run[1:] if t.start in span_at), None)
                        if tail is not None and tail.end == run[-1].end and strongest(tail) < PERSON_OVER_TOWN \
                                and (tail.n_words > 1 or run[1].text.lower() in _PARTICLES):
                            tail.person = True
                    elif not (last and strongest(last) >= 5.0) and words[-2] not in stop \
                            and zipf.get(words[0], 0.0) < 5.5 and words[-1] not in designators:
                        surnames[words[-1]].add(words[0])
                if len(run) == 2:
                    pairs.append((words[0], words[1]))
            run = [tok] if tok is not None else []
    # A first name needs its surname confirmed by another pair or a title: "Edmonton Oilers" alone
    # does not make Edmonton a given name, "Georgia Stevens" with "Cory Stevens" does.
    people = set(surnames) | named_first | {first for first, last in pairs if surnames.get(last, set()) - {first}}
    kin = kin_words()
    for span in spans:
        if span.n_words != 1 or span.key not in given_names:
            continue
        couple = _COUPLE.match(text, span.end)  # "Brent and Lynnette Hain"
        if couple and normalize(couple.group(1)) in given_names and \
                (normalize(couple.group(2)) in people or normalize(couple.group(2)) in family_names):
            people.add(span.key)
        words_before = text[max(0, span.start - 20):span.start].replace(",", " ").split()
        if words_before and words_before[-1].lower() in kin:  # "his wife, Dora", "wife Tonya"
            people.add(span.key)
    for span in spans:
        if span.n_words == 1 and span.key in people:
            span.person = True
        before = text[max(0, span.start - 14):span.start].split()
        # "in Georgia", "In Georgia, ..."; not "Andre De Grasse", where "De" begins the surname
        span.locative = bool(before) and (before[-1] in _LOCATIVE or (
            before[-1].lower() in _LOCATIVE and before[-1].lower() not in _PARTICLES))
