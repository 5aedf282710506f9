"""The check below the decided: a blend that wins only where it was trained is not used."""

from __future__ import annotations

import numpy as np
import pytest

from evidencewatch import ranking
from evidencewatch.ranking.extrapolation import BelowCheck, check_below

N = 60
BLEND = ranking.OrderChoice(ranking.LEARNED, "test", w=0.8)


def _queue(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels and rule strengths of decisions whose rule score orders them fairly well."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, N)
    strengths = labels * 1.0 + rng.normal(0, 1.0, N)
    return labels.astype(np.int64), strengths


def _fit_from(truth: np.ndarray, first_id: int = 0):
    """A stand-in for fitting: the logits ``truth`` gives the candidates scored."""
    calls: list[tuple[list[int], list[int]]] = []

    def fit_logits(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        calls.append((train.tolist(), test.tolist()))
        return truth[test - first_id]

    return fit_logits, calls


def test_a_model_that_knows_the_labels_everywhere_passes():
    labels, strengths = _queue()
    fit, _ = _fit_from(4.0 * labels - 2.0)

    check = check_below(fit, np.arange(N), labels, strengths, BLEND)

    assert check.passed and check.cuts == 4
    assert check.ap_learned == pytest.approx(1.0) and check.ap_rule is not None
    assert check.ap_rule < 1.0 and "orders better below the decided" in check.verdict()


def test_a_model_that_is_wrong_below_the_decided_fails_even_if_right_above():
    labels, strengths = _queue(1)
    below_median = strengths < np.median(strengths)
    truth = np.where(below_median, -(4.0 * labels - 2.0), 4.0 * labels - 2.0)
    fit, _ = _fit_from(truth)

    check = check_below(fit, np.arange(N), labels, strengths, BLEND)

    assert not check.passed
    assert check.worst_gain is not None and check.worst_gain < -ranking.MIN_GAIN
    assert check.verdict().startswith("not better below the decided")


def test_each_fit_sees_only_the_decisions_ranked_above_its_cut():
    labels, strengths = _queue(2)
    fit, calls = _fit_from(np.zeros(N), first_id=100)
    ids = np.arange(100, 100 + N)

    check_below(fit, ids, labels, strengths, BLEND)

    assert calls
    by_id = dict(zip(ids.tolist(), strengths.tolist(), strict=True))
    for train, test in calls:
        assert set(train).isdisjoint(test) and len(train) + len(test) == N
        assert min(by_id[i] for i in train) >= max(by_id[i] for i in test)


def test_with_one_class_below_every_cut_nothing_is_measured_and_the_check_fails():
    labels = np.array([1] * 10 + [0] * 10, dtype=np.int64)
    strengths = np.linspace(10, 1, 20)  # every rejection below every acceptance
    fit, calls = _fit_from(np.zeros(20))

    check = check_below(fit, np.arange(20), labels, strengths, BLEND)

    assert check == BelowCheck() and not check.passed and not calls
    assert "too few decisions" in check.verdict()


def test_fit_pipeline_keeps_the_rule_order_when_the_blend_fails_below():
    """Words that mark acceptance among the high rule scores and rejection among the low:
    random folds favour the blend, the decisions below each cut do not."""
    docs, labels = [], []
    for i in range(40):
        high = i < 30
        accepted = (i % 2 == 0) if high else (i % 3 == 0)
        word = ("alpha" if accepted else "beta") if high else ("beta" if accepted else "alpha")
        score = 80.0 + (i % 4) * 0.5 if high else (45.0 if accepted else 40.0) + (i % 2)
        docs.append(ranking.Doc(text=f"GENE_TARGET {word} resistance {i % 5}", rule_score=score))
        labels.append(int(accepted))

    _, metrics = ranking.fit_pipeline(docs, labels, tune=False)

    order = metrics["order"]
    assert order["in_use"] == ranking.RULE
    assert order["ap_learned"] > order["ap_rule"] + ranking.MIN_GAIN  # random folds: learned
    assert order["below"]["ap_learned"] < order["below"]["ap_rule"]
    assert "held-out decisions better" in order["why"]
    assert "but not better below the decided" in order["why"]
