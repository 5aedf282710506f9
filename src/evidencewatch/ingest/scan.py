"""Scan and import: search, fetch, parse, match, save.

``run_scan`` and ``run_import`` are jobs: like a CLI command they own their
transactions (one per batch, so a long scan never holds the database's write
lock for long and a crash loses at most the batch in flight). Everything they
call below takes a session.

The watermark is derived, never stored on its own: it is the end of the
newest *succeeded* scan window. A scan is marked succeeded in the same
transaction as its last batch, so a failed or killed scan leaves the
watermark where it was and the next run re-reads the window; papers are keyed
by PMID, so the re-read stores nothing twice.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from evidencewatch.core.errors import EutilsError, EvidenceWatchError
from evidencewatch.core.logs import scan_context
from evidencewatch.core.progress import NullProgress, Progress
from evidencewatch.core.timeutil import utcnow
from evidencewatch.ingest.store import SaveCounts, apply_deletions, known_pmids, save_records
from evidencewatch.pubmed.parse import iter_pubmed
from evidencewatch.pubmed.query import QUERY_VERSION, build_queries
from evidencewatch.pubmed.records import (
    DeletedCitations,
    ParseProblem,
    PubmedRecord,
    SkippedRecord,
)
from evidencewatch.storage.db import session_scope
from evidencewatch.storage.models import Paper, Scan

if TYPE_CHECKING:
    from evidencewatch.matching.match import Matcher
    from evidencewatch.pubmed.client import EutilsClient, SearchResult
    from evidencewatch.watch.watchlist import Watchlist

log = logging.getLogger("evidencewatch.ingest.scan")

ESEARCH_CAP = 9999
IMPORT_BATCH = 2000

# Called after each saved batch with the new candidates' ids, inside the
# batch's transaction (the ranker uses it to score new candidates).
AfterSave = Callable[[Session, list[int]], None]


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    def split(self) -> tuple[Window, Window]:
        middle = self.start + timedelta(days=(self.end - self.start).days // 2)
        return Window(self.start, middle), Window(middle + timedelta(days=1), self.end)


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


def watermark(*, session: Session) -> date | None:
    """The end of the newest succeeded scan window: everything before it has been read."""
    return session.exec(
        select(func.max(Scan.window_to)).where(Scan.kind == "scan", Scan.status == "succeeded")
    ).one()


def plan_window(
    *,
    session: Session,
    today: date,
    overlap_days: int,
    initial_days: int,
    since: date | None = None,
    until: date | None = None,
) -> Window:
    """The create-date window of the next scan: from the watermark less the overlap, to today."""
    if until is not None and until > today:
        # A window ending in the future would become the watermark and hide the days between.
        raise EvidenceWatchError(
            f"--until {until.isoformat()} is after today ({today.isoformat()})"
        )
    end = until or today
    if since is not None:
        start = since
    else:
        mark = watermark(session=session)
        start = (mark - timedelta(days=overlap_days)) if mark else (end - timedelta(initial_days))
    if start > end:
        raise EvidenceWatchError(
            f"scan window is empty: from {start.isoformat()} is after to {end.isoformat()}"
        )
    return Window(start, end)


def search_window(client: EutilsClient, term: str, window: Window) -> list[SearchSlice]:
    """All PMIDs for ``term`` created in ``window``, halving any window that hits the cap."""
    result = client.esearch(term, mindate=window.start, maxdate=window.end, datetype="crdt")
    if result.count < ESEARCH_CAP and result.count == len(result.ids):
        return [SearchSlice(window, result)]
    if window.start == window.end:
        raise EutilsError(
            f"{result.count} records were created on {window.start.isoformat()} for one query, "
            f"more than the {ESEARCH_CAP} PubMed returns per search; narrow the query"
        )
    log.info(
        "window %s..%s has %d records (cap %d): splitting",
        window.start,
        window.end,
        result.count,
        ESEARCH_CAP,
    )
    first, second = window.split()
    return search_window(client, term, first) + search_window(client, term, second)


@dataclass(frozen=True)
class SearchSlice:
    window: Window
    result: SearchResult


def run_scan(
    *,
    engine: Engine,
    client: EutilsClient,
    watchlist: Watchlist,
    matcher: Matcher,
    window: Window | None = None,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
    overlap_days: int = 3,
    initial_days: int = 30,
    batch_size: int = 500,
    trigger: str = "manual",
    progress: Progress | None = None,
    after_save: AfterSave | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> ScanReport:
    """Scan PubMed for new papers on the watchlist and queue their candidates.

    Raises nothing for NCBI failures: the scan is recorded as failed with the
    error, the watermark stays, and the report says so (status "failed").
    """
    progress = progress or NullProgress()
    today = today or datetime.now(UTC).date()
    with session_scope(engine) as session:
        if window is None:
            window = plan_window(
                session=session,
                today=today,
                overlap_days=overlap_days,
                initial_days=initial_days,
                since=since,
                until=until,
            )
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
        scan_id = scan.id
    assert scan_id is not None
    report = ScanReport(scan_id, "running", 0, 0, 0, 0, window)
    requests_before = client.requests_made
    with scan_context(scan_id):
        log.info("scan %d: window %s..%s (crdt)", scan_id, window.start, window.end)
        try:
            _scan(
                engine=engine,
                client=client,
                watchlist=watchlist,
                matcher=matcher,
                report=report,
                batch_size=batch_size,
                progress=progress,
                after_save=after_save,
                should_stop=should_stop,
                requests_before=requests_before,
            )
        except (EvidenceWatchError, OSError, ValueError) as exc:
            report.status = "failed"
            report.error = f"{type(exc).__name__}: {exc}"
            report.requests = client.requests_made - requests_before
            log.error("scan %d failed: %s (watermark not moved)", scan_id, report.error)
            with session_scope(engine) as session:
                _finish(session, report, status="failed")
            return report
        except BaseException:
            # KeyboardInterrupt/SystemExit: record what we can, then let it end the process.
            report.status = "failed"
            report.error = "interrupted"
            report.requests = client.requests_made - requests_before
            with session_scope(engine) as session:
                _finish(session, report, status="failed")
            raise
        log.info(
            "scan %d succeeded: %d requests, %d papers seen, %d new, %d new candidates",
            scan_id,
            report.requests,
            report.papers_seen,
            report.papers_new,
            report.candidates_new,
        )
    return report


class ScanStopped(EvidenceWatchError):
    """The scan was asked to stop (SIGTERM) between batches; the watermark stays."""


def _scan(
    *,
    engine: Engine,
    client: EutilsClient,
    watchlist: Watchlist,
    matcher: Matcher,
    report: ScanReport,
    batch_size: int,
    progress: Progress,
    after_save: AfterSave | None,
    should_stop: Callable[[], bool],
    requests_before: int,
) -> None:
    queries = build_queries(watchlist)
    seen: dict[int, None] = {}
    progress.task("searching PubMed", total=len(queries))
    for term in queries:
        slices = search_window(client, term, report.window)
        report.queries.append(
            {
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
        )
        for s in slices:
            seen.update(dict.fromkeys(s.result.ids))
        progress.advance()
        if should_stop():
            raise ScanStopped("stopped before fetching")
    report.papers_seen = len(seen)
    with session_scope(engine) as session:
        known = known_pmids(session=session, pmids=seen)
        scan = session.get(Scan, report.scan_id)
        assert scan is not None
        scan.queries = report.queries
        scan.papers_seen = report.papers_seen
        scan.requests = client.requests_made - requests_before
    new_ids = sorted(pmid for pmid in seen if pmid not in known)
    progress.task("fetching new papers", total=len(new_ids))
    for start in range(0, len(new_ids), batch_size):
        if should_stop():
            raise ScanStopped(f"stopped after {start} of {len(new_ids)} new papers")
        batch = new_ids[start : start + batch_size]
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
        wanted = [r for r in parsed.records if r.pmid in asked]
        with session_scope(engine) as session:
            counts = save_records(
                session=session,
                records=wanted,
                matcher=matcher,
                source=f"scan:{report.scan_id}",
                scan_id=report.scan_id,
                actor=f"scan:{report.scan_id}",
            )
            if after_save and counts.new_candidate_ids:
                after_save(session, counts.new_candidate_ids)
            report.papers_new += counts.papers_new
            report.candidates_new += counts.candidates_new
            report.requests = client.requests_made - requests_before
            _update_counts(session, report)
        progress.advance(len(batch))
    report.requests = client.requests_made - requests_before
    with session_scope(engine) as session:
        _finish(session, report, status="succeeded")


def _update_counts(session: Session, report: ScanReport) -> None:
    scan = session.get(Scan, report.scan_id)
    assert scan is not None
    scan.requests = report.requests
    scan.papers_seen = report.papers_seen
    scan.papers_new = report.papers_new
    scan.candidates_new = report.candidates_new
    scan.missing_pmids = list(report.missing_pmids)
    session.add(scan)


def _finish(session: Session, report: ScanReport, *, status: str) -> None:
    _update_counts(session, report)
    scan = session.get(Scan, report.scan_id)
    assert scan is not None
    scan.queries = report.queries
    scan.status = status
    scan.error = report.error
    scan.finished_at = utcnow()
    session.add(scan)
    report.status = status


@dataclass
class ImportReport:
    files: int = 0
    records: int = 0
    counts: SaveCounts = field(default_factory=SaveCounts)
    deletions_listed: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    scan_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "records": self.records,
            "papers_new": self.counts.papers_new,
            "papers_updated": self.counts.papers_updated,
            "deleted": self.counts.deleted,
            "candidates_new": self.counts.candidates_new,
            "errors": self.errors,
        }


def run_import(
    *,
    engine: Engine,
    paths: Sequence[Path],
    matcher: Matcher,
    progress: Progress | None = None,
    store_unmatched: bool = False,
    after_save: AfterSave | None = None,
    batch_size: int = IMPORT_BATCH,
) -> ImportReport:
    """Import MEDLINE/PubMed XML files (baseline, update, saved efetch output).

    Files are applied in the order given, as NLM asks for update files; a
    record replaces the stored version of its PMID, and DeleteCitation
    withdraws it. A malformed record is reported and skipped; the rest of the
    file still loads.
    """
    progress = progress or NullProgress()
    report = ImportReport()
    with session_scope(engine) as session:
        scan = Scan(
            kind="import",
            trigger="import",
            host=socket.gethostname(),
            pid=os.getpid(),
            queries=[{"file": str(p)} for p in paths],
        )
        session.add(scan)
        session.flush()
        report.scan_id = scan.id
    assert report.scan_id is not None
    with scan_context(report.scan_id):
        try:
            for path in paths:
                progress.task(f"importing {path.name}")
                _import_file(
                    engine, path, matcher, report, progress, store_unmatched, after_save, batch_size
                )
                report.files += 1
        finally:
            with session_scope(engine) as session:
                scan = session.get(Scan, report.scan_id)
                assert scan is not None
                scan.status = "succeeded" if not report.errors else "failed"
                scan.papers_seen = report.records
                scan.papers_new = report.counts.papers_new
                scan.papers_updated = report.counts.papers_updated
                scan.candidates_new = report.counts.candidates_new
                scan.deleted = report.counts.deleted
                scan.problems = [
                    f"{e['file']} {e['position']}: {e['message']}" for e in report.errors
                ]
                scan.finished_at = utcnow()
    return report


def _import_file(
    engine: Engine,
    path: Path,
    matcher: Matcher,
    report: ImportReport,
    progress: Progress,
    store_unmatched: bool,
    after_save: AfterSave | None,
    batch_size: int,
) -> None:
    batch: list[PubmedRecord] = []
    deletions: list[int] = []
    skipped = 0  # records passed over since progress was last advanced

    def flush() -> None:
        if not batch and not deletions:
            return
        with session_scope(engine) as session:
            counts = save_records(
                session=session,
                records=batch,
                matcher=matcher,
                source=f"import:{path.name}",
                scan_id=report.scan_id,
                store_unmatched=store_unmatched,
                actor=f"import:{report.scan_id}",
            )
            # Deletions follow the articles in update files: apply them after.
            counts.deleted += apply_deletions(
                session=session, pmids=deletions, actor=f"import:{report.scan_id}"
            )
            if after_save and counts.new_candidate_ids:
                after_save(session, counts.new_candidate_ids)
        report.counts.add(counts)
        progress.advance(len(batch))
        batch.clear()
        deletions.clear()

    keep = None
    if not store_unmatched:
        # Read in full only what could matter: papers we hold (their update must land)
        # and those whose text could name a tracked gene. The matcher decides exactly.
        with session_scope(engine) as session:
            held = set(session.exec(select(Paper.pmid)).all())

        def keep(pmid: int, text: str) -> bool:
            return pmid in held or matcher.could_match(text)

    for item in iter_pubmed(path, source_name=str(path), keep=keep):
        if isinstance(item, SkippedRecord):
            report.records += 1
            skipped += 1
            if skipped >= batch_size:
                # Store what was kept so far too: at <1 % kept, waiting for a full batch
                # would hold records for hundreds of thousands of citations and let memory
                # grow with the file.
                flush()
                progress.advance(skipped)
                skipped = 0
        elif isinstance(item, PubmedRecord):
            batch.append(item)
            report.records += 1
            if len(batch) >= batch_size:
                flush()
        elif isinstance(item, DeletedCitations):
            deletions.extend(item.pmids)
            report.deletions_listed += len(item.pmids)
        elif isinstance(item, ParseProblem):
            report.errors.append(
                {"file": item.source, "position": item.position, "message": item.message}
            )
            log.warning("%s %s: %s", item.source, item.position, item.message)
    flush()
    progress.advance(skipped)
