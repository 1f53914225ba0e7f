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
def person_titles() -> frozenset[str]:
    """Words that stand before a person's name (``data/person_titles.tsv``)."""
    return frozenset(row[0] for row in read_tsv(data_file("person_titles.tsv")) if row[1:2] != ["kin"])


@cache
def kin_words() -> frozenset[str]:
    """Lower-case words for relatives before a given name ("his wife, Dora"): ``person_titles.tsv``, "kin"."""
    return frozenset(row[0] for row in read_tsv(data_file("person_titles.tsv")) if row[1:2] == ["kin"])




@cache
def org_heads() -> frozenset[str]:
    """Words that end organisations' and buildings' names (``data/org_heads.tsv``)."""
    return frozenset(row[0] for row in read_tsv(data_file("org_heads.tsv")))


@cache
def located_heads() -> frozenset[str]:
    """The heads of institutions and buildings that stand in the place they are named after."""
    return frozenset(row[0] for row in read_tsv(data_file("org_heads.tsv")) if row[1:2] == ["located"])


@cache
def club_prefixes() -> frozenset[str]:
    """Words that open a sports club's name before a place name ("Real Madrid", "Deportivo La Coruna")."""
    return frozenset(row[0] for row in read_tsv(data_file("org_heads.tsv")) if row[1:2] == ["club"])


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
