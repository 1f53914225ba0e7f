"""News Atlas' gazetteer: place names to places, offline.

>>> from gazetteer import Gazetteer
>>> gaz = Gazetteer.open()            # builds the index on first use
>>> gaz.lookup("Goris")[0].country_code
'AM'
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Gazetteer", "GazetteerError", "IndexBuildError", "Place", "QueryError", "SourceError", "__version__"]
_WHERE = {"Gazetteer": "index", "Place": "place", "GazetteerError": "errors", "IndexBuildError": "errors",
          "QueryError": "errors", "SourceError": "errors"}


def __getattr__(name: str) -> object:
    """The package's names, imported when first asked for: ``import gazetteer.cache`` (whether the index is
    built) then imports neither the index nor geopy (0.1 s of the page's first run)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'gazetteer' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
