"""The integrity watch as a job: ``evidencewatch recheck``, the scheduler and cron run this.

Three steps, each in its own place: read which papers the evidence rests on (a
short read), fetch their current records from PubMed (no transaction open, and
nothing written, so a failure part-way leaves the database as it was), then
store what changed and record the new notices in one transaction. The whole run
holds the database lock "recheck", so two rechecks never overlap; a scan may run
beside it (both only ever add to what is stored, keyed by PMID).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from evidencewatch.config import Settings, load_settings
from evidencewatch.core.errors import EvidenceWatchError
from evidencewatch.core.progress import NullProgress, progress_for_terminal
from evidencewatch.core.timeutil import utcnow
from evidencewatch.ingest.recheck import RecheckCounts, apply_recheck, evidence_pmids, fetch_current
from evidencewatch.jobs.locks import make_holder, scan_lock
from evidencewatch.storage.db import session_scope

if TYPE_CHECKING:
    from evidencewatch.pubmed.client import EutilsClient

__all__ = ["recheck_job", "run_scheduled_recheck"]

log = logging.getLogger("evidencewatch.jobs.recheck")


def recheck_job(
    settings: Settings,
    *,
    engine: Engine,
    client: EutilsClient,
    trigger: str = "manual",
    show_progress: bool = True,
) -> RecheckCounts:
    """Re-fetch every paper the evidence rests on and record what PubMed now says about it.

    Raises :class:`~evidencewatch.core.errors.EutilsError` (nothing recorded) when NCBI
    keeps failing, and ScanLockedError when another recheck holds the lock.
    """
    with scan_lock(
        engine,
        name="recheck",
        holder=make_holder(f"recheck-{trigger}"),
        wait_seconds=settings.scan_lock_wait_seconds,
        stale_seconds=settings.scan_lock_stale_seconds,
    ):
        with session_scope(engine) as session:
            pmids = evidence_pmids(session=session)
        with progress_for_terminal(show_progress) as progress:
            fetched = fetch_current(
                client,
                pmids,
                batch_size=settings.fetch_batch_size,
                progress=progress if show_progress else NullProgress(),
            )
        detected_by = f"recheck:{utcnow().strftime('%Y-%m-%dT%H:%M:%SZ')}"
        with session_scope(engine) as session:
            counts = apply_recheck(session=session, fetched=fetched, detected_by=detected_by)
    log.info("%s", counts.summary())
    return counts


def run_scheduled_recheck(config_file: str = "") -> None:
    """The scheduler's recheck job. Logs its outcome; never raises for an expected failure."""
    from evidencewatch.jobs.clients import eutils_client
    from evidencewatch.storage.db import ensure_current, make_engine

    try:
        settings = load_settings(config_file=config_file or None)
        engine = make_engine(settings.database_url)
    except EvidenceWatchError as exc:
        log.error("scheduled recheck not started: %s", exc)
        return
    try:
        ensure_current(engine)
        with eutils_client(settings) as client:
            recheck_job(
                settings, engine=engine, client=client, trigger="scheduler", show_progress=False
            )
    except (EvidenceWatchError, SQLAlchemyError, OSError) as exc:
        log.error("scheduled recheck failed (nothing recorded): %s", exc)
    finally:
        engine.dispose()
