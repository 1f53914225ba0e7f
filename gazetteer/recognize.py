"""Toponym recognition: which spans of a text name places.

Gazetteer-led: every run of capitalised words (with the connectors names use: "of", "de", "d'", a
hyphen, "St.") is looked up in the index, longest match first, in one batch query per text. What
comes out are :class:`Toponym` records carrying their candidate places and the clues the resolver and the
filter need: where the span stands in its sentence, whether it is embedded in a longer proper name
(a person, an organisation), cue words around it ("Lake", "province", "corridor"), and an "X, Y"
qualifier after it. Deciding which spans are places is the resolver's job (it needs the candidates'
scores); this module only finds and describes them.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING

from .datafiles import data_file, read_tsv, stoplist
from .names import ABBREVIATION, normalize, prior
from .place import Place

if TYPE_CHECKING:
    from .index import Gazetteer

MAX_TOKENS = 6
FUNCTION_WORD = 5.0  # Zipf frequency from which a capitalised word is "The", "In", "But": not part of a name
_WORD = re.compile(r"[^\W\d_]+")
_NEWLINE = re.compile("\n")
# Lower-case words that occur inside names ("Isle of Man", "Côte d'Ivoire", "Rio de Janeiro").
_CONNECTORS = (
    "of", "de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "d", "la", "le", "les", "el", "al",
    "y", "e", "et", "and", "upon", "on", "am", "an", "der", "sur", "en", "i", "van", "von", "the",
)
# What may stand between two capitalised words of one name: a space, a hyphen, an apostrophe or a full
# stop, with connectors in between ("Bosnia and Herzegovina", "Stratford-upon-Avon", "St. Louis").
_JOINER = r"(?: |\u00a0|-|‐|‑|['’]|\. ?|\.-)"
_GAP = re.compile(rf"{_JOINER}(?:(?:{'|'.join(_CONNECTORS)}){_JOINER})*")
_NEXT_WORD = re.compile(r"[ \u00a0]([^\W\d_]+)")


@cache
def _capitalised_word() -> re.Pattern[str]:
    """A word that starts with an upper-case letter (any script); built once from Unicode's own table."""
    upper = [cp for cp in range(0x2FFFF) if chr(cp).isupper()]
    ranges, start, prev = [], upper[0], upper[0]
    for cp in upper[1:]:
        if cp != prev + 1:
            ranges.append((start, prev))
            start = cp
        prev = cp
    ranges.append((start, prev))
    cls = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(rf"(?<![^\W\d_])[{cls}][^\W\d_]*")


_LIST_GAP = re.compile(r",\s*|,?\s+(?:and|or|y|et|und)\s+")
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


@dataclass
class Toponym:
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
    siblings: list[str] = field(default_factory=list)  # keys of names listed with it ("Montana and Wyoming")
    lowercase_elsewhere: bool = False  # the word also stands in lower case in the text ("peace")
    all_caps: bool = False
    zipf: float = 0.0  # how common the (one-word) name is as an English word
    person: bool = False  # the name is a person's in this text ("Christopher Steele", "Mr. Steele")
    organisation: bool = False  # part of an organisation's or building's name ("Tehran University")
    building: bool = False  # itself ends like a building's name ("White House")
    locative: bool = False  # a preposition of place stands before it ("in Georgia", "from Kapan")
    tokens: tuple[int, int, int] = (0, 0, 0)  # region, first and last word index (for describing it)


@dataclass(slots=True)
class _Token:
    """A capitalised word (lower-case words are read from the text between tokens when needed)."""

    start: int
    end: int
    text: str


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group()) for m in _capitalised_word().finditer(text, start, end)]


def _ngrams(text: str, tokens: list[_Token], limit: int) -> Iterable[tuple[int, int, int]]:
    """(first token, last token, end offset) of every candidate name: capitalised words joined by
    spaces, hyphens, apostrophes, full stops and connectors, optionally followed by a cue word that
    can end a name ("Lachin corridor", "Siunik region")."""
    cue_words = cues()
    for i in range(len(tokens)):
        for j in range(i, min(i + MAX_TOKENS, len(tokens))):
            if j > i and not _GAP.fullmatch(text, tokens[j - 1].end, tokens[j].start):
                break
            end = tokens[j].end
            yield i, j, end
            m = _NEXT_WORD.match(text, end, limit)
            if m and (cue := cue_words.get(m.group(1))) is not None and cue.where != "before":
                yield i, j, m.end()


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


def _words_before(text: str, floor: int, pos: int) -> list[str]:
    """The (up to two) words right before ``pos``, separated from it and each other by single spaces."""
    if pos - 1 < floor or text[pos - 1] not in " \u00a0":
        return []
    words = text[floor:pos - 1].rsplit(" ", 2)[-2:]
    out = []
    for w in reversed(words):
        if not w.isalpha():
            break
        out.insert(0, w)
    return out


def _sentence_initial(text: str, start: int, floor: int) -> bool:
    i = start - 1
    while i >= floor and text[i] in " \t\u00a0":
        i -= 1
    return i < floor or text[i] in _SENTENCE_END


def _line_bounds(text: str, pos: int, breaks: Sequence[int] | None = None) -> tuple[int, int]:
    """The line around ``pos``; with ``breaks`` (every "\\n"'s offset, sorted) found by bisection, so that
    looking up every span's line costs the same in a text of one long line as in one of many."""
    if breaks is None:
        a = text.rfind("\n", 0, pos) + 1
        b = text.find("\n", pos)
        return a, (len(text) if b < 0 else b)
    i = bisect_left(breaks, pos)
    return (breaks[i - 1] + 1 if i > 0 else 0), (breaks[i] if i < len(breaks) else len(text))


def _titlecase(words: Sequence[str]) -> bool:
    """A headline-style line: at least four words, nearly all of the longer ones capitalised."""
    long_words = [w for w in words if len(w) > 3]
    return len(words) >= 4 and len(long_words) >= 3 and \
        sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


def find_spans(text: str, gazetteer: Gazetteer, regions: Sequence[tuple[int, int]] | None = None) -> list[Toponym]:
    """Every span of ``text`` (inside ``regions``, default all of it) naming something in the index.

    Candidates come from one batch lookup (:meth:`Gazetteer.candidates`); overlaps are resolved
    longest first.
    """
    regions = regions if regions is not None else [(0, len(text))]
    per_region: list[tuple[int, int, list[_Token]]] = [(a, b, _tokens(text, a, b)) for a, b in regions]
    grams: list[tuple[int, int, int, int, str]] = []  # region, first, last, end, key
    for r, (_a, b, tokens) in enumerate(per_region):
        for i, j, end in _ngrams(text, tokens, b):
            key = normalize(text[tokens[i].start:end])
            if key:
                grams.append((r, i, j, end, key))
    found = gazetteer.candidates({g[4] for g in grams})
    stop = stoplist()

    chosen: list[Toponym] = []
    taken_starts: list[int] = []  # the chosen spans, sorted; they never overlap
    taken_ends: list[int] = []
    for r, i, j, end, key in sorted(grams, key=lambda g: (-(g[3] - per_region[g[0]][2][g[1]].start), g[3])):
        hits = found.get(key)
        if not hits:
            continue
        tokens = per_region[r][2]
        start = tokens[i].start
        k = bisect_right(taken_starts, start)
        if (k and taken_ends[k - 1] > start) or (k < len(taken_starts) and taken_starts[k] < end):
            continue
        if any(kind == ABBREVIATION for _, kind in hits):
            ok, abbr_end = _is_abbreviation_ok(text, start, end)
            hits = [h for h in hits if h[1] != ABBREVIATION or ok]
            if ok and any(kind == ABBREVIATION for _, kind in hits) and abbr_end <= per_region[r][1]:
                end = abbr_end
        if not hits or all(normalize(t.text) in stop for t in tokens[i:j + 1]):  # "May", "Far North"
            continue
        k = bisect_right(taken_starts, start)
        taken_starts.insert(k, start)
        taken_ends.insert(k, end)
        chosen.append(Toponym(start, end, text[start:end], key, hits, n_words=j - i + 1,
                           zipf=gazetteer.zipf.get(key, 0.0) if i == j else 0.0, tokens=(r, i, j)))
    chosen.sort(key=lambda s: s.start)
    _describe(text, chosen, per_region, gazetteer.zipf)
    _mark_people(text, chosen, per_region, gazetteer)
    return chosen


def _same_name(text: str, a: _Token, b: _Token, zipf: dict[str, float]) -> bool:
    """Whether two neighbouring capitalised words read as parts of one proper name: one space apart,
    both in capitals or neither ("WASHINGTON Barack Obama" is a dateline, then a name), and the first
    not a capitalised function word ("The Laurel County Sheriff")."""
    return text[a.end:b.start] == " " and a.text.isupper() == b.text.isupper() \
        and zipf.get(a.text.lower(), 0.0) < FUNCTION_WORD


def _continues(text: str, a: _Token, b: _Token) -> bool:
    """Whether the capitalised word ``b`` goes on the proper name that ``a`` ends ("New York Times")."""
    return text[a.end:b.start] == " " and a.text.isupper() == b.text.isupper()


def _describe(text: str, spans: list[Toponym], per_region, zipf: dict[str, float]) -> None:
    """Fill in each span's clues: sentence position, embedding in a longer name, cues, qualifiers."""
    cue_words, heads = cues(), org_heads()
    titlecase_cache: dict[int, bool] = {}
    lower_words: set[str] | None = None
    breaks = [m.start() for m in _NEWLINE.finditer(text)]
    for span in spans:
        r, first, last = span.tokens
        a, _b, tokens = per_region[r]
        line_a, line_b = _line_bounds(text, span.start, breaks)
        if line_a not in titlecase_cache:
            titlecase_cache[line_a] = _titlecase(_WORD.findall(text, line_a, line_b))
        span.titlecase_line = titlecase_cache[line_a]
        span.sentence_initial = _sentence_initial(text, span.start, max(a, line_a))
        span.all_caps = span.text.isupper()
        if span.n_words == 1 and (span.sentence_initial or span.titlecase_line):
            if lower_words is None:  # once per text, and only when needed
                lower_words = {w for w in _WORD.findall(text) if w.islower()}
            span.lowercase_elsewhere = span.text.lower() in lower_words

        # Embedded in a longer run of capitalised words ("Armen Grigoryan", "Moscow Times")?
        # Not counting a capitalised function word ("The Laurel County Sheriff") or a change between
        # capitals and mixed case ("WASHINGTON Barack Obama" is a dateline, then a name).
        before = first > 0 and _same_name(text, tokens[first - 1], tokens[first], zipf)
        after = last + 1 < len(tokens) and tokens[last].end == span.end and \
            _continues(text, tokens[last], tokens[last + 1])
        span.embedded = {(True, True): "middle", (True, False): "end", (False, True): "start"}.get((before, after), "")
        # A building's name that a small place also bears ("the White House" is not White House, Tenn.)
        span.building = span.n_words > 1 and tokens[last].text in heads
        k = last
        while k + 1 < len(tokens) and _continues(text, tokens[k], tokens[k + 1]):
            k += 1
            if tokens[k].text in heads:
                span.organisation = True
                break
        before_words = _words_before(text, max(a, span.start - 40), span.start)
        if before_words:
            cue = cue_words.get(before_words[-1].lower())
            if cue and cue.where in ("before", "both"):
                span.cue_before = cue
        if len(before_words) >= 2 and before_words[-1] in ("of", "de", "du", "del"):
            # "Republic of Armenia", "Treaty of Friendship"; not "Residents of Lachin" opening a sentence
            x_start = span.start - len(before_words[-1]) - len(before_words[-2]) - 2
            span.after_of = before_words[-2][0].isupper() and not _sentence_initial(text, x_start, a)
            cue = cue_words.get(before_words[-2].lower())  # "the province of X", "the city of X"
            if before_words[-1] == "of" and cue and cue.where in ("before", "both"):
                span.cue_before = cue
        if (m := _NEXT_WORD.match(text, span.end)) is not None:
            cue = cue_words.get(m.group(1).lower())
            if cue and cue.where in ("after", "both"):
                span.cue_after = cue
    # Lists: "Vardenis, Sotk, Artanish", "Montana and Wyoming".
    for a, b in pairwise(spans):
        if _LIST_GAP.fullmatch(text, a.end, b.start):
            a.siblings.append(b.key)
            b.siblings.append(a.key)
    # "X, Y": Y right after X and a comma, itself a span.
    by_start = {s.start: s for s in spans}
    for span in spans:
        m = re.match(r",\s?", text[span.end:span.end + 2])
        if m and (nxt := by_start.get(span.end + m.end())) is not None:
            span.qualifier = nxt.key
            nxt.qualifies = True


def strongest(span: Toponym) -> float:
    """The prior of a span's likeliest candidate (:func:`gazetteer.names.prior`)."""
    return max((prior(p, kind) for p, kind in span.candidates), default=0.0)


def _mark_people(text: str, spans: list[Toponym], per_region, gazetteer: Gazetteer) -> None:
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
            if tok is not None and (not run or (gap == " " and _same_name(text, run[-1], tok, zipf))
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
            run = [tok] if tok is not None else []
    # A first name needs its surname confirmed by another pair or a title: "Edmonton Oilers" alone
    # does not make Edmonton a given name, "Georgia Stevens" with "Cory Stevens" does.
    people = set(surnames) | named_first | {first for first, last in pairs if surnames.get(last, set()) - {first}}
    for span in spans:
        if span.n_words == 1 and span.key in people:
            span.person = True
        before = text[max(0, span.start - 14):span.start].split()
        span.locative = bool(before) and before[-1].lower() in _LOCATIVE
