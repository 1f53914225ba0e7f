"""``Place``: one entry of the gazetteer, in GeoNames' terms."""
from __future__ import annotations

from dataclasses import asdict, dataclass
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

    @property
    def feature(self) -> str:
        """GeoNames class and code, as ``P.PPL``, ``A.PCLI``, ``A.ADM1``."""
        return f"{self.feature_class}.{self.feature_code}"

    @property
    def kind(self) -> str:
        """``country``, ``province``, ``district``, ``region``, ``continent``, ``town``, ``water``,
        ``terrain``, ``route`` or ``site``."""
        for fclass, prefix, kind in _KINDS:
            if self.feature_class == fclass and self.feature_code.startswith(prefix):
                return kind
        return "region"

    @property
    def point(self) -> tuple[float, float]:
        """``(lat, lon)``, the order geopy uses."""
        return (self.lat, self.lon)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """A GeoJSON Point (longitude first, RFC 7946)."""
        return {"type": "Point", "coordinates": (self.lon, self.lat)}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"feature": self.feature, "kind": self.kind}
