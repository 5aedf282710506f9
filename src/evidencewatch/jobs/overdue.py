"""Has the scan schedule stopped starting scans? For ``evidencewatch status`` and ``/healthz``.

A scheduled run that never starts leaves no trace: when cron cannot start
evidencewatch (an env file that does not parse under /bin/sh, a wrong
path), a timer is disabled or a scheduler died, nothing fails, so nothing
reports a failure. What can be seen is the gap: no scan has *started* for
longer than the interval of ``scan_cron`` around the last one. That is why
``scan_cron`` must describe the real schedule even when cron or systemd
timers, not the scheduler process, start the scans.

Any scan counts, whoever started it and however it ended: a failed scan is
reported as failed, and a manual scan in between covers the schedule. A
database where no scan has ever started is not flagged here (nothing says
since when the schedule has been set up); status and ``/healthz`` already say
that no scan has succeeded yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from apscheduler.triggers.base import BaseTrigger
from sqlalchemy.engine import Engine

from evidencewatch.config import Settings
from evidencewatch.core.errors import ConfigError
from evidencewatch.core.timeutil import as_utc
from evidencewatch.jobs.schedule import cron_trigger
from evidencewatch.storage.models import Scan

__all__ = [
    "GRACE",
    "MissedScan",
    "RunLine",
    "mark_missed_scan",
    "missed_scan",
    "previous_fire_time",
]

#: Slack after the interval: start-up, a lock wait, a timer's AccuracySec.
GRACE = timedelta(minutes=10)

_LONGEST_LOOKBACK = timedelta(days=800)  # beyond any crontab's period (Feb 29 is 4 years)


class RunLine(Protocol):
    """A next-run entry of ``status`` (``jobs.status.NextRun``)."""

    job: str
    schedule: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class MissedScan:
    """No scan has started since ``last_started``, although ``scan_cron`` ran every ``interval``."""

    last_started: datetime
    interval: timedelta

    def describe(self) -> str:
        return (
            f"no scan has started since {self.last_started.isoformat(timespec='seconds')}, "
            f"longer than the scan_cron interval ({_hours(self.interval)} h): is cron, its "
            "timer or the scheduler running?"
        )


def previous_fire_time(trigger: BaseTrigger, at: datetime) -> datetime | None:
    """The last time ``trigger`` fired at or before ``at`` (triggers only look forward)."""
    span = timedelta(hours=1)
    while span <= _LONGEST_LOOKBACK:
        fire: datetime | None = trigger.get_next_fire_time(None, at - span)
        if fire is not None and fire <= at:
            while (later := trigger.get_next_fire_time(fire, fire)) is not None and later <= at:
                fire = later
            return fire
        span *= 2
    return None


def missed_scan(engine: Engine, settings: Settings, now: datetime) -> MissedScan | None:
    """The gap, when no scan has started for longer than the schedule's interval plus GRACE."""
    if not settings.scan_cron.strip():
        return None  # no schedule: nothing can be late
    try:
        trigger = cron_trigger(settings.scan_cron, timezone=settings.timezone, setting="scan_cron")
    except ConfigError:
        return None  # status reports the bad setting itself
    scans = Scan.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        last = conn.execute(
            sa.select(sa.func.max(scans.c.started_at)).where(scans.c.kind == "scan")
        ).scalar()
    if last is None:
        return None
    last = as_utc(last)
    before = previous_fire_time(trigger, last)
    after: datetime | None = trigger.get_next_fire_time(before, last) if before else None
    if before is None or after is None:
        return None
    interval = after - before
    if now - last <= interval + GRACE:
        return None
    return MissedScan(last, interval)


def mark_missed_scan(
    runs: Iterable[RunLine], engine: Engine, settings: Settings, now: datetime
) -> None:
    """Flag the scan's next-run entry of ``status`` overdue, saying since when none started."""
    missed = missed_scan(engine, settings, now)
    if missed is None:
        return
    for run in runs:
        if run.job == "scan":
            run.overdue = True
            run.schedule = f"{run.schedule}; {missed.describe()}"


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)
