"""The gazetteer's own data files (``gazetteer/data``): curated places, aliases, cue and stop words."""
from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path

from .names import normalize


def data_file(name: str) -> Path:
    return Path(str(resources.files("gazetteer") / "data" / name))


def read_tsv(path: Path) -> Iterator[list[str]]:
    """Rows of a tab-separated data file; ``#`` lines and blank lines are comments."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


@cache
def stoplist() -> frozenset[str]:
    """Normalised words that never name a place on their own (``data/stoplist.tsv``)."""
    return frozenset(normalize(row[0]) for row in read_tsv(data_file("stoplist.tsv")))
