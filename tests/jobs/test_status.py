"""`evidencewatch status` and GET /healthz: what an operator sees."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from evidencewatch.config import load_settings
from evidencewatch.core.timeutil import utcnow
from evidencewatch.jobs.schedule import SCAN_FUNC, ScheduledJob
from evidencewatch.jobs.status import collect_status
from evidencewatch.jobs.status_text import render_text
from evidencewatch.scheduler import build_scheduler
from evidencewatch.storage.db import head_revision, init_db, make_engine
from evidencewatch.storage.models import Candidate, Paper, Scan, ScanLock, UnresolvedPmid
from evidencewatch.web.routes.health import check_health, max_scan_age, router

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
D1, D2 = date(2026, 11, 23), date(2026, 11, 24)


@pytest.fixture
def lite(tmp_path: Path):
    """A SQLite database at head and its settings: for checks the backend makes no difference to."""
    url = f"sqlite:///{tmp_path / 'lite.db'}"
    engine = make_engine(url)
    init_db(engine)
    yield engine, load_settings(env={}, database_url=url)
    engine.dispose()


def add_scan(session: Session, *, status: str, started: datetime, window_to: date, **kw) -> Scan:
    scan = Scan(
        kind="scan",
        status=status,
        started_at=started,
        finished_at=None if status == "running" else started + timedelta(minutes=3),
        window_from=window_to - timedelta(days=30),
        window_to=window_to,
        requests=kw.pop("requests", 7),
        papers_seen=kw.pop("papers_seen", 12),
        papers_new=kw.pop("papers_new", 10),
        candidates_new=kw.pop("candidates_new", 4),
        trigger=kw.pop("trigger", "scheduler"),
        host=kw.pop("host", "worker1"),
        pid=kw.pop("pid", 100),
        **kw,
    )
    session.add(scan)
    session.flush()
    return scan


def add_candidate(session: Session, pmid: int, gene: str, status: str, created: datetime) -> None:
    if session.get(Paper, pmid) is None:
        session.add(Paper(pmid=pmid, title=f"paper {pmid}"))
        session.flush()
    session.add(Candidate(pmid=pmid, gene=gene, status=status, created_at=created))


@pytest.fixture
def busy_engine(engine):
    """A database with scans of every outcome, a held lock and a review backlog."""
    with Session(engine) as s:
        add_scan(
            s, status="succeeded", started=NOW - timedelta(days=2), window_to=date(2026, 11, 23)
        )
        add_scan(
            s, status="succeeded", started=NOW - timedelta(days=1), window_to=date(2026, 11, 24)
        )
        add_scan(
            s,
            status="failed",
            started=NOW - timedelta(hours=5),
            window_to=date(2026, 11, 25),
            error="EutilsServerError: HTTP 502 from esearch",
        )
        add_scan(
            s,
            status="running",
            started=NOW - timedelta(hours=3),
            window_to=date(2026, 11, 25),
            host="deadhost",
            pid=4242,
        )
        add_scan(
            s,
            status="running",
            started=NOW - timedelta(minutes=2),
            window_to=date(2026, 11, 25),
            host="worker2",
            pid=77,
        )
        s.add(
            ScanLock(
                name="scan",
                holder="worker2:77:scheduler-abc",
                acquired_at=NOW - timedelta(minutes=2),
                heartbeat_at=NOW - timedelta(seconds=20),
            )
        )
        add_candidate(s, 101, "ESR1", "pending", NOW - timedelta(days=9))
        add_candidate(s, 101, "PIK3CA", "pending", NOW - timedelta(days=1))
        add_candidate(s, 102, "ESR1", "pending", NOW - timedelta(days=3))
        add_candidate(s, 103, "ERBB2", "accepted", NOW - timedelta(days=20))
        s.commit()
    return engine


def test_status_shows_scans_watermark_locks_backlog_and_current_schema(busy_engine, settings):
    report = collect_status(settings, engine=busy_engine, now=NOW, scan_limit=10)
    assert report.schema_ok and report.schema_current == head_revision(busy_engine)
    assert report.problems == []
    assert report.watermark == date(2026, 11, 24)  # the failed and running scans do not count
    assert [s.status for s in report.scans] == [
        "running",
        "running",
        "failed",
        "succeeded",
        "succeeded",
    ]
    assert report.scans[2].error == "EutilsServerError: HTTP 502 from esearch"
    assert report.scans[2].window_to == date(2026, 11, 25)
    [lock] = report.locks
    assert lock.holder == "worker2:77:scheduler-abc" and not lock.stale
    assert lock.heartbeat_age_seconds == 20
    assert report.backlog is not None
    assert report.backlog.pending == 3
    assert report.backlog.oldest_pending == NOW - timedelta(days=9)
    assert report.backlog.by_gene == {"ESR1": 2, "PIK3CA": 1}


def test_status_lists_unresolved_pmids_oldest_first_and_an_incomplete_scan(lite):
    engine, settings = lite
    with Session(engine) as s:
        done = add_scan(s, status="succeeded", started=NOW - timedelta(days=2), window_to=D1)
        stuck = add_scan(s, status="incomplete", started=NOW - timedelta(days=1), window_to=D2)
        for pmid, days in ((302, 1), (301, 2)):
            s.add(
                UnresolvedPmid(
                    pmid=pmid,
                    first_scan_id=stuck.id,
                    last_scan_id=stuck.id,
                    first_seen_at=NOW - timedelta(days=days),
                    last_tried_at=NOW - timedelta(days=1),
                )
            )
        s.add(UnresolvedPmid(pmid=303, first_scan_id=done.id, resolved_at=NOW, resolution="gone"))
        s.commit()
        stuck_id = stuck.id
    report = collect_status(settings, engine=engine, now=NOW)
    assert report.watermark == D1  # the incomplete scan does not count
    assert report.scans[0].status == "incomplete"
    assert report.unresolved_count == 2
    assert [(u.pmid, u.first_scan_id) for u in report.unresolved_pmids] == [
        (301, stuck_id),
        (302, stuck_id),
    ]
    data = report.as_json()
    assert data["unresolved_count"] == 2
    assert data["unresolved_pmids"][0]["first_seen_at"] == (NOW - timedelta(days=2)).isoformat()


def test_running_scan_whose_process_holds_no_lock_is_flagged_abandoned(busy_engine, settings):
    report = collect_status(settings, engine=busy_engine, now=NOW)
    by_host = {s.host: s for s in report.scans if s.status == "running"}
    assert by_host["deadhost"].abandoned  # killed: its row says running, nobody holds its lock
    assert not by_host["worker2"].abandoned  # alive: it holds the lock
    assert "abandoned" in render_text(report, now=NOW)


def test_lock_with_an_old_heartbeat_is_shown_stale(lite):
    engine, settings = lite
    with Session(engine) as s:
        s.add(
            ScanLock(
                name="scan",
                holder="gone:1:cron-x",
                acquired_at=NOW - timedelta(hours=5),
                heartbeat_at=NOW - timedelta(hours=4),
            )
        )
        s.commit()
    report = collect_status(settings, engine=engine, now=NOW)
    assert report.locks[0].stale
    assert "STALE" in render_text(report, now=NOW)


def test_next_runs_come_from_the_settings_until_a_scheduler_has_stored_its_jobs(lite):
    engine, settings = lite
    report = collect_status(
        settings.with_overrides(timezone="Europe/Berlin"), engine=engine, now=NOW
    )
    runs = {r.job: r for r in report.next_runs}
    assert runs["scan"].source == runs["digest"].source == "settings"
    # 06:00 in Berlin is 05:00 UTC in winter; 2026-11-30 is a Monday.
    assert runs["scan"].next_run_time == datetime(2026, 11, 26, 5, 0, tzinfo=UTC)
    assert runs["digest"].next_run_time == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def test_next_runs_are_read_from_the_job_store_without_starting_a_scheduler(engine, settings):
    trigger = CronTrigger(hour=6, minute=30, timezone="UTC")
    scheduler = build_scheduler(
        settings,
        engine=engine,
        jobs={"scan": ScheduledJob(SCAN_FUNC, trigger)},
        scheduler_class=BackgroundScheduler,
    )
    scheduler.start(paused=True)
    expected = scheduler.get_job("scan").next_run_time
    scheduler.shutdown(wait=False)
    report = collect_status(settings, engine=engine)
    [run] = report.next_runs
    assert (run.job, run.source) == ("scan", "job store")
    assert run.next_run_time == expected
    assert "hour='6', minute='30'" in run.schedule
    assert not run.overdue


def test_a_stored_run_time_long_past_is_flagged_overdue(lite):
    engine, settings = lite
    trigger = CronTrigger(hour=6, timezone="UTC")
    jobs = {"scan": ScheduledJob(SCAN_FUNC, trigger)}
    scheduler = build_scheduler(
        settings, engine=engine, jobs=jobs, scheduler_class=BackgroundScheduler
    )
    scheduler.start(paused=True)
    scheduler.shutdown(wait=False)
    # As a scheduler that died two hours before its run would have left it.
    two_hours_ago = (utcnow() - timedelta(hours=2)).timestamp()
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE apscheduler_jobs SET next_run_time = :t"), {"t": two_hours_ago}
        )
    report = collect_status(settings, engine=engine)
    assert report.next_runs[0].overdue
    assert "OVERDUE: is the scheduler running?" in render_text(report)


def test_status_of_a_database_without_schema_says_to_run_init(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    settings = load_settings(env={}, database_url=url)
    report = collect_status(settings, engine=make_engine(url))
    assert report.schema_current is None and not report.schema_ok
    assert any("evidencewatch init" in p for p in report.problems)
    assert {r.job for r in report.next_runs} == {"scan", "digest", "retrain", "recheck"}


def test_status_of_an_old_schema_reports_it_and_still_shows_what_it_can(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    init_db(engine, "0001")
    report = collect_status(load_settings(env={}, database_url=url), engine=engine)
    assert report.schema_current == "0001" and not report.schema_ok
    assert any("run `evidencewatch init`" in p for p in report.problems)
    assert any(p.startswith("locks:") for p in report.problems)  # scan_lock came in 0002
    assert report.scans == [] and report.backlog is not None


def test_status_command_prints_json_and_exits_0_on_a_current_schema(busy_engine, settings):
    from evidencewatch.cli.main import cli

    result = CliRunner().invoke(cli, ["--db", settings.database_url, "status", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"]["ok"] is True
    assert data["watermark"] == "2026-11-24"
    assert data["backlog"]["pending"] == 3
    assert data["locks"][0]["holder"] == "worker2:77:scheduler-abc"
    assert {"scans", "next_runs", "problems", "database"} <= set(data)


def test_status_command_exits_1_and_says_init_on_an_empty_database(tmp_path: Path):
    from evidencewatch.cli.main import cli

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(cli, ["--db", url, "status"])
    assert result.exit_code == 1
    assert "run `evidencewatch init`" in result.stdout


# --------------------------------------------------------------------------- /healthz


def health_client(engine, settings) -> TestClient:
    app = FastAPI()
    app.state.engine = engine
    app.state.settings = settings
    app.include_router(router)
    return TestClient(app)


def test_healthz_is_degraded_before_any_scan_has_succeeded(lite):
    engine, settings = lite
    response = health_client(engine, settings).get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["last_successful_scan"] is None and body["last_scan_age_hours"] is None
    assert body["schema"] == head_revision(engine)
    assert "no scan has succeeded yet" in body["problems"]


def test_healthz_is_ok_after_a_recent_successful_scan(engine, settings):
    finished = utcnow() - timedelta(hours=5)
    with Session(engine) as s:
        add_scan(
            s, status="succeeded", started=finished - timedelta(minutes=3), window_to=date.today()
        )
        s.commit()
    body = health_client(engine, settings).get("/healthz").json()
    assert body["status"] == "ok", body
    assert 4.9 < body["last_scan_age_hours"] < 5.1
    assert datetime.fromisoformat(body["last_successful_scan"]) == finished


def test_healthz_is_degraded_when_the_last_success_is_older_than_twice_the_interval(lite):
    engine, settings = lite
    with Session(engine) as s:
        add_scan(
            s, status="succeeded", started=NOW - timedelta(days=3), window_to=date(2026, 11, 22)
        )
        s.commit()
    status, body = check_health(engine, settings, NOW)  # daily scans: limit 48 h
    assert (status, body["status"]) == (200, "degraded")
    assert body["max_scan_age_hours"] == 48
    weekly = settings.with_overrides(scan_cron="0 6 * * mon")  # weekly scans: limit 14 days
    status, body = check_health(engine, weekly, NOW)
    assert (status, body["status"]) == (200, "ok")


def test_healthz_answers_503_when_the_database_cannot_be_reached(tmp_path: Path, settings):
    engine = make_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}")
    response = health_client(engine, settings).get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"].startswith("OperationalError")


def test_max_scan_age_is_twice_the_cron_interval_or_48_hours():
    hourly = load_settings(env={}, scan_cron="15 * * * *")
    assert max_scan_age(hourly, NOW) == timedelta(hours=2)
    assert max_scan_age(load_settings(env={}, scan_cron=""), NOW) == timedelta(hours=48)
    assert max_scan_age(None, NOW) == timedelta(hours=48)


def test_healthz_of_a_newer_database_says_upgrade_evidencewatch_not_init(tmp_path: Path, settings):
    engine = make_engine(f"sqlite:///{tmp_path / 'ew.db'}")
    init_db(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    status, body = check_health(engine, settings, NOW)
    assert (status, body["status"]) == (200, "degraded")
    advice = " ".join(body["problems"])
    assert "written by a newer evidencewatch (schema 9999" in advice
    assert "upgrade evidencewatch" in advice and "evidencewatch init" not in advice
