"""Toponym resolution: choose each span's place from the text's context, and drop spans that are not places.

Every candidate gets a score: its prominence (:attr:`Place.prominence`: countries and continents first,
then divisions and towns by population), less a penalty when only an alternate name matched, plus what
the text says around it:

- the countries the text names, and the countries of the places it names unambiguously;
- the first-level divisions it names (a town in Kentucky when "Kentucky" is in the text), and the
  reverse (the US state of Georgia when Atlanta is in the text);
- an "X, Y" qualifier (Columbia, Mo.);
- closeness to the other places the text names;
- cue words next to the name (lake, river, province, corridor).

One reading per name per text: every mention of a name gets the same place. A span is kept when its
best score clears :data:`ACCEPT` and it is not a common word, a part of a person's or organisation's
name, or a short all-capitals acronym. Confidence is the best candidate's share of a softmax over the
candidates' scores; the runner-ups come with their shares.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from .geo import distance_km
from .names import ALTERNATE, normalize, prior_of_name
from .place import Place
from .recognize import Toponym

# Score terms (points on the prominence scale, where a town of 10,000 people is 4 and a country 10).
COUNTRY_NAMED = 3.0  # the text names the candidate's country
COUNTRY_OF_OTHERS = 1.5  # the text's unambiguous places lie in the candidate's country
DIVISION_NAMED = 3.0  # the text names the first-level division the candidate lies in
CONTAINS_OTHERS = 2.5  # a country or division that contains places the text names
QUALIFIED = 6.0  # "X, Y" where Y is the candidate's country or division
CUE = 3.0  # "Lake X", "X province", "X corridor" and the candidate is of that kind
NEAR = ((50.0, 2.5), (200.0, 1.5), (500.0, 0.8))  # within km of another place the text names
SIBLING = 1.5  # listed with names of the same kind ("Montana and Wyoming": both states)
CAPITAL_OVER_DIVISION = 1.5  # "Moscow" the capital over "Moscow" the oblast
CAPITAL_OF_NAMED = 1.0  # the capital of a country the text names, over namesakes near its other places
CITY_OVER_DIVISION_POP = 50_000  # a town this large is what its division's name means, when alone
DIVISION_YIELDS = 1.0  # ... and the division scores this much below it

PASSES = 2  # context passes: the anchors' (and plausible readings'), then what the first settled
PLAUSIBLE_GAP = 2.0  # an ambiguous name's readings this close to its best count as nearby points in pass 1
PLAUSIBLE_CANDIDATES = 4  # ... at most this many of them
ACCEPT = 4.0  # a span is a place when its best candidate scores at least this much
ACCEPT_LOCATIVE = 2.5  # ... or this much, said after a preposition of place, and no common word or given name
#                        ("clashes in Sotk", "from Kapan": a village the text gives no other context for)
STRONG = 3.0  # the least a name inside a longer run of capitalised words needs ("Toronto police", "MoD of
#                Armenia"); weaker ones there are parts of other names
COMMON_WORD_FLOOR = 3.5  # a one-word name this common in English (Zipf) ...
COMMON_WORD_CEILING = 6.0  # ... is a word, not a place, unless the place is this prominent
STREET_CEILING = 9.0  # a street named after a place is the street ("Church Street"), unless a country
ANCHOR_MARGIN = 2.0  # a name is unambiguous when its best candidate leads the next by this much
MAX_CANDIDATES = 25  # the most prominent candidates of a name that are scored in context
QUALIFIER_CANDIDATES = 10  # how many of the other name's candidates an "X, Y" pair considers


@dataclass(frozen=True)
class Mention:
    """A recognised and resolved place name: a span of the text and the place it names."""

    start: int
    end: int
    text: str
    place: Place
    confidence: float
    candidates: tuple[tuple[Place, float], ...] = ()  # runner-ups with their shares, best first
    within: bool = False  # the name is part of an institution's or building's that stands in the place
    #                       ("Toronto General Hospital"): the place is where it is, to the town's precision

    def to_dict(self) -> dict:
        """The ``atlas parse`` contract (``../shared/eval/README.md``), plus id, kind and runner-ups."""
        p = self.place
        return {
            "start": self.start, "end": self.end, "text": self.text, "name": p.name,
            "lat": p.lat, "lon": p.lon, "country_code": p.country_code, "feature": p.feature,
            "confidence": round(self.confidence, 3), "geonameid": p.id, "kind": p.kind,
            **({"geo_precision": "within"} if self.within else {}),
            "candidates": [{"geonameid": c.id, "name": c.name, "country_code": c.country_code,
                            "feature": c.feature, "lat": c.lat, "lon": c.lon, "share": round(s, 3)}
                           for c, s in self.candidates],
        }


def _cue_fits(place: Place, span: Toponym) -> bool:
    for cue in (span.cue_before, span.cue_after):
        if cue and any(place.feature.startswith(p) for p in cue.prefixes):
            return True
    return False


HARD, SOFT = "hard", "soft"  # a soft rejection yields when another mention of the name is a place


def _bare_water(span: Toponym, top: Place) -> bool:
    """A river's, sea's or ocean's short name without "the" ("Amazon series", "Virgin Atlantic"): English
    says "the Amazon", "the Atlantic" for the water; without the article it is a company's or brand's."""
    return span.n_words == 1 and not span.article and span.cue_after is None and top.feature_class == "H" \
        and top.source != "geonames" and normalize(top.name) != span.key


def _reject(span: Toponym, qualified: bool, name: _Name) -> str | None:
    """Why a span is not a place (``HARD``: part of a longer name, a person, an acronym; ``SOFT``: a
    common word, which another mention of the same name can overrule), or ``None``.
    ``qualified``: the span is one half of a real "X, Y" pair (Y contains a reading of X). ``name``: the
    span's name, whose best candidate only the tests after the first few read (so that a name whose
    spans those reject is never scored)."""
    rescued = qualified or (span.locative and not span.embedded)
    if (
        (span.embedded == "middle" and not span.titlecase_line)
        or (len(span.key) <= 3 and all(kind == ALTERNATE for _, kind in span.candidates))  # "We" for Huế
        or (span.person and not rescued)
        # an organisation's name: "at Tehran University" is the university, unless "X, Y" says where
        or (span.organisation and not span.institution and not qualified)
        # "The City" (an alternate name of Oakville): common words, and no place's own name
        or (span.common_words and all(kind == ALTERNATE for _, kind in span.candidates))
    ):
        return HARD
    top, best = name.base[0]
    hard = (
        (span.embedded and not span.titlecase_line and best < (5.0 if span.after_of else STRONG))
        # "Treaty of Friendship", "Ministry of Defence"; not "Leonard of Ada, Oklahoma" ("X, Y" says where)
        or (span.after_of and best < 5.0 and not qualified)
        or (span.building and best < 5.0)  # "the White House"
        or (any(c is not None and c.prefixes == ("-",) for c in (span.cue_after, span.cue_before))
            and best < STREET_CEILING)  # streets, squares, palaces: "Church Street", "Hotel Ukraina"
        or (span.street and best < 5.0)  # "in Church Street" (a hamlet's name too), not "College Station"
        or (span.brand and best < 9.0)  # "VerDi Import" is not Verdi, Nevada
        # "UN", "AFP", "IN": acronyms, unless "LOUISVILLE, KY"
        or (span.all_caps and sum(c.isalpha() for c in span.text) <= 3 and best < 9.0 and not span.text.endswith(".")
            and not qualified)
    )
    if hard:
        return HARD
    if _bare_water(span, top) and not rescued:
        return SOFT
    common = span.n_words == 1 and not rescued and best < COMMON_WORD_CEILING and \
        span.zipf >= max(COMMON_WORD_FLOOR, best - 1.0)  # "Police", "Steele", "Amber"
    if common or (span.lowercase_elsewhere and (span.sentence_initial or span.titlecase_line) and best < 9.0):
        return SOFT
    return None


@dataclass
class _Name:
    """All the mentions of one name in the text, resolved together. Its context-free scores (``base``)
    are found when first read: most names are rejected for what their spans say before any is scored."""

    key: str
    spans: list[Toponym]  # its mentions; after the rejections, the ones kept
    scored: list[tuple[Place, float]] = field(default_factory=list)  # with the context, best first
    siblings: frozenset[str] = frozenset()  # names listed with this one

    def __post_init__(self) -> None:
        self.mentions = tuple(self.spans)  # all of them, kept or not: what the context-free scores read
        self.siblings = frozenset(k for s in self.spans for k in s.siblings if k != self.key)

    @cached_property
    def base(self) -> list[tuple[Place, float]]:
        """Context-free scores, best first."""
        kinds: dict[int, tuple[Place, int]] = {}
        for place, kind in self.mentions[0].candidates:
            if place.id not in kinds or kind < kinds[place.id][1]:
                kinds[place.id] = (place, kind)
        cued = {p.id for p, _ in kinds.values() if any(_cue_fits(p, s) for s in self.mentions)} \
            if any(s.cue_before or s.cue_after for s in self.mentions) else set()
        scores = {p.id: prior_of_name(p, k, self.key) for p, k in kinds.values()}
        _namesakes_yield(kinds, scores, cued)
        return sorted(((p, scores[p.id] + (CUE if p.id in cued else 0.0)) for p, _ in kinds.values()
                       if scores[p.id] is not None), key=lambda t: -t[1])[:MAX_CANDIDATES]

    @cached_property
    def division_countries(self) -> frozenset[str]:
        """Countries where the name is also a division's."""
        return frozenset(p.country_code for p, _ in self.base if p.feature_code == "ADM1")

    @property
    def best(self) -> Place:
        return self.scored[0][0]

    @property
    def margin(self) -> float:
        return self.scored[0][1] - self.scored[1][1] if len(self.scored) > 1 else 99.0


def _namesakes_yield(kinds: dict[int, tuple[Place, int]], scores: dict[int, float | None], cued: set[int]) -> None:
    """A name shared by a place and the division around it, when nothing says which is meant.

    - A country and places inside it ("Panama", "Kuwait", "Mexico"): the country; its namesakes inside
      it are dropped unless a cue word fits them ("Panama province", "the city of Panama").
    - A first-level division and its large town of the same name ("Aleppo", "Donetsk", "Quebec"):
      the town, unless a cue word says division ("Aleppo province", "Donetsk oblast"); the division
      then scores just below the town, so that being listed with divisions can still tip it.
    """
    if len(kinds) < 2:  # a single place has no namesake to yield to
        return
    countries = {p.country_code for p, k in kinds.values() if p.feature_code.startswith("PCL") and k != ALTERNATE}
    towns: dict[tuple[str | None, str | None], float] = {}
    for p, _k in kinds.values():
        if p.kind == "town" and p.population >= CITY_OVER_DIVISION_POP:
            key = (p.country_code, p.admin1)
            towns[key] = max(towns.get(key, -99.0), scores[p.id] or 0.0)
    for pid, (p, _k) in kinds.items():
        if pid in cued or p.feature_code.startswith("PCL"):
            continue
        if p.country_code in countries:
            scores[pid] = None
        elif p.feature_code == "ADM1" and (town := towns.get((p.country_code, p.admin1))) is not None:
            scores[pid] = min(scores[pid] or 0.0, town - DIVISION_YIELDS)


def resolve(spans: Sequence[Toponym]) -> list[Mention]:
    """Choose a place for each span (one reading per name) and keep the spans that are places."""
    groups: dict[str, list[Toponym]] = defaultdict(list)
    for span in spans:
        groups[span.key].append(span)

    everything = {key: _Name(key, group) for key, group in groups.items()}
    pairs = {(s.key, s.qualifier) for s in spans if s.qualifier and s.qualifier in everything}
    real_pairs = {(x, y) for x, y in pairs if _pair_fits(everything[x], everything[y])}
    qualified = {k for pair in real_pairs for k in pair}
    names: dict[str, _Name] = {}
    for key, name in everything.items():
        in_pair = [key in qualified and ((key, s.qualifier) in real_pairs or s.qualifies) for s in name.spans]
        verdicts = [_reject(s, q, name) for s, q in zip(name.spans, in_pair, strict=True)]
        # One reading per name: where a mention is placed by an "X, Y" pair ("COLUMBIA, Ky."), its
        # namesakes rejected only as common words ("of Columbia") are that place too.
        overrule = any(q and v is None for q, v in zip(in_pair, verdicts, strict=True))
        kept = [s for s, v in zip(name.spans, verdicts, strict=True) if v is None or (v == SOFT and overrule)]
        if kept:
            name.spans, name.scored = kept, name.base
            names[key] = name

    # Pass 1: the names that are unambiguous on their own give the context.
    anchors = {k: n for k, n in names.items() if n.scored[0][1] >= ACCEPT and
               (n.best.feature_code.startswith("PCL") or n.margin >= ANCHOR_MARGIN)}
    qualifiers = _qualifier_pairs(names)
    # Pass 2: score everything in that context; then once more with the context pass 2 settled.
    # Pass 1 also counts the plausible readings of the ambiguous names as nearby points, so that two
    # ambiguous names can place each other ("Edmonton" and "Enfield": the two London suburbs).
    plausible = [(k, p.lat, p.lon) for k, n in names.items() if k not in anchors
                 for p, sc in n.base[:PLAUSIBLE_CANDIDATES] if sc >= n.base[0][1] - PLAUSIBLE_GAP and _is_local(p)
                 and p.kind != "province"]
    distances: dict[tuple[float, float, float, float], float] = {}  # km between two points: every pass asks again
    for i in range(PASSES):
        context = _Context(anchors, qualifiers, plausible if i == 0 else (), distances)
        for name in names.values():
            name.scored = sorted(((p, s + b) for (p, s), b in zip(name.base, context.bonuses(name), strict=True)),
                                 key=lambda t: -t[1])
        anchors = {k: n for k, n in names.items() if n.scored[0][1] >= ACCEPT}

    mentions = []
    for name in names.values():
        best_place, best_score = name.scored[0]
        if best_score < (ACCEPT_LOCATIVE if _said_as_place(name) else ACCEPT):
            continue
        shares = _softmax([s for _, s in name.scored])
        runner_ups = tuple((p, sh) for (p, _), sh in zip(name.scored[1:4], shares[1:4], strict=False))
        for span in name.spans:
            mentions.append(Mention(span.start, span.end, span.text, best_place, shares[0], runner_ups,
                                    within=span.institution))
    mentions.sort(key=lambda m: m.start)
    return mentions


def _said_as_place(name: _Name) -> bool:
    """A mention of the name stands after a preposition of place ("clashes in Sotk"), and the name is no common
    English word or given name ("in German", "to Lucy"): a place, though a small one."""
    return any(s.locative and not s.embedded and s.zipf < COMMON_WORD_FLOOR and not s.given_name for s in name.spans)


class _Context:
    """What the anchor names tell about the text: its countries, divisions and points. A name never
    counts as context for itself."""

    def __init__(self, anchors: dict[str, _Name], qualifiers: dict[str, list[Place]],
                 plausible: Sequence[tuple[str, float, float]] = (),
                 distances: dict[tuple[float, float, float, float], float] | None = None) -> None:
        self.qualifiers = qualifiers
        self.distances = {} if distances is None else distances
        self.best = {k: n.best for k, n in anchors.items()}
        self.countries_named = Counter(p.country_code for p in self.best.values() if p.feature_code.startswith("PCL"))
        self.divisions_named = Counter((p.country_code, p.admin1) for p in self.best.values()
                                       if p.feature_code == "ADM1" and p.admin1)
        self.local = {k: p for k, p in self.best.items() if _is_local(p)}
        self.countries_of_places = Counter(p.country_code for p in self.local.values())
        self.divisions_of_places = Counter((p.country_code, p.admin1) for p in self.local.values() if p.admin1)
        # the points, by latitude: a candidate reads only those of its band (:func:`_near`)
        self.points = sorted([(p.lat, p.lon, k) for k, p in self.local.items() if p.kind != "province"]
                             + [(lat, lon, k) for k, lat, lon in plausible])
        self.point_lats = [lat for lat, _, _ in self.points]

    def bonuses(self, name: _Name) -> list[float]:
        """What the context adds to each of ``name.base``'s candidates, in that order. What depends on the
        name alone (its own reading taken out of the counts, the other names' points) is found once."""
        own, own_local = self.best.get(name.key), self.local.get(name.key)
        # the keys the name's own reading adds to each counter, taken out again (_NOTHING: none)
        own_country = own_division = _NOTHING
        if own is not None:
            own_country = own.country_code if own.feature_code.startswith("PCL") else None
            own_division = (own.country_code, own.admin1) if own.feature_code == "ADM1" else None
        own_local_country = own_local.country_code if own_local is not None else _NOTHING
        own_local_division = (own_local.country_code, own_local.admin1) if own_local is not None else _NOTHING
        qualifiers = self.qualifiers.get(name.key, ())
        sibling_levels = {_level(self.best[k]) for k in name.siblings if k in self.best}
        out = []
        for place, _ in name.base:
            cc = place.country_code
            division = (cc, place.admin1)
            named = self.countries_named.get(cc, 0) - (own_country == cc)
            of_places = self.countries_of_places.get(cc, 0) - (own_local_country == cc)
            score = 0.0
            if place.feature_code.startswith("PCL"):
                score += CONTAINS_OTHERS if of_places > 0 else 0.0
            elif named > 0:
                # its capital is what a country's text most often means ("in France" ... "Paris")
                score += COUNTRY_NAMED + (CAPITAL_OF_NAMED if place.feature_code == "PPLC" else 0.0)
            elif of_places > 0:
                score += COUNTRY_OF_OTHERS
            if place.feature_code == "ADM1":
                inside = self.divisions_of_places.get(division, 0) - (own_local_division == division)
                score += CONTAINS_OTHERS if place.admin1 and inside > 0 else 0.0
            elif place.admin1 and cc not in name.division_countries and \
                    self.divisions_named.get(division, 0) - (own_division == division) > 0:
                # not for a town that shares its name with another division of its country: "Wyoming"
                # in a text naming Ohio is the state, not Wyoming, Ohio ("X, Y" still says so)
                score += DIVISION_NAMED
            if place.feature_code == "PPLC" and cc in name.division_countries:
                score += CAPITAL_OVER_DIVISION
            if qualifiers and any(contains(y, place) or contains(place, y) for y in qualifiers):
                score += QUALIFIED
            if sibling_levels and _level(place) in sibling_levels:
                score += SIBLING
            if self.points and place.kind not in ("country", "continent", "region", "province"):
                score += _near(place, self.points, self.point_lats, name.key, self.distances)
            out.append(score)
        return out


_NOTHING = object()  # no reading of its own: nothing to take out of the context's counts


_REACH = NEAR[-1][0] / 111.0  # degrees of latitude: points farther from a place cannot be near it


def _near(place: Place, points: Sequence[tuple[float, float, str]], lats: Sequence[float], own: str,
          distances: dict[tuple[float, float, float, float], float]) -> float:
    """The bonus for the other places of the text (``points``: latitude, longitude and name, sorted, with
    ``lats`` their latitudes) nearest to ``place`` (:data:`NEAR`); the points of its own name ``own`` do not count.
    ``distances`` keeps the kilometres between two points for the text's other candidates and passes."""
    reach, place_lat = _REACH, place.lat
    # bisection finds the latitude band (with a margin for rounding); the exact test stays
    lo, hi = bisect_left(lats, place_lat - reach - 1e-6), bisect_right(lats, place_lat + reach + 1e-6)
    band = [(lat, lon) for lat, lon, key in points[lo:hi] if key != own and abs(lat - place_lat) <= reach]
    if not band:  # most candidates: nothing else of the text at their latitude
        return 0.0
    reach_lon = reach / max(math.cos(math.radians(place.lat)), 0.05)  # ... nor of longitude
    here = (place.lat, place.lon)
    nearest = None
    for lat, lon in band:
        if min(abs(lon - place.lon), 360.0 - abs(lon - place.lon)) > reach_lon:
            continue
        km = distances.get(key := (*here, lat, lon))
        if km is None:
            km = distances[key] = distance_km(here, (lat, lon))
        if nearest is None or km < nearest:
            nearest = km
            if nearest <= NEAR[0][0]:  # as near as counts: a nearer point gives no more
                break
    if nearest is None:
        return 0.0
    return next((bonus for km, bonus in NEAR if nearest <= km), 0.0)


def _pair_fits(x: _Name, y: _Name) -> bool:
    """Whether "X, Y" reads as a place and where it is: one of Y's places contains one of X's (any of
    X's: "COLUMBIA, Ky." is the small Columbia, not one of the ten larger ones)."""
    xs = [p for p, _ in x.base]
    return any(contains(q, p) for q, _ in y.base[:QUALIFIER_CANDIDATES] for p in xs)


def _qualifier_pairs(names: dict[str, _Name]) -> dict[str, list[Place]]:
    """For each name in an "X, Y" pair, the other name's plausible places: X's candidate is favoured
    when one of Y's contains it ("Atlanta, Georgia"), and Y's when it contains one of X's."""
    out: dict[str, list[Place]] = defaultdict(list)
    for name in names.values():
        for y_key in {s.qualifier for s in name.spans if s.qualifier and s.qualifier != name.key}:
            other = names.get(y_key)
            if other is not None:
                out[name.key].extend(p for p, _ in other.base[:QUALIFIER_CANDIDATES])
                out[y_key].extend(p for p, _ in name.base[:QUALIFIER_CANDIDATES])
    return out


def contains(outer: Place, inner: Place) -> bool:
    """Whether ``outer`` is the country or first-level division ``inner`` lies in."""
    if outer.country_code is None or outer.country_code != inner.country_code or outer.id == inner.id:
        return False
    if outer.feature_code.startswith("PCL"):
        return not inner.feature_code.startswith("PCL")
    return outer.feature_code == "ADM1" and inner.feature_code != "ADM1" and bool(outer.admin1) \
        and outer.admin1 == inner.admin1


def _level(place: Place) -> str:
    """Country, first-level division, town, or another kind: what a list's names share."""
    if place.feature_code.startswith("PCL"):
        return "country"
    return "province" if place.feature_code == "ADM1" else place.kind


def _is_local(place: Place) -> bool:
    """Places small enough to say where a text is about (not countries, continents or seas)."""
    return place.kind in ("town", "district", "terrain", "water", "route", "province") and \
        place.feature_code not in ("OCN", "SEA")


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]
