"""Stopping rules against simulated screening where the truth is known
(evidencewatch.review.stopping): buscar must not stop before the target recall more
often than its nominal error rate, and must stop on a long irrelevant tail."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evidencewatch.review import stopping

N, RELEVANT, STEP, SEEDS = 300, 15, 15, 200
TARGET, CONFIDENCE = 0.95, 0.95


def _queue(order: str, seed: int) -> np.ndarray:
    """A screening order of N records, RELEVANT of them relevant."""
    rng = np.random.default_rng(seed)
    relevant = np.zeros(N, dtype=bool)
    relevant[:RELEVANT] = True
    if order == "random":
        rng.shuffle(relevant)
        return relevant
    # A ranker that is good but not perfect: relevant records score higher on average.
    scores = rng.normal(0, 1, N) + np.where(relevant, 2.0, 0.0)
    return relevant[np.argsort(-scores)]


def _first_stop(order: np.ndarray) -> int | None:
    """How many records were screened when buscar first said stop (checking every STEP)."""
    for n in range(STEP, N + 1, STEP):
        if stopping.buscar_p_value(order[:n], N, recall_target=TARGET, confidence=CONFIDENCE).stop:
            return n
    return None


@pytest.mark.parametrize("order", ["random", "ranked"])
def test_buscar_stops_before_the_target_recall_no_more_often_than_its_error_rate(order):
    early = stopped = 0
    for seed in range(SEEDS):
        queue = _queue(order, seed)
        n = _first_stop(queue)
        if n is None:
            continue
        stopped += 1
        if queue[:n].sum() / RELEVANT < TARGET:
            early += 1
    # alpha plus three binomial standard errors of SEEDS runs: chance alone exceeds it 1 in 700.
    alpha = 1 - CONFIDENCE
    assert early / SEEDS <= alpha + 3 * math.sqrt(alpha * (1 - alpha) / SEEDS), (early, stopped)
    assert stopped == SEEDS  # it always stops at the latest when everything is screened


def test_buscar_recommends_stopping_on_a_long_all_irrelevant_tail():
    found_early = [True] * 20 + [False] * 30  # all the relevant ones were near the top ...
    history = found_early + [False] * 800  # ... then 800 irrelevant in a row
    result = stopping.buscar_p_value(history, 1000, recall_target=TARGET, confidence=CONFIDENCE)
    assert result.stop and result.p_value < 0.05
    assert not stopping.buscar_p_value(found_early, 1000).stop  # not before the tail


def test_buscar_does_not_stop_while_relevant_records_keep_coming():
    history = [n % 3 == 0 for n in range(300)]
    assert stopping.buscar_p_value(history, 1000).p_value > 0.5


def test_buscar_stops_when_everything_is_screened_and_refuses_bad_arguments():
    assert stopping.buscar_p_value([True, False, False], 3).stop
    assert stopping.buscar_p_value([], 10).p_value == 1.0
    with pytest.raises(ValueError, match="total"):
        stopping.buscar_p_value([True, False], 1)
    with pytest.raises(ValueError, match="recall_target"):
        stopping.buscar_p_value([True], 5, recall_target=1.0)


def test_safe_heuristic_needs_the_run_and_the_screened_fraction():
    total = 1000  # run needed: max(50, 5% of 1000) = 50; 10% screened = 100
    assert not stopping.safe_heuristic([True] + [False] * 60, total).stop  # 6% screened
    assert not stopping.safe_heuristic([True] * 100 + [False] * 49, total).stop  # run 49
    done = stopping.safe_heuristic([True] * 100 + [False] * 50, total)
    assert done.stop and done.run == 50 and done.run_needed == 50


def test_estimate_of_remaining_covers_the_truth_on_random_order():
    covered = 0
    for seed in range(200):
        queue = _queue("random", seed)
        screened = queue[:150]
        est = stopping.estimate_remaining(list(screened), N, window=150)
        truth = int(queue[150:].sum())
        covered += est.low <= truth <= est.high
    assert covered / 200 >= 0.93  # a 95% interval, with room for chance


def test_estimate_of_remaining_is_zero_when_nothing_remains_and_open_when_nothing_screened():
    assert stopping.estimate_remaining([True, False], 2).high == 0.0
    empty = stopping.estimate_remaining([], 40)
    assert (empty.low, empty.high, empty.window) == (0.0, 40.0, 0)
    tail = stopping.estimate_remaining([True] * 5 + [False] * 100, 1105)
    assert tail.low == 0.0 and 0 < tail.high < 50 and tail.estimate == 0.0
