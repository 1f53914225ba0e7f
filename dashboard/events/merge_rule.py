"""The thresholds of wire copies, same events and stories (the one place they are kept; measured in
tests/test_stories.py)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    """The thresholds of copies, same events and stories (the one place they are kept)."""

    num_perm: int = 128  # MinHash permutations (512-byte signature per article: 32-bit values)
    scheme: str = "affine32"  # datasketch's permutation scheme (stored signatures depend on it)
    shingle: int = 5  # words per shingle
    copy_jaccard: float = 0.5  # estimated Jaccard of two articles' shingles: one is a copy of the other
    min_similarity: float = 0.3  # Jaccard similarity of two sentences' content words (stems)
    min_shared: int = 4  # ... and at least this many content words in common
    same_deaths_shared: int = 2  # the same death count given in both: this many words in common suffice
    max_candidates: int = 300  # reports compared per new report, found through its keys (newest first) ...
    per_cluster: int = 3  # ... of them at most this many of one event, among ...
    max_scan: int = 2000  # ... the newest this many reports under the keys and buckets (10,000 articles:
    #                       32,432 events across articles, 32,361 with the store's query; 150 and 1,000
    #                       made 33,436, no faster: the writer's day and type lists skip most misfits)
    month_days: int = 92  # a period this long at most is keyed by its months, a longer one by its years ...
    bucket_years: int = 3  # ... when it covers this many at most (longer ones, and undated ones: "*")
    story_days: int = 10  # a report is current when its date ends at most this many days before publication
    story_shared: int = 2  # articles are one story when they share this many current events, or one event
    #                        with a current report dated by its own words (not by the publication date)
    story_scan: int = 100  # ... read among the newest this many current reports of each event (a big
    #                        event's older reports are in the stories its newer ones link to already)
    stem: int = 5  # content words are cut to this many letters ("invoked", "invoke": "invok")


RULE = Rule()
