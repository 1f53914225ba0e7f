"""News Atlas' gazetteer: place names to places, offline.

>>> from gazetteer import Gazetteer
>>> gaz = Gazetteer.open()            # builds the index on first use
>>> gaz.lookup("Goris")[0].country_code
'AM'
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import GazetteerError, IndexBuildError, QueryError, SourceError
from .index import Gazetteer
from .place import Place

__all__ = ["Gazetteer", "GazetteerError", "IndexBuildError", "Place", "QueryError", "SourceError", "__version__"]
