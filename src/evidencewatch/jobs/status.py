"""What an operator needs to know at a glance: scans, watermark, locks, schedule, backlog, schema.

This module collects the report; :mod:`.status_text` renders it as text.

Read-only: nothing here writes, starts a scheduler or takes a lock. Each
section is read in its own short transaction, and a section that fails (a
schema too old for it, say) is reported as such instead of hiding the rest.

Next runs come from the scheduler's job store table (``apscheduler_jobs``),
read directly rather than through APScheduler's job store class: loading a
job there unpickles it, and one that no longer unpickles would be *deleted*
by APScheduler — not what a status command should do. When the table is
missing or empty (the scheduler process has never run against this
database, e.g. when cron or systemd timers drive the scans), the next runs
are computed from the ``scan_cron``/``digest_cron`` settings instead; each
entry says which source it came from.

Unresolved PMIDs (searches returned them, EFetch would not serve them) are
listed too: while any remain, no scan succeeds and the watermark waits.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from evidencewatch.config import Settings
from evidencewatch.core.errors import ConfigError
from evidencewatch.core.timeutil import as_utc, utcnow
from evidencewatch.ingest.unresolved import count_open, oldest_open
from evidencewatch.ingest.windows import watermark
from evidencewatch.jobs.locks import held_locks
from evidencewatch.jobs.overdue import mark_missed_scan
from evidencewatch.jobs.schedule import JOB_SPECS, JOBSTORE_TABLE, cron_trigger
from evidencewatch.review.backlog import backlog_counts
from evidencewatch.storage.db import check_schema
from evidencewatch.storage.models import Scan

T = TypeVar("T")

#: Unresolved PMIDs listed one by one (oldest first); the count is always complete.
UNRESOLVED_SHOWN = 100


@dataclass
class ScanLine:
    id: int
    kind: str
    status: str
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    window_from: date | None
    window_to: date | None
    requests: int
    papers_seen: int
    papers_new: int
    candidates_new: int
    error: str | None
    host: str
    pid: int | None
    abandoned: bool = False  # 'running', but its process holds no live lock: it was killed


@dataclass
class LockLine:
    name: str
    holder: str
    acquired_at: datetime
    heartbeat_at: datetime
    heartbeat_age_seconds: float
    stale: bool


@dataclass
class NextRun:
    job: str
    next_run_time: datetime | None  # None: paused in the job store
    schedule: str
    source: str  # "job store" or "settings"
    overdue: bool = False


@dataclass
class UnresolvedLine:
    pmid: int
    first_seen_at: datetime
    last_tried_at: datetime
    attempts: int
    first_scan_id: int | None
    last_scan_id: int | None


@dataclass
class Backlog:
    pending: int
    oldest_pending: datetime | None
    by_gene: dict[str, int]


@dataclass
class StatusReport:
    database: str
    schema_current: str | None
    schema_head: str | None
    scans: list[ScanLine] = field(default_factory=list)
    watermark: date | None = None
    locks: list[LockLine] = field(default_factory=list)
    next_runs: list[NextRun] = field(default_factory=list)
    backlog: Backlog | None = None
    unresolved_count: int = 0
    unresolved_pmids: list[UnresolvedLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unreachable: str | None = None  # why the database could not be read; then nothing is known
    schema_newer: bool = False  # written by a newer evidencewatch: upgrade the code, not the db

    @property
    def schema_ok(self) -> bool:
        return self.schema_current is not None and self.schema_current == self.schema_head

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = _jsonable(asdict(self))
        data["schema"] = {
            "current": self.schema_current,
            "head": self.schema_head,
            "ok": self.schema_ok,
            "newer": data.pop("schema_newer"),
        }
        del data["schema_current"], data["schema_head"]
        return data


def collect_status(
    settings: Settings, *, engine: Engine, now: datetime | None = None, scan_limit: int = 5
) -> StatusReport:
    """Everything ``evidencewatch status`` shows, read from the database."""
    now = now or utcnow()
    schema = check_schema(engine)
    report = StatusReport(
        database=engine.url.render_as_string(hide_password=True),
        schema_current=schema.current,
        schema_head=schema.head,
        unreachable=schema.unreachable,
        schema_newer=schema.newer,
    )

    def section(name: str, read: Callable[[], T]) -> T | None:
        try:
            return read()
        except SQLAlchemyError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            report.problems.append(f"{name}: {first_line}")
            return None

    if schema.unreachable:  # nothing else will read either, and nothing may look empty
        report.problems.append(f"database unreachable: {schema.unreachable}")
        return report
    if report.schema_current is None:
        report.problems.append("the database has no evidencewatch schema: run `evidencewatch init`")
        report.next_runs = _next_runs_from_settings(settings, now)
        return report
    if not report.schema_ok:
        report.problems.append(schema.problem or "")
    report.scans = section("scans", lambda: _scans(engine, scan_limit)) or []
    report.watermark = section("watermark", lambda: _watermark(engine))
    report.locks = (
        section("locks", lambda: _locks(engine, now, settings.scan_lock_stale_seconds)) or []
    )
    report.next_runs = section("next runs", lambda: _next_runs(engine, settings, now)) or []
    section("overdue", lambda: mark_missed_scan(report.next_runs, engine, settings, now))
    report.backlog = section("backlog", lambda: _backlog(engine))
    unresolved = section("unresolved PMIDs", lambda: _unresolved(engine))
    if unresolved is not None:
        report.unresolved_count, report.unresolved_pmids = unresolved
    _flag_abandoned_scans(report)
    return report


def _scans(engine: Engine, limit: int) -> list[ScanLine]:
    with Session(engine) as session:
        rows = session.exec(
            select(Scan).order_by(col(Scan.started_at).desc(), col(Scan.id).desc()).limit(limit)
        ).all()
    return [
        ScanLine(
            id=s.id or 0,
            kind=s.kind,
            status=s.status,
            trigger=s.trigger,
            started_at=as_utc(s.started_at),
            finished_at=as_utc(s.finished_at) if s.finished_at else None,
            window_from=s.window_from,
            window_to=s.window_to,
            requests=s.requests,
            papers_seen=s.papers_seen,
            papers_new=s.papers_new,
            candidates_new=s.candidates_new,
            error=s.error,
            host=s.host,
            pid=s.pid,
        )
        for s in rows
    ]


def _watermark(engine: Engine) -> date | None:
    with Session(engine) as session:
        return watermark(session=session)


def _locks(engine: Engine, now: datetime, stale_seconds: float) -> list[LockLine]:
    with Session(engine) as session:
        locks = held_locks(session=session)
    out = []
    for lock in locks:
        age = (now - as_utc(lock.heartbeat_at)).total_seconds()
        out.append(
            LockLine(
                name=lock.name,
                holder=lock.holder,
                acquired_at=as_utc(lock.acquired_at),
                heartbeat_at=as_utc(lock.heartbeat_at),
                heartbeat_age_seconds=round(age, 1),
                stale=age > stale_seconds,
            )
        )
    return out


def _flag_abandoned_scans(report: StatusReport) -> None:
    """A scan row left 'running' while its process holds no lock was killed mid-way."""
    holders = {lock.holder.rsplit(":", 1)[0] for lock in report.locks if not lock.stale}
    for scan in report.scans:
        if scan.kind == "scan" and scan.status == "running":
            scan.abandoned = f"{scan.host}:{scan.pid}" not in holders


def _backlog(engine: Engine) -> Backlog:
    with Session(engine) as session:
        counts = backlog_counts(session=session)
    return Backlog(
        pending=counts.pending,
        oldest_pending=counts.oldest_pending,
        by_gene={g.gene: g.pending for g in counts.per_gene},
    )


def _unresolved(engine: Engine) -> tuple[int, list[UnresolvedLine]]:
    with Session(engine) as session:
        count = count_open(session=session)
        rows = oldest_open(session=session, limit=UNRESOLVED_SHOWN) if count else []
    return count, [
        UnresolvedLine(
            pmid=r.pmid,
            first_seen_at=as_utc(r.first_seen_at),
            last_tried_at=as_utc(r.last_tried_at),
            attempts=r.attempts,
            first_scan_id=r.first_scan_id,
            last_scan_id=r.last_scan_id,
        )
        for r in rows
    ]


def _next_runs(engine: Engine, settings: Settings, now: datetime) -> list[NextRun]:
    if not sa.inspect(engine).has_table(JOBSTORE_TABLE):
        return _next_runs_from_settings(settings, now)
    jobs = sa.table(
        JOBSTORE_TABLE, sa.column("id"), sa.column("next_run_time"), sa.column("job_state")
    )
    with engine.connect() as conn:
        rows = conn.execute(sa.select(jobs.c.id, jobs.c.next_run_time, jobs.c.job_state)).all()
    if not rows:
        return _next_runs_from_settings(settings, now)
    out = []
    for job_id, timestamp, state in rows:
        when = datetime.fromtimestamp(timestamp, UTC) if timestamp is not None else None
        out.append(
            NextRun(
                job=job_id,
                next_run_time=when,
                schedule=_describe_trigger(state),
                source="job store",
                overdue=when is not None and (now - when).total_seconds() > 60,
            )
        )
    out.sort(key=lambda r: (r.next_run_time is None, r.next_run_time or now))
    return out


def _describe_trigger(state: bytes) -> str:
    try:
        # The job store's own rows, written by our scheduler process.
        trigger = pickle.loads(state)["trigger"]
    except Exception as exc:  # the class moved, a newer APScheduler wrote it...
        return f"unreadable ({type(exc).__name__})"
    return str(trigger)


def _next_runs_from_settings(settings: Settings, now: datetime) -> list[NextRun]:
    out = []
    for spec in JOB_SPECS:
        expr = spec.cron(settings)
        if not expr.strip():
            out.append(NextRun(spec.id, None, "disabled (empty setting)", "settings"))
            continue
        try:
            trigger = cron_trigger(expr, timezone=settings.timezone, setting=spec.setting)
        except ConfigError as exc:
            out.append(NextRun(spec.id, None, f"invalid: {exc}", "settings"))
            continue
        schedule = f"{expr} ({settings.timezone})"
        out.append(NextRun(spec.id, trigger.get_next_fire_time(None, now), schedule, "settings"))
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
