"""The retraining decision hook: in the decision's transaction, or off the request in a thread
with its own session."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

from evidencewatch.config import load_settings
from evidencewatch.jobs.retraining import retrain_hook
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


def test_background_hook_retrains_off_the_request_in_its_own_session(engine, session, candidates):
    """The web app's hook returns at once and trains in a thread with its own session."""
    hook = retrain_hook(load_settings(env={}, retrain_after_decisions=1), background=True)
    hook(session, candidates[0])
    for thread in threading.enumerate():
        if thread.name == "ew-retrain":
            thread.join(timeout=60)
    with Session(engine) as fresh:
        model = fresh.exec(select(RankModel)).first()
        assert model is not None
        rescored = fresh.exec(select(Candidate).where(Candidate.model_id == model.id)).all()
        assert len(rescored) == 2  # the two pending candidates, committed by the thread


def test_background_hook_starts_no_thread_while_retraining_is_not_due(session, candidates):
    hook = retrain_hook(load_settings(env={}, retrain_after_decisions=10), background=True)
    hook(session, candidates[0])
    assert not any(t.name == "ew-retrain" for t in threading.enumerate())
    assert latest_model(session=session) is None
