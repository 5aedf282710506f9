"""Retraining: the CLI's decision hook, and the check the scheduler and the worker run."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

from evidencewatch.config import load_settings
from evidencewatch.jobs import retraining
from evidencewatch.jobs.locks import make_holder, scan_lock
from evidencewatch.jobs.retraining import retrain_hook, retrain_if_due, retrain_loop
from evidencewatch.jobs.schedule import RETRAIN_FUNC, default_jobs
from evidencewatch.ranking import latest_model
from evidencewatch.review import decisions as review
from evidencewatch.storage.models import Candidate, RankModel
from factories import make_candidate, make_paper

TEXTS = [
    ("SRPK1 overexpression confers docetaxel resistance in breast cancer", "SRPK1", "accepted"),
    ("LYN drives tamoxifen resistance in ER-positive breast cancer", "LYN", "accepted"),
    ("PCNA structure bound to DNA polymerase delta in yeast", "PCNA", "rejected"),
    ("ANXA1 peptide resolves colitis in mice", "ANXA1", "rejected"),
    ("BARD1 loss and tamoxifen resistance in breast cancer", "BARD1", "pending"),
    ("BARD1 in yeast meiosis", "BARD1", "pending"),
]


@pytest.fixture
def candidates(session: Session) -> list[Candidate]:
    """Two accepted, two rejected and two pending candidates, committed."""
    out = []
    for title, gene, status in TEXTS:
        paper = make_paper(session, title=title, abstract=f"{title}.")
        reason = "not_breast_cancer" if status == "rejected" else None
        out.append(
            make_candidate(session, paper, gene, score=40.0, status=status, reject_reason=reason)
        )
    session.commit()
    return out


def test_decision_hook_retrains_through_the_review_engine(session, candidates):
    hook = retrain_hook(load_settings(env={}, retrain_after_decisions=1))
    cand = candidates[-1]
    review.reject(
        session=session,
        candidate_id=cand.id,
        actor="alice",
        expected_version=cand.version,
        reason="not_breast_cancer",
        on_decided=hook,
    )
    session.commit()

    model = latest_model(session=session)
    assert model is not None and model.decisions_seen == 5


def test_the_hook_ignores_candidates_that_are_not_decided(session, candidates):
    hook = retrain_hook(load_settings(env={}, retrain_after_decisions=1))
    hook(session, candidates[-1])  # still pending
    assert latest_model(session=session) is None


def test_retrain_if_due_trains_and_reranks_in_its_own_session(engine, settings, candidates):
    outcome = retrain_if_due(settings.with_overrides(retrain_after_decisions=4), engine=engine)

    assert outcome is not None and outcome.model is not None and outcome.rescored == 2
    with Session(engine) as fresh:  # committed, seen by any other process
        model = fresh.exec(select(RankModel)).one()
        assert model.decisions_seen == 4
        rescored = fresh.exec(select(Candidate).where(Candidate.model_id == model.id)).all()
        assert sorted(c.gene for c in rescored) == ["BARD1", "BARD1"]


def test_retrain_if_due_does_nothing_until_enough_decisions_came_in(engine, settings, candidates):
    assert retrain_if_due(settings.with_overrides(retrain_after_decisions=5), engine=engine) is None
    assert retrain_if_due(settings.with_overrides(retrain_after_decisions=0), engine=engine) is None
    with Session(engine) as fresh:
        assert fresh.exec(select(RankModel)).first() is None


def test_retrain_if_due_skips_while_another_process_holds_the_retrain_lock(
    engine, settings, candidates
):
    due = settings.with_overrides(retrain_after_decisions=1)
    with scan_lock(
        engine, name=retraining.RETRAIN_LOCK, holder=make_holder("other"),
        wait_seconds=0, stale_seconds=900,
    ):  # fmt: skip
        assert retrain_if_due(due, engine=engine) is None
    assert retrain_if_due(due, engine=engine) is not None  # free again: this round trains


def test_retrain_loop_trains_once_then_waits_for_new_decisions(engine, settings, candidates):
    stop = threading.Event()
    due = settings.with_overrides(retrain_after_decisions=2)
    trained = retrain_loop(due, engine=engine, every=0.01, stop=stop, max_checks=3)
    assert trained == 1  # the second and third checks find no new decisions
    with Session(engine) as fresh:
        assert len(fresh.exec(select(RankModel)).all()) == 1


def test_retrain_loop_survives_a_failing_check(engine, settings, monkeypatch, caplog):
    def broken(*_a, **_k):
        raise RuntimeError("database went away")

    monkeypatch.setattr(retraining, "retrain_if_due", broken)
    assert retrain_loop(settings, engine=engine, every=0.01, stop=threading.Event(),
                        max_checks=2) == 0  # fmt: skip
    assert caplog.text.count("retrain check failed") == 2


def test_the_scheduler_checks_for_retraining_every_minute_by_default(settings):
    job = default_jobs(settings)["retrain"]
    assert job.func == RETRAIN_FUNC
    assert str(job.trigger).startswith("cron[") and "minute='*'" in str(job.trigger)
    assert "retrain" not in default_jobs(settings.with_overrides(retrain_cron=""))


def test_the_scheduled_retrain_job_retrains_from_its_config_file(
    engine, settings, candidates, tmp_path, monkeypatch
):
    config = tmp_path / "evidencewatch.toml"
    config.write_text(f'database_url = "{settings.database_url}"\nretrain_after_decisions = 4\n')
    monkeypatch.delenv("EVIDENCEWATCH_DATABASE_URL", raising=False)
    module, name = RETRAIN_FUNC.split(":")
    job = getattr(__import__(module, fromlist=[name]), name)
    job(str(config))
    with Session(engine) as fresh:
        assert fresh.exec(select(RankModel)).one().decisions_seen == 4
