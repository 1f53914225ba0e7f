"""The role reader's cue tables: the words and weights of ``dashboard/data/roles_*.tsv``, read once into
lookup structures (:func:`cues_table`)."""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from ..datafiles import rows

_MEMO_SIZE = 50_000  # words whose table lookups are remembered
CLAUSE_PUNCT = frozenset(",;:()[]—–-\"“”‘’'«»*#•|")


@dataclass
class Words:
    """A word table: exact words, and stems (``accus*``) that match longer words starting so."""

    exact: dict[str, float] = field(default_factory=dict)
    stems: dict[str, float] = field(default_factory=dict)
    longest_stem: int = 0
    _seen: dict[str, float | None] = field(default_factory=dict, repr=False)

    def add(self, word: str, weight: float) -> None:
        if word.endswith("*"):
            self.stems[word[:-1]] = weight
            self.longest_stem = max(self.longest_stem, len(word) - 1)
        else:
            self.exact[word] = weight
        self._seen.clear()

    def get(self, word: str) -> float | None:
        try:
            return self._seen[word]
        except KeyError:
            pass
        weight = self.exact.get(word)
        if weight is None:
            for k in range(min(len(word), self.longest_stem), 2, -1):
                weight = self.stems.get(word[:k])
                if weight is not None:
                    break
        if len(self._seen) > _MEMO_SIZE:
            self._seen.clear()
        self._seen[word] = weight
        return weight


@dataclass
class Phrases:
    """Phrases of one to three words, matched against the words that end right before a name. A word of a
    phrase ending in ``*`` is a stem: it matches longer words starting so."""

    table: dict[tuple[str, ...], float] = field(default_factory=dict)
    stems: set[str] = field(default_factory=set)
    longest_stem: int = 0
    longest: int = 1
    _seen: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def add(self, words: tuple[str, ...], weight: float) -> None:
        self.table[words] = weight
        self.longest = max(self.longest, len(words))
        for word in words:
            if word.endswith("*"):
                self.stems.add(word[:-1])
                self.longest_stem = max(self.longest_stem, len(word) - 1)
        self._seen.clear()

    def _variants(self, word: str) -> tuple[str, ...]:
        """``word`` and the stems it starts with, as they are written in the table (longest first)."""
        try:
            return self._seen[word]
        except KeyError:
            pass
        out = [word]
        for k in range(min(len(word), self.longest_stem), 2, -1):
            if word[:k] in self.stems:
                out.append(word[:k] + "*")
        if len(self._seen) > _MEMO_SIZE:
            self._seen.clear()
        self._seen[word] = variants = tuple(out)
        return variants

    def match(self, words: Sequence[str]) -> tuple[int, float] | None:
        """(length, weight) of the longest phrase that ends ``words``."""
        variants = [self._variants(w) for w in words[-self.longest:]]
        for length in range(min(self.longest, len(variants)), 0, -1):
            for key in itertools.product(*variants[len(variants) - length:]):
                weight = self.table.get(key)
                if weight is not None:
                    return length, weight
        return None


@dataclass
class Cues:
    priors: dict[str, float]
    determiners: frozenset[str]
    preskip: dict[str, float]
    boundaries: frozenset[str]
    skips: frozenset[str]
    copulas: frozenset[str]
    function: frozenset[str]
    stops: frozenset[str]
    plurals: frozenset[str]
    haves: frozenset[str]
    before: Phrases
    nouns: Words
    verbs: Words
    unnamed_verb: float
    copula_other: float
    capital_of: float
    plural: float
    has_other: float
    suffixes: Words
    next_words: dict[str, float]
    possessive: float
    modifier: float
    filed: frozenset[str]
    asides: frozenset[str] = frozenset()  # skips and boundaries: what a comma after a subject may bring in
    next_first: frozenset[str] = frozenset()  # first words of the "next" phrases
    next_longest: int = 1
    prior_of: dict[tuple[str, str, str], float] = field(default_factory=dict)  # memo of _prior

    def __post_init__(self) -> None:
        self.asides = self.skips | self.boundaries
        self.next_first = frozenset(phrase.split()[0] for phrase in self.next_words)
        self.next_longest = max((len(phrase.split()) for phrase in self.next_words), default=1)


@cache
def cues_table() -> Cues:
    """The cue tables of ``dashboard/data/roles_*.tsv``, read once."""
    classes: dict[str, dict[str, float]] = {}
    for row in rows("roles_words.tsv"):
        classes.setdefault(row[1], {})[row[0].lower()] = float(row[2]) if len(row) > 2 else 0.0
    before, specials = Phrases(), {}
    for phrase, weight in rows("roles_before.tsv"):
        if phrase.startswith("?"):
            specials[phrase] = float(weight)
        else:
            before.add(tuple(phrase.lower().split()), float(weight))
    nouns = Words()
    for noun, weight in rows("roles_nouns.tsv"):
        nouns.add(noun.lower(), float(weight))
    verbs, verb_specials = Words(), {}
    for verb, weight in rows("roles_verbs.tsv"):
        if verb.startswith("?"):
            verb_specials[verb] = float(weight)
        else:
            verbs.add(verb.lower(), float(weight))
    suffixes, next_words = Words(), {}
    possessive = modifier = 0.0
    for slot, word, weight in rows("roles_after.tsv"):
        if slot == "suffix":
            suffixes.add(word.lower(), float(weight))
        elif slot == "next":
            next_words[word.lower()] = float(weight)
        elif slot == "possessive":
            possessive = float(weight)
        elif slot == "modifier":
            modifier = float(weight)
    return Cues(
        priors={key: float(weight) for key, weight in rows("roles_priors.tsv")},
        determiners=frozenset(classes.get("determiner", {})),
        preskip=classes.get("preskip", {}),
        boundaries=frozenset(classes.get("boundary", {})),
        skips=frozenset(classes.get("skip", {})),
        copulas=frozenset(classes.get("copula", {})),
        function=frozenset(classes.get("function", {})),
        stops=frozenset(CLAUSE_PUNCT | set(classes.get("stop", {}))),
        plurals=frozenset(classes.get("plural", {})),
        haves=frozenset(classes.get("have", {})),
        before=before, nouns=nouns, verbs=verbs,
        unnamed_verb=verb_specials.get("?verb", 0.0), copula_other=verb_specials.get("?copula", 0.0),
        capital_of=specials.get("?Name of", 0.0), plural=verb_specials.get("?plural", 0.0),
        has_other=verb_specials.get("?has", 0.0),
        suffixes=suffixes, next_words=next_words, possessive=possessive, modifier=modifier,
        filed=frozenset(row[0].lower() for row in rows("roles_filed.tsv")),
    )


# ---------------------------------------------------------------- reading a mention
