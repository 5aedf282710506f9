"""``GET /healthz``: is the database reachable, and are scans succeeding?

For load balancers and monitoring; no session and no sign-in. The answer:

* **503, status "error"** — the database cannot be reached (``database`` says why).
* **200, status "degraded"** — the database answers, but the last successful
  scan is older than twice the scan interval (the gap between two runs of
  ``scan_cron``; 48 h when that setting is empty), no scan has succeeded
  yet, no scan has *started* for longer than the interval (``scan_overdue``:
  the scheduled runs are not starting at all, see ``jobs.overdue``), or the
  schema is behind this version. Keep ``scan_cron`` matching the real
  schedule when cron or systemd timers run the scans.
* **200, status "ok"** — otherwise.

The body always has ``status``, ``database``, ``last_successful_scan`` (ISO
time or null), ``last_scan_age_hours`` (or null), ``schema`` (the database's
revision) and, to explain a "degraded", ``schema_head``,
``max_scan_age_hours``, ``scan_overdue`` and ``problems``.
"""

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from evidencewatch.config import Settings
from evidencewatch.core.errors import ConfigError
from evidencewatch.core.timeutil import as_utc, utcnow
from evidencewatch.jobs.overdue import MissedScan, missed_scan
from evidencewatch.storage.db import head_revision, schema_problem, schema_revision
from evidencewatch.storage.models import Scan

router = APIRouter()

DEFAULT_MAX_AGE = timedelta(hours=48)


def max_scan_age(settings: Settings | None, now: datetime) -> timedelta:
    """Twice the interval between scans under ``scan_cron``, or 48 h without one."""
    if settings is None or not settings.scan_cron.strip():
        return DEFAULT_MAX_AGE
    from evidencewatch.jobs.schedule import cron_trigger, next_fire_times

    try:
        trigger = cron_trigger(settings.scan_cron, timezone=settings.timezone)
    except ConfigError:
        return DEFAULT_MAX_AGE
    fires = next_fire_times(trigger, now, 2)
    if len(fires) < 2:
        return DEFAULT_MAX_AGE
    return 2 * (fires[1] - fires[0])


def check_health(
    engine: Engine, settings: Settings | None, now: datetime
) -> tuple[int, dict[str, Any]]:
    """The status code and body of /healthz."""
    body: dict[str, Any] = {
        "status": "error",
        "database": "ok",
        "last_successful_scan": None,
        "last_scan_age_hours": None,
        "schema": None,
    }
    scans = Scan.__table__  # type: ignore[attr-defined]
    missed: MissedScan | None
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        body["schema"] = schema_revision(engine)
        last, missed = None, None
        if body["schema"] is not None:
            missed = missed_scan(engine, settings, now) if settings else None
            with engine.connect() as conn:
                last = conn.execute(
                    sa.select(sa.func.max(scans.c.finished_at)).where(
                        scans.c.kind == "scan", scans.c.status == "succeeded"
                    )
                ).scalar()
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        body["database"] = f"{type(exc).__name__}: {detail[0] if detail else 'unreachable'}"
        return 503, body
    head = head_revision(engine)
    limit = max_scan_age(settings, now)
    problems: list[str] = []
    if last is not None:
        last = as_utc(last)
        age = now - last
        body["last_successful_scan"] = last.isoformat()
        body["last_scan_age_hours"] = round(age.total_seconds() / 3600, 2)
        if age > limit:
            problems.append(f"the last successful scan is older than {_hours(limit)} h")
    else:
        problems.append("no scan has succeeded yet")
    if missed is not None:
        problems.append(missed.describe())
    schema_advice = schema_problem(engine, body["schema"])
    if schema_advice is not None:
        # The same words as the CLI: a newer database needs a newer evidencewatch, not init.
        problems.append(schema_advice)
    body.update(
        status="degraded" if problems else "ok",
        schema_head=head,
        max_scan_age_hours=_hours(limit),
        scan_overdue=missed is not None,
        problems=problems,
    )
    return 200, body


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    """Database reachability, scan freshness and schema revision."""
    settings = getattr(request.app.state, "settings", None)
    status, body = check_health(request.app.state.engine, settings, utcnow())
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
