"""The fast stopping rules (evidencewatch.review.stopping) give exactly what the rules as
first written gave, over many simulated queues and the edge cases.

The reference below is the code of commit 5018d2d, unchanged but for its docstrings: every
sample size and every count of relevant records remaining tested, one exact hypergeometric
call each. ``benchmarks/bench_stopping.py`` times it as the same-run baseline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest
from scipy.stats import hypergeom

from evidencewatch.review import stopping
from evidencewatch.review.stopping import WINDOW, BuscarResult, RemainingEstimate


def buscar_p_value(
    screened: Sequence[bool], total: int, *, recall_target: float = 0.95, confidence: float = 0.95
) -> BuscarResult:
    if not 0 < recall_target < 1 or not 0 < confidence < 1:
        raise ValueError("recall_target and confidence must lie strictly between 0 and 1")
    seen = np.asarray(screened, dtype=bool)
    n_seen = len(seen)
    if total < n_seen:
        raise ValueError(f"total ({total}) is smaller than the records screened ({n_seen})")
    if n_seen == 0:
        return BuscarResult(1.0, confidence, recall_target)
    found = int(seen.sum())
    sizes = np.arange(1, n_seen + 1)  # the last n screened, n = 1..n_seen
    relevant_in_sample = np.cumsum(seen[::-1])
    found_before = found - relevant_in_sample
    urn_size = total - n_seen + sizes
    urn_relevant = math.floor(found / recall_target) + 1 - found_before
    p = hypergeom.cdf(relevant_in_sample, urn_size, np.minimum(urn_relevant, urn_size), sizes)
    p = np.where(urn_relevant > urn_size, 0.0, p)
    return BuscarResult(float(np.clip(p.min(), 0.0, 1.0)), confidence, recall_target)


def estimate_remaining(
    screened: Sequence[bool], total: int, *, level: float = 0.95, window: int = WINDOW
) -> RemainingEstimate:
    remaining = total - len(screened)
    recent = list(screened[-window:]) if window > 0 else []
    if remaining <= 0:
        return RemainingEstimate(0.0, 0.0, 0.0, len(recent), level)
    n, k = len(recent), sum(1 for r in recent if r)
    if n == 0:
        return RemainingEstimate(float("nan"), 0.0, float(remaining), 0, level)
    alpha = 1 - level
    left = np.arange(remaining + 1)
    population, relevant = n + remaining, k + left
    too_few = hypergeom.cdf(k, population, relevant, n)
    too_many = hypergeom.sf(k - 1, population, relevant, n)
    plausible = left[(too_few > alpha / 2) & (too_many > alpha / 2)]
    low, high = (float(plausible.min()), float(plausible.max())) if plausible.size else (0, 0)
    return RemainingEstimate(k / n * remaining, low, high, n, level)


def _queues(seed: int) -> list[tuple[np.ndarray, int]]:
    """Screening histories with their queue sizes: random, ranked and long-tailed orders,
    many sizes and relevance rates."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(40):
        total = int(rng.choice([1, 2, 3, 5, 10, 40, 150, 600, 2500]))
        screened = int(rng.integers(0, total + 1))
        rate = float(rng.choice([0.0, 0.01, 0.05, 0.2, 0.5, 0.9, 1.0]))
        shape = rng.choice(["random", "ranked", "tail"])
        if shape == "random":
            history = rng.random(screened) < rate
        elif shape == "ranked":  # relevance falling off down the queue
            history = rng.random(screened) < np.linspace(min(1.0, 3 * rate), 0, screened)
        else:  # relevant ones early, then a run of irrelevant ones
            cut = int(rng.integers(0, screened + 1))
            history = np.concatenate([rng.random(cut) < rate, np.zeros(screened - cut, bool)])
        out.append((history, total))
    return out


EDGES = [
    (np.zeros(0, bool), 0),  # an empty queue
    (np.zeros(0, bool), 7),  # nothing screened
    (np.zeros(1, bool), 1),
    (np.ones(1, bool), 1),
    (np.ones(1, bool), 2),
    (np.zeros(50, bool), 50),  # everything screened, nothing found
    (np.zeros(50, bool), 5000),  # nothing found, most remaining
    (np.ones(30, bool), 30),  # everything screened, all relevant
    (np.ones(30, bool), 31),  # all found relevant, one left: H0 impossible (p = 0)
    (np.array([True, False, False]), 3),
    (np.array([True] * 20 + [False] * 830), 1000),
    (np.array([n % 3 == 0 for n in range(300)]), 1000),
]


@pytest.mark.parametrize("seed", range(6))
def test_buscar_equals_the_reference_exactly_on_simulated_queues(seed):
    for history, total in _queues(seed):
        for target, confidence in ((0.95, 0.95), (0.8, 0.9), (0.99, 0.5)):
            fast = stopping.buscar_p_value(
                list(history), total, recall_target=target, confidence=confidence
            )
            slow = buscar_p_value(list(history), total, recall_target=target, confidence=confidence)
            assert fast == slow, (history.tolist(), total, target)


@pytest.mark.parametrize("seed", range(6))
def test_estimate_equals_the_reference_exactly_on_simulated_queues(seed):
    for history, total in _queues(100 + seed):
        for level, window in ((0.95, WINDOW), (0.8, 20), (0.99, 1000), (0.95, 0)):
            fast = stopping.estimate_remaining(list(history), total, level=level, window=window)
            slow = estimate_remaining(list(history), total, level=level, window=window)
            assert _same(fast, slow), (history.tolist(), total, level, window)


@pytest.mark.parametrize(("history", "total"), EDGES)
def test_edge_cases_equal_the_reference(history, total):
    screened = list(history)
    assert stopping.buscar_p_value(screened, total) == buscar_p_value(screened, total)
    assert _same(stopping.estimate_remaining(screened, total), estimate_remaining(screened, total))


def test_large_queues_equal_the_reference():
    """Past the sizes where a block of the fast search is ever skipped or cut."""
    rng = np.random.default_rng(7)
    for total, screened in ((6_000, 2_000), (3_000, 3_000), (8_000, 300)):
        for history in (
            rng.random(screened) < np.linspace(0.6, 0.01, screened),
            rng.random(screened) < 0.04,
            np.concatenate([rng.random(screened // 2) < 0.3, np.zeros(screened // 2, bool)]),
        ):
            assert stopping.buscar_p_value(list(history), total) == buscar_p_value(
                list(history), total
            )
            assert _same(
                stopping.estimate_remaining(list(history), total),
                estimate_remaining(list(history), total),
            )


def _same(a: RemainingEstimate, b: RemainingEstimate) -> bool:
    """Equal fields, NaN equal to NaN (the estimate when nothing was screened)."""
    both_nan = math.isnan(a.estimate) and math.isnan(b.estimate)
    return (both_nan or a.estimate == b.estimate) and (a.low, a.high, a.window, a.level) == (
        b.low,
        b.high,
        b.window,
        b.level,
    )
