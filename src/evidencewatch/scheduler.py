"""The scheduler process: scans and digests on a cron schedule, one process per database.

``evidencewatch scheduler`` runs :func:`run_scheduler` (scans, digests and the
ranking's retrain check): an APScheduler 3.x
``BlockingScheduler`` whose jobs live in the project's own database
(``SQLAlchemyJobStore``, table ``apscheduler_jobs``), so the schedule and a
run missed while the process was down survive restarts. APScheduler's job
store cannot be shared by two running schedulers (each would run every job),
so exactly one scheduler process may run per database; the web app never
starts one. If two are started anyway, the scan lock still keeps their scans
from overlapping (the second exits with "another scan is running").

The job store table is created by APScheduler, not by our migrations; it is
not in ``SQLModel.metadata``, so an Alembic *autogenerate* would propose
dropping it — drop that line from any generated revision (``init`` only runs
the hand-checked revisions and never touches the table).

Jobs are stored pickled, so they reference module-level functions by name
(``evidencewatch.scheduler:run_scheduled_scan``) and take one plain string —
the config file path — never the Settings object (which holds secrets that
do not belong in a table). Each run loads its settings itself, from the
environment and that file, builds its own engine and client, and goes
through :func:`evidencewatch.jobs.scans.scan_job` like the CLI and cron do.
Which jobs exist and their cron triggers are defined in
:mod:`evidencewatch.jobs.schedule`, which status and the health check read too.

Stopping (SIGTERM from systemd, Ctrl-C): the handler sets :data:`STOP`, which
a running scan checks between batches — its current batch commits or rolls
back as one transaction, then the scan is recorded failed ("stopped...") and
the watermark stays, so the next scan re-reads the window — and shuts the
scheduler down, waiting for running jobs. The process then exits 0.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from types import FrameType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from evidencewatch.config import Settings, load_settings
from evidencewatch.core.errors import ConfigError, EvidenceWatchError, ScanLockedError
from evidencewatch.jobs.schedule import (
    JOB_SPECS,
    JOBSTORE_TABLE,
    ScheduledJob,
    default_jobs,
)

if TYPE_CHECKING:
    from evidencewatch.ingest.scan import ScanReport
    from evidencewatch.storage.models import Digest

log = logging.getLogger("evidencewatch.scheduler")

JOB_DEFAULTS: dict[str, Any] = {
    # A run missed while the process was down is made up once on restart (if
    # less than an hour late), never several times over.
    "coalesce": True,
    "max_instances": 1,
    "misfire_grace_time": 3600,
}

# Set by SIGTERM/SIGINT; scans started by this module stop between batches.
STOP = threading.Event()


# --------------------------------------------------------------------------- scheduler


def build_scheduler(
    settings: Settings,
    *,
    engine: Engine,
    jobs: Mapping[str, ScheduledJob | BaseTrigger] | None = None,
    config_file: str = "",
    scheduler_class: type[BlockingScheduler] = BlockingScheduler,
) -> BlockingScheduler:
    """A scheduler (not started) whose job store is the project's database.

    ``jobs`` maps stable job ids to what to run; a bare trigger keeps the
    default function for "scan" or "digest" (tests inject an IntervalTrigger
    this way). Default: :func:`default_jobs`. Jobs already stored under
    another id are removed, so the store holds exactly these.

    A job whose function, arguments and trigger are unchanged since the last
    run keeps its stored next run time, even if that time has passed while
    the process was down: the scheduler then runs it once on start (within
    ``misfire_grace_time``). Replacing it outright would silently skip that
    missed run.
    """
    wanted = _resolve_jobs(settings, jobs, config_file)
    try:
        scheduler = scheduler_class(
            jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE)},
            job_defaults=dict(JOB_DEFAULTS),
            timezone=ZoneInfo(settings.timezone),
        )
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"timezone {settings.timezone!r} is not an IANA time zone name") from exc
    stored = _stored_jobs(engine)
    for job_id, job in wanted.items():
        kwargs: dict[str, Any] = {}
        previous = stored.get(job_id)
        if previous is not None and _same_job(previous, job):
            kwargs["next_run_time"] = previous["next_run_time"]
        scheduler.add_job(
            job.func,
            trigger=job.trigger,
            args=list(job.args),
            id=job_id,
            name=job.name or job_id,
            replace_existing=True,
            **kwargs,
        )
    _remove_stored_jobs(engine, [job_id for job_id in stored if job_id not in wanted])
    return scheduler


def _resolve_jobs(
    settings: Settings,
    jobs: Mapping[str, ScheduledJob | BaseTrigger] | None,
    config_file: str,
) -> dict[str, ScheduledJob]:
    if jobs is None:
        return default_jobs(settings, config_file=config_file)
    funcs = {spec.id: spec.func for spec in JOB_SPECS}
    out: dict[str, ScheduledJob] = {}
    for job_id, spec in jobs.items():
        if isinstance(spec, ScheduledJob):
            out[job_id] = spec
        elif job_id in funcs:
            out[job_id] = ScheduledJob(funcs[job_id], spec, (config_file,), job_id)
        else:
            raise ValueError(
                f"job {job_id!r}: give a ScheduledJob (only scan/digest have defaults)"
            )
    return out


def _stored_jobs(engine: Engine) -> dict[str, dict[str, Any]]:
    """The job states in the job store, read without APScheduler (see status.py for why)."""
    import pickle

    if not sa.inspect(engine).has_table(JOBSTORE_TABLE):
        return {}
    table = sa.table(JOBSTORE_TABLE, sa.column("id"), sa.column("job_state"))
    out: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        for job_id, state in conn.execute(sa.select(table.c.id, table.c.job_state)):
            try:
                out[job_id] = pickle.loads(state)
            except Exception as exc:
                log.warning("job %r in the job store is unreadable (%s): replacing it", job_id, exc)
                out[job_id] = {}
    return out


def _same_job(state: dict[str, Any], job: ScheduledJob) -> bool:
    return bool(state) and (
        state.get("func") == job.func
        and tuple(state.get("args", ())) == job.args
        and repr(state.get("trigger")) == repr(job.trigger)
    )


def _remove_stored_jobs(engine: Engine, job_ids: list[str]) -> None:
    if not job_ids:
        return
    table = sa.table(JOBSTORE_TABLE, sa.column("id"))
    with engine.begin() as conn:
        conn.execute(sa.delete(table).where(table.c.id.in_(job_ids)))
    log.info("removed jobs no longer configured from the job store: %s", ", ".join(job_ids))


# --------------------------------------------------------------------------- the jobs


def scan_now(settings: Settings, *, engine: Engine, trigger: str = "scheduler") -> ScanReport:
    """One scan as the scheduler runs it: under the scan lock, stopping when STOP is set."""
    from evidencewatch.jobs.clients import eutils_client
    from evidencewatch.jobs.scans import scan_job

    with eutils_client(settings) as client:
        return scan_job(
            settings,
            engine=engine,
            client=client,
            trigger=trigger,
            show_progress=False,
            should_stop=STOP.is_set,
        )


def digest_now(settings: Settings, *, engine: Engine) -> Digest:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from evidencewatch.jobs.digests import digest_job

    # Scheduled digests cover whole days up to yesterday, so consecutive runs
    # tile time: evidence accepted after this morning's run is in the next one.
    yesterday = datetime.now(ZoneInfo(settings.timezone)).date() - timedelta(days=1)
    return digest_job(settings, engine=engine, until=yesterday)


def _job_settings(config_file: str) -> Settings:
    return load_settings(config_file=config_file or None)


def run_scheduled_scan(config_file: str = "") -> None:
    """The scheduler's scan job. Logs its outcome; never raises for an expected failure."""
    from evidencewatch.storage.db import ensure_current, make_engine

    try:
        settings = _job_settings(config_file)
        engine = make_engine(settings.database_url)
    except EvidenceWatchError as exc:
        log.error("scheduled scan not started: %s", exc)
        return
    try:
        ensure_current(engine)
        report = scan_now(settings, engine=engine, trigger="scheduler")
    except ScanLockedError as exc:
        log.warning("scheduled scan skipped: %s", exc)
        return
    except (EvidenceWatchError, SQLAlchemyError) as exc:
        log.error("scheduled scan could not run: %s", exc)
        return
    finally:
        engine.dispose()
    if report.status == "succeeded":
        log.info("scheduled scan %d succeeded", report.scan_id)
    else:
        log.error("scheduled scan %d %s: %s", report.scan_id, report.status, report.error)


def run_scheduled_digest(config_file: str = "") -> None:
    """The scheduler's digest job. Logs its outcome; never raises for an expected failure."""
    from evidencewatch.storage.db import ensure_current, make_engine

    try:
        settings = _job_settings(config_file)
        engine = make_engine(settings.database_url)
    except EvidenceWatchError as exc:
        log.error("scheduled digest not started: %s", exc)
        return
    try:
        ensure_current(engine)
        digest = digest_now(settings, engine=engine)
    except (EvidenceWatchError, SQLAlchemyError, OSError) as exc:
        log.error("scheduled digest failed: %s", exc)
        return
    finally:
        engine.dispose()
    log.info("digest %s written for %s..%s", digest.id, digest.period_from, digest.period_to)


# --------------------------------------------------------------------------- the process


def _route_apscheduler_logs() -> None:
    """APScheduler's own log lines go where ours go, in the same format."""
    ours = logging.getLogger("evidencewatch")
    theirs = logging.getLogger("apscheduler")
    theirs.handlers = list(ours.handlers)
    theirs.setLevel(logging.INFO)
    theirs.propagate = not ours.handlers


def install_stop_handlers(on_stop: Callable[[], None] | None = None) -> dict[int, Any]:
    """SIGTERM and SIGINT set STOP (then call ``on_stop``); a second signal is only logged.

    Returns the handlers they replace, for :func:`restore_handlers`.
    """

    def handler(signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if STOP.is_set():
            log.warning("%s again: still stopping, waiting for the current batch to end", name)
            return
        log.warning("%s received: stopping after the current batch (nothing is lost)", name)
        STOP.set()
        if on_stop is not None:
            on_stop()

    return {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}


def restore_handlers(previous: dict[int, Any]) -> None:
    for sig, old in previous.items():
        signal.signal(sig, old)


def run_scheduler(settings: Settings, *, engine: Engine, config_file: str = "") -> int:
    """Run the scheduler in the foreground until SIGTERM/SIGINT; returns the exit code (0)."""
    STOP.clear()
    _route_apscheduler_logs()
    scheduler = build_scheduler(settings, engine=engine, config_file=config_file)
    started = threading.Event()
    shutdowns: list[threading.Thread] = []

    def shut_down() -> None:
        # The signal may arrive before start() has finished starting.
        while scheduler.state == STATE_STOPPED and not started.wait(0.05):
            pass
        try:
            scheduler.shutdown(wait=True)
        except Exception as exc:  # SchedulerNotRunningError: it already stopped
            log.debug("shutdown: %s", exc)

    def on_stop() -> None:
        # Not in the handler itself: shutdown(wait=True) blocks until the
        # running scan has finished its batch, and takes the scheduler's locks.
        thread = threading.Thread(target=shut_down, name="evidencewatch-shutdown")
        shutdowns.append(thread)
        thread.start()

    def on_started(_event: SchedulerEvent) -> None:
        started.set()
        for job in scheduler.get_jobs():
            when = job.next_run_time.isoformat() if job.next_run_time else "paused"
            log.info("job %s (%s): next run %s", job.id, job.trigger, when)

    scheduler.add_listener(on_started, EVENT_SCHEDULER_STARTED)
    previous = install_stop_handlers(on_stop)
    log.info(
        "scheduler starting (pid %d, time zone %s, job store table %s)",
        os.getpid(),
        settings.timezone,
        JOBSTORE_TABLE,
    )
    try:
        if not STOP.is_set():
            scheduler.start()  # blocks until shut_down() has run
        for thread in shutdowns:
            thread.join()
    finally:
        restore_handlers(previous)
    log.info("scheduler stopped")
    return 0


def run_once(job: str, settings: Settings, *, engine: Engine, trigger: str = "scheduler") -> Any:
    """Run one job now in the foreground, with the same stop handling as the scheduler."""
    if job not in ("scan", "digest"):
        raise ValueError(f"unknown job {job!r}: scan or digest")
    STOP.clear()
    previous = install_stop_handlers()
    started = time.monotonic()
    try:
        if job == "scan":
            result: Any = scan_now(settings, engine=engine, trigger=trigger)
        else:
            result = digest_now(settings, engine=engine)
    finally:
        restore_handlers(previous)
    log.info("%s finished in %.1f s", job, time.monotonic() - started)
    return result
