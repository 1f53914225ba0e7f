"""A geopy-compatible geocoder over the local gazetteer: no network, no API key, no rate limit.

>>> from gazetteer.geocoder import LocalGeocoder
>>> geo = LocalGeocoder()
>>> geo.geocode("Goris, Armenia").point       # doctest: +SKIP
Point(39.51111, 46.34168, 0.0)
>>> geo.reverse((40.18, 45.73)).address        # doctest: +SKIP
'Vardenis, Gegharkunik, Armenia'

It follows the shape of :class:`geopy.geocoders.base.Geocoder`: ``geocode(query, exactly_one=True)``
and ``reverse(query, exactly_one=True)`` return :class:`geopy.location.Location` objects (or a list,
or ``None``), so it drops in where geopy's geocoders are used, ``RateLimiter`` and
``geopy.distance`` included. Bad queries raise :class:`gazetteer.QueryError`, which is also a
:class:`geopy.exc.GeocoderQueryError`.
"""
from __future__ import annotations

import warnings

from geopy.location import Location
from geopy.point import Point

from .errors import QueryError
from .index import Gazetteer
from .names import normalize
from .place import Place
from .resolve import contains

REVERSE_KM = 50.0  # how far reverse() looks for a populated place


class LocalGeocoder:
    """Geocode with the offline gazetteer, in geopy's API."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.open()

    def geocode(self, query: str, *, exactly_one: bool = True, limit: int | None = None,
                country_codes: str | list[str] | None = None, timeout: float | None = None
                ) -> Location | list[Location] | None:
        """Places called like ``query`` ("Goris", "Goris, Armenia", "Columbia, Mo."), best first.

        Parts after a comma narrow the search: a candidate inside a country or first-level division
        they name ranks first. ``country_codes`` keeps only places in those ISO countries.
        ``timeout`` is accepted for geopy compatibility and ignored (nothing leaves the machine).
        """
        if not isinstance(query, str) or not query.strip():
            raise QueryError("geocode() needs a place name, such as 'Goris' or 'Goris, Armenia'")
        name, *context = [part.strip() for part in query.split(",") if part.strip()]
        candidates = self.gazetteer.lookup(name)
        if country_codes:
            codes = {country_codes.upper()} if isinstance(country_codes, str) else {c.upper() for c in country_codes}
            candidates = [p for p in candidates if p.country_code in codes]
        qualifiers = [q for part in context for q in self.gazetteer.lookup(part)[:10]]
        # lookup() ranks by the resolver's prior; a qualifier that contains a candidate lifts it.
        order = {p.id: -k for k, p in enumerate(candidates)}
        ranked = sorted(candidates, key=lambda p: (-any(contains(q, p) for q in qualifiers), -order[p.id]))
        locations = [self._location(p) for p in ranked[: (limit or len(ranked))]]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None

    def reverse(self, query, *, exactly_one: bool = True, limit: int | None = None,
                within_km: float = REVERSE_KM, timeout: float | None = None) -> Location | list[Location] | None:
        """The populated places nearest to ``query`` (a ``(lat, lon)`` pair, a "lat, lon" string or a
        :class:`geopy.point.Point`), within ``within_km``."""
        try:
            with warnings.catch_warnings():  # geopy warns before refusing a latitude past a pole
                warnings.simplefilter("ignore", UserWarning)
                point = Point(query)
        except (TypeError, ValueError) as exc:
            raise QueryError(f"reverse() needs a point such as (40.18, 45.73) or '40.18, 45.73': {exc}") from exc
        found = self.gazetteer.nearest(point.latitude, point.longitude, limit=limit or (1 if exactly_one else 10),
                                       within_km=within_km)
        locations = [self._location(p) for p, _km in found]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None

    def _location(self, place: Place) -> Location:
        parts = [place.name]
        division = self.gazetteer.admin1_of(place)
        if division is not None and normalize(division.name) != normalize(place.name):
            parts.append(division.name)
        country = self.gazetteer.country(place.country_code) if place.country_code else None
        if country is not None and country.id != place.id:
            parts.append(country.name)
        return Location(", ".join(parts), (place.lat, place.lon, 0.0), place.to_dict())
