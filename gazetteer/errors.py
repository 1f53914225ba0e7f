"""The gazetteer's exceptions: one root, :class:`GazetteerError`, so callers can catch everything at once."""
from __future__ import annotations

from geopy.exc import GeocoderQueryError


class GazetteerError(Exception):
    """Root of every error raised by the :mod:`gazetteer` package."""


class SourceError(GazetteerError):
    """A data source for the index is missing or unreadable."""


class IndexBuildError(GazetteerError):
    """The index cannot be built or opened."""


class QueryError(GazetteerError, GeocoderQueryError):
    """A geocoder query is malformed (also a :class:`geopy.exc.GeocoderQueryError`, as geopy users expect)."""
