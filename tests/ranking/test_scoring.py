"""Scoring: only undecided candidates are rescored, each explains itself, and a job's batches
share one model loaded on its first batch."""

from __future__ import annotations

import pytest
from sqlmodel import select

from evidencewatch import ranking
from evidencewatch.ranking import scoring
from evidencewatch.storage.models import Candidate

FRESH = (
    "SRPK1 and cisplatin resistance in breast cancer",
    "SRPK1 knockdown sensitized cells to cisplatin.",
    "SRPK1",
    "pending",
)


def test_rerank_rescores_only_pending_and_deferred_candidates(session, decided):
    before = {c.id: (c.score, list(c.reasons)) for c in decided["accepted"] + decided["rejected"]}
    model = ranking.train(session=session)

    n = ranking.rerank(session=session, model=model)
    session.commit()

    assert n == 4
    for cand in session.exec(select(Candidate)).all():
        if cand.id in before:
            assert (cand.score, cand.reasons) == before[cand.id]
            assert cand.model_score is None and cand.model_id is None
        else:
            assert cand.model_id == model.id
            assert 0.0 <= cand.model_score <= 1.0
            assert cand.score == round(100 * cand.model_score, 1)
            assert cand.rule_score == 40.0


def test_rescored_candidates_explain_themselves_with_signed_model_reasons(session, decided):
    model = ranking.train(session=session)
    ranking.rerank(session=session, model=model)
    ranking.rerank(session=session, model=model)  # again: older model entries are replaced
    session.commit()

    for cand in decided["undecided"]:
        session.refresh(cand)
        features = [r["feature"] for r in cand.reasons]
        model_entries = [r for r in cand.reasons if r["feature"].startswith("model:")]
        assert features[:2] == ["gene_mentioned", "breast_context"]  # rule reasons kept
        assert 1 <= len(model_entries) <= ranking.MAX_EXPLANATIONS
        for entry in model_entries:
            sign = entry["feature"][len("model:")]
            assert sign in "+-"
            assert (entry["weight"] > 0) == (sign == "+")
            assert entry["detail"]


def test_the_model_ranks_a_resistance_paper_above_an_unrelated_one(session, decided):
    model = ranking.train(session=session)
    ranking.rerank(session=session, model=model)
    on_topic, off_topic = decided["undecided"][0], decided["undecided"][1]
    session.refresh(on_topic)
    session.refresh(off_topic)

    assert on_topic.model_score > off_topic.model_score


def test_score_new_scores_fresh_candidates_with_the_latest_model(session, decided, add_candidate):
    fresh = add_candidate(*FRESH)
    assert ranking.score_new(session, [fresh.id]) == 0  # no model yet: nothing happens
    assert fresh.model_score is None

    model = ranking.train(session=session)
    assert ranking.score_new(session, [fresh.id, decided["accepted"][0].id]) == 1
    session.refresh(fresh)
    assert fresh.model_id == model.id


@pytest.fixture
def pipeline_loads(monkeypatch):
    """How many times the scorer unpickled a model."""
    calls: list[int | None] = []
    real = scoring.load_pipeline

    def counting(model):
        calls.append(model.id)
        return real(model)

    monkeypatch.setattr(scoring, "load_pipeline", counting)
    return calls


def test_batch_scorer_loads_the_model_once_on_its_first_batch_and_scores_every_batch(
    session, decided, add_candidate, pipeline_loads
):
    model = ranking.train(session=session)
    scorer = ranking.BatchScorer()
    assert pipeline_loads == [] and scorer.model_id is None  # nothing loaded before a batch

    batches = [[add_candidate(*FRESH).id] for _ in range(3)]
    counts = [scorer.score(session, ids) for ids in batches]

    assert counts == [1, 1, 1]
    assert pipeline_loads == [model.id]  # one load for the whole job
    assert scorer.model_id == model.id
    for (cid,) in batches:
        assert session.get(Candidate, cid).model_id == model.id


def test_batch_scorer_takes_the_after_save_shape_and_skips_empty_batches(
    session, decided, add_candidate, pipeline_loads
):
    model = ranking.train(session=session)
    scorer = ranking.BatchScorer()
    assert scorer(session, []) is None
    assert pipeline_loads == []  # an empty batch does not load the model

    fresh = add_candidate(*FRESH)
    scorer(session, [fresh.id])

    session.refresh(fresh)
    assert fresh.model_id == model.id
    assert pipeline_loads == [model.id]


def test_batch_scorer_keeps_the_model_of_its_first_batch_for_the_whole_job(
    session, decided, add_candidate
):
    first = ranking.train(session=session)
    scorer = ranking.BatchScorer()
    scorer(session, [add_candidate(*FRESH).id])
    ranking.train(session=session)  # trained while the job runs

    later = add_candidate(*FRESH)
    scorer(session, [later.id])

    session.refresh(later)
    assert later.model_id == first.id


def test_batch_scorer_scores_nothing_when_no_model_existed_at_its_first_batch(
    session, decided, add_candidate
):
    scorer = ranking.BatchScorer()
    assert scorer.score(session, [add_candidate(*FRESH).id]) == 0
    ranking.train(session=session)

    assert scorer.score(session, [add_candidate(*FRESH).id]) == 0
    assert scorer.model_id is None


def test_batch_scorer_scores_more_ids_than_one_sql_parameter_chunk(session, decided, add_candidate):
    ranking.train(session=session)
    fresh = add_candidate(*FRESH)
    ids = [fresh.id, *range(10_000_000, 10_001_000)]  # 1001 ids, only one of them stored

    assert ranking.BatchScorer().score(session, ids) == 1
