"""Deaths a sentence reports, as a number: ``killed at least 49 people`` (49), ``three dead`` (3), ``one of
its soldiers killed`` (1), ``claimed more than 6,500 lives`` (6500), ``dozens killed`` (12).

Rules over the words of ``dashboard/data/deaths_*.tsv``: a death word (``deaths_cues.tsv``) takes the count
before it ("49 Armenian soldiers died": fillers, people and capitalised words may stand between) or after it
("killed at least 49 people"), or a person named by a singular noun or a role ("the commander was killed",
"lost a soldier": one). ACLED's conventions: "at least N", "more than N", "about N" are N; vague words are
numbers ("several" 10, "dozens" 12, "hundreds" 100: ``deaths_numbers.tsv``); a range "10 to 15" is low 10,
high 15, and several figures in one sentence give the lowest as the count and the highest kept too. The
wounded are no deaths ("two soldiers were injured" ends the search). Deaths reported without a number
("ended in Armenian deaths") are ``reported`` with no count; a denial ("no one was killed") is 0; a
hypothetical ("could kill thousands") reports nothing. Number words go through ``text2num``.

A sentence's deaths belong to its own event: "the 2020 war, which claimed more than 6,500 lives" is a
sentence dated 2020 and the count goes with it (:func:`dashboard.events.extract.read_events`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from text_to_num import text2num

from ..datafiles import rows

MAX_FILLER = 6  # words a count may stand before its death word ("two of its troops had been killed")
WINDOW = 3  # words before a death word in which a denial or a hypothetical takes it
_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?[-–]\s?(?P<num2>\d{1,3}(?:,\d{3})+|\d+)\b)?"
    r"|(?P<word>[A-Za-z]+(?:[-'’][A-Za-z]+)*)|(?P<punct>[.,;:!?()\[\]\"“”—–])")
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_YEAR_BEFORE = frozenset({"in", "since", "until", "by", "from", "of", "after", "before", "during"})
_SINGULAR_DETERMINERS = frozenset({"a", "an", "one", "the", "its", "his", "her", "their", "our", "another",
                                   "this", "that"})


@dataclass(frozen=True, slots=True)
class Deaths:
    """What a sentence says of deaths: whether it reports any, the count (``None``: no number given) and the
    highest figure when it gives a range or several (``high``, else ``None``)."""

    reported: bool = False
    fatalities: int | None = None
    high: int | None = None


NO_DEATHS = Deaths()


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # num, word, punct
    text: str  # lower case
    cap: bool = False
    low: float | None = None  # a count's value (num tokens, number words, vague words)
    high: float | None = None


@dataclass(frozen=True)
class _Words:
    cues: dict[str, frozenset[str]]
    kinds: dict[tuple[str, ...], frozenset[str]]  # words and phrases of deaths_words.tsv
    persons: dict[str, str]  # person word -> one / many
    numbers: dict[tuple[str, ...], int]
    longest: int
    prefilter: re.Pattern[str]  # any case
    prefilter_lower: re.Pattern[str]  # the same for lower-case ASCII text, twice as fast
    number_starts: frozenset[str]


@cache
def words() -> _Words:
    cues: dict[str, set[str]] = {}
    for word, kind in rows("deaths_cues.tsv"):
        cues.setdefault(word.lower(), set()).add(kind)
    kinds: dict[tuple[str, ...], set[str]] = {}
    persons: dict[str, str] = {}
    for row in rows("deaths_words.tsv"):
        key = tuple(row[0].lower().split())
        kinds.setdefault(key, set()).add(row[1])
        if row[1] == "person":
            persons.setdefault(row[0].lower(), row[2] if len(row) > 2 else "many")
    numbers = {tuple(w.lower().split()): int(v) for w, v in rows("deaths_numbers.tsv")}
    longest = max(len(k) for k in [*kinds, *numbers])
    # A sentence without a death word, or without "lives"/"life" for the words that need it, is skipped.
    gate = sorted({c for c, k in cues.items() if k - {"lives"}} | {"lives", "life"}, key=len, reverse=True)
    gate_pattern = r"\b(?:" + "|".join(map(re.escape, gate)) + r")\b"
    return _Words({k: frozenset(v) for k, v in cues.items()}, {k: frozenset(v) for k, v in kinds.items()},
                  persons, numbers, longest, re.compile(gate_pattern, re.IGNORECASE), re.compile(gate_pattern),
                  frozenset(k[0] for k in numbers))


# The words text2num reads (a gate, so that only these are handed to it).
_NUMBER_WORD = re.compile(
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand"
    r"|million|billion)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?")


@lru_cache(maxsize=4096)
def _number_word(word: str) -> int | None:
    if not _NUMBER_WORD.fullmatch(word):
        return None
    try:
        return int(text2num(word, "en"))
    except (ValueError, TypeError):
        return None


def _tokens(text: str) -> list[_Tok]:
    w = words()
    raw: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        if m.group("num"):
            low = float(m.group("num").replace(",", ""))
            high = float(m.group("num2").replace(",", "")) if m.group("num2") else None
            raw.append(_Tok("num", m.group(0), False, low, high if high is not None and high > low else None))
        elif m.group("word"):
            word = m.group("word")
            raw.append(_Tok("word", word.lower().replace("’", "'"), word[0].isupper()))
        else:
            raw.append(_Tok("punct", m.group(0)))
    out: list[_Tok] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        if tok.kind == "num":
            low, high, i = tok.low, tok.high, i + 1
            if i < len(raw) and raw[i].text in _SCALES:  # "6.5 million"
                scale = _SCALES[raw[i].text]
                low, high, i = low * scale, high * scale if high is not None else None, i + 1
            out.append(_Tok("num", tok.text, False, int(low), int(high) if high is not None else None))
            continue
        if tok.kind == "word":
            # vague words and phrases ("dozens", "tens of thousands"), longest first
            for k in range(min(w.longest, len(raw) - i) if tok.text in w.number_starts else 0, 0, -1):
                key = tuple(t.text for t in raw[i:i + k])
                if key in w.numbers and key not in (("a",), ("an",)):
                    out.append(_Tok("num", " ".join(key), tok.cap, w.numbers[key]))
                    i += k
                    break
            else:
                run = _number_run(raw, i)
                if run:
                    value, i = run
                    out.append(_Tok("num", tok.text, tok.cap, value))
                else:
                    out.append(tok)
                    i += 1
            continue
        out.append(tok)
        i += 1
    return out


def _number_run(raw: list[_Tok], i: int) -> tuple[int, int] | None:
    """A count written in words from ``raw[i]`` ("forty-nine", "two hundred and fifty", "a dozen",
    "a hundred"): its value and the index after it, or ``None``."""
    first = raw[i].text
    if first in ("a", "an"):
        if i + 1 < len(raw) and raw[i + 1].text in ("dozen", "hundred", "thousand"):
            scale = 12 if raw[i + 1].text == "dozen" else _SCALES[raw[i + 1].text]
            return scale, i + 2
        return None
    if first == "dozen":
        return 12, i + 1
    if _number_word(first) is None:
        return None
    j = i + 1
    while j < len(raw) and raw[j].kind == "word" and (
            _number_word(raw[j].text) is not None
            or (raw[j].text == "and" and j + 1 < len(raw) and _number_word(raw[j + 1].text) is not None)):
        j += 1
    for end in range(j, i, -1):
        try:
            return int(text2num(" ".join(t.text for t in raw[i:end]), "en")), end
        except (ValueError, TypeError):
            continue
    return None


def read_deaths(text: str) -> Deaths:
    """The deaths that the sentence ``text`` reports (see the module's doc)."""
    w = words()
    # (in ASCII, lower case and IGNORECASE agree letter for letter; elsewhere Unicode's case rules need re's)
    if not (w.prefilter_lower.search(text.lower()) if text.isascii() else w.prefilter.search(text)):
        return NO_DEATHS
    toks = _tokens(text)
    figures: dict[int, tuple[int, int]] = {}
    reported = zero = False
    for i, tok in enumerate(toks):
        kinds = w.cues.get(tok.text) if tok.kind == "word" else None
        if not kinds:
            continue
        before = _before(toks, i, w)
        if "void" in before:
            continue
        if "zero" in before:
            if "zero" in kinds or any(k in kinds for k in ("after", "before")):
                reported = zero = True
            continue
        if "after" in kinds:
            reported = True
            _add(figures, _count_before(toks, i, w))
        if "before" in kinds:
            reported = True
            _add(figures, _count_after(toks, i + 1, w, need=None))
        if "lives" in kinds:
            found = _count_after(toks, i + 1, w, need=("lives", "life", "victims", "deaths"))
            if found is None and _word_seq(toks, i + 1, ("the", "lives", "of")):
                found = _count_after(toks, i + 4, w, need=None)
            if found is not None:
                reported = True
                _add(figures, found)
        if "lose" in kinds:
            if _word_seq(toks, i + 1, ("their", "lives")) or _word_seq(toks, i + 1, ("his", "life")) \
                    or _word_seq(toks, i + 1, ("her", "life")):
                reported = True
                _add(figures, _count_before(toks, i, w))
            else:
                found = _count_after(toks, i + 1, w, need="person")
                if found is not None:
                    reported = True
                    _add(figures, found)
        if "toll" in kinds and i > 0 and toks[i - 1].text == "death":
            reported = True
            j = i + 1
            while j < len(toks) and j <= i + 3 and "toll" in w.kinds.get((toks[j].text,), ()):
                j += 1
            _add(figures, _count_after(toks, j, w, need=None))
    if figures:
        low = min(lo for lo, _ in figures.values())
        high = max(hi for _, hi in figures.values())
        return Deaths(True, low, high if high > low else None)
    if zero:
        return Deaths(True, 0, None)
    return Deaths(True, None, None) if reported else NO_DEATHS


def _add(figures: dict[int, tuple[int, int]], found: tuple[int, int, int] | None) -> None:
    if found is not None:
        index, low, high = found
        figures[index] = (low, high)


def _word_seq(toks: list[_Tok], i: int, seq: tuple[str, ...]) -> bool:
    return tuple(t.text for t in toks[i:i + len(seq)]) == seq


def _before(toks: list[_Tok], i: int, w: _Words) -> set[str]:
    """The kinds (zero, void) of the words in the window before ``toks[i]``, within its clause."""
    found: set[str] = set()
    for j in range(i - 1, max(-1, i - 1 - WINDOW), -1):
        if toks[j].kind == "punct":
            break
        for kind in w.kinds.get((toks[j].text,), ()):
            if kind in ("zero", "void"):
                found.add(kind)
    if "zero" in found and i >= 2 and toks[i - 1].text in ("fewer", "less") and toks[i - 2].text == "no":
        found.discard("zero")
    return found


def _count(tok: _Tok, nxt: _Tok | None, w: _Words, prev: _Tok | None = None) -> tuple[int, int] | None:
    """``(low, high)`` of a count token, or ``None`` when it is no count (a year: "in 2020", "the 2020 war";
    "2000 people" is a count)."""
    if tok.kind != "num" or tok.low is None:
        return None
    if tok.high is None and tok.text.isdigit() and len(tok.text) == 4 and 1800 <= tok.low <= 2099 \
            and (not (nxt is not None and nxt.text in w.persons) or (prev is not None and prev.text in _YEAR_BEFORE)):
        return None
    if nxt is not None and "block" in w.kinds.get((nxt.text,), ()):
        return None
    return tok.low, tok.high if tok.high is not None else tok.low


def _count_before(toks: list[_Tok], i: int, w: _Words) -> tuple[int, int, int] | None:
    """The count that ``toks[i]`` (a death word) comes after: ``(index, low, high)``, or ``None``."""
    j, steps, singular, plural = i - 1, 0, False, False
    while j >= 0 and steps <= MAX_FILLER:
        tok = toks[j]
        if tok.kind == "num":
            if j > 0 and "subset" in w.kinds.get((toks[j - 1].text,), ()):
                return None
            value = _count(tok, toks[j + 1] if j + 1 < len(toks) else None, w, toks[j - 1] if j else None)
            if value is None:
                return None
            low, high = value
            joined = toks[j - 1].text if j >= 2 and toks[j - 2].kind == "num" and toks[j - 2].low else None
            if joined in ("to", "or") or (joined == "and" and j >= 3 and toks[j - 3].text == "between"):
                low = min(low, int(toks[j - 2].low))  # a range: "10 to 15", "between 10 and 15"
                j -= 2
            return j, low, high
        if tok.kind == "punct":
            skip = _subset_clause(toks, j, w) if tok.text == "," else None
            if skip is None:
                break
            j = skip
            continue
        kinds = w.kinds.get((tok.text,), frozenset())
        if "block" in kinds:
            return None
        person = w.persons.get(tok.text)
        if person == "one":
            singular = True
        elif person == "many":
            plural = True
        elif singular and not plural and tok.text in _SINGULAR_DETERMINERS:
            return j, 1, 1
        elif not (kinds & {"filler", "modifier"} or tok.cap):
            break
        j -= 1
        steps += 1
    if singular and not plural:
        return i, 1, 1
    return None


def _subset_clause(toks: list[_Tok], comma: int, w: _Words) -> int | None:
    """For a comma that closes ", including 10 civilians,": the index before the clause's opening comma."""
    for j in range(comma - 1, max(-1, comma - 8), -1):
        if toks[j].kind == "punct":
            if toks[j].text == "," and j + 1 < comma and "subset" in w.kinds.get((toks[j + 1].text,), ()):
                return j - 1
            return None
    return None


def _count_after(toks: list[_Tok], k: int, w: _Words, need: str | tuple[str, ...] | None
                 ) -> tuple[int, int, int] | None:
    """The count right after a death word (modifiers may come first): ``(index, low, high)``. ``need``:
    "person" (a person must follow the count), words one of which must follow it within a few words
    ("lives"), or ``None``."""
    n = len(toks)
    moved = True
    while moved and k < n:  # modifiers: "at least", "more than", "as many as"
        moved = False
        for size in (3, 2, 1):
            key = tuple(t.text for t in toks[k:k + size])
            if len(key) == size and "modifier" in w.kinds.get(key, ()):
                k += size
                moved = True
                break
    if k >= n:
        return None
    tok = toks[k]
    if tok.kind == "word" and tok.text in _SINGULAR_DETERMINERS | {"between"}:
        if tok.text == "between" and k + 3 < n and toks[k + 2].text == "and":
            a, b = _count(toks[k + 1], toks[k + 2], w), _count(toks[k + 3], toks[k + 4] if k + 4 < n else None, w)
            if a and b:
                return k + 1, min(a[0], b[0]), max(a[1], b[1])
            return None
        # "killing the mayor", "lost a soldier", "killed an Armenian officer"
        for j in range(k + 1, min(n, k + 4)):
            person = w.persons.get(toks[j].text)
            if person == "one":
                return k, 1, 1
            if person == "many" or toks[j].kind != "word":
                return None
        return None
    value = _count(tok, toks[k + 1] if k + 1 < n else None, w, toks[k - 1] if k else None)
    if value is None:
        return None
    low, high = value
    end = k + 1
    if end + 1 < n and toks[end].text in ("to", "or") and toks[end + 1].kind == "num":
        other = _count(toks[end + 1], toks[end + 2] if end + 2 < n else None, w)
        if other:
            low, high = min(low, other[0]), max(high, other[1])
            end += 2
    if need is None:
        return k, low, high
    for j in range(end, min(n, end + 4)):
        text = toks[j].text
        if (need == "person" and text in w.persons) or (isinstance(need, tuple) and text in need):
            return k, low, high
        if not ("filler" in w.kinds.get((text,), ()) or toks[j].cap or text in w.persons):
            return None
    return None
