"""What the fake knows between requests: its records, known phrases and History sets.

A record can also be *withheld*: searches find it, but EFetch never returns it
(a PMID NCBI lists and will not serve).

Handler threads run concurrently, so every read and write goes through the one
lock the server shares with its own bookkeeping.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable
from datetime import date

from evidencewatch.testing.fake.evaluate import Evaluation, Evaluator, TextIndex
from evidencewatch.testing.fake.query import Node
from evidencewatch.testing.fake.records import FakeRecord

__all__ = ["Corpus"]


class Corpus:
    """The records by PMID, their text index, known phrases and the History server."""

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock
        self._records: dict[int, FakeRecord] = {}
        self._known: set[str] = set()
        self._index = TextIndex(self._records)
        self._history: dict[str, list[list[int]]] = {}
        self._withheld: set[int] = set()
        self._links: dict[str, dict[int, set[int]]] = {}

    def add_records(self, records: Iterable[FakeRecord]) -> None:
        with self.lock:
            for rec in records:
                self._records[rec.pmid] = rec
            self._index = TextIndex(self._records)

    def remove_records(self, pmids: Iterable[int]) -> None:
        with self.lock:
            for pmid in pmids:
                self._records.pop(pmid, None)
            self._index = TextIndex(self._records)

    def withhold(self, pmids: Iterable[int], *, withheld: bool = True) -> None:
        with self.lock:
            if withheld:
                self._withheld.update(pmids)
            else:
                self._withheld.difference_update(pmids)

    def add_links(self, linkname: str, links: dict[int, Iterable[int]]) -> None:
        """ELink's ``linkname`` links: for each source PMID, the PMIDs it links to."""
        with self.lock:
            known = self._links.setdefault(linkname, {})
            for source, targets in links.items():
                known.setdefault(source, set()).update(targets)

    def links_of(self, linkname: str, source: int) -> list[int]:
        """The known records ``source`` links to (a link to an unknown PMID is not served)."""
        with self.lock:
            targets = self._links.get(linkname, {}).get(source, set())
            return [t for t in targets if t in self._records]

    def add_known_phrases(self, phrases: Iterable[str]) -> None:
        with self.lock:
            self._known.update(" ".join(p.lower().split()) for p in phrases)

    @property
    def records(self) -> dict[int, FakeRecord]:
        """A copy of the records, by PMID."""
        with self.lock:
            return dict(self._records)

    def search(self, tree: Node) -> tuple[Evaluation, dict[int, date]]:
        """The evaluated query, and the create date of every PMID it found."""
        with self.lock:
            evaluation = Evaluator(self._index, self._known).run(tree)
            crdts = {pmid: self._records[pmid].crdt for pmid in evaluation.pmids}
        return evaluation, crdts

    def by_ids(self, wanted: Iterable[int]) -> list[FakeRecord]:
        """The known, not withheld records among ``wanted``, in that order, each once."""
        with self.lock:
            seen: set[int] = set()
            chosen = []
            for pmid in wanted:
                if self._servable(pmid) and pmid not in seen:
                    seen.add(pmid)
                    chosen.append(self._records[pmid])
            return chosen

    def by_pmids(self, pmids: Iterable[int]) -> list[FakeRecord]:
        """The known, not withheld records among ``pmids``, in that order (a History page)."""
        with self.lock:
            return [self._records[pmid] for pmid in pmids if self._servable(pmid)]

    def _servable(self, pmid: int) -> bool:
        return pmid in self._records and pmid not in self._withheld

    def store(self, webenv: str, ids: list[int]) -> tuple[str, int]:
        """Keep a result set under ``webenv`` (a new one if unknown): its WebEnv and query_key."""
        with self.lock:
            if webenv not in self._history:
                webenv = "MCID_" + secrets.token_hex(12)
                self._history[webenv] = []
            self._history[webenv].append(ids)
            return webenv, len(self._history[webenv])

    def stored(self, webenv: str, query_key: int) -> list[int] | None:
        """A stored result set; None for an unknown WebEnv or query_key."""
        with self.lock:
            sets = self._history.get(webenv)
            if sets is None or not 1 <= query_key <= len(sets):
                return None
            return sets[query_key - 1]
