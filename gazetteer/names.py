"""The one name normaliser: index keys and text spans both go through :func:`normalize`.

GeoNames and news spell the same place many ways (``Lachín``, ``Laçın``, ``Nakhichevan’``,
``Nagorno-Karabakh``, ``U.S.``); one folding makes them meet: accents and apostrophes dropped,
hyphens read as spaces, full stops removed, case folded, white space collapsed, and the Arabic article
inside a name read as "al" whichever way it is written (``Deir el-Balah``, ``Deir al-Balah``).
"""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .place import Place

# How a name relates to its place in the index; the resolver trusts them in this order.
NAME, ALTERNATE, ABBREVIATION = 0, 1, 2
ALTERNATE_NAME = -2.5  # the prior's penalty for a place that only has the name as an alternate name
# ... and for a large town, whose alternate names include the spellings news uses ("Zaporizhzhia",
# "Raqqa", "Misrata", "Khan Younis" are GeoNames alternates of Zaporizhzhya, Ar Raqqah, Misratah, ...)
ALTERNATE_NAME_LARGE_TOWN = -1.0
LARGE_TOWN = 100_000
SPELLING = 80  # rapidfuzz ratio (to the name or one of its words): the alternate is a spelling of it

# Letters that Unicode decomposition leaves alone but Latin transliterations write plainly.
_LETTERS = str.maketrans({
    "ı": "i", "ə": "e", "Ə": "e", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d",
    "ð": "d", "þ": "th", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ħ": "h", "ŧ": "t",
})
# Apostrophes, modifier letters and full stops vanish; dashes and slashes separate words.
_DROP = str.maketrans({c: None for c in "'’‘ʼʻ`´ʹʾʿ.\u02bc"})
_SPACE = re.compile(r"[\s\-‐‑‒–—_/]+")
# The Arabic article inside a name, as "el" or "al": one spelling (Deir al-Balah, Deir el-Balah; Sharm
# el-Sheikh, Sharm al-Sheikh; Ras al-Ain, Ras el-Ain): the keys read "al" for a word "el" between two words.
_INNER_EL = re.compile(r"(?<=\S) el (?=\S)")


def normalize(name: str) -> str:
    """Fold a place name (or a span of text) to the key the index stores it under.

    >>> normalize("Lachín") == normalize("Lachin") == "lachin"
    True
    >>> normalize("Nakhichevan’"), normalize("Nagorno-Karabakh"), normalize("U.S.")
    ('nakhichevan', 'nagorno karabakh', 'us')
    >>> normalize("Deir el-Balah") == normalize("Deir al-Balah") == "deir al balah"
    True
    """
    if name.isascii():  # most names: skip the Unicode work
        if name.isalpha():  # one plain word (most spans of a text): nothing to drop or separate
            return name.lower()
        key = _SPACE.sub(" ", name.lower().translate(_DROP)).strip()
    else:
        text = unicodedata.normalize("NFKD", name.translate(_LETTERS))
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.casefold().translate(_LETTERS).translate(_DROP)
        key = _SPACE.sub(" ", text).strip()
    return _INNER_EL.sub(" al ", key) if " el " in key else key


def prior(place: Place, kind: int) -> float:
    """How likely a bare mention of one of the place's names means it: its prominence, less a penalty
    when the name is only one of its alternate names (``kind`` as stored in the index)."""
    if kind != ALTERNATE:
        return place.prominence
    return place.prominence + ALTERNATE_NAME


def prior_of_name(place: Place, kind: int, key: str) -> float:
    """:func:`prior` for the name ``key`` (normalised): a large town's alternate name that is a
    spelling of its main name ("Zaporizhzhia" for Zaporizhzhya, "Raqqa" for Ar Raqqah) costs less than
    one that is another name ("White House" for Washington)."""
    if kind == ALTERNATE and place.feature_class == "P" and place.population >= LARGE_TOWN:
        spelled = _SPELLINGS.get((place.id, key))
        if spelled is None:
            from rapidfuzz.fuzz import ratio

            name = normalize(place.name)
            spelled = max(ratio(key, w) for w in (name, *name.split())) >= SPELLING  # "Raqqa": "Ar Raqqah"
            if len(_SPELLINGS) > 100_000:
                _SPELLINGS.clear()
            _SPELLINGS[(place.id, key)] = spelled
        if spelled:
            return place.prominence + ALTERNATE_NAME_LARGE_TOWN
    return prior(place, kind)


_SPELLINGS: dict[tuple[int, str], bool] = {}  # (place id, name) -> whether the name is a spelling of its own
