"""The text `evidencewatch status` prints, from the report :mod:`.status` collects."""

from __future__ import annotations

from datetime import datetime

from evidencewatch.core.timeutil import utcnow
from evidencewatch.jobs.status import (
    Backlog,
    LockLine,
    NextRun,
    ScanLine,
    StatusReport,
    UnresolvedLine,
)

__all__ = ["render_text"]


def _when(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "-"
    seconds = (now - value).total_seconds()
    ago = _duration(abs(seconds))
    return f"{value.isoformat(timespec='seconds')} ({ago} {'ago' if seconds >= 0 else 'from now'})"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def render_text(report: StatusReport, *, now: datetime | None = None) -> str:
    """The report as the lines `evidencewatch status` prints."""
    now = now or utcnow()
    if report.unreachable:  # nothing below could be read: none of it may look empty
        return f"database unreachable: {report.unreachable}"
    lines = _header_lines(report)
    lines += ["", "last scans:", *_scan_lines(report.scans, now)]
    lines += ["", "locks:", *_lock_lines(report.locks, now)]
    lines += ["", "next runs:", *_next_run_lines(report.next_runs, now)]
    if report.unresolved_count:
        lines += ["", *_unresolved_lines(report, now)]
    if report.backlog is not None:
        lines += ["", *_backlog_lines(report.backlog, now)]
    if report.problems:
        lines += ["", "problems:", *(f"  {p}" for p in report.problems)]
    return "\n".join(lines)


def _header_lines(report: StatusReport) -> list[str]:
    lines = [f"database: {report.database}"]
    if report.schema_current is None:
        lines.append(f"schema:   none (this version needs {report.schema_head})")
    elif report.schema_ok:
        lines.append(f"schema:   {report.schema_current} (current)")
    else:
        state = "NEWER than" if report.schema_newer else "BEHIND"
        lines.append(f"schema:   {report.schema_current}, {state} head {report.schema_head}")
    mark = report.watermark.isoformat() if report.watermark else "none (no scan has succeeded)"
    if report.unresolved_count:
        mark += f" (held back: {report.unresolved_count} PMIDs unresolved)"
    lines.append(f"watermark: {mark}")
    return lines


def _scan_lines(scans: list[ScanLine], now: datetime) -> list[str]:
    if not scans:
        return ["  none"]
    lines = []
    for s in scans:
        window = f"{s.window_from}..{s.window_to}" if s.window_from else "-"
        status = (
            f"{s.status} (abandoned: its process holds no live lock)" if s.abandoned else s.status
        )
        lines.append(
            f"  #{s.id} {s.kind} {status} [{s.trigger}] started {_when(s.started_at, now)}; "
            f"window {window}; {s.requests} requests, {s.papers_seen} seen, {s.papers_new} new "
            f"papers, {s.candidates_new} new candidates"
        )
        if s.error:
            lines.append(f"      error: {s.error}")
    return lines


def _lock_lines(locks: list[LockLine], now: datetime) -> list[str]:
    if not locks:
        return ["  none held"]
    lines = []
    for lock in locks:
        stale = " STALE (the holder looks dead: the next scan takes it over)" if lock.stale else ""
        lines.append(
            f"  {lock.name}: held by {lock.holder} since {_when(lock.acquired_at, now)}, "
            f"last heartbeat {_duration(lock.heartbeat_age_seconds)} ago{stale}"
        )
    return lines


def _next_run_lines(runs: list[NextRun], now: datetime) -> list[str]:
    if not runs:
        return ["  none scheduled"]
    lines = []
    for run in runs:
        if run.next_run_time is None:
            when = "paused" if run.source == "job store" else "not scheduled"
        else:
            when = _when(run.next_run_time, now)
        overdue = " OVERDUE: is the scheduler running?" if run.overdue else ""
        lines.append(f"  {run.job}: {when}; {run.schedule} [from {run.source}]{overdue}")
    return lines


def _unresolved_lines(report: StatusReport, now: datetime) -> list[str]:
    lines = [
        f"unresolved PMIDs: {report.unresolved_count} (searches returned them, EFetch would "
        "not serve them; every scan asks again, and none succeeds until they are stored "
        "or confirmed gone)"
    ]
    lines += [f"  {_unresolved_line(u, now)}" for u in report.unresolved_pmids]
    hidden = report.unresolved_count - len(report.unresolved_pmids)
    if hidden > 0:
        lines.append(f"  ... and {hidden} more")
    return lines


def _unresolved_line(u: UnresolvedLine, now: datetime) -> str:
    return (
        f"{u.pmid}: first missed by scan #{u.first_scan_id} {_when(u.first_seen_at, now)}, "
        f"asked for by {u.attempts} scans, last by #{u.last_scan_id} {_when(u.last_tried_at, now)}"
    )


def _backlog_lines(backlog: Backlog, now: datetime) -> list[str]:
    lines = [f"review backlog: {backlog.pending} pending"]
    if backlog.oldest_pending:
        lines.append(f"  oldest pending: {_when(backlog.oldest_pending, now)}")
    if backlog.by_gene:
        genes = ", ".join(f"{gene} {n}" for gene, n in backlog.by_gene.items())
        lines.append(f"  by gene: {genes}")
    return lines
