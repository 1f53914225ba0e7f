"""Text in, resolved place mentions out: recognition (:mod:`.recognize`; a division called by its city's
spelling, :mod:`.divisions`) then resolution (:mod:`.resolve`)."""
from __future__ import annotations

from collections.abc import Sequence

from .divisions import add_namesake_divisions
from .index import Gazetteer
from .recognize import find_spans
from .resolve import Mention, resolve

__all__ = ["Mention", "geoparse"]


def geoparse(text: str, gazetteer: Gazetteer, spans: Sequence[tuple[int, int]] | None = None) -> list[Mention]:
    """Every place mention in ``text`` (only inside ``spans`` when given), each resolved in context.

    Offsets are character offsets into ``text``; ``mention.text == text[mention.start:mention.end]``.
    """
    found = find_spans(text, gazetteer, spans)
    add_namesake_divisions(found, gazetteer)
    return resolve(found)
