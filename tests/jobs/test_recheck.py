"""The recheck job: what the scheduler, cron and the CLI run, with its lock and its log."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import Session, select

from evidencewatch.config import SPECS, load_settings
from evidencewatch.core.errors import ScanLockedError
from evidencewatch.jobs.locks import scan_lock
from evidencewatch.jobs.recheck import recheck_job, run_scheduled_recheck
from evidencewatch.pubmed.client import EutilsClient
from evidencewatch.storage.models import IntegrityNotice
from integrity_world import PMIDS, RETRACTION_PMID, stored_evidence


@pytest.fixture
def no_settings_env(monkeypatch):
    for spec in SPECS:
        if spec.env:
            monkeypatch.delenv(spec.env, raising=False)
    monkeypatch.delenv("EVIDENCEWATCH_CONFIG", raising=False)


def test_the_job_records_the_notice_and_reports_the_counts(settings, engine, matcher):
    with stored_evidence(engine, matcher) as world:
        world.retract_first()
        with EutilsClient(base_url=world.fake.base_url, tool="t", email=None) as client:
            counts = recheck_job(settings, engine=engine, client=client, show_progress=False)
    assert counts.as_json()["retracted"] == 1 and counts.checked == len(PMIDS)
    with Session(engine) as session:
        [notice] = session.exec(select(IntegrityNotice)).all()
    assert notice.notice_pmid == RETRACTION_PMID and notice.detected_by.startswith("recheck:")


def test_a_second_recheck_while_one_runs_is_refused_with_the_lock_error(settings, engine, matcher):
    with stored_evidence(engine, matcher) as world:
        before = len(world.fake.requests_to("efetch"))
        with (
            scan_lock(
                engine,
                name="recheck",
                holder="elsewhere:1:recheck",
                wait_seconds=0,
                stale_seconds=900,
            ),
            EutilsClient(base_url=world.fake.base_url, tool="t", email=None) as client,
        ):
            with pytest.raises(ScanLockedError):
                recheck_job(settings, engine=engine, client=client, show_progress=False)
            assert len(world.fake.requests_to("efetch")) == before  # nothing was fetched


def test_the_scheduled_recheck_loads_its_settings_and_logs_what_it_found(
    db_url_engine, matcher, tmp_path, no_settings_env, caplog
):
    url, engine = db_url_engine
    with stored_evidence(engine, matcher) as world:
        world.retract_first()
        config = tmp_path / "evidencewatch.toml"
        config.write_text(
            f'database_url = "{url}"\neutils_url = "{world.fake.base_url}"\n'
            'ncbi_email = "tests@evidencewatch.invalid"\nncbi_api_key = "k"\n',
            encoding="utf-8",
        )
        assert load_settings(env={}, config_file=str(config)).recheck_cron == "0 5 * * sun"
        with caplog.at_level(logging.INFO, logger="evidencewatch"):
            run_scheduled_recheck(str(config))
    assert any("1 retracted" in r.getMessage() for r in caplog.records)
    with Session(engine) as session:
        assert len(session.exec(select(IntegrityNotice)).all()) == 1


def test_a_scheduled_recheck_that_cannot_reach_ncbi_logs_the_failure_and_records_nothing(
    db_url_engine, matcher, tmp_path, no_settings_env, caplog
):
    url, engine = db_url_engine
    with stored_evidence(engine, matcher):
        config = tmp_path / "evidencewatch.toml"
        config.write_text(
            f'database_url = "{url}"\neutils_url = "http://127.0.0.1:9/entrez/eutils/"\n'
            "eutils_deadline_seconds = 2.0\n",
            encoding="utf-8",
        )
        with caplog.at_level(logging.ERROR, logger="evidencewatch"):
            run_scheduled_recheck(str(config))
    assert any("scheduled recheck failed" in r.getMessage() for r in caplog.records)
    with Session(engine) as session:
        assert session.exec(select(IntegrityNotice)).all() == []
