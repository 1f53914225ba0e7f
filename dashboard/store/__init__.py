"""The event store (SQLite): :class:`Store` (:mod:`.db`, with its readers in :mod:`.reads` and writers in
:mod:`.writes`), what it returns (:mod:`.records`), which events to show (:mod:`.filters`) and its schema
(:mod:`.schema`, ``schema.sql``)."""
from ..errors import StoreError
from .db import STORE_NAME, Store, data_dir, store_path
from .filters import KIND_GROUPS, KIND_LABELS, MAX_FILTER_PLACES, MAX_SEARCH, EventFilter, like_pattern
from .records import (
    ArticleSummary,
    Candidate,
    Correction,
    CountryCount,
    DateRange,
    DayCount,
    EventFix,
    EventRecord,
    EventRow,
    Period,
    PlaceCount,
    StoredArticle,
    StoredMention,
    StoredPlace,
)
from .schema import SCHEMA_PATH, SCHEMA_VERSION, schema_sections

__all__ = [
    "KIND_GROUPS",
    "KIND_LABELS",
    "MAX_FILTER_PLACES",
    "MAX_SEARCH",
    "SCHEMA_PATH",
    "SCHEMA_VERSION",
    "STORE_NAME",
    "ArticleSummary",
    "Candidate",
    "Correction",
    "CountryCount",
    "DateRange",
    "DayCount",
    "EventFilter",
    "EventFix",
    "EventRecord",
    "EventRow",
    "Period",
    "PlaceCount",
    "Store",
    "StoreError",
    "StoredArticle",
    "StoredMention",
    "StoredPlace",
    "data_dir",
    "like_pattern",
    "schema_sections",
    "store_path",
]
