"""The word lists recognition reads: cue words, people's titles, the heads of organisations' names."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .datafiles import data_file, read_tsv


@dataclass(frozen=True)
class Cue:
    word: str
    where: str  # "before" or "after"
    prefixes: tuple[str, ...]  # "H.STM", "A.ADM1", "P", ...


OFFICE_CUE = Cue("minister", "after", ("A.ADM1", "A.PCL"))


@cache
def cues() -> dict[str, Cue]:
    """Cue words by lower-case word (``data/cues.tsv``)."""
    out = {}
    for word, where, prefixes in read_tsv(data_file("cues.tsv")):
        out[word] = Cue(word, where, tuple(p.strip() for p in prefixes.split(",") if p.strip()))
    return out


@cache
def _tagged(name: str) -> dict[str, frozenset[str]]:
    """The words of a word list (``data/NAME``) by the tag in its second column (``""``: none), read once."""
    out: dict[str, set[str]] = {}
    for row in read_tsv(data_file(name)):
        out.setdefault(row[1] if len(row) > 1 else "", set()).add(row[0])
    return {tag: frozenset(words) for tag, words in out.items()}


def _all(name: str, but: str | None = None) -> frozenset[str]:
    return frozenset().union(*(words for tag, words in _tagged(name).items() if tag != but))


@cache
def person_titles() -> frozenset[str]:
    """Words that stand before a person's name (``data/person_titles.tsv``)."""
    return _all("person_titles.tsv", but="kin")


@cache
def kin_words() -> frozenset[str]:
    """Lower-case words for relatives before a given name ("his wife, Dora"): ``person_titles.tsv``, "kin"."""
    return _tagged("person_titles.tsv").get("kin", frozenset())


@cache
def org_heads() -> frozenset[str]:
    """Words that end organisations' and buildings' names (``data/org_heads.tsv``)."""
    return _all("org_heads.tsv")


@cache
def located_heads() -> frozenset[str]:
    """The heads of institutions and buildings that stand in the place they are named after."""
    return _tagged("org_heads.tsv").get("located", frozenset())


@cache
def club_prefixes() -> frozenset[str]:
    """Words that open a sports club's name before a place name ("Real Madrid", "Deportivo La Coruna")."""
    return _tagged("org_heads.tsv").get("club", frozenset())


@cache
def dotted_abbreviations() -> frozenset[str]:
    """The abbreviations of ``data/abbreviations.tsv`` written with full stops inside ("N.C.", "W.Va."),
    case-folded: a dotted form not among them ("M.D.") is not one of them."""
    return frozenset(a.casefold() for row in read_tsv(data_file("abbreviations.tsv")) for a in row[2:]
                     if "." in a.rstrip("."))


@cache
def frequent_given_names() -> frozenset[str]:
    """Given names frequent enough as words to pass for function words (``data/frequent_given_names.tsv``),
    lower case."""
    return frozenset(row[0].lower() for row in read_tsv(data_file("frequent_given_names.tsv")))
