"""What runs when: the scheduled jobs, their cron triggers and the job store's name.

Shared by the scheduler process, which stores these jobs, and by the status
command and the health check, which compute next runs from the same settings
without starting a scheduler.

Stored jobs name their function by a ``module:function`` string
(:data:`SCAN_FUNC`, :data:`DIGEST_FUNC`). Those strings are pickled into the
job store table, so they must keep resolving for as long as such rows may
exist: the functions stay importable from :mod:`evidencewatch.scheduler` (the retrain
check from :mod:`evidencewatch.jobs.retraining`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from evidencewatch.config import Settings
from evidencewatch.core.errors import ConfigError

__all__ = [
    "DIGEST_FUNC",
    "JOBSTORE_TABLE",
    "JOB_SPECS",
    "RECHECK_FUNC",
    "RETRAIN_FUNC",
    "SCAN_FUNC",
    "JobSpec",
    "ScheduledJob",
    "cron_trigger",
    "default_jobs",
    "next_fire_times",
]

JOBSTORE_TABLE = "apscheduler_jobs"
SCAN_FUNC = "evidencewatch.scheduler:run_scheduled_scan"
DIGEST_FUNC = "evidencewatch.scheduler:run_scheduled_digest"
RETRAIN_FUNC = "evidencewatch.jobs.retraining:run_scheduled_retrain"
# Lives with its job (jobs/recheck.py), importable for as long as stored rows name it.
RECHECK_FUNC = "evidencewatch.jobs.recheck:run_scheduled_recheck"


@dataclass(frozen=True)
class JobSpec:
    """A job the settings can schedule: its id, its crontab setting, function and name."""

    id: str
    setting: str  # the Settings attribute holding its crontab line; empty disables the job
    func: str
    name: str

    def cron(self, settings: Settings) -> str:
        return str(getattr(settings, self.setting))


JOB_SPECS: tuple[JobSpec, ...] = (
    JobSpec("scan", "scan_cron", SCAN_FUNC, "scan PubMed"),
    JobSpec("digest", "digest_cron", DIGEST_FUNC, "write the digest"),
    # Active learning: retrain once enough decisions came in (a no-op read otherwise).
    JobSpec("retrain", "retrain_cron", RETRAIN_FUNC, "retrain the ranking when due"),
    JobSpec("recheck", "recheck_cron", RECHECK_FUNC, "recheck the evidence's papers"),
)


@dataclass(frozen=True)
class ScheduledJob:
    """One job to schedule: a ``module:function`` reference, its trigger and string args."""

    func: str
    trigger: BaseTrigger
    args: tuple[str, ...] = ()
    name: str = ""


_CRONTAB_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_APS_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _crontab_weekdays(field: str) -> str:
    """Numeric crontab weekdays (0 or 7 = Sunday) as names.

    APScheduler 3's ``from_crontab`` reads 0 as *Monday* (its issue 286), so
    "0 7 * * 1" would run on Tuesdays. Names mean the same in both.
    """
    if not any(ch.isdigit() for ch in field):
        return field  # "*", "mon", "mon-fri": the same in both
    days: set[str] = set()
    for part in field.split(","):
        match = re.fullmatch(r"(\*|(\d)(?:-(\d))?)(?:/(\d+))?", part)
        if match is None:
            raise ValueError(
                f"day of week {field!r}: use numbers 0-7 (0 and 7 are Sunday) or names, not both"
            )
        star, first_text, last_text, step_text = match.groups()
        if star == "*":
            first, last = 0, 6
        else:
            first = int(first_text)
            last = int(last_text) if last_text else (6 if step_text else first)
        step = int(step_text) if step_text else 1
        if first > 7 or last > 7 or first > last or step < 1:
            raise ValueError(f"day of week {field!r}: use 0-7 (0 and 7 are Sunday)")
        days.update(_CRONTAB_DAYS[d % 7] for d in range(first, last + 1, step))
    if len(days) == 7:
        return "*"
    return ",".join(d for d in _APS_ORDER if d in days)


def cron_trigger(expr: str, *, timezone: str, setting: str = "cron") -> CronTrigger:
    """A CronTrigger for a standard 5-field crontab line, with crontab's weekday numbers."""
    fields = expr.split()
    if len(fields) != 5:
        raise ConfigError(
            f"{setting} {expr!r}: expected 5 fields (minute hour day month weekday), "
            f"got {len(fields)}"
        )
    try:
        zone = ZoneInfo(timezone)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"timezone {timezone!r} is not an IANA time zone name") from exc
    try:
        fields[4] = _crontab_weekdays(fields[4])
        return CronTrigger.from_crontab(" ".join(fields), timezone=zone)
    except ValueError as exc:
        raise ConfigError(f"{setting} {expr!r}: {exc}") from exc


def default_jobs(settings: Settings, *, config_file: str = "") -> dict[str, ScheduledJob]:
    """Each job of :data:`JOB_SPECS` on its crontab setting; an empty setting disables one."""
    args = (config_file,)
    jobs: dict[str, ScheduledJob] = {}
    for spec in JOB_SPECS:
        expr = spec.cron(settings)
        if expr.strip():
            trigger = cron_trigger(expr, timezone=settings.timezone, setting=spec.setting)
            jobs[spec.id] = ScheduledJob(spec.func, trigger, args, spec.name)
    return jobs


def next_fire_times(trigger: BaseTrigger, now: datetime, n: int = 2) -> list[datetime]:
    """The next ``n`` fire times of ``trigger`` after ``now`` (for intervals in status/health)."""
    out: list[datetime] = []
    previous: datetime | None = None
    current = now
    for _ in range(n):
        fire = trigger.get_next_fire_time(previous, current)
        if fire is None:
            break
        out.append(fire)
        previous, current = fire, fire
    return out
