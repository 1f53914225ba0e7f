"""The pipeline's own data files (``dashboard/data``): cue lists, word lists and patterns, one reader."""
from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of ``dashboard/data/NAME``: fields split at TABs, stripped; ``#`` lines and blank lines are
    comments. Read once per process."""
    text = resources.files("dashboard").joinpath("data", name).read_text(encoding="utf-8")
    return tuple(tuple(field.strip() for field in line.split("\t")) for line in text.splitlines()
                 if line.strip() and not line.startswith("#"))
