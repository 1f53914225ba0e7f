"""``Place``: one entry of the gazetteer, in GeoNames' terms."""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

# What a map or a filter calls a place, by GeoNames feature class and code (first match wins).
_KINDS: tuple[tuple[str, str, str], ...] = (
    ("A", "PCL", "country"),
    ("A", "ADM1", "province"),
    ("A", "ADM", "district"),
    ("A", "", "region"),
    ("L", "CONT", "continent"),
    ("L", "", "region"),
    ("P", "", "town"),
    ("H", "", "water"),
    ("T", "", "terrain"),
    ("R", "", "route"),
    ("S", "", "site"),
    ("V", "", "terrain"),
    ("U", "", "water"),
)


# Prominence by feature: (class, code prefix, base, points per power of ten of population).
_PROMINENCE: tuple[tuple[str, str, float, float], ...] = (
    ("A", "PCLH", 7.0, 0.0),
    ("A", "PCL", 10.0, 0.0),
    ("L", "CONT", 9.5, 0.0),
    ("H", "OCN", 9.0, 0.0),
    ("A", "ADM1", 3.5, 0.6),
    ("A", "ADM2", 2.0, 0.5),
    ("P", "PPLC", 1.5, 1.0),
    ("P", "", 0.0, 1.0),
    ("S", "AIRP", 5.0, 0.0),  # an airport news names (gazetteer/airports.py): "Heathrow" alone means it
    ("A", "", 3.0, 0.3),
    ("H", "", 2.0, 0.3),
    ("L", "", 2.0, 0.3),
    ("T", "", 2.0, 0.3),
    ("R", "", 2.0, 0.3),
    ("S", "", 2.0, 0.3),
)
# Seas, regions, mountains, routes, crossings and forests from the curated files: chosen because news names them
# (airports keep their own prominence above).
CURATED_PROMINENCE = 7.5
_CURATED_CLASSES = "HLTRSV"


@dataclass(frozen=True, slots=True)
class Place:
    """A place with a GeoNames-style id (positive ids are GeoNames' own; negative ids are derived
    divisions and curated entries, stable across index builds)."""

    id: int
    name: str
    lat: float
    lon: float
    country_code: str | None
    feature_class: str
    feature_code: str
    population: int = 0
    admin1: str | None = None
    source: str = "geonames"
    kind: str = field(init=False, compare=False, repr=False)
    """``country``, ``province``, ``district``, ``region``, ``continent``, ``town``, ``water``,
    ``terrain``, ``route`` or ``site`` (from the feature class and code)."""
    prominence: float = field(init=False, compare=False, repr=False)
    """How readily a bare mention of the name means this place, on a scale where a town of 10,000
    people is 4 and a country 10 (see ``_PROMINENCE``)."""

    def __post_init__(self) -> None:  # derived once: the resolver reads them thousands of times per text
        object.__setattr__(self, "kind", _kind(self.feature_class, self.feature_code))
        object.__setattr__(self, "prominence", _prominence(self))

    @property
    def feature(self) -> str:
        """GeoNames class and code, as ``P.PPL``, ``A.PCLI``, ``A.ADM1``."""
        return f"{self.feature_class}.{self.feature_code}"

    @property
    def point(self) -> tuple[float, float]:
        """``(lat, lon)``, the order geopy uses."""
        return (self.lat, self.lon)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """A GeoJSON Point (longitude first, RFC 7946)."""
        return {"type": "Point", "coordinates": (self.lon, self.lat)}

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.init}
        return out | {"feature": self.feature, "kind": self.kind}


@cache
def _kind(feature_class: str, feature_code: str) -> str:
    for fclass, prefix, kind in _KINDS:
        if feature_class == fclass and feature_code.startswith(prefix):
            return kind
    return "region"


def _prominence(place: Place) -> float:
    rule = _prominence_rule(place.feature_class, place.feature_code, place.source.startswith("geonames"))
    if rule is None:
        return CURATED_PROMINENCE
    base, per_size = rule
    return base + per_size * math.log10(place.population + 1)


@cache
def _prominence_rule(feature_class: str, feature_code: str, geonames: bool) -> tuple[float, float] | None:
    """The (base, points per power of ten) of ``_PROMINENCE`` for a feature; ``None`` for a curated entry,
    whose prominence is fixed. Found once per feature: thousands of places are built per text."""
    if feature_class in _CURATED_CLASSES and feature_code not in ("CONT", "AIRP") and not geonames:
        return None
    for fclass, prefix, base, per_size in _PROMINENCE:
        if feature_class == fclass and feature_code.startswith(prefix):
            return base, per_size
    return 0.0, 1.0
