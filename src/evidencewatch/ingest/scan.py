"""The steps of a PubMed scan: search, note what was found, fetch a batch, save it, finish.

Each step that touches the database takes the session it works in and never
commits: :func:`evidencewatch.jobs.scanning.run_scan` runs them with one
transaction per batch, so a crash loses at most the batch in flight. The
search and fetch steps talk to NCBI only. The watermark and the window a scan
reads are in :mod:`evidencewatch.ingest.windows`.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from evidencewatch.core.errors import EutilsError, EvidenceWatchError
from evidencewatch.core.progress import Progress
from evidencewatch.core.timeutil import utcnow
from evidencewatch.ingest.store import AfterSave, known_pmids, save_records
from evidencewatch.ingest.windows import SearchSlice, Window, search_window
from evidencewatch.pubmed.query import QUERY_VERSION, build_queries
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.storage.models import Scan

if TYPE_CHECKING:
    from evidencewatch.matching.match import Matcher
    from evidencewatch.pubmed.client import EutilsClient
    from evidencewatch.watch.watchlist import Watchlist

__all__ = [
    "ScanReport",
    "ScanStopped",
    "fetch_batch",
    "finish_scan",
    "note_searches",
    "open_scan",
    "save_batch",
    "search_queries",
]

# Every line a scan logs has come from this logger; operators filter on its name.
log = logging.getLogger("evidencewatch.ingest.scan")


@dataclass
class ScanReport:
    scan_id: int
    status: str
    requests: int
    papers_seen: int
    papers_new: int
    candidates_new: int
    window: Window
    error: str | None = None
    queries: list[dict[str, Any]] = field(default_factory=list)
    missing_pmids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people: what the scan read and found."""
        w = self.window
        return (
            f"scan {self.scan_id} {self.status}: window {w.start}..{w.end}, "
            f"{self.requests} requests, {self.papers_seen} papers seen, "
            f"{self.papers_new} new, {self.candidates_new} new candidates"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "scan_id": self.scan_id,
            "requests": self.requests,
            "papers_seen": self.papers_seen,
            "papers_new": self.papers_new,
            "candidates_new": self.candidates_new,
            "window": {"from": self.window.start.isoformat(), "to": self.window.end.isoformat()},
            "missing_pmids": self.missing_pmids,
            "error": self.error,
        }


class ScanStopped(EvidenceWatchError):
    """The scan was asked to stop (SIGTERM) between batches; the watermark stays."""


def open_scan(*, session: Session, window: Window, trigger: str) -> int:
    """Record a scan of ``window`` as running; returns its id."""
    scan = Scan(
        kind="scan",
        window_from=window.start,
        window_to=window.end,
        query_version=QUERY_VERSION,
        trigger=trigger,
        host=socket.gethostname(),
        pid=os.getpid(),
    )
    session.add(scan)
    session.flush()
    assert scan.id is not None
    return scan.id


def search_queries(
    client: EutilsClient,
    watchlist: Watchlist,
    report: ScanReport,
    *,
    progress: Progress,
    should_stop: Callable[[], bool],
) -> list[int]:
    """Every PMID the watchlist's queries find in the window, in first-seen order.

    Each query's translation and date slices are added to ``report.queries``.
    """
    queries = build_queries(watchlist)
    seen: dict[int, None] = {}
    progress.task("searching PubMed", total=len(queries))
    for term in queries:
        slices = search_window(client, term, report.window)
        report.queries.append(_query_entry(term, slices))
        for s in slices:
            seen.update(dict.fromkeys(s.result.ids))
        progress.advance()
        if should_stop():
            raise ScanStopped("stopped before fetching")
    return list(seen)


def _query_entry(term: str, slices: list[SearchSlice]) -> dict[str, Any]:
    return {
        "term": term,
        "translation": slices[0].result.query_translation if slices else "",
        "count": sum(s.result.count for s in slices),
        "slices": [
            {
                "from": s.window.start.isoformat(),
                "to": s.window.end.isoformat(),
                "count": s.result.count,
                "warnings": list(s.result.warnings),
            }
            for s in slices
        ],
    }


def note_searches(*, session: Session, report: ScanReport, pmids: list[int]) -> list[int]:
    """Store what the searches found on the scan; returns the PMIDs not stored yet, sorted."""
    known = known_pmids(session=session, pmids=pmids)
    scan = session.get(Scan, report.scan_id)
    assert scan is not None
    scan.queries = report.queries
    scan.papers_seen = report.papers_seen
    scan.requests = report.requests
    return sorted(pmid for pmid in pmids if pmid not in known)


def fetch_batch(client: EutilsClient, batch: list[int], report: ScanReport) -> list[PubmedRecord]:
    """The records of ``batch`` from EFetch; PMIDs it does not return go to the report."""
    parsed = client.efetch(batch)
    returned = {r.pmid for r in parsed.records}
    missing = [pmid for pmid in batch if pmid not in returned]
    if missing:
        # Deleted or withdrawn PMIDs are simply absent from efetch output.
        log.warning(
            "efetch did not return %d of %d PMIDs: %s", len(missing), len(batch), missing[:10]
        )
        report.missing_pmids.extend(missing)
    if parsed.problems:
        raise EutilsError(
            "efetch returned records that could not be read: "
            + "; ".join(f"{p.position}: {p.message}" for p in parsed.problems[:3])
        )
    asked = set(batch)
    return [r for r in parsed.records if r.pmid in asked]


def save_batch(
    *,
    session: Session,
    records: list[PubmedRecord],
    matcher: Matcher,
    report: ScanReport,
    after_save: AfterSave | None,
) -> None:
    """Store one fetched batch and its candidates, and the scan's counts so far."""
    counts = save_records(
        session=session,
        records=records,
        matcher=matcher,
        source=f"scan:{report.scan_id}",
        scan_id=report.scan_id,
        actor=f"scan:{report.scan_id}",
    )
    if after_save and counts.new_candidate_ids:
        after_save(session, counts.new_candidate_ids)
    report.papers_new += counts.papers_new
    report.candidates_new += counts.candidates_new
    _update_counts(session, report)


def _update_counts(session: Session, report: ScanReport) -> None:
    scan = session.get(Scan, report.scan_id)
    assert scan is not None
    scan.requests = report.requests
    scan.papers_seen = report.papers_seen
    scan.papers_new = report.papers_new
    scan.candidates_new = report.candidates_new
    scan.missing_pmids = list(report.missing_pmids)
    session.add(scan)


def finish_scan(*, session: Session, report: ScanReport, status: str) -> None:
    """Record the scan's outcome; "succeeded" moves the watermark to its window's end."""
    _update_counts(session, report)
    scan = session.get(Scan, report.scan_id)
    assert scan is not None
    scan.queries = report.queries
    scan.status = status
    scan.error = report.error
    scan.finished_at = utcnow()
    session.add(scan)
    report.status = status
