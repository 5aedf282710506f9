"""The jobs the CLI, the scheduler and cron all run: one place that wires a scan or import.

Each job takes the settings already loaded by its edge, and the engine and
client it should use, so the same code runs from a terminal, from the
scheduler process, and in tests against the fake E-utilities server.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from evidencewatch.config import Settings
from evidencewatch.core.progress import NullProgress, progress_for_terminal
from evidencewatch.ingest.imports import ImportReport
from evidencewatch.jobs.importing import run_import
from evidencewatch.jobs.locks import make_holder, scan_lock
from evidencewatch.jobs.scoring import BatchScorer
from evidencewatch.matching.match import Matcher
from evidencewatch.storage.db import DatabaseUnavailable, database_unavailable
from evidencewatch.watch.seedfiles import load_watchlist
from evidencewatch.watch.watchlist import Watchlist

if TYPE_CHECKING:
    from evidencewatch.ingest.scan import ScanReport
    from evidencewatch.pubmed.client import EutilsClient

#: What a scan raises when the database fails before the scan has a row to record it on
#: (taking the lock, planning the window); later failures end in a failed ScanReport.
ScanDatabaseError = DatabaseUnavailable


def scan_job(
    settings: Settings,
    *,
    engine: Engine,
    client: EutilsClient,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
    trigger: str = "manual",
    show_progress: bool = True,
    should_stop: Callable[[], bool] = lambda: False,
    lock_wait: float | None = None,
    holder: str | None = None,
) -> ScanReport:
    """One scan with the configured watchlist, overlap and batch size.

    The whole scan holds the database's scan lock, so a second scan started
    meanwhile (CLI, scheduler or cron) waits ``lock_wait`` seconds (default:
    ``scan_lock_wait_seconds``) and then raises ScanLockedError (exit code
    75) naming the holder. If the lock is taken from us (our heartbeat went
    stale), the scan stops after its current batch.
    """
    watchlist = load_watchlist(settings.seed_path / "watchlist.toml")
    matcher = Matcher.from_watchlist(watchlist)
    try:
        return _locked_scan(
            settings,
            engine=engine,
            client=client,
            watchlist=watchlist,
            matcher=matcher,
            dates=(since, until, today),
            trigger=trigger,
            show_progress=show_progress,
            should_stop=should_stop,
            lock_wait=lock_wait,
            holder=holder,
        )
    except SQLAlchemyError as exc:
        raise database_unavailable(engine.url, exc) from None


def _locked_scan(
    settings: Settings,
    *,
    engine: Engine,
    client: EutilsClient,
    watchlist: Watchlist,
    matcher: Matcher,
    dates: tuple[date | None, date | None, date | None],
    trigger: str,
    show_progress: bool,
    should_stop: Callable[[], bool],
    lock_wait: float | None,
    holder: str | None,
) -> ScanReport:
    # Here, not at the top: an import job does not load the scan's modules (ELink,
    # requests).
    from evidencewatch.jobs.scanning import run_scan

    since, until, today = dates
    with (
        scan_lock(
            engine,
            name="scan",
            holder=holder or make_holder(trigger),
            wait_seconds=settings.scan_lock_wait_seconds if lock_wait is None else lock_wait,
            stale_seconds=settings.scan_lock_stale_seconds,
        ) as lock,
        progress_for_terminal(show_progress) as progress,
    ):
        return run_scan(
            engine=engine,
            client=client,
            watchlist=watchlist,
            matcher=matcher,
            since=since,
            until=until,
            today=today,
            overlap_days=settings.scan_overlap_days,
            initial_days=settings.scan_initial_days,
            batch_size=settings.fetch_batch_size,
            trigger=trigger,
            progress=progress if show_progress else NullProgress(),
            should_stop=lambda: should_stop() or lock.lost.is_set(),
            after_save=BatchScorer(),
            citations=settings.scan_citations,
            similar_articles=settings.scan_similar_articles,
        )


def import_job(
    settings: Settings,
    *,
    engine: Engine,
    paths: list[Path],
    keep_all: bool = False,
    show_progress: bool = True,
    jobs: int = 1,
) -> ImportReport:
    watchlist = load_watchlist(settings.seed_path / "watchlist.toml")
    matcher = Matcher.from_watchlist(watchlist)
    with progress_for_terminal(show_progress) as progress:
        return run_import(
            engine=engine,
            paths=paths,
            matcher=matcher,
            progress=progress if show_progress else NullProgress(),
            store_unmatched=keep_all,
            after_save=BatchScorer(),
            jobs=jobs,
        )
