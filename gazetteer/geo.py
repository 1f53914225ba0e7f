"""Great-circle distance for the resolver's inner loop.

Same formula and Earth radius as :func:`geopy.distance.great_circle` (the tests check they agree),
without the object overhead: the resolver compares every candidate with every other place of an
article, and geopy's version costs about ten times as much per call. Everywhere else, use geopy.
"""
from __future__ import annotations

import math

from geopy.distance import EARTH_RADIUS


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Kilometres between two ``(lat, lon)`` points along the sphere."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(h)))
