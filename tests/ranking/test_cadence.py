"""Retraining cadence: a new model once ``retrain_after_decisions`` decisions came in."""

from __future__ import annotations

from evidencewatch import ranking
from evidencewatch.config import load_settings


def test_retrain_happens_once_n_new_decisions_arrived(session, decided):
    settings = load_settings(env={}, retrain_after_decisions=2)
    first = ranking.maybe_retrain(session=session, settings=settings)
    assert first.model is not None and first.rescored == 4  # 8 decisions, no model yet

    pending = decided["undecided"]
    pending[0].status = "accepted"
    session.add(pending[0])
    session.flush()
    waiting = ranking.maybe_retrain(session=session, settings=settings)
    assert waiting.model is None and waiting.decisions_since == 1

    pending[1].status = "rejected"
    pending[1].reject_reason = "not_breast_cancer"
    session.add(pending[1])
    session.flush()
    second = ranking.maybe_retrain(session=session, settings=settings)
    assert second.model is not None and second.model.decisions_seen == 10
    assert second.rescored == 2  # only the two still undecided


def test_retraining_is_off_when_retrain_after_decisions_is_zero(session, decided):
    settings = load_settings(env={}, retrain_after_decisions=0)
    outcome = ranking.maybe_retrain(session=session, settings=settings)
    assert outcome.model is None and "off" in outcome.reason
    assert not ranking.retrain_due(session=session, settings=settings)


def test_retrain_is_due_when_decisions_since_the_last_model_reach_the_setting(session, decided):
    settings = load_settings(env={}, retrain_after_decisions=8)
    assert ranking.decisions_since_last_model(session=session) == 8
    assert ranking.retrain_due(session=session, settings=settings)

    ranking.train(session=session)

    assert ranking.decisions_since_last_model(session=session) == 0
    assert not ranking.retrain_due(session=session, settings=settings)
