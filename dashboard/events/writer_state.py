"""What a store's writer keeps in memory between articles (the wire copies' LSH index, the link index),
one of each per SQLite connection: made from the store on first use, dropped with :func:`forget` when
the writer's transaction is rolled back or its connection closed (what they held may be gone)."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
KEPT = 16  # connections remembered at most (a long test run opens many stores)


class PerConnection(Generic[T]):
    """One ``T`` per connection, made by ``make()`` when a connection has none."""

    def __init__(self, make: Callable[[], T]) -> None:
        self.make = make
        self.held: dict[int, tuple[sqlite3.Connection, T]] = {}
        _ALL.append(self)

    def peek(self, db: sqlite3.Connection) -> T | None:
        held = self.held.get(id(db))
        return held[1] if held is not None and held[0] is db else None

    def get(self, db: sqlite3.Connection) -> T:
        found = self.peek(db)
        return self.put(db, self.make()) if found is None else found

    def put(self, db: sqlite3.Connection, value: T) -> T:
        if id(db) not in self.held and len(self.held) >= KEPT:
            self.held.pop(next(iter(self.held)))
        self.held[id(db)] = (db, value)
        return value


_ALL: list[PerConnection] = []


def forget(db: sqlite3.Connection) -> None:
    """Drop what every writer index holds for ``db``: its transaction was rolled back, or it is closed."""
    for kept in _ALL:
        kept.held.pop(id(db), None)
