"""The dashboard's exceptions: one root, :class:`AtlasError`; every message says what to do."""
from __future__ import annotations


class AtlasError(Exception):
    """Root of every error raised by the :mod:`dashboard` package."""


class ArticleError(AtlasError):
    """A file cannot be read as an article. ``reason`` is a short code for tables and tests
    (``empty``, ``binary``, ``too-large``, ``encoding``, ``unreadable``)."""

    def __init__(self, message: str, reason: str = "unreadable") -> None:
        super().__init__(message)
        self.reason = reason


class StoreError(AtlasError):
    """The event store cannot be opened or written."""
