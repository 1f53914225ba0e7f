"""A first-level division called by its city's spelling: the index names the oblasts of Odesa and
Zaporizhzhia "Odessa" and "Zaporizhia" (GeoNames' names of the divisions), while news writes the city's
spelling before the division's word ("Odesa Oblast", "the Zaporizhzhia region", "Mykolaiv province").

A name with a cue word of a division whose candidates hold no division, but a town whose division is named
nearly as the text writes it (:data:`NAMESAKE_RATIO`), gets that division as a candidate too, as one of
that name; the cue word then chooses it (:mod:`.resolve`). A name without such a word keeps
its town: "Odesa" alone, in news, is the city.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from .names import NAME, normalize

if TYPE_CHECKING:
    from .index import Gazetteer
    from .recognize import Toponym

DIVISION = "A.ADM1"
NAMESAKE_RATIO = 85  # rapidfuzz's ratio of the normalised names: "odesa"/"odessa" 91, "kyiv"/"kyiv city" 62
TOWNS_READ = 10  # of a name's candidates, the towns whose divisions are looked at (the likeliest first)


def add_namesake_divisions(spans: Sequence[Toponym], gazetteer: Gazetteer) -> None:
    """Give each span that a division's cue word qualifies, and whose candidates hold no division, the
    division of its candidate towns that is named nearly as the span is."""
    for span in spans:
        cued = any(c is not None and DIVISION in c.prefixes for c in (span.cue_after, span.cue_before))
        if not cued or any(p.feature.startswith(DIVISION) for p, _ in span.candidates):
            continue
        towns = [p for p, _ in span.candidates if p.kind == "town"][:TOWNS_READ]
        seen: set[int] = set()
        for town in towns:
            division = gazetteer.admin1_of(town)
            if division is None or division.id in seen:
                continue
            seen.add(division.id)
            if fuzz.ratio(normalize(division.name), span.key) >= NAMESAKE_RATIO:
                span.candidates.append((division, NAME))
