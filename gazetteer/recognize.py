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
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, compress, pairwise
from typing import TYPE_CHECKING

from .datafiles import stoplist
from .names import ABBREVIATION, normalize
from .people import FUNCTION_WORD, mark_people, same_name
from .place import Place
from .wordlists import (
    OFFICE_CUE,
    Cue,
    club_prefixes,
    cues,
    dotted_abbreviations,
    frequent_given_names,
    located_heads,
    org_heads,
)

if TYPE_CHECKING:
    from .index import Gazetteer

MAX_TOKENS = 6
_WORD = re.compile(r"[^\W\d_]+")
_NEWLINE = re.compile("\n")
# Lower-case words that occur inside names ("Isle of Man", "Côte d'Ivoire", "Rio de Janeiro"; the Arabic
# article as its sound joins the next word: "Deir ez-Zor", "Dayr az-Zawr", "Ras ash-Shamra").
_CONNECTORS = (
    "of", "de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "d", "la", "le", "les", "el", "al",
    "y", "e", "et", "and", "upon", "on", "am", "an", "der", "sur", "en", "i", "van", "von", "the",
    "ez", "az", "es", "ash", "ad", "ar", "ed", "ech", "au", "aux",  # ... and "Port-au-Prince"
)
# What may stand between two capitalised words of one name: a space, a hyphen, an apostrophe or a full
# stop, with connectors in between ("Bosnia and Herzegovina", "Stratford-upon-Avon", "St. Louis").
_JOINER = r"(?: |\u00a0|-|‐|‑|['’]s |['’]|\. ?|\.-)"  # "Lao People's Democratic Republic"
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


# The same two patterns for a text whose letters and capitals are all ASCII (typographic quotes and
# dashes aside: :func:`_word_patterns`), where they find the same words three times as fast.
_ASCII_CAPITALISED = re.compile(r"(?<![A-Za-z])[A-Z][A-Za-z]*")
_ASCII_WORD = re.compile(r"[A-Za-z]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _word_patterns(text: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The patterns of a capitalised word and of a word to read ``text`` with: the ASCII ones when no
    character outside ASCII is a letter, a digit or a capital (``\\w`` and upper case then mean ASCII's)."""
    if any(c.isalnum() or c.isupper() for c in set(_NON_ASCII.findall(text))):
        return _capitalised_word(), _WORD
    return _ASCII_CAPITALISED, _ASCII_WORD


_COMMA = re.compile(r",\s?")  # "X, Y"
_LIST_GAP = re.compile(r",\s*|,?\s+(?:and|or|y|et|und)\s+")
_QUALIFIER_POSITION = re.compile(r"[^\W\d_]{2,}, $")  # "EDMONTON, " before the abbreviation
_STREET_CONNECTOR = re.compile(r" (?:du|de|des|de la|del|of|the) [A-Z]")
# A government office after a name ("Quebec Health Minister"): the name is a division's or country's.
_OFFICE_AFTER = re.compile(r"(?: [A-Z][a-z]+){0,2} (?:Minister|Premier|Governor|Legislature)\b")
_NAME_BEFORE = re.compile(r"(?<![^\W\d_])[A-Z][^\W\d_]+ $")  # a capitalised word and one space
_POSSESSIVE = ("'s", "’s")
COMMON_PHRASE = 5.0  # Zipf of every word after the article of a name made of common words ("The City")
_ARTICLES = frozenset(("The", "A", "An"))
_STREET_ABBREVIATION = re.compile(r" (?:St|Ave|Rd|Blvd)\.?(?=[,;:)]| [a-z])")  # not "Paris St. Germain"
_CONNECTED_AFTER = re.compile(r"(?: (?:de|du|des|del|della|di|da)|[ ]?d['’]) ?[A-Z]")
_INNER_CAPITAL = re.compile(r"(?!Mc|Mac|De|La|Le|Du|Di|Da|Van|Von|O')[A-Z][a-z]+[A-Z][a-z]+")
_SAINT = re.compile(r"(?:St|Ste|Saint|Sainte|San|Santa|Santo|São|Sankt)\b")
_NAME_GAPS = (" ", "'s ", "’s ", "' ", "’ ")  # "New York Times", "St. Paul's Hospital", "Magistrates’ Court"
_EMBEDDED = {(True, True): "middle", (True, False): "end", (False, True): "start"}  # (name before, after)
_SENTENCE_END = frozenset(".!?…\n\"“”‘'(«»:;•|*#>-–—")
_LINK_BEFORE = re.compile(r"\[[^\[\]\n]*\]\([^()\s]*\)\Z")  # a Markdown link ends here: "[Read more](https://...)"


@dataclass(slots=True)
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
    given_name: bool = False  # the (one-word) name is also a given name ("Lucy", "Konrad")
    person: bool = False  # the name is a person's in this text ("Christopher Steele", "Mr. Steele")
    organisation: bool = False  # part of an organisation's or building's name ("Tehran University")
    building: bool = False  # itself ends like a building's name ("White House")
    street: bool = False  # itself ends like a street's or square's name ("Church Street")
    common_words: bool = False  # every word of it is a common English word ("The City")
    article: bool = False  # "the" stands before it ("the Amazon", "the Atlantic")
    brand: bool = False  # written like a brand, with a capital inside ("VerDi")
    institution: bool = False  # the organisation stands in the place ("Toronto General Hospital")
    locative: bool = False  # a preposition of place stands before it ("in Georgia", "from Kapan")
    tokens: tuple[int, int, int] = (0, 0, 0)  # region, first and last word index (for describing it)


@dataclass(slots=True)
class _Token:
    """A capitalised word (lower-case words are read from the text between tokens when needed)."""

    start: int
    end: int
    text: str
    key: str  # normalize(text), folded once for the lookups, the stop-list and the people's names


_KEYS: dict[str, str] = {}  # surface -> its key: the same words and names recur from text to text
_KEYS_KEPT = 50_000


def _key(surface: str) -> str:
    """``normalize(surface)``, memoised (most words and runs of words a text has, others had too)."""
    key = _KEYS.get(surface)
    if key is None:
        if len(_KEYS) >= _KEYS_KEPT:
            _KEYS.clear()
        key = _KEYS[surface] = normalize(surface)
    return key


def _tokens(text: str, start: int, end: int, capitalised: re.Pattern[str]) -> list[_Token]:
    out = []
    for m in capitalised.finditer(text, start, end):
        word = m.group()
        out.append(_Token(m.start(), m.end(), word, _key(word)))
    return out


def _ngrams(text: str, tokens: list[_Token], limit: int) -> Iterable[tuple[int, int, int]]:
    """(first token, last token, end offset) of every candidate name: capitalised words joined by
    spaces, hyphens, apostrophes, full stops and connectors, optionally followed by a cue word that
    can end a name ("Lachin corridor", "Siunik region")."""
    cue_words = cues()
    # what each word is followed by, found once per word (not once per n-gram it ends): whether the next
    # capitalised word goes on its name, and the end of a cue word after it
    joins = [_GAP.fullmatch(text, a.end, b.start) is not None for a, b in pairwise(tokens)]
    cue_ends: list[int | None] = []
    for token in tokens:
        m = _NEXT_WORD.match(text, token.end, limit)
        cue_ends.append(m.end() if m and (cue := cue_words.get(m.group(1))) is not None and cue.where != "before"
                        else None)
    for i in range(len(tokens)):
        for j in range(i, min(i + MAX_TOKENS, len(tokens))):
            if j > i and not joins[j - 1]:
                break
            yield i, j, tokens[j].end
            if cue_ends[j] is not None:
                yield i, j, cue_ends[j]


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
    """Whether ``start`` opens a sentence (or a line): a sentence's end before it, or a Markdown link
    ("... people. [Read more](https://...) Residents of Kapan fled": scraped text keeps its links)."""
    i = start - 1
    while i >= floor and text[i] in " \t\u00a0":
        i -= 1
    if i < floor or text[i] in _SENTENCE_END:
        return True
    return text[i] == ")" and _LINK_BEFORE.search(text, max(floor, i - 500), i + 1) is not None


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
    if len(words) < 4:
        return False
    long_words = list(compress(words, map((3).__lt__, map(len, words))))  # len(w) > 3, without a Python loop
    if len(long_words) < 3:
        return False
    need, lower = 0.8 * len(long_words), 0  # capitalised long words needed; the others seen so far
    for w in long_words:
        if not w[0].isupper():
            lower += 1
            if len(long_words) - lower < need:  # a paragraph of prose: known after a few words
                return False
    return True


def find_spans(text: str, gazetteer: Gazetteer, regions: Sequence[tuple[int, int]] | None = None) -> list[Toponym]:
    """Every span of ``text`` (inside ``regions``, default all of it) naming something in the index.

    Candidates come from one batch lookup (:meth:`Gazetteer.candidates`); overlaps are resolved
    longest first.
    """
    regions = regions if regions is not None else [(0, len(text))]
    capitalised, word = _word_patterns(text)
    per_region: list[tuple[int, int, list[_Token]]] = [(a, b, _tokens(text, a, b, capitalised)) for a, b in regions]
    grams: list[tuple[int, int, int, int, str]] = []  # region, first, last, end, key
    for r, (_a, b, tokens) in enumerate(per_region):
        for i, j, end in _ngrams(text, tokens, b):
            key = tokens[i].key if i == j and end == tokens[i].end else _key(text[tokens[i].start:end])
            if key:
                grams.append((r, i, j, end, key))
    found = gazetteer.candidates({g[4] for g in grams})
    grams = [g for g in grams if found.get(g[4])]  # most runs name nothing: leave them out of the sort
    stop = stoplist()

    chosen: list[Toponym] = []
    taken_starts: list[int] = []  # the chosen spans, sorted; they never overlap
    taken_ends: list[int] = []
    # longest first, in capitalised words; of two as long, the earlier ("Peace River Valley" is not
    # Peace + River Valley), then the one with a cue word ("Siunik region")
    for r, i, j, end, key in sorted(grams, key=lambda g: (g[1] - g[2], per_region[g[0]][2][g[1]].start, -g[3])):
        hits = found[key]
        tokens = per_region[r][2]
        start = tokens[i].start
        k = bisect_right(taken_starts, start)
        if (k and taken_ends[k - 1] > start) or (k < len(taken_starts) and taken_starts[k] < end):
            continue
        if any(kind == ABBREVIATION for _, kind in hits):
            ok, abbr_end = _is_abbreviation_ok(text, start, end)
            # a division's abbreviation right after a name ends that name: "Plymouth Co.", "Boone CO."
            if ok and (m := _NAME_BEFORE.search(text, max(0, start - 40), start)) and \
                    gazetteer.zipf.get(m.group().strip().lower(), 0.0) < FUNCTION_WORD and \
                    not any(p.kind == "country" for p, kind in hits if kind == ABBREVIATION):
                ok = False
            surface = text[start:abbr_end]
            if ok and "." in surface.rstrip(".") and surface.casefold() not in dotted_abbreviations() and \
                    not any(p.kind == "country" for p, kind in hits if kind == ABBREVIATION):
                ok = False  # "M.D." is a degree: Maryland is "Md."; the dotted forms are written as listed
            hits = [h for h in hits if h[1] != ABBREVIATION or ok]
            if ok and any(kind == ABBREVIATION for _, kind in hits) and abbr_end <= per_region[r][1]:
                end = abbr_end
        if not hits or all(t.key in stop for t in tokens[i:j + 1]):  # "May", "Far North"
            continue
        k = bisect_right(taken_starts, start)
        taken_starts.insert(k, start)
        taken_ends.insert(k, end)
        chosen.append(Toponym(start, end, text[start:end], key, hits, n_words=j - i + 1,
                           zipf=gazetteer.zipf.get(key, 0.0) if i == j else 0.0,
                           given_name=i == j and key in gazetteer.given_names, tokens=(r, i, j)))
    chosen.sort(key=lambda s: s.start)
    _describe(text, chosen, per_region, gazetteer.zipf, frequent_given_names(), word)
    mark_people(text, chosen, per_region, gazetteer)
    return chosen


def _continues(text: str, a: _Token, b: _Token) -> bool:
    """Whether the capitalised word ``b`` goes on the proper name that ``a`` ends ("New York Times")."""
    return text[a.end:b.start] in _NAME_GAPS and a.text.isupper() == b.text.isupper()


def _describe(text: str, spans: list[Toponym], per_region, zipf: dict[str, float],
              given: Collection[str] = (), word: re.Pattern[str] = _WORD) -> None:
    """Fill in each span's clues: sentence position, embedding in a longer name, cues, qualifiers."""
    if not spans:
        return
    cue_words, heads = cues(), org_heads()
    breaks = [m.start() for m in _NEWLINE.finditer(text)]
    # each line's words, read once when first needed: for its headline test, and for the words the text
    # has in lower case (read only if a span needs them)
    line_words: dict[int, list[str]] = {}

    def words_of(a: int, b: int) -> list[str]:
        if a not in line_words:
            line_words[a] = word.findall(text, a, b)
        return line_words[a]

    lower_words: set[str] | None = None
    titlecase_cache: dict[int, bool] = {}
    for span in spans:
        r, first, last = span.tokens
        a, _b, tokens = per_region[r]
        line_a, line_b = _line_bounds(text, span.start, breaks)
        if line_a not in titlecase_cache:
            titlecase_cache[line_a] = _titlecase(words_of(line_a, line_b))
        span.titlecase_line = titlecase_cache[line_a]
        span.sentence_initial = _sentence_initial(text, span.start, max(a, line_a))
        span.all_caps = span.text.isupper()
        if span.n_words == 1 and (span.sentence_initial or span.titlecase_line):
            if lower_words is None:
                lines = zip([0, *(i + 1 for i in breaks)], [*breaks, len(text)], strict=True)
                lower_words = set(filter(str.islower, chain.from_iterable(words_of(*line) for line in lines)))
            span.lowercase_elsewhere = span.text.lower() in lower_words

        # Embedded in a longer run of capitalised words ("Armen Grigoryan", "Moscow Times")?
        # Not counting a capitalised function word ("The Laurel County Sheriff") or a change between
        # capitals and mixed case ("WASHINGTON Barack Obama" is a dateline, then a name).
        before = first > 0 and same_name(text, tokens[first - 1], tokens[first], zipf, given)
        after = last + 1 < len(tokens) and tokens[last].end == span.end and \
            _continues(text, tokens[last], tokens[last + 1])
        span.embedded = _EMBEDDED.get((before, after), "")
        # A building's name that a small place also bears ("the White House" is not White House, Tenn.)
        span.building = span.n_words > 1 and tokens[last].text in heads
        words = span.text.split()
        span.common_words = len(words) > 1 and words[0] in _ARTICLES and \
            all(zipf.get(w.lower(), 0.0) >= COMMON_PHRASE for w in words[1:])
        if span.n_words > 1:
            end_cue = cue_words.get(tokens[last].text.lower())
            span.street = end_cue is not None and end_cue.prefixes == ("-",) and end_cue.where == "after"
        span.street = span.street or _STREET_ABBREVIATION.match(text, span.end) is not None  # "69 Wooster St.,"
        # "Ballon d'Or", "Stade de France": a connector and a capitalised word go on a longer, unknown name
        span.after_of = span.after_of or _CONNECTED_AFTER.match(text, span.end) is not None
        # "VerDi": a capital inside the word that no place of that name has is a brand's
        span.brand = span.n_words == 1 and _INNER_CAPITAL.fullmatch(span.text) is not None and \
            all(p.name != span.text for p, _ in span.candidates)
        k = last
        while k + 1 < len(tokens) and _continues(text, tokens[k], tokens[k + 1]):
            k += 1
            possessive = text[tokens[k - 1].end:tokens[k - 1].end + 2] in _POSSESSIVE
            if tokens[k].text in heads:
                span.organisation = True
                # not "St. Paul's Hospital": a possessive names the person or saint it is named after
                span.institution = tokens[k].text in located_heads() and not possessive
                break
            if possessive:  # "Toronto's Pearson International Airport": the town's, not its name
                break
        if first > 0 and (tokens[first - 1].text in club_prefixes() or span.text in heads) \
                and _continues(text, tokens[first - 1], tokens[first]):
            span.organisation = True  # "Real Madrid", "Deportivo La Coruna": a club; "City Hall" a building
        before_words = _words_before(text, max(a, span.start - 40), span.start)
        span.article = bool(before_words) and before_words[-1].lower() == "the"
        if before_words:
            cue = cue_words.get(before_words[-1].lower())
            if cue and cue.where in ("before", "both"):
                span.cue_before = cue
        if len(before_words) >= 2 and before_words[-1] in ("of", "de", "du", "del"):
            # "Republic of Armenia", "Treaty of Friendship"; not "Residents of Lachin" opening a sentence
            x_start = span.start - len(before_words[-1]) - len(before_words[-2]) - 2
            span.after_of = span.after_of or (before_words[-2][0].isupper() and not _sentence_initial(text, x_start, a))
            cue = cue_words.get(before_words[-2].lower())  # "the province of X", "the city of X"
            if cue and cue.where in ("before", "both") and (before_words[-1] == "of" or cue.prefixes == ("-",)):
                span.cue_before = cue  # ... and "Gare du Nord", "Rue de Rivoli": a street's or building's
            elif cue and cue.where == "dedication" and before_words[-1] == "of" and _SAINT.match(span.text):
                span.cue_before = cue  # "the church of St. Peter": a dedication, not the town
        if span.n_words == 1 and (cue := cue_words.get(span.key)) is not None and cue.prefixes == ("-",) \
                and cue.where == "before" and _STREET_CONNECTOR.match(text, span.end):
            span.cue_after = cue  # "Gare du Nord": the word that starts the name is not a place
        if (m := _NEXT_WORD.match(text, span.end)) is not None:
            cue = cue_words.get(m.group(1).lower())
            if cue and cue.where in ("after", "both"):
                span.cue_after = cue
            elif m.group(1)[0].isupper() and _OFFICE_AFTER.match(text, span.end):
                span.cue_after = OFFICE_CUE  # "Quebec Health Minister", "Kharkiv Regional Governor"
    # Lists: "Vardenis, Sotk, Artanish", "Montana and Wyoming".
    chains: list[list[Toponym]] = [[spans[0]]] if spans else []
    for a, b in pairwise(spans):
        if _LIST_GAP.fullmatch(text, a.end, b.start):
            a.siblings.append(b.key)
            b.siblings.append(a.key)
            chains[-1].append(b)
        else:
            chains.append([b])
    # A plural cue word says what every name of the list is: "the Donetsk and Luhansk regions", "the
    # provinces of Helmand and Kandahar".
    for listed in chains:
        if len(listed) > 1:
            last, first = listed[-1].cue_after, listed[0].cue_before
            for span in listed:
                if last is not None and last.word.endswith("s") and span.cue_after is None:
                    span.cue_after = last
                # ... and a dedication or a street's word before it: "the church of St. Peter and St. Paul"
                if first is not None and (first.word.endswith("s") or (first.where == "dedication" and
                                                                        _SAINT.match(span.text))) \
                        and span.cue_before is None:
                    span.cue_before = first
    # "X, Y": Y right after X and a comma, itself a span.
    by_start = {s.start: s for s in spans}
    for span in spans:
        end = span.end  # ... or after its cue word: "Balochistan province, Pakistan"
        w = _NEXT_WORD.match(text, end) if span.cue_after is not None else None
        if w is not None and w.group(1).lower() == span.cue_after.word:
            end = w.end()
        m = _COMMA.match(text, end)
        if m and (nxt := by_start.get(m.end())) is not None:
            span.qualifier = nxt.key
            nxt.qualifies = True
