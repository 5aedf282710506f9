"""The blend and the order it guards: the learned order only where held-out decisions favour it."""

from __future__ import annotations

import numpy as np
import pytest

from evidencewatch import ranking
from evidencewatch.matching.scoring import score_of_strength

LABELS = [1, 0] * 10
FOLDS = [i % 5 for i in range(20)]


def _rule_scores(signal: float) -> list[float]:
    """Rule scores that separate the classes by ``signal`` points, with a little noise."""
    rng = np.random.default_rng(1)
    return [score_of_strength(50 + signal * y + rng.normal(0, 10)) for y in LABELS]


def test_an_informative_model_beside_an_uninformative_rule_score_is_used():
    model = [3.0 * y + 0.1 * i for i, y in enumerate(LABELS)]

    choice = ranking.choose_order(model, [50.0] * 20, LABELS, FOLDS)

    assert choice.in_use == ranking.LEARNED and choice.learned
    assert choice.w > 0 and choice.ap_learned == pytest.approx(1.0)
    assert choice.ap_rule == pytest.approx(0.5)
    assert "better" in choice.why and "1.000 learned vs 0.500 rule" in choice.why


def test_a_model_of_noise_leaves_the_queue_in_rule_order():
    noise = np.random.default_rng(2).normal(size=20).tolist()

    choice = ranking.choose_order(noise, _rule_scores(40), LABELS, FOLDS)

    assert choice.in_use == ranking.RULE
    assert choice.ap_rule is not None and choice.ap_learned is not None
    assert choice.ap_learned <= choice.ap_rule + ranking.MIN_GAIN


def test_when_the_best_blend_gives_the_model_no_weight_the_rule_order_stays():
    perfect_rule = [score_of_strength(100.0 * y) for y in LABELS]
    noise = np.random.default_rng(3).normal(size=20).tolist()

    choice = ranking.choose_order(noise, perfect_rule, LABELS, FOLDS)

    assert choice.w == 0.0 and choice.in_use == ranking.RULE
    assert "no weight" in choice.why


def test_at_w_zero_the_learned_scores_are_the_rule_scores():
    rules = _rule_scores(20)
    choice = ranking.OrderChoice(
        ranking.LEARNED, "test", w=0.0, rule_mean=52.0, rule_std=11.0, model_std=2.0
    )

    scores = choice.scores([5.0] * 20, rules)

    assert scores == pytest.approx(rules, rel=1e-9)


def test_a_candidate_scored_alone_gets_the_score_a_whole_rerank_gives_it():
    """The blend standardises with numbers fixed at training, not with the batch it scores."""
    rules = _rule_scores(20)
    model = np.random.default_rng(4).normal(size=20).tolist()
    choice = ranking.OrderChoice(
        ranking.LEARNED, "test", w=0.4, model_mean=0.2, model_std=1.5, rule_mean=60, rule_std=15
    )

    together = choice.scores(model, rules)
    alone = [choice.scores([m], [r])[0] for m, r in zip(model, rules, strict=True)]

    assert alone == pytest.approx(together)
    assert all(0 < s < 100 for s in together)


def test_the_choice_goes_into_a_model_rows_metrics_and_back():
    choice = ranking.choose_order([3.0 * y for y in LABELS], [50.0] * 20, LABELS, FOLDS)

    back = ranking.OrderChoice.from_metrics({"order": choice.as_json()}, 7)

    assert back.in_use == choice.in_use and back.w == choice.w and back.why == choice.why
    assert (back.ap_learned, back.ap_rule, back.held_out) == (
        choice.ap_learned,
        choice.ap_rule,
        20,
    )
    assert back.scores([1.0], [60.0]) == choice.scores([1.0], [60.0])


def test_a_model_stored_before_the_held_out_check_keeps_the_rule_order():
    choice = ranking.OrderChoice.from_metrics({"c": 2.0, "cv_auc": 0.9}, 3)

    assert choice.in_use == ranking.RULE
    assert "model 3 was trained before" in choice.why and "rank --retrain" in choice.why
