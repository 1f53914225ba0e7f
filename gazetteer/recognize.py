"""Toponym recognition: which spans of a text name places.

Gazetteer-led: every run of capitalised words (with the connectors names use: "of", "de", "d'", a
hyphen, "St.") is looked up in the index, longest match first, in one batch query per text. What
comes out are :class:`Span` records carrying their candidate places and the clues the resolver and the
filter need: where the span stands in its sentence, whether it is embedded in a longer proper name
(a person, an organisation), cue words around it ("Lake", "province", "corridor"), and an "X, Y"
qualifier after it. Deciding which spans are places is the resolver's job (it needs the candidates'
scores); this module only finds and describes them.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from .datafiles import data_file, read_tsv
from .names import normalize
from .place import Place
from .sources import ABBREVIATION, ALTERNATE

if TYPE_CHECKING:
    from .index import Gazetteer

MAX_TOKENS = 6
FUNCTION_WORD = 5.0  # Zipf frequency from which a capitalised word is "The", "In", "But": not part of a name
_WORD = re.compile(r"[^\W\d_]+")
# What may stand between two words of one name: a space, a hyphen, an apostrophe, a full stop.
_JOIN = re.compile(r"(?: |\u00a0|-|‐|‑|['’]|\. ?|\.-)")
# Lower-case words that occur inside names ("Isle of Man", "Côte d'Ivoire", "Rio de Janeiro").
_CONNECTORS = frozenset((
    "of", "de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "d", "la", "le", "les", "el", "al",
    "y", "e", "et", "and", "upon", "on", "am", "an", "der", "sur", "en", "i", "van", "von", "the",
))
_QUALIFIER_POSITION = re.compile(r"[^\W\d_]{2,}, $")  # "EDMONTON, " before the abbreviation
_SENTENCE_END = frozenset(".!?…\n\"“”‘'(«»:;•|*#>-–—")


@dataclass(frozen=True)
class Cue:
    word: str
    where: str  # "before" or "after"
    prefixes: tuple[str, ...]  # "H.STM", "A.ADM1", "P", ...


@cache
def cues() -> dict[str, Cue]:
    """Cue words by lower-case word (``data/cues.tsv``)."""
    out = {}
    for word, where, prefixes in read_tsv(data_file("cues.tsv")):
        out[word] = Cue(word, where, tuple(p.strip() for p in prefixes.split(",") if p.strip()))
    return out


@cache
def person_titles() -> frozenset[str]:
    """Words that stand before a person's name (``data/person_titles.tsv``)."""
    return frozenset(row[0] for row in read_tsv(data_file("person_titles.tsv")))


_LOCATIVE = frozenset((
    "in", "at", "from", "near", "to", "into", "across", "outside", "inside", "throughout", "via", "between",
    "around", "toward", "towards", "en", "à", "de", "desde", "hacia",
))


@cache
def org_heads() -> frozenset[str]:
    """Words that end organisations' and buildings' names (``data/org_heads.tsv``)."""
    return frozenset(row[0] for row in read_tsv(data_file("org_heads.tsv")))


@cache
def stoplist() -> frozenset[str]:
    """Normalised names that never count as places on their own (``data/stoplist.tsv``)."""
    return frozenset(normalize(row[0]) for row in read_tsv(data_file("stoplist.tsv")))


@dataclass
class Span:
    """A stretch of text that names something in the gazetteer, with what surrounds it."""

    start: int
    end: int
    text: str
    key: str
    candidates: list[tuple[Place, int]]  # (place, name kind) from the index
    n_words: int = 1
    sentence_initial: bool = False
    embedded: str = ""  # "", "start", "end", "middle": where it sits inside a longer capitalised run
    after_of: bool = False  # "Republic of Armenia", "MoD of Armenia"
    titlecase_line: bool = False  # a headline where every word is capitalised
    cue_before: Cue | None = None
    cue_after: Cue | None = None
    qualifier: str | None = None  # key of Y in "X, Y"
    qualifies: bool = False  # this span is the Y of an "X, Y"
    lowercase_elsewhere: bool = False  # the word also stands in lower case in the text ("peace")
    all_caps: bool = False
    zipf: float = 0.0  # how common the (one-word) name is as an English word
    person: bool = False  # the name is a person's in this text ("Christopher Steele", "Mr. Steele")
    organisation: bool = False  # part of an organisation's or building's name ("Tehran University")
    locative: bool = False  # a preposition of place stands before it ("in Georgia", "from Kapan")
    extras: dict = field(default_factory=dict)


@dataclass
class _Token:
    start: int
    end: int
    text: str

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, end)]


def _joined(text: str, a: _Token, b: _Token) -> bool:
    """Whether two neighbouring words can belong to one name."""
    return _JOIN.fullmatch(text, a.end, b.start) is not None


def _ngrams(text: str, tokens: list[_Token]) -> Iterable[tuple[int, int]]:
    """(first, last) token indices of every candidate name: starts capitalised, ends capitalised (or
    with a cue word such as "corridor"), with only connectors in between."""
    cue_words = cues()
    for i, tok in enumerate(tokens):
        if not tok.capitalised:
            continue
        yield i, i
        for j in range(i + 1, min(i + MAX_TOKENS, len(tokens))):
            if not _joined(text, tokens[j - 1], tokens[j]):
                break
            word = tokens[j].text
            if tokens[j].capitalised:
                yield i, j
            elif word.lower() in cue_words and cue_words[word.lower()].where != "before":
                yield i, j
                break
            elif word.lower() not in _CONNECTORS:
                break


def _is_abbreviation_ok(text: str, start: int, end: int) -> tuple[bool, int]:
    """Abbreviations (Ky., U.S., NSW) count only written with a full stop after them, in capitals, or
    as the Y of "X, Y" ("EDMONTON, Ky (WBKO)"). Returns whether it counts and the end of the span
    including that full stop."""
    surface = text[start:end]
    if end < len(text) and text[end] == ".":
        return True, end + 1
    letters = [c for c in surface if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True, end
    return _QUALIFIER_POSITION.search(text, max(0, start - 40), start) is not None, end


def _sentence_initial(text: str, start: int, floor: int) -> bool:
    i = start - 1
    while i >= floor and text[i] in " \t\u00a0":
        i -= 1
    return i < floor or text[i] in _SENTENCE_END


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b < 0 else b)


def _titlecase(words: Sequence[str]) -> bool:
    """A headline-style line: at least four words, nearly all of the longer ones capitalised."""
    long_words = [w for w in words if len(w) > 3]
    return len(words) >= 4 and len(long_words) >= 3 and \
        sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


def find_spans(text: str, gazetteer: Gazetteer, regions: Sequence[tuple[int, int]] | None = None) -> list[Span]:
    """Every span of ``text`` (inside ``regions``, default all of it) naming something in the index.

    Candidates come from one batch lookup (:meth:`Gazetteer.candidates`); overlaps are resolved
    longest first.
    """
    regions = regions if regions is not None else [(0, len(text))]
    per_region: list[tuple[int, int, list[_Token]]] = [(a, b, _tokens(text, a, b)) for a, b in regions]
    grams: list[tuple[int, list[_Token], int, int, str]] = []
    for r, (_a, _b, tokens) in enumerate(per_region):
        for i, j in _ngrams(text, tokens):
            key = normalize(text[tokens[i].start:tokens[j].end])
            if key:
                grams.append((r, tokens, i, j, key))
    found = gazetteer.candidates({g[4] for g in grams})
    stop = stoplist()

    chosen: list[Span] = []
    taken: list[tuple[int, int]] = []
    for r, tokens, i, j, key in sorted(grams, key=lambda g: (-(g[3] - g[2]), g[1][g[2]].start)):
        start, end = tokens[i].start, tokens[j].end
        if any(start < b and a < end for a, b in taken):
            continue
        hits = found.get(key) or []
        if hits and any(kind == ABBREVIATION for _, kind in hits):
            ok, abbr_end = _is_abbreviation_ok(text, start, end)
            hits = [h for h in hits if h[1] != ABBREVIATION or ok]
            if ok and any(kind == ABBREVIATION for _, kind in hits) and abbr_end <= per_region[r][1]:
                end = abbr_end
        if not hits or all(normalize(t.text) in stop for t in tokens[i:j + 1]):  # "May", "Far North"
            continue
        taken.append((start, end))
        chosen.append(Span(start, end, text[start:end], key, hits, n_words=j - i + 1,
                           zipf=gazetteer.zipf.get(key, 0.0) if i == j else 0.0))
    chosen.sort(key=lambda s: s.start)
    _describe(text, chosen, per_region, gazetteer.zipf)
    _mark_people(text, chosen, per_region, gazetteer)
    return chosen


def _same_name(text: str, a: _Token, b: _Token, zipf: dict[str, float]) -> bool:
    """Whether two neighbouring capitalised words read as parts of one proper name."""
    return a.capitalised and b.capitalised and text[a.end:b.start] == " " and a.text.isupper() == b.text.isupper() \
        and zipf.get(a.text.lower(), 0.0) < FUNCTION_WORD


def _describe(text: str, spans: list[Span], per_region, zipf: dict[str, float]) -> None:
    """Fill in each span's clues: sentence position, embedding in a longer name, cues, qualifiers."""
    lower_words = {m.group() for m in _WORD.finditer(text) if m.group().islower()}
    cue_words, heads = cues(), org_heads()
    titlecase_cache: dict[int, bool] = {}
    for span in spans:
        region = next(((a, b, toks) for a, b, toks in per_region if a <= span.start < b), per_region[0])
        a, _b, tokens = region
        inside = [k for k, t in enumerate(tokens) if span.start <= t.start < span.end]
        first, last = inside[0], inside[-1]
        line_a, line_b = _line_bounds(text, span.start)
        if line_a not in titlecase_cache:
            titlecase_cache[line_a] = _titlecase(_WORD.findall(text, line_a, line_b))
        span.titlecase_line = titlecase_cache[line_a]
        span.sentence_initial = _sentence_initial(text, span.start, max(a, line_a))
        span.all_caps = span.text.isupper()
        span.lowercase_elsewhere = span.n_words == 1 and span.key in lower_words

        # Embedded in a longer run of capitalised words ("Armen Grigoryan", "Moscow Times")?
        # Not counting a capitalised function word ("The Laurel County Sheriff") or a change between
        # capitals and mixed case ("WASHINGTON Barack Obama" is a dateline, then a name).
        before = first > 0 and _same_name(text, tokens[first - 1], tokens[first], zipf)
        after = last + 1 < len(tokens) and _same_name(text, tokens[last], tokens[last + 1], zipf)
        span.embedded = {(True, True): "middle", (True, False): "end", (False, True): "start"}.get((before, after), "")
        k = last
        while k + 1 < len(tokens) and _same_name(text, tokens[k], tokens[k + 1], zipf):
            k += 1
            if tokens[k].text in heads:
                span.organisation = True
                break
        span.after_of = first > 1 and tokens[first - 1].text in ("of", "de", "du", "del") and \
            tokens[first - 2].capitalised

        if first > 0 and text[tokens[first - 1].end:tokens[first].start] in (" ", "\u00a0"):
            cue = cue_words.get(tokens[first - 1].text.lower())
            if cue and cue.where in ("before", "both"):
                span.cue_before = cue
        if first > 1 and tokens[first - 1].text == "of":  # "the province of X", "the city of X"
            cue = cue_words.get(tokens[first - 2].text.lower())
            if cue and cue.where in ("before", "both"):
                span.cue_before = cue
        if last + 1 < len(tokens) and text[tokens[last].end:tokens[last + 1].start] in (" ", "\u00a0"):
            cue = cue_words.get(tokens[last + 1].text.lower())
            if cue and cue.where in ("after", "both"):
                span.cue_after = cue
    # "X, Y": Y right after X and a comma, itself a span.
    by_start = {s.start: s for s in spans}
    for span in spans:
        m = re.match(r",\s?", text[span.end:span.end + 2])
        if m and (nxt := by_start.get(span.end + m.end())) is not None:
            span.qualifier = nxt.key
            nxt.qualifies = True


def strongest(span: Span) -> float:
    """The prominence of a span's most prominent candidate (alternate names count for less)."""
    return max((p.prominence - (1.5 if kind == ALTERNATE else 0.0) for p, kind in span.candidates), default=0.0)


def _mark_people(text: str, spans: list[Span], per_region, gazetteer: Gazetteer) -> None:
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
    given_names, family_names = gazetteer.given_names, gazetteer.surnames
    span_at = {s.start: s for s in spans}
    named_first: set[str] = set()  # given names of pairs a name list confirms
    surnames: dict[str, set[str]] = defaultdict(set)  # surname -> the words seen before it ("" for a title)
    pairs: list[tuple[str, str]] = []  # (first, last) of two-word runs
    for _a, _b, tokens in per_region:
        run: list[_Token] = []
        for tok in [*tokens, None]:
            gap = text[run[-1].end:tok.start] if run and tok is not None else ""
            if tok is not None and tok.capitalised and (not run or (gap == " " and _same_name(text, run[-1], tok, zipf))
                                                        or (gap in (" ", ". ", ", ") and run[-1].text in titles)
                                                        or (gap == ". " and len(run[-1].text) == 1)):
                # "Dr. X", "President, Vladimir Putin", "Kody R. Berrey"
                run.append(tok)
                continue
            words = [normalize(t.text) for t in run]
            titled = [k for k, t in enumerate(run[:-1]) if t.text in titles]
            if titled:  # "The Russian President, Vladimir Putin": the words after the last title
                for w in words[titled[-1] + 1:]:
                    surnames[w].add("")
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
                    elif not (last and strongest(last) >= 5.0) and words[-2] not in stop \
                            and zipf.get(words[0], 0.0) < 5.5:
                        surnames[words[-1]].add(words[0])
                if len(run) == 2:
                    pairs.append((words[0], words[1]))
            run = [tok] if tok is not None and tok.capitalised else []
    # A first name needs its surname confirmed by another pair or a title: "Edmonton Oilers" alone
    # does not make Edmonton a given name, "Georgia Stevens" with "Cory Stevens" does.
    people = set(surnames) | named_first | {first for first, last in pairs if surnames.get(last, set()) - {first}}
    for span in spans:
        if span.n_words == 1 and span.key in people:
            span.person = True
        before = text[max(0, span.start - 14):span.start].split()
        span.locative = bool(before) and before[-1].lower() in _LOCATIVE
