"""A schedule that stops starting scans shows: status and /healthz call the scan overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from evidencewatch.config import load_settings
from evidencewatch.jobs.overdue import GRACE, missed_scan, previous_fire_time
from evidencewatch.jobs.schedule import cron_trigger
from evidencewatch.jobs.status import collect_status
from evidencewatch.jobs.status_text import render_text
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.storage.models import Scan
from evidencewatch.web.routes.health import check_health

# A Wednesday, 12:00 UTC; the daily cron runs at 06:00.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def lite(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'overdue.db'}"
    engine = make_engine(url)
    init_db(engine)
    yield engine, load_settings(env={}, database_url=url)
    engine.dispose()


def add_scan(engine, started: datetime, status: str = "succeeded", trigger: str = "cron") -> None:
    with Session(engine) as s:
        s.add(
            Scan(
                kind="scan",
                status=status,
                trigger=trigger,
                started_at=started,
                finished_at=started + timedelta(minutes=4),
                host="worker1",
                pid=10,
            )
        )
        s.commit()


def test_previous_fire_time_finds_the_last_run_at_or_before_a_moment():
    daily = cron_trigger("0 6 * * *", timezone="UTC")
    assert previous_fire_time(daily, NOW) == datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    assert previous_fire_time(daily, datetime(2026, 11, 25, 6, 0, tzinfo=UTC)) == datetime(
        2026, 11, 25, 6, 0, tzinfo=UTC
    )
    weekly = cron_trigger("0 6 * * mon", timezone="UTC")
    assert previous_fire_time(weekly, NOW) == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    yearly = cron_trigger("0 0 1 1 *", timezone="UTC")
    assert previous_fire_time(yearly, NOW) == datetime(2026, 1, 1, tzinfo=UTC)


def test_a_daily_scan_that_last_started_two_days_ago_is_overdue(lite):
    engine, settings = lite
    add_scan(engine, datetime(2026, 11, 23, 6, 0, 3, tzinfo=UTC))
    missed = missed_scan(engine, settings, NOW)
    assert missed is not None
    assert missed.interval == timedelta(days=1)
    assert "no scan has started since 2026-11-23T06:00:03+00:00" in missed.describe()


def test_a_scan_is_due_only_after_its_interval_and_the_grace(lite):
    engine, settings = lite
    started = datetime(2026, 11, 24, 6, 0, 2, tzinfo=UTC)
    add_scan(engine, started)
    on_time = started + timedelta(days=1) + GRACE - timedelta(seconds=1)
    assert missed_scan(engine, settings, on_time) is None
    assert missed_scan(engine, settings, on_time + timedelta(seconds=2)) is not None


def test_failed_and_manual_scans_count_as_started(lite):
    engine, settings = lite
    add_scan(engine, datetime(2026, 11, 21, 6, 0, tzinfo=UTC))
    add_scan(engine, NOW - timedelta(hours=3), status="failed", trigger="manual")
    assert missed_scan(engine, settings, NOW) is None


def test_a_weekday_schedule_is_not_overdue_over_the_weekend(lite):
    engine, settings = lite
    weekdays = settings.with_overrides(scan_cron="0 6 * * mon-fri")
    add_scan(engine, datetime(2026, 11, 27, 6, 0, 5, tzinfo=UTC))  # Friday
    sunday = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
    assert missed_scan(engine, weekdays, sunday) is None
    monday_late = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    assert missed_scan(engine, weekdays, monday_late) is not None


def test_no_schedule_or_no_scan_yet_is_never_overdue(lite):
    engine, settings = lite
    assert missed_scan(engine, settings, NOW) is None  # nothing has ever started
    add_scan(engine, NOW - timedelta(days=9))
    assert missed_scan(engine, settings.with_overrides(scan_cron=""), NOW) is None


def test_status_shows_the_scan_overdue_when_cron_stopped_starting_it(lite):
    engine, settings = lite
    add_scan(engine, datetime(2026, 11, 22, 6, 0, tzinfo=UTC))
    report = collect_status(settings, engine=engine, now=NOW)
    runs = {r.job: r for r in report.next_runs}
    assert runs["scan"].source == "settings"  # cron drives it: no scheduler job store
    assert runs["scan"].overdue and not runs["digest"].overdue
    text = render_text(report, now=NOW)
    [line] = [ln for ln in text.splitlines() if ln.startswith("  scan:")]
    assert "OVERDUE" in line and "no scan has started since 2026-11-22T06:00:00" in line
    assert report.as_json()["next_runs"][0]["overdue"] is True


def test_status_of_a_schedule_that_runs_shows_nothing_overdue(lite):
    engine, settings = lite
    add_scan(engine, datetime(2026, 11, 25, 6, 0, 4, tzinfo=UTC))
    report = collect_status(settings, engine=engine, now=NOW)
    assert not any(r.overdue for r in report.next_runs)
    assert "OVERDUE" not in render_text(report, now=NOW)


def test_healthz_is_degraded_and_says_overdue_when_scans_stopped_starting(lite):
    engine, settings = lite
    # The last scan succeeded 30 h ago: within the 48 h freshness limit, but the
    # 06:00 run of today never started.
    add_scan(engine, NOW - timedelta(hours=30))
    status, body = check_health(engine, settings, NOW)
    assert (status, body["status"]) == (200, "degraded")
    assert body["scan_overdue"] is True
    assert any("no scan has started since" in p for p in body["problems"])
    add_scan(engine, NOW - timedelta(hours=6))
    status, body = check_health(engine, settings, NOW)
    assert (status, body["status"], body["scan_overdue"]) == (200, "ok", False)
