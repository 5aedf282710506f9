"""Scoring: only undecided candidates are rescored, each explains itself, and a job's batches
share one model loaded on its first batch."""

from __future__ import annotations

import pytest
from sqlmodel import select

from evidencewatch import ranking
from evidencewatch.matching.scoring import rescore_reasons
from evidencewatch.ranking import scoring
from evidencewatch.storage.models import Candidate, Paper

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
    today = rescore_reasons(decided["undecided"][0].reasons)
    assert today is not None and today != 40.0
    for cand in session.exec(select(Candidate)).all():
        if cand.id in before:
            assert (cand.score, cand.reasons) == before[cand.id]
            assert cand.model_score is None and cand.model_id is None
            assert cand.rule_score == 40.0  # decided: kept as it was decided
        else:
            assert cand.model_id == model.id
            assert 0.0 <= cand.model_score <= 1.0
            assert cand.rule_score == today  # today's rule score, from the stored reasons


def test_with_too_few_decisions_to_check_the_model_the_queue_keeps_the_rule_score(session, decided):
    model = ranking.train(session=session)
    assert model.metrics["order"]["in_use"] == ranking.RULE

    ranking.rerank(session=session, model=model)
    session.commit()

    for cand in decided["undecided"]:
        session.refresh(cand)
        assert cand.score == cand.rule_score
        assert cand.model_score is not None  # the model's view is still recorded
        # The rule reasons alone explain a rule-ordered score.
        assert not any(r["feature"].startswith("model:") for r in cand.reasons)


def test_when_the_learned_order_is_in_use_the_score_is_the_blend(session, well_decided):
    model = ranking.train(session=session)
    choice = ranking.OrderChoice.from_metrics(model.metrics, model.id)
    assert choice.in_use == ranking.LEARNED  # the rule reasons are all alike: no order there

    ranking.rerank(session=session, model=model)
    session.commit()

    pipeline = ranking.load_pipeline(model)
    for cand in well_decided["undecided"]:
        session.refresh(cand)
        paper = session.get(Paper, cand.pmid)
        logit = pipeline.log_odds([ranking.candidate_doc(cand, paper, [cand.gene])])
        assert cand.score == pytest.approx(choice.scores(logit.tolist(), [cand.rule_score])[0])
    on_topic, off_topic = well_decided["undecided"][0], well_decided["undecided"][1]
    assert on_topic.score > off_topic.score


def test_rescored_candidates_explain_themselves_with_signed_model_reasons(session, well_decided):
    model = ranking.train(session=session)
    ranking.rerank(session=session, model=model)
    ranking.rerank(session=session, model=model)  # again: older model entries are replaced
    session.commit()

    for cand in well_decided["undecided"]:
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


def test_rescoring_by_the_rules_brings_candidates_stored_under_the_clipped_score_in_line(
    session, add_candidate
):
    clipped = [
        {"feature": "gene_mentioned", "weight": 10.0, "detail": "SRPK1 named 3x as SRPK1"},
        {"feature": "gene_in_title", "weight": 20.0, "detail": "SRPK1 in the title"},
        {"feature": "resistance_cue_same_sentence", "weight": 25.0, "detail": "resistance"},
        {"feature": "therapy_same_sentence", "weight": 20.0, "detail": "cisplatin"},
        {"feature": "supporting_sentences", "weight": 10.0, "detail": "3 supporting sentences"},
        {"feature": "breast_context", "weight": 15.0, "detail": "breast cancer"},
        {"feature": "score_clip", "weight": -0.0, "detail": "sum 100 clipped to 100"},
        {"feature": "model:+cisplatin", "weight": 0.3, "detail": "an old model's"},
    ]
    pending = add_candidate(*FRESH, reasons=clipped)
    decided = add_candidate(*FRESH[:3], "accepted", reasons=clipped)
    foreign = add_candidate(*FRESH, reasons=[{"feature": "custom", "weight": 1.0}])
    for cand in (pending, decided):
        cand.score = cand.rule_score = 100.0
    session.commit()

    assert ranking.rescore_rules(session=session) == 2
    session.commit()

    session.refresh(pending)
    assert pending.rule_score == pending.score == rescore_reasons(clipped) < 100.0
    assert pending.model_score is None
    assert [r["feature"] for r in pending.reasons] == [r["feature"] for r in clipped[:-1]]
    session.refresh(decided)
    assert decided.score == decided.rule_score == 100.0  # decided: never rescored
    session.refresh(foreign)
    assert foreign.score == foreign.rule_score == 40.0  # not the matcher's reasons: kept


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


def test_a_new_candidate_scored_alone_gets_the_score_a_rerank_gives_it(
    session, well_decided, add_candidate
):
    model = ranking.train(session=session)
    fresh = add_candidate(*FRESH)
    ranking.BatchScorer().score(session, [fresh.id])
    alone = fresh.score

    ranking.rerank(session=session, model=model)

    session.refresh(fresh)
    assert fresh.score == pytest.approx(alone)
