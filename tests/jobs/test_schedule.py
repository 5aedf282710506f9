"""The scheduled jobs and their cron triggers, shared by the scheduler, status and /healthz."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from evidencewatch.config import load_settings
from evidencewatch.core.errors import ConfigError
from evidencewatch.core.timeutil import utcnow
from evidencewatch.jobs.schedule import (
    DIGEST_FUNC,
    RECHECK_FUNC,
    RETRAIN_FUNC,
    SCAN_FUNC,
    cron_trigger,
    default_jobs,
    next_fire_times,
)


def test_crontab_weekday_numbers_mean_what_they_mean_in_crontab():
    monday = cron_trigger("0 7 * * 1", timezone="UTC")
    start = utcnow().replace(year=2026, month=11, day=25)  # a Wednesday
    assert monday.get_next_fire_time(None, start).strftime("%a") == "Mon"
    sunday0 = cron_trigger("0 7 * * 0", timezone="UTC").get_next_fire_time(None, start)
    sunday7 = cron_trigger("0 7 * * 7", timezone="UTC").get_next_fire_time(None, start)
    assert sunday0 == sunday7 and sunday0.strftime("%a") == "Sun"
    weekdays = cron_trigger("0 7 * * 1-5", timezone="UTC")
    assert "day_of_week='mon,tue,wed,thu,fri'" in str(weekdays)


@pytest.mark.parametrize(
    ("expr", "timezone", "message"),
    [
        ("0 6 * *", "UTC", "expected 5 fields"),
        ("0 25 * * *", "UTC", "scan_cron '0 25 * * *'"),
        ("0 7 * * 1,mon", "UTC", "numbers 0-7"),
        ("0 6 * * *", "Mars/Olympus", "not an IANA time zone"),
    ],
)
def test_a_bad_crontab_line_is_a_config_error_naming_the_setting(expr, timezone, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        cron_trigger(expr, timezone=timezone, setting="scan_cron")


def test_default_jobs_are_the_scan_the_digest_and_the_recheck_and_an_empty_setting_drops_one():
    settings = load_settings(env={}, scan_cron="0 6 * * *", digest_cron="0 7 * * mon")
    jobs = default_jobs(settings, config_file="/etc/ew.toml")
    assert {job_id: job.func for job_id, job in jobs.items()} == {
        "scan": SCAN_FUNC,
        "digest": DIGEST_FUNC,
        "retrain": RETRAIN_FUNC,
        "recheck": RECHECK_FUNC,
    }
    assert jobs["scan"].args == ("/etc/ew.toml",) and jobs["scan"].name == "scan PubMed"
    assert set(default_jobs(settings.with_overrides(digest_cron="", retrain_cron=""))) == {
        "scan",
        "recheck",
    }
    quiet = settings.with_overrides(recheck_cron="", retrain_cron="")
    assert set(default_jobs(quiet)) == {"scan", "digest"}


def test_the_recheck_runs_weekly_by_default_on_recheck_cron():
    jobs = default_jobs(load_settings(env={}))
    start = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
    first, second = next_fire_times(jobs["recheck"].trigger, start, 2)
    assert (first.strftime("%a %H:%M"), second - first) == ("Sun 05:00", timedelta(days=7))
    moved = default_jobs(load_settings(env={}, recheck_cron="30 4 * * 1"))["recheck"]
    assert next_fire_times(moved.trigger, start, 1)[0].strftime("%a %H:%M") == "Mon 04:30"


def test_the_recheck_job_reference_resolves_to_its_scheduled_function():
    import importlib

    module, name = RECHECK_FUNC.split(":")
    assert callable(getattr(importlib.import_module(module), name))


def test_stored_job_references_name_the_scheduler_module_functions():
    # Rows in the job store hold these strings: they must keep resolving.
    from evidencewatch import scheduler

    for ref in (SCAN_FUNC, DIGEST_FUNC):
        module, name = ref.split(":")
        assert module == "evidencewatch.scheduler" and callable(getattr(scheduler, name))


def test_next_fire_times_are_consecutive_runs_after_now():
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    fires = next_fire_times(cron_trigger("0 6 * * *", timezone="UTC"), now, 3)
    assert fires == [datetime(2026, 11, 26, 6, 0, tzinfo=UTC) + timedelta(days=i) for i in range(3)]
