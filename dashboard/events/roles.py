"""The role of each place mention: ``literal`` (the place itself: where something happens, is or goes)
or ``associative`` (the place stands for something else: a government, an army, a people; or only
qualifies a noun), with a confidence; datelines and bylines are where the report was filed.

Rules over cue lists, not a trained model: every cue word and its weight lives in ``dashboard/data/roles_*.tsv``
(read once). A mention's score starts from its kind's prior (``roles_priors.tsv``: countries and capitals
lean associative, towns and natural features literal) and adds what a small window of its sentence says:

- the words right before it (``roles_before.tsv``): prepositions of place ("in", "near", "mission to"), verbs
  and nouns whose object is an actor ("accused", "appeal to", "ambassador to", "against", "played for");
- "N of X" and the like, and the noun it qualifies or possesses (``roles_nouns.tsv``: "the Baku version",
  "Russia's government" vs "the Yerevan parliament", "Australia's population");
- a hyphenated suffix or the next word (``roles_after.tsv``: "Moscow-brokered", "Moscow time");
- subject position: a name that opens a clause, followed (past auxiliaries and adverbs) by a verb
  (``roles_verbs.tsv``: "Baku itself accused", "Armenia has said"), or by a copula whose predicate is a place
  noun ("Cambodia is a country").

Names joined by "and" or commas share the context around the whole list ("Armenia and Azerbaijan blamed",
"between Armenia and Russia"). A positive score is associative; the confidence is the logistic of its size.
"""
from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..spans import Span
from .role_cues import CLAUSE_PUNCT, Cues, cues_table

LITERAL, ASSOCIATIVE = "literal", "associative"

_WINDOW_BEFORE, _WINDOW_AFTER = 48, 64  # characters read on each side of a name (within its sentence)
_FILED_CONFIDENCE = 0.95

_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|\S")
_POSSESSIVE = re.compile(r"['’]s?(?![\w'’])")
_HYPHEN_SUFFIX = re.compile(r"[-‐‑](\w+)")
# "and then", "and finally", "as well as": an adverb between a list's names does not end the list
_LIST_ADVERB = r"(?:then|finally|possibly|probably|perhaps|maybe|later|eventually|also|even|especially|mainly|" \
    r"partly|ultimately|subsequently|mostly|particularly)\s+"
_LIST_JOINER = re.compile(r"\s*(?:,\s*(?:(?:and|or)\s+(?:" + _LIST_ADVERB + r")?)?|(?:and|or)\s+(?:" + _LIST_ADVERB
                          + r")?|&\s+|as\s+well\s+as\s+|/)\s*(?:the\s+)?")
_LINE_PREFIX = re.compile(r"[\s*_#>]*")  # Markdown decoration before a dateline
# "AMMAN, " before "Jordan (AP) —"
_DATELINE_HEAD = re.compile(r"[\s*_#>]*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3},\s*")
_DATELINE_AFTER = re.compile(
    r"(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?\s*(?:\([^()\n]{1,40}\)\s*)?(?:[—–]|--?\s)"
    r"|,?\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b")
_LINE_LOOKBACK = 200  # characters: the longest line head a dateline or byline can have before its place
_UPPER_DATELINE_AFTER = re.compile(r"\s*(?:,|\(|[—–]|--?\s|:)")


# A match's score and a word of the game in one sentence: its places are teams ("lost 4-0 to Japan", "a 3–1
# win over the Solomon Islands", "drew 1-1 in Basel"). The score is followed by a stop or a word a score
# takes, never by a noun: "10-15 soldiers were killed", "8–88 cm" and "a 5-4 vote" are no scores.
_MATCH_SCORE = re.compile(r"(?<![\w.,/:–-])\d{1,2}\s?[–-]\s?\d{1,2}"
                          r"(?=\s*[,.;:!?)]|\s+(?:to|in|at|against|over|on|win|victory|defeat|loss|draw|lead|home|"
                          r"away|aggregate|scoreline|advantage|after)\b)")
_MATCH_WORDS = re.compile(r"\b(?:match(?:es)?|games?|final|friendly|qualifier|wins?|won|lost|lose|loss|"
                          r"beat(?:ing|en)?|dr[ae]w|defeat(?:ed)?|victory|advantage|scored)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Role:
    """What a mention's place is in its sentence. ``filed_from``: the mention is a dateline or a
    byline (where the report was filed): the article's, never an event's place."""

    role: str
    confidence: float
    filed_from: bool = False


# ---------------------------------------------------------------- cue tables


def assign_roles(text: str, mentions: Sequence[Any], sentences: Sequence[Span]) -> list[Role]:
    """One :class:`Role` per mention (``gazetteer.resolve.Mention``: ``start``, ``end``, ``text``,
    ``place``), in the order given. ``sentences`` are the article's sentence spans, in order."""
    if not mentions:
        return []
    cues = cues_table()
    starts = [s for s, _ in sentences]
    order = sorted(range(len(mentions)), key=lambda i: (mentions[i].start, mentions[i].end))
    bounds = [_sentence_of(text, mentions[i].start, mentions[i].end, sentences, starts) for i in order]
    # names joined by "and" or commas within one sentence share the context around the whole list
    first = list(range(len(order)))
    for k in range(1, len(order)):
        prev, cur = mentions[order[k - 1]], mentions[order[k]]
        if bounds[k] == bounds[k - 1] and prev.end <= cur.start:
            joiner = _LIST_JOINER.fullmatch(text, prev.end, cur.start)
            if joiner and (_joins_list(joiner.group()) or _qualifies(prev.place, cur.place)
                           or _LIST_JOINER.match(text, cur.end)):
                first[k] = first[k - 1]
            elif _division_word_comma().fullmatch(text, prev.end, cur.start) and _qualifies(prev.place, cur.place):
                first[k] = first[k - 1]  # "Balochistan province, Pakistan": the larger place of the first
    last = list(range(len(order)))
    for k in range(len(order) - 2, -1, -1):
        if first[k + 1] == first[k]:
            last[k] = last[k + 1]
    roles: list[Role | None] = [None] * len(mentions)
    for k, index in enumerate(order):
        mention = mentions[index]
        if _filed_from(text, mention, cues):
            roles[index] = Role(ASSOCIATIVE, _FILED_CONFIDENCE, True)
            continue
        in_list = last[k] - first[k] >= 2
        score = _score(text, mention, mentions[order[first[k]]].start, mentions[order[last[k]]].end, bounds[k], cues,
                       in_list)
        p = 1.0 / (1.0 + math.exp(-score))
        roles[index] = Role(ASSOCIATIVE, p) if score > 0 else Role(LITERAL, 1.0 - p)
    return [r if r is not None else Role(LITERAL, 0.5) for r in roles]


@functools.cache
def _division_word_comma() -> re.Pattern[str]:
    """A division's word after a name, then a comma: " province, " in "Balochistan province, Pakistan"
    (the gazetteer's cue words that say a division after a name: ``gazetteer/data/cues.tsv``)."""
    from gazetteer.wordlists import cues

    words = sorted((w for w, c in cues().items() if c.where in ("after", "both")
                    and any(p.startswith("A.ADM") for p in c.prefixes)), key=len, reverse=True)
    return re.compile(r" (?:" + "|".join(map(re.escape, words)) + r"),\s?", re.IGNORECASE)


def _joins_list(joiner: str) -> bool:
    """``and``, ``or``, ``&``, ``/`` join a list; a bare comma may only end a clause ("In England, Argentina")."""
    return joiner.strip() != ","


_SCOPE = {"country": 3, "province": 2, "region": 2, "district": 1}


def _qualifies(inner: Any, outer: Any) -> bool:
    """``inner, outer`` names a place and the larger one it lies in ("Sandton, Gauteng, South Africa")."""
    return (_SCOPE.get(outer.kind, 0) > _SCOPE.get(inner.kind, 0) and outer.country_code is not None
            and inner.country_code == outer.country_code)


def _sentence_of(text: str, start: int, end: int, sentences: Sequence[Span], starts: list[int]) -> Span:
    i = bisect.bisect_right(starts, start) - 1
    if i >= 0 and sentences[i][0] <= start and end <= sentences[i][1]:
        return sentences[i]
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end < 0 else line_end


def _prior(place: Any, cues: Cues) -> float:
    key = (place.feature_class, place.feature_code, place.kind)
    weight = cues.prior_of.get(key)
    if weight is None:
        weight = cues.prior_of[key] = _prior_uncached(place, cues)
    return weight


def _prior_uncached(place: Any, cues: Cues) -> float:
    code = f"feature:{place.feature_class}.{place.feature_code}"
    for k in range(len(code), len("feature:") + 1, -1):
        weight = cues.priors.get(code[:k])
        if weight is not None:
            return weight
    return cues.priors.get(f"kind:{place.kind}", 0.0)


def _score(text: str, mention: Any, list_start: int, list_end: int, sentence: Span, cues: Cues,
           in_list: bool = False) -> float:
    return sum(_parts(text, mention, list_start, list_end, sentence, cues, in_list).values())


def _parts(text: str, mention: Any, list_start: int, list_end: int, sentence: Span, cues: Cues,
           in_list: bool = False) -> dict[str, float]:
    """The terms of a mention's score: its prior, the words before it, after it, and its verb."""
    left = _TOKEN.findall(text, max(sentence[0], list_start - _WINDOW_BEFORE), list_start)
    right_own = _TOKEN.findall(text, mention.end, min(sentence[1], mention.end + _WINDOW_AFTER))
    right = right_own if list_end == mention.end else _TOKEN.findall(
        text, list_end, min(sentence[1], list_end + _WINDOW_AFTER))
    before, opens_clause = _before(left, cues)
    after_determiner = bool(left) and left[-1].lower() in cues.determiners
    alone = list_start == mention.start and list_end == mention.end
    subject = _as_subject(right, cues, opens_clause, alone)
    match = mention.place.kind in ("country", "town") and _MATCH_SCORE.search(text, *sentence) is not None \
        and _MATCH_WORDS.search(text, *sentence) is not None
    return {
        "prior": _prior(mention.place, cues) + (cues.priors.get("list", 0.0) if in_list else 0.0),
        "match": cues.priors.get("match", 0.0) if match else 0.0,
        "before": before,
        "after": _after_own(text, mention.end, right_own, after_determiner, opens_clause, cues),
        "verb": subject if opens_clause else 0.5 * subject,
    }


def _before(tokens: list[str], cues: Cues) -> tuple[float, bool]:
    """Weight of the words before a name, and whether the name opens a clause (is in subject position)."""
    words = [t.lower() for t in tokens]
    n = len(words)
    while n and words[n - 1] in cues.determiners:
        n -= 1
    weight = 0.0
    while n and words[n - 1] in cues.preskip:
        weight += cues.preskip[words[n - 1]]
        n -= 1
        while n and words[n - 1] in cues.determiners:
            n -= 1
    if n == 0:
        return weight, True
    last = words[n - 1]
    if last in CLAUSE_PUNCT:
        return weight, True
    opens = last in cues.boundaries or (cues.verbs.get(last) or 0.0) >= 2.0
    found = cues.before.match(words[:n])
    if found is not None and (found[0] > 1 or last != "of"):
        return weight + found[1], opens
    if last == "of" and n >= 2:
        noun = cues.nouns.get(words[n - 2])
        if noun is not None:
            return weight + noun, opens
        if tokens[n - 2][:1].isupper() and n >= 3 and words[n - 3] not in CLAUSE_PUNCT:
            return weight + cues.capital_of, opens  # a person "of X": "Secretary General Stanislav Zas of Belarus"
    if found is not None:
        return weight + found[1], opens
    noun = cues.nouns.get(last) if tokens[n - 1].islower() else None
    if noun is not None and last not in cues.function:
        return weight + noun, opens  # in apposition: "his former club Sofia", "the capital Ljubljana"
    return weight, opens


def _after_own(text: str, end: int, tokens: list[str], after_determiner: bool, opens_clause: bool,
               cues: Cues) -> float:
    """Weight of what follows the name itself: a hyphenated suffix, a possessive, the noun it qualifies."""
    suffix = _HYPHEN_SUFFIX.match(text, end)
    if suffix:
        weight = cues.suffixes.get(suffix.group(1).lower())
        return weight if weight is not None else 0.0
    if not tokens:
        return 0.0
    if _POSSESSIVE.match(text, end):
        words = tokens[2:5] if len(tokens) > 1 and tokens[1].lower() == "s" else tokens[1:4]
        for word in words:
            acronym = len(word) > 1 and word.isalpha() and word.isupper()  # "Sudan's RSF": an organisation
            weight = cues.nouns.get("<acronym>" if acronym else word.lower())
            if weight is not None:
                return weight
        return cues.possessive
    nxt = tokens[0].lower()
    if nxt in cues.next_first:
        for length in range(min(cues.next_longest, len(tokens)), 0, -1):
            weight = cues.next_words.get(" ".join(t.lower() for t in tokens[:length]))
            if weight is not None:
                return weight
    if not _noun_like(tokens[0], cues):
        return 0.0
    weight = cues.nouns.get(nxt)
    if weight is not None:
        return weight
    compound = not opens_clause or tokens[0][:1].isupper()  # "UK cinema sites", "U.S. State Secretary"
    if len(tokens) > 1 and compound and _noun_like(tokens[1], cues):
        weight = cues.nouns.get(tokens[1].lower())
        if weight is not None:
            return weight
    return cues.modifier if after_determiner else 0.0


def _noun_like(token: str, cues: Cues) -> bool:
    """Could be a noun the name qualifies: a word that is not a function word, an auxiliary or a listed verb."""
    word = token.lower()
    return (token.isalpha() and word not in cues.function and word not in cues.skips and word not in cues.copulas
            and cues.verbs.get(word) is None)


def _as_subject(tokens: list[str], cues: Cues, opens_clause: bool = True, alone: bool = True) -> float:
    """Weight of the verb after a name in subject position (past auxiliaries and adverbs). Out of subject
    position only listed verbs count."""
    i = 0
    auxiliary = ""
    while i < len(tokens):
        word = tokens[i].lower()
        if word in cues.skips or (word.endswith("ly") and tokens[i].islower()):
            auxiliary = word if word in cues.haves else auxiliary
            i += 1
        elif word == "," and i + 1 < len(tokens) and tokens[i + 1].lower() in cues.asides:
            i += 1
        else:
            break
    if i >= len(tokens):
        return 0.0
    token = tokens[i]
    word = token.lower()
    if alone and i == 0 and word in cues.plurals:
        return cues.plural
    if word in cues.haves or (auxiliary and (word in cues.function or word in cues.determiners)):
        return _predicate(tokens[i + 1:], cues, cues.has_other) if opens_clause else 0.0
    if word in cues.copulas:
        return _predicate(tokens[i + 1:], cues, cues.copula_other)
    weight = cues.verbs.get(word)
    if weight is not None:
        return weight
    if not opens_clause:
        return 0.0
    if token.isalpha() and token.islower() and word not in cues.function:
        return cues.unnamed_verb
    return 0.0


def _predicate(tokens: list[str], cues: Cues, default: float) -> float:
    """What a copula's (or "has"'s) object says: the weight of its last listed noun ("is a country located",
    "has an embassy"), else ``default``."""
    predicate = None
    for token in tokens[:6]:
        word = token.lower()
        if word in cues.stops:
            break
        weight = None if word in cues.function else cues.nouns.get(word)
        predicate = predicate if weight is None else weight
    return predicate if predicate is not None else default


def _filed_from(text: str, mention: Any, cues: Cues) -> bool:
    """A dateline ("KYIV —", "PORT SUDAN, May 14 (Reuters) -") or a byline ("Correspondent in Moscow")."""
    # Datelines and bylines are at a line's start: look back at most _LINE_LOOKBACK characters (a longer
    # head is neither; without the bound a text of one long line made this quadratic).
    floor = max(0, mention.start - _LINE_LOOKBACK)
    line_start = text.rfind("\n", floor, mention.start) + 1
    if line_start == 0 and floor > 0:
        return False
    head = text[line_start:mention.start]
    if _LINE_PREFIX.fullmatch(head) or _DATELINE_HEAD.fullmatch(head):
        upper = mention.text.isupper() and len(mention.text) > 2
        if _DATELINE_AFTER.match(text, mention.end) or (upper and _UPPER_DATELINE_AFTER.match(text, mention.end)):
            return True
    line_end = text.find("\n", mention.end, line_start + 82)
    if line_end < 0:
        line_end = len(text) if len(text) <= line_start + 82 else line_start + 82
    if line_end - line_start > 80:
        return False
    words = [w.lower() for w in _TOKEN.findall(head)]
    if not words:
        return False
    if " ".join(words[-2:]) in cues.filed or words[-1] in cues.filed:
        return True
    return words[0] == "by" and words[-1] == "in" and len(words) <= 6
