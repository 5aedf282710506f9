"""The scheduler: cron schedules in the project's database, jobs that scan, clean stops."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session, select

from evidencewatch.config import SPECS, load_settings
from evidencewatch.core.errors import ConfigError
from evidencewatch.core.logs import configure_logging
from evidencewatch.core.timeutil import utcnow
from evidencewatch.jobs.locks import scan_lock
from evidencewatch.jobs.schedule import DIGEST_FUNC, JOBSTORE_TABLE, SCAN_FUNC, ScheduledJob
from evidencewatch.scheduler import STOP, build_scheduler, run_scheduled_scan
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.storage.models import Candidate, Scan
from processes import (
    captured_warnings,
    cli_env,
    fake_pubmed,
    recent_records,
    scan_in_process,
    start_cli,
    wait_until,
    wait_while_running,
)
from scheduled import RUNS


@pytest.fixture(autouse=True)
def clear_stop_event():
    STOP.clear()
    yield
    STOP.clear()


@pytest.fixture
def file_db(tmp_path: Path):
    """A SQLite file database at head: for tests where the backend makes no difference."""
    url = f"sqlite:///{tmp_path / 'sched.db'}"
    engine = make_engine(url)
    init_db(engine)
    yield url, engine
    engine.dispose()


def background(settings, engine, **kw) -> BackgroundScheduler:
    scheduler = build_scheduler(settings, engine=engine, scheduler_class=BackgroundScheduler, **kw)
    assert isinstance(scheduler, BackgroundScheduler)
    return scheduler


def stored_jobs(engine) -> dict:
    store = SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE)
    return {job.id: job for job in store.get_all_jobs()}


def test_scheduler_stores_scan_and_digest_jobs_on_their_cron_settings(file_db):
    url, engine = file_db
    settings = load_settings(
        env={},
        database_url=url,
        scan_cron="0 6 * * *",
        digest_cron="0 7 * * mon",
        timezone="Europe/Berlin",
    )
    scheduler = background(settings, engine, config_file="/etc/ew.toml")
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"scan", "digest", "retrain", "recheck"}
        assert (jobs["scan"].func_ref, jobs["digest"].func_ref) == (SCAN_FUNC, DIGEST_FUNC)
        assert jobs["scan"].args == ("/etc/ew.toml",)  # only a string: settings hold secrets
        assert "hour='6', minute='0'" in str(jobs["scan"].trigger)
        assert "day_of_week='mon', hour='7'" in str(jobs["digest"].trigger)
        assert str(jobs["scan"].trigger.timezone) == "Europe/Berlin"
        for job in jobs.values():
            assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
        store = scheduler._lookup_jobstore("default")
        assert isinstance(store, SQLAlchemyJobStore) and store.jobs_t.name == JOBSTORE_TABLE
    finally:
        scheduler.shutdown(wait=False)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("scan_cron", "0 6 * *", "expected 5 fields"),
        ("scan_cron", "0 25 * * *", "scan_cron '0 25 * * *'"),
        ("digest_cron", "0 7 * * 9", "digest_cron '0 7 * * 9'"),
        ("timezone", "Mars/Olympus", "not an IANA time zone"),
    ],
)
def test_a_bad_schedule_setting_is_a_config_error_that_names_it(file_db, setting, value, message):
    url, engine = file_db
    settings = load_settings(env={}, database_url=url, **{setting: value})
    with pytest.raises(ConfigError, match=re.escape(message)):
        build_scheduler(settings, engine=engine)


def test_an_empty_digest_cron_unschedules_the_digest(file_db):
    url, engine = file_db
    settings = load_settings(env={}, database_url=url)
    first = background(settings, engine)
    first.start(paused=True)
    first.shutdown(wait=False)
    assert set(stored_jobs(engine)) == {"scan", "digest", "retrain", "recheck"}
    second = background(settings.with_overrides(digest_cron=""), engine)
    second.start(paused=True)
    second.shutdown(wait=False)
    assert set(stored_jobs(engine)) == {"scan", "retrain", "recheck"}


def test_the_schedule_survives_a_restart_with_a_fresh_engine(db_url_engine):
    url, engine = db_url_engine
    settings = load_settings(env={}, database_url=url)
    first = background(settings, engine)
    first.start(paused=True)
    before = {job.id: job.next_run_time for job in first.get_jobs()}
    first.shutdown(wait=True)
    engine.dispose()

    fresh = make_engine(url)
    assert {j: job.next_run_time for j, job in stored_jobs(fresh).items()} == before
    second = background(settings, fresh)
    second.start(paused=True)
    try:
        assert {job.id: job.next_run_time for job in second.get_jobs()} == before
    finally:
        second.shutdown(wait=False)
        fresh.dispose()


def test_a_run_missed_while_the_scheduler_was_down_is_made_up_once_on_restart(file_db):
    url, engine = file_db
    settings = load_settings(env={}, database_url=url)
    trigger = CronTrigger(hour=3, minute=0, timezone="UTC")
    job = ScheduledJob("scheduled:record_run", trigger, ("missed",))
    first = background(settings, engine, jobs={"nightly": job})
    first.start(paused=True)
    first.shutdown(wait=True)
    # The process was down when the job was due, 10 minutes ago (and twice before that).
    store = SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE)
    stored = store.lookup_job("nightly")
    stored.next_run_time = utcnow() - timedelta(minutes=10)
    store.update_job(stored)

    RUNS.clear()
    second = background(settings, engine, jobs={"nightly": job})
    second.start()
    try:
        wait_until(lambda: RUNS == ["missed"], timeout=5)
        time.sleep(0.3)
        assert RUNS == ["missed"]  # coalesced: once, not once per missed time
        assert second.get_job("nightly").next_run_time > utcnow()
    finally:
        second.shutdown(wait=True)


def test_a_changed_schedule_replaces_the_stored_run_time(file_db):
    url, engine = file_db
    settings = load_settings(env={}, database_url=url, scan_cron="0 6 * * *")
    first = background(settings, engine)
    first.start(paused=True)
    first.shutdown(wait=False)
    changed = background(settings.with_overrides(scan_cron="30 18 * * *"), engine)
    changed.start(paused=True)
    try:
        run = changed.get_job("scan").next_run_time
        assert (run.hour, run.minute) == (18, 30)
    finally:
        changed.shutdown(wait=False)


def test_init_leaves_the_job_store_table_alone(file_db):
    url, engine = file_db
    scheduler = background(load_settings(env={}, database_url=url), engine)
    scheduler.start(paused=True)
    scheduler.shutdown(wait=False)
    init_db(engine)
    assert set(stored_jobs(engine)) == {"scan", "digest", "retrain", "recheck"}


def write_config(path: Path, url: str, fake) -> str:
    path.write_text(
        f'database_url = "{url}"\n'
        f'eutils_url = "{fake.base_url}"\n'
        'ncbi_email = "tests@evidencewatch.invalid"\n'
        'ncbi_api_key = "test-key"\n'
        "fetch_batch_size = 20\n",
        encoding="utf-8",
    )
    return str(path)


@pytest.fixture
def no_settings_env(monkeypatch):
    """Scheduled jobs read the environment: keep the developer's settings out."""
    for spec in SPECS:
        if spec.env:
            monkeypatch.delenv(spec.env, raising=False)
    monkeypatch.delenv("EVIDENCEWATCH_CONFIG", raising=False)


def test_the_scheduler_fires_the_scan_job_which_stores_papers_and_candidates(
    db_url_engine, watchlist, tmp_path, no_settings_env
):
    url, engine = db_url_engine
    records = recent_records(40, start_pmid=95_000_001)
    with fake_pubmed(records, watchlist) as fake:
        config = write_config(tmp_path / "evidencewatch.toml", url, fake)
        settings = load_settings(env={}, config_file=config)
        scheduler = background(
            settings, engine, jobs={"scan": IntervalTrigger(seconds=1)}, config_file=config
        )
        scheduler.start()
        try:

            def scheduled_scan_done() -> bool:
                with Session(engine) as s:
                    return (
                        s.exec(select(Scan).where(Scan.status == "succeeded")).first() is not None
                    )

            wait_until(scheduled_scan_done, timeout=20, every=0.1)
        finally:
            scheduler.shutdown(wait=True)
    with Session(engine) as s:
        scan = s.exec(select(Scan).where(Scan.status == "succeeded")).first()
        candidates = s.exec(select(Candidate)).all()
    assert scan.trigger == "scheduler"
    assert scan.papers_new == 40
    assert {c.pmid for c in candidates} == {r.pmid for r in records}
    assert {c.gene for c in candidates} == {"SLC7A5"}


def test_a_scheduled_scan_finding_the_lock_held_skips_with_a_warning(
    db_url_engine, watchlist, tmp_path, no_settings_env
):
    url, engine = db_url_engine
    with fake_pubmed(recent_records(5), watchlist) as fake:
        config = write_config(tmp_path / "evidencewatch.toml", url, fake)
        with (
            captured_warnings("evidencewatch.scheduler") as warnings,
            scan_lock(engine, holder="cli:1:manual-x", wait_seconds=0, stale_seconds=60),
        ):
            run_scheduled_scan(config)  # returns: a lock is no reason to crash the scheduler
        assert fake.requests == []
    with Session(engine) as s:
        assert s.exec(select(Scan)).all() == []
    assert any("skipped" in w and "cli:1:manual-x" in w for w in warnings)


def test_a_scan_logged_as_json_emits_parseable_lines_carrying_the_scan_id(file_db, watchlist):
    url, engine = file_db
    root = logging.getLogger("evidencewatch")
    saved = (list(root.handlers), root.level, root.propagate)
    stream = io.StringIO()
    with contextlib.redirect_stderr(stream):
        configure_logging("json", "INFO")
    try:
        with fake_pubmed(recent_records(30), watchlist) as fake:
            report = scan_in_process(url, engine, fake)
    finally:
        root.handlers, root.level, root.propagate = saved[0], saved[1], saved[2]
    assert report.status == "succeeded"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    scan_lines = [line for line in lines if line["logger"] == "evidencewatch.ingest.scan"]
    assert scan_lines, lines
    without_id = [line["message"] for line in scan_lines if line.get("scan_id") != report.scan_id]
    assert without_id == [], "logged during the scan without its scan_id (outside scan_context?)"
    assert any(f"scan {report.scan_id} succeeded" in line["message"] for line in scan_lines)
    assert all({"ts", "level", "logger", "message"} <= set(line) for line in lines)


def test_the_scheduler_process_stops_cleanly_on_sigterm_and_exits_0(file_db, tmp_path, watchlist):
    url, engine = file_db
    with fake_pubmed([], watchlist) as fake:
        proc = start_cli(["scheduler"], cli_env(url, fake), tmp_path)
        try:

            def jobs_stored() -> bool:
                with engine.connect() as conn:
                    if not sa.inspect(conn).has_table(JOBSTORE_TABLE):
                        return False
                    return (
                        conn.execute(sa.text(f"SELECT count(*) FROM {JOBSTORE_TABLE}")).scalar()
                        == 4  # scan, digest, the retrain check and the recheck
                    )

            wait_while_running(proc, jobs_stored)
            time.sleep(0.2)  # the signal handlers are installed just before start()
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=20)
        finally:
            proc.kill()
    assert proc.returncode == 0, err
    messages = [json.loads(line)["message"] for line in err.splitlines()]
    assert "scheduler stopped" in messages
    assert any(m.startswith("SIGTERM received") for m in messages)


def test_the_scheduled_digest_job_stores_and_writes_a_digest(
    file_db, tmp_path, watchlist, no_settings_env
):
    from evidencewatch.scheduler import run_scheduled_digest
    from evidencewatch.storage.models import Digest

    url, engine = file_db
    config = tmp_path / "evidencewatch.toml"
    config.write_text(
        f'database_url = "{url}"\ndigest_dir = "{tmp_path / "digests"}"\n', encoding="utf-8"
    )
    run_scheduled_digest(str(config))
    with Session(engine) as s:
        [digest] = s.exec(select(Digest)).all()
    assert digest.files and all(Path(f).is_file() for f in digest.files)
