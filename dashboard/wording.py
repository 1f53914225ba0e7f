"""How the page and the command line say a number of things: "1 place", "3 places", "1204 events"."""
from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1 (``plural`` when adding "s" will not do)."""
    return f"{n:d} {noun if n == 1 else plural or noun + 's'}"
