"""Wire copies: an article's MinHash signature over word shingles (``datasketch``), the LSH index of the
stored ones a writer keeps, and the outlet an article counts for (see :mod:`dashboard.events.stories`)."""
from __future__ import annotations

import functools
import re
import sqlite3
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

from .merge_rule import RULE, Rule
from .writer_state import PerConnection


def signature(text: str, rule: Rule = RULE) -> MinHash:
    tokens = re.findall(r"\w+", text.lower())
    m = MinHash(num_perm=rule.num_perm, scheme=rule.scheme, permutations=_permutations(rule))
    n = rule.shingle
    shingles = {" ".join(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))}
    m.update_batch([s.encode("utf-8") for s in shingles])
    return m


@functools.cache
def _permutations(rule: Rule) -> Any:
    """The permutations of ``rule`` (made once: datasketch draws them anew for every MinHash otherwise)."""
    return MinHash(num_perm=rule.num_perm, scheme=rule.scheme).permutations


def signature_blob(m: MinHash) -> bytes:
    return np.asarray(m.hashvalues, dtype="<u4").tobytes()


def from_blob(blob: bytes, rule: Rule = RULE) -> MinHash:
    """A signature stored (or sent by a worker process) as :func:`signature_blob` made it."""
    return MinHash(num_perm=rule.num_perm, scheme=rule.scheme, permutations=_permutations(rule),
                   hashvalues=np.frombuffer(blob, dtype="<u4").astype(np.uint32))


class CopyIndex:
    """An LSH index over the stored signatures of one store, topped up from rows committed since."""

    def __init__(self, rule: Rule = RULE) -> None:
        self.rule = rule
        self.lsh = MinHashLSH(threshold=rule.copy_jaccard, num_perm=rule.num_perm)
        self.seq = 0
        self.signatures: dict[str, MinHash] = {}

    def refresh(self, db: sqlite3.Connection) -> None:
        for seq, article, blob in db.execute("SELECT seq, article, signature FROM article_copy WHERE seq > ? "
                                             "ORDER BY seq", (self.seq,)):
            self.seq = seq
            if article in self.signatures:
                continue
            m = from_blob(blob, self.rule)
            self.signatures[article] = m
            self.lsh.insert(article, m)

    def original(self, db: sqlite3.Connection, article_id: str, m: MinHash) -> tuple[str, float] | None:
        """The first ingested stored article this one copies (itself no copy), with the estimated Jaccard."""
        best = None
        for other in self.lsh.query(m):
            if other == article_id:
                continue
            jac = m.jaccard(self.signatures[other])
            if jac >= self.rule.copy_jaccard:
                row = db.execute("SELECT seq, coalesce(copy_of, article) FROM article_copy WHERE article = ?",
                                 (other,)).fetchone()
                if row and (best is None or row[0] < best[0]):
                    best = (row[0], row[1], jac)
        return None if best is None else (best[1], best[2])


_INDEXES: PerConnection[CopyIndex] = PerConnection(CopyIndex)


def copy_index(db: sqlite3.Connection) -> CopyIndex:
    """The LSH index of the store on ``db`` (built from the store on first use), up to date."""
    index = _INDEXES.get(db)
    index.refresh(db)
    return index


def outlet(url: str | None, source: str) -> str:
    """An article's outlet: its URL's registered domain, else its file name."""
    if url:
        from tld import get_fld
        fld = get_fld(url, fail_silently=True)
        if fld:
            return fld
    return source
