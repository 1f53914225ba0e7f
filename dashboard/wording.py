"""How the page and the command line say a number of things: "1 place", "3 places", "1204 events"."""
from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1 (``plural`` when adding "s" will not do)."""
    return f"{n:d} {noun if n == 1 else plural or noun + 's'}"


def reports_of_events(reports: int, events: int) -> str:
    """The events table's rows and the events they report: "54 reports of 51 events" (a row is a sentence of
    an article at a place: an event that several articles report has a row for each; an event counts once at
    each of its places, as on the map), or "3 events" when each is reported once."""
    if reports == events:
        return f"{reports:,} event{'s' if reports != 1 else ''}"
    return f"{reports:,} report{'s' if reports != 1 else ''} of {events:,} event{'s' if events != 1 else ''}"
