"""The phrases of our own PubMed queries, for the fake server's index.

Real PubMed knows every phrase of the watchlist's queries; the fake only knows
the words of the records it serves, and would answer PhraseNotFound for the
rest (as PubMed does for a truly unknown phrase). Telling the fake these
phrases makes it behave like PubMed for our queries while still catching a
phrase nobody indexes.
"""

from __future__ import annotations

from evidencewatch.pubmed.query import build_queries
from evidencewatch.testing.fake.query import query_phrases
from evidencewatch.watch.watchlist import Watchlist


def query_vocabulary(watchlist: Watchlist) -> list[str]:
    return sorted({p for q in build_queries(watchlist) for p in query_phrases(q)})
