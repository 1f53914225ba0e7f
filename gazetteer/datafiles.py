"""The gazetteer's own data files (``gazetteer/data``): curated places, aliases, cue and stop words."""
from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path


def data_file(name: str) -> Path:
    return Path(str(resources.files("gazetteer") / "data" / name))


def read_tsv(path: Path) -> Iterator[list[str]]:
    """Rows of a tab-separated data file; ``#`` lines and blank lines are comments."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                yield line.rstrip("\n").split("\t")
