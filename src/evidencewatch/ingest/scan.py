"""The steps of a PubMed scan: search, note what was found, fetch a batch, save it, finish.

Each step that touches the database takes the session it works in and never
commits: :func:`evidencewatch.jobs.scanning.run_scan` runs them with one
transaction per batch, so a crash loses at most the batch in flight. The
search and fetch steps talk to NCBI only. The watermark and the window a scan
reads are in :mod:`evidencewatch.ingest.windows`.

A PMID the searches returned that EFetch leaves out is asked for again
(:func:`evidencewatch.pubmed.fetching.fetch_by_ids`); one still missing is
recorded as unresolved (:mod:`evidencewatch.ingest.unresolved`) in its batch's
transaction and asked for by every later scan. A scan that ends with any PMID
unresolved is "incomplete", not "succeeded", so the watermark does not move.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from evidencewatch.core.errors import EvidenceWatchError
from evidencewatch.core.progress import Progress
from evidencewatch.core.timeutil import utcnow
from evidencewatch.ingest.citations import note_query_routes
from evidencewatch.ingest.store import AfterSave, known_pmids, save_records
from evidencewatch.ingest.unresolved import (
    open_pmids,
    pmids_to_retry,
    record_unresolved,
    resolve_gone,
    resolve_stored,
)
from evidencewatch.ingest.windows import SearchSlice, Window, search_window
from evidencewatch.pubmed.fetching import FetchedIds
from evidencewatch.pubmed.query import QUERY_VERSION, build_queries
from evidencewatch.storage.models import Scan

if TYPE_CHECKING:
    from evidencewatch.matching.match import Matcher
    from evidencewatch.pubmed.client import EutilsClient
    from evidencewatch.watch.watchlist import Watchlist

__all__ = [
    "INCOMPLETE",
    "SUCCEEDED",
    "ScanReport",
    "ScanStopped",
    "finish_scan",
    "mark_failed",
    "note_searches",
    "open_scan",
    "save_batch",
    "search_queries",
]

# Every line a scan logs has come from this logger; operators filter on its name.
log = logging.getLogger("evidencewatch.ingest.scan")

SUCCEEDED = "succeeded"
#: A scan that ran to its end with PMIDs unresolved: not clean, the watermark stays.
INCOMPLETE = "incomplete"


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
    #: PMIDs a first EFetch answer left out, whether asking again found them or not.
    missing_pmids: list[int] = field(default_factory=list)
    #: PMIDs neither stored nor confirmed gone when the scan ended (every later scan retries).
    unresolved_pmids: list[int] = field(default_factory=list)
    #: PMIDs this scan confirmed gone from PubMed (ESearch [uid] knows nothing of them).
    gone_pmids: list[int] = field(default_factory=list)
    #: Papers stored because they cite (or resemble) a seed-cited or accepted paper.
    citation_papers_new: int = 0
    #: ELink requests, and EFetch requests for the papers ELink found (in ``requests`` too).
    citation_requests: int = 0

    def summary(self) -> str:
        """One line for people: what the scan read and found."""
        w = self.window
        line = (
            f"scan {self.scan_id} {self.status}: window {w.start}..{w.end}, "
            f"{self.requests} requests, {self.papers_seen} papers seen, "
            f"{self.papers_new} new, {self.candidates_new} new candidates"
        )
        if self.citation_requests:
            line += (
                f", {self.citation_papers_new} of the new papers found through citations "
                f"({self.citation_requests} requests)"
            )
        if self.gone_pmids:
            line += f", {len(self.gone_pmids)} PMIDs gone from PubMed"
        if self.unresolved_pmids:
            line += f", {len(self.unresolved_pmids)} PMIDs unresolved (the next scan retries them)"
        return line

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
            "unresolved_pmids": self.unresolved_pmids,
            "gone_pmids": self.gone_pmids,
            "citation_papers_new": self.citation_papers_new,
            "citation_requests": self.citation_requests,
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
    """Store what the searches found on the scan; returns the PMIDs to fetch, sorted.

    Those are the PMIDs not stored yet, and the unresolved ones earlier scans
    could not get, wherever their searches found them.
    """
    known = known_pmids(session=session, pmids=pmids)
    note_query_routes(
        session=session, pmids=sorted(known), scan_id=report.scan_id, only_routed=True
    )
    retry = pmids_to_retry(session=session, by=f"scan:{report.scan_id}")
    scan = session.get(Scan, report.scan_id)
    assert scan is not None
    scan.queries = report.queries
    scan.papers_seen = report.papers_seen
    scan.requests = report.requests
    return sorted({pmid for pmid in pmids if pmid not in known} | set(retry))


def save_batch(
    *,
    session: Session,
    fetched: FetchedIds,
    matcher: Matcher,
    report: ScanReport,
    after_save: AfterSave | None,
    by_query: bool = True,
) -> None:
    """Store one fetched batch, its candidates and its unresolved PMIDs, and the counts so far.

    ``by_query``: the watchlist's query found the batch (its route is recorded);
    papers ELink found get theirs from :func:`~evidencewatch.ingest.citations.note_links`.
    """
    by = f"scan:{report.scan_id}"
    report.missing_pmids.extend(fetched.left_out)
    counts = save_records(
        session=session,
        records=fetched.records,
        matcher=matcher,
        source=by,
        scan_id=report.scan_id,
        actor=by,
    )
    if after_save and counts.new_candidate_ids:
        after_save(session, counts.new_candidate_ids)
    if by_query:
        pmids = [r.pmid for r in fetched.records]
        note_query_routes(session=session, pmids=pmids, scan_id=report.scan_id)
    resolve_stored(session=session, pmids=[r.pmid for r in fetched.records], by=by)
    record_unresolved(session=session, pmids=fetched.unresolved, scan_id=report.scan_id)
    resolve_gone(
        session=session, pmids=fetched.gone, by=f"{by} esearch [uid]", scan_id=report.scan_id
    )
    report.papers_new += counts.papers_new
    report.candidates_new += counts.candidates_new
    report.gone_pmids.extend(fetched.gone)
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
    """Record the scan's outcome; "succeeded" moves the watermark to its window's end.

    A scan that would succeed while PMIDs are unresolved is "incomplete"
    instead: the watermark may pass a window only once every PMID its
    searches returned is stored or confirmed gone.
    """
    report.unresolved_pmids = open_pmids(session=session)
    if status == SUCCEEDED and report.unresolved_pmids:
        status = INCOMPLETE
        report.error = _unresolved_error(report.unresolved_pmids)
    _update_counts(session, report)
    scan = session.get(Scan, report.scan_id)
    assert scan is not None
    scan.queries = report.queries
    scan.status = status
    scan.error = report.error
    scan.finished_at = utcnow()
    session.add(scan)
    report.status = status


def mark_failed(*, session: Session, scan_id: int, error: str, counts: tuple[int, int]) -> str:
    """Record the least a failed scan's row must say: failed, why, and what it committed.

    For a database that refused :func:`finish_scan` because it is full. SQLite
    writes an updated row whole, and a row holding the queries' JSON spills
    onto overflow pages, so even changing its status needs new pages. Dropping
    the queries (the report and the log still have them) makes the row small
    enough to be rewritten in the page it is on. Returns the error as recorded.
    """
    scan = session.get(Scan, scan_id)
    assert scan is not None
    scan.status = "failed"
    scan.queries = []
    scan.error = f"{error[:400]} (this scan's queries were dropped from its record to make room)"
    scan.papers_new, scan.candidates_new = counts
    scan.finished_at = utcnow()
    session.add(scan)
    return scan.error


def _unresolved_error(pmids: list[int]) -> str:
    shown = ", ".join(str(p) for p in pmids[:10]) + (", ..." if len(pmids) > 10 else "")
    return (
        f"{len(pmids)} PMIDs the searches returned are neither stored nor confirmed gone "
        f"(EFetch left them out even when asked again): {shown}; every later scan asks "
        "for them again, and the watermark stays until they are resolved"
    )
