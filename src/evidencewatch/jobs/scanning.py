"""A scan's transactions: one to open it, one per fetched batch, one to finish it.

A long scan therefore never holds the database's write lock for long, and a
crash loses at most the batch in flight. A scan is marked succeeded in the
transaction after its last batch, so a failed or killed scan leaves the
watermark where it was and the next run re-reads the window; papers are keyed
by PMID, so the re-read stores nothing twice. PMIDs EFetch would not serve
even when asked again are written as unresolved in their batch's transaction;
a scan that ends with any unresolved is marked incomplete, which leaves the
watermark where it was too. The steps themselves are in
:mod:`evidencewatch.ingest.scan`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from evidencewatch.core.errors import EvidenceWatchError
from evidencewatch.core.logs import scan_context
from evidencewatch.core.progress import NullProgress, Progress
from evidencewatch.ingest.citations import Link, ask_links, link_sources, note_links
from evidencewatch.ingest.scan import (
    SUCCEEDED,
    ScanReport,
    ScanStopped,
    finish_scan,
    mark_failed,
    note_searches,
    open_scan,
    save_batch,
    search_queries,
)
from evidencewatch.ingest.store import AfterSave, known_pmids
from evidencewatch.ingest.windows import Window, plan_window
from evidencewatch.jobs.prefetch import Prefetcher
from evidencewatch.pubmed.elink import CITED_IN
from evidencewatch.pubmed.fetching import FetchedIds, fetch_by_ids
from evidencewatch.storage.db import database_unavailable, session_scope

if TYPE_CHECKING:
    from evidencewatch.matching.match import Matcher
    from evidencewatch.pubmed.client import EutilsClient
    from evidencewatch.watch.watchlist import Watchlist

__all__ = ["run_scan"]

# Every line a scan logs has come from this logger; operators filter on its name.
log = logging.getLogger("evidencewatch.ingest.scan")


@dataclass
class _Run:
    """One scan in progress: where it stores, whom it asks, and what it has found.

    ``committed`` holds the counts as of the last committed batch: a batch whose
    transaction fails (a full disk) must not be counted, on the scan's row or in
    its report, since none of it was stored.
    """

    engine: Engine
    client: EutilsClient
    report: ScanReport
    requests_before: int
    fetch_ahead: int = 1
    citations: bool = True
    similar_articles: bool = False
    committed: tuple[int, int, int] = (0, 0, 0)

    def count_requests(self) -> None:
        self.report.requests = self.client.requests_made - self.requests_before

    def mark_committed(self) -> None:
        r = self.report
        self.committed = (r.papers_new, r.candidates_new, len(r.gone_pmids))

    def forget_uncommitted(self) -> None:
        r = self.report
        r.papers_new, r.candidates_new, gone = self.committed
        del r.gone_pmids[gone:]

    def finish(self, status: str) -> None:
        with session_scope(self.engine) as session:
            finish_scan(session=session, report=self.report, status=status)


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
    fetch_ahead: int = 1,
    citations: bool = True,
    similar_articles: bool = False,
) -> ScanReport:
    """Scan PubMed for new papers on the watchlist and queue their candidates.

    Raises nothing for NCBI or database failures: the scan is recorded as
    failed with the error, the watermark stays, and the report says so. A
    scan that ends with PMIDs neither stored nor confirmed gone is
    "incomplete": the report lists them in ``unresolved_pmids``, the watermark
    stays, and every later scan asks for them again.

    ``fetch_ahead``: EFetch batches fetched ahead of the one being stored, on
    one thread (:mod:`evidencewatch.jobs.prefetch`); 0 fetches and stores in turn.
    ``citations``/``similar_articles``: also follow ELink from the seed-cited and
    accepted papers (:mod:`evidencewatch.ingest.citations`).
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
        scan_id = open_scan(session=session, window=window, trigger=trigger)
    report = ScanReport(scan_id, "running", 0, 0, 0, 0, window)
    run = _Run(
        engine, client, report, client.requests_made, fetch_ahead, citations, similar_articles
    )
    with scan_context(scan_id):
        log.info("scan %d: window %s..%s (crdt)", scan_id, window.start, window.end)
        _guarded(
            run,
            lambda: _scan(run, watchlist, matcher, batch_size, progress, after_save, should_stop),
        )
    return report


def _guarded(run: _Run, steps: Callable[[], None]) -> None:
    """Run the scan's steps; any failure is recorded on the scan, never raised (but signals)."""
    try:
        steps()
    except (EvidenceWatchError, OSError, ValueError) as exc:
        _fail(run, f"{type(exc).__name__}: {exc}", log_error=True)
        return
    except SQLAlchemyError as exc:
        # A full disk, a lost server, a lock held too long: the batch in flight was
        # rolled back, everything before it is committed and stays.
        _fail(run, str(database_unavailable(run.engine.url, exc)), log_error=True)
        return
    except BaseException:
        # KeyboardInterrupt/SystemExit: record what we can, then let it end the process.
        _fail(run, "interrupted", log_error=False)
        raise
    _log_outcome(run.report)


def _scan(
    run: _Run,
    watchlist: Watchlist,
    matcher: Matcher,
    batch_size: int,
    progress: Progress,
    after_save: AfterSave | None,
    should_stop: Callable[[], bool],
) -> None:
    report = run.report
    seen = search_queries(run.client, watchlist, report, progress=progress, should_stop=should_stop)
    report.papers_seen = len(seen)
    run.count_requests()
    with session_scope(run.engine) as session:
        to_fetch = note_searches(session=session, report=report, pmids=seen)
    progress.task("fetching new papers", total=len(to_fetch))
    _store_batches(run, to_fetch, batch_size, matcher, progress, after_save, should_stop)
    if run.citations or run.similar_articles:
        _follow_links(run, batch_size, matcher, progress, after_save, should_stop)
    run.count_requests()
    run.finish(SUCCEEDED)


def _store_batches(
    run: _Run,
    pmids: list[int],
    batch_size: int,
    matcher: Matcher,
    progress: Progress,
    after_save: AfterSave | None,
    should_stop: Callable[[], bool],
    links: list[Link] | None = None,
) -> None:
    """Fetch ``pmids`` in batches and store each in its own transaction.

    With ``links`` the papers came from ELink: their routes and citation
    reasons are recorded with them, and they count as citation papers.
    """
    report = run.report
    batches = [pmids[start : start + batch_size] for start in range(0, len(pmids), batch_size)]
    done = 0
    # closing(): a failed batch stops the fetching thread now, not when the generator is freed.
    with closing(_fetched(run, batches)) as fetched_batches:
        for batch, fetched in fetched_batches:
            if should_stop():
                raise ScanStopped(f"stopped after {done} of {len(pmids)} new papers")
            run.count_requests()
            new_before = report.papers_new
            with session_scope(run.engine) as session:
                save_batch(
                    session=session,
                    fetched=fetched,
                    matcher=matcher,
                    report=report,
                    after_save=after_save,
                    by_query=links is None,
                )
                if links is not None:
                    stored = {r.pmid for r in fetched.records}
                    mine = [lk for lk in links if lk.pmid in stored]
                    note_links(session=session, links=mine, scan_id=report.scan_id)
            if links is not None:
                report.citation_papers_new += report.papers_new - new_before
            run.mark_committed()
            done += len(batch)
            progress.advance(len(batch))


def _follow_links(
    run: _Run,
    batch_size: int,
    matcher: Matcher,
    progress: Progress,
    after_save: AfterSave | None,
    should_stop: Callable[[], bool],
) -> None:
    """Papers citing (or like) the seed-cited and accepted ones: ask, fetch, store, route."""
    report, before = run.report, run.client.requests_made
    with session_scope(run.engine) as session:
        plan = link_sources(session=session, similar=run.similar_articles)
    if not run.citations:
        plan.sources.pop(CITED_IN, None)
    links = ask_links(run.client, plan)
    run.count_requests()
    with session_scope(run.engine) as session:
        known = known_pmids(session=session, pmids={lk.pmid for lk in links})
        note_links(
            session=session, links=[lk for lk in links if lk.pmid in known], scan_id=report.scan_id
        )
    to_fetch = sorted({lk.pmid for lk in links} - known)
    progress.task("fetching papers found through citations", total=len(to_fetch))
    _store_batches(run, to_fetch, batch_size, matcher, progress, after_save, should_stop, links)
    report.citation_requests = run.client.requests_made - before
    log.info(
        "scan %d: %d ELink sources, %d linked papers, %d new (%d requests)",
        report.scan_id,
        sum(len(s) for s in plan.sources.values()),
        len({lk.pmid for lk in links}),
        report.citation_papers_new,
        report.citation_requests,
    )


def _fetched(run: _Run, batches: list[list[int]]) -> Generator[tuple[list[int], FetchedIds]]:
    """Each batch with its records, fetched ``run.fetch_ahead`` batches ahead of the caller.

    0 fetches each batch only when the caller asks for it: the sequential
    scan, kept as the benchmark's baseline.
    """
    if run.fetch_ahead == 0:
        for batch in batches:
            yield batch, fetch_by_ids(run.client, batch)
        return
    with Prefetcher(
        batches,
        lambda batch: fetch_by_ids(run.client, batch),
        depth=run.fetch_ahead,
        name=f"scan-{run.report.scan_id}-efetch",
    ) as ahead:
        yield from ahead


def _fail(run: _Run, error: str, *, log_error: bool) -> None:
    """Record the failure on the scan's row, in a transaction of its own.

    When even that fails (the disk is still full), the row stays "running" with
    the counts of the last committed batch, and the report says so.
    """
    run.forget_uncommitted()
    run.report.status = "failed"
    run.report.error = error
    run.count_requests()
    if log_error:
        log.error("scan %d failed: %s (watermark not moved)", run.report.scan_id, error)
    try:
        run.finish("failed")
        return
    except SQLAlchemyError as exc:
        log.warning("scan %d: recording its end in full failed (%s)", run.report.scan_id, exc)
    run.report.status = "failed"
    counts = (run.report.papers_new, run.report.candidates_new)
    try:
        with session_scope(run.engine) as session:
            run.report.error = mark_failed(
                session=session, scan_id=run.report.scan_id, error=error, counts=counts
            )
    except SQLAlchemyError as exc:
        cause = database_unavailable(run.engine.url, exc)
        run.report.error = f"{error}; recording the failure failed too: {cause}"
        log.error("scan %d could not be recorded as failed: %s", run.report.scan_id, cause)


def _log_outcome(report: ScanReport) -> None:
    if report.status != SUCCEEDED:
        log.warning("scan %d %s: %s", report.scan_id, report.status, report.error)
    log.info(
        "scan %d %s: %d requests, %d papers seen, %d new, %d new candidates",
        report.scan_id,
        report.status,
        report.requests,
        report.papers_seen,
        report.papers_new,
        report.candidates_new,
    )
