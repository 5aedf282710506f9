"""When can curators stop screening? Pure functions over a screening history.

A history is the relevance (True/False) of each screened candidate in the order it was
screened, plus how many candidates there are in all. Two published rules:

* **buscar** (Callaghan & Müller-Hansen 2020, Syst Rev 9:273,
  doi:10.1186/s13643-020-01521-4). H0: "recall is below the target". Treat the last
  ``n`` screened records as a sample drawn without replacement from the records that
  were unscreened when that sample began; if H0 held, at least
  ``floor(found / target) + 1`` relevant records would exist, so the urn would hold at
  least ``K = floor(found / target) + 1 - found_before_sample`` relevant ones. The
  p-value is the hypergeometric probability of drawing at most the relevant records
  actually seen in the sample; buscar takes the smallest over every sample size ``n``
  and rejects H0 (recommends stopping) when it is below ``1 - confidence``.
  The guarantee assumes the sample is as likely to hold relevant records as what is
  left: true for random order, conservative for a queue ranked best first (the ranked
  sample holds *more* relevant records than the rest).
* **SAFE-style heuristic** (Boetje & van de Schoot 2024, Syst Rev 13:81,
  doi:10.1186/s13643-024-02502-7): stop after a run of consecutive irrelevant records
  (``max(50, 5 %`` of all``)``) once at least 10 % of all records are screened.
  Conservative in practice, with no statistical guarantee; shown beside buscar.

The estimate of relevant records still unscreened is the rate of relevant records in
the most recent window (the last :data:`WINDOW` screened, or all if fewer) applied to
what remains, with an exact hypergeometric interval. On a queue ranked best
first the recent rate overstates the rest's, so the estimate errs high.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import hypergeom

WINDOW = 100
SAFE_MIN_RUN = 50
SAFE_RUN_FRACTION = 0.05
SAFE_MIN_SCREENED_FRACTION = 0.10
BUSCAR = "buscar"
SAFE = "safe-heuristic"


@dataclass(frozen=True, slots=True)
class BuscarResult:
    p_value: float  # the smallest over the sample sizes; 1.0 when nothing was screened
    confidence: float
    recall_target: float

    @property
    def stop(self) -> bool:
        return self.p_value < 1 - self.confidence


@dataclass(frozen=True, slots=True)
class SafeResult:
    run: int  # consecutive irrelevant records at the end of the history
    run_needed: int
    screened_fraction: float

    @property
    def stop(self) -> bool:
        return self.run >= self.run_needed and self.screened_fraction >= SAFE_MIN_SCREENED_FRACTION


@dataclass(frozen=True, slots=True)
class RemainingEstimate:
    estimate: float
    low: float
    high: float
    window: int  # how many recent records the rate was read from
    level: float


def buscar_p_value(
    screened: Sequence[bool], total: int, *, recall_target: float = 0.95, confidence: float = 0.95
) -> BuscarResult:
    """buscar's hypergeometric test of "recall < recall_target" (see the module doc).

    The smallest p-value over every sample size is found without computing all of them
    (one exact test per sample size took seconds at 20,000 screened). With ``D`` the
    relevant records H0 says are still unscreened and ``R`` the unscreened records, the
    last ``m`` screened holding ``k`` relevant give ``F(k, m) = P(X <= k)``, ``X`` ~
    Hypergeom(urn ``R + m``, relevant ``k + D``, draws ``m``). ``F`` falls as ``m`` grows
    with ``k`` fixed (one more irrelevant record drawn) and rises with ``k`` for a fixed
    ``m``, so the minimum lies where a run of irrelevant records ends, and ``F(k_a, m_b)``
    bounds a block of such ends from below: blocks whose bound is above the best p-value so
    far are never computed. Each p-value that is computed is the same call as before.
    """
    if not 0 < recall_target < 1 or not 0 < confidence < 1:
        raise ValueError("recall_target and confidence must lie strictly between 0 and 1")
    seen = np.asarray(screened, dtype=bool)
    n_seen = len(seen)
    if total < n_seen:
        raise ValueError(f"total ({total}) is smaller than the records screened ({n_seen})")
    if n_seen == 0:
        return BuscarResult(1.0, confidence, recall_target)
    found = int(seen.sum())
    missing = math.floor(found / recall_target) + 1 - found  # D: relevant unscreened under H0
    unscreened = total - n_seen
    newest_first = seen[::-1]
    relevant_in_sample = np.cumsum(newest_first)  # k for the last n screened, n = 1..n_seen
    sizes = np.arange(1, n_seen + 1)
    # More relevant records than the urn can hold: H0 is impossible for that sample.
    if np.any(missing + relevant_in_sample > unscreened + sizes):
        return BuscarResult(0.0, confidence, recall_target)
    ends = np.flatnonzero(np.append(newest_first[1:], True))  # the last n before a relevant one
    p = _smallest_cdf(relevant_in_sample[ends], sizes[ends], unscreened, missing)
    return BuscarResult(float(np.clip(p, 0.0, 1.0)), confidence, recall_target)


_LEAF = 32  # blocks this small are computed whole
_SPLIT = 16  # a larger block is cut into this many


def _smallest_cdf(ks: np.ndarray, ms: np.ndarray, unscreened: int, missing: int) -> float:
    """min over i of F(ks[i], ms[i]) (see :func:`buscar_p_value`), by branch and bound.

    ``ks`` and ``ms`` rise together. A block ``[a, b]`` is skipped when ``F(ks[a], ms[b])``,
    a lower bound of each of its values, exceeds the best value found by more than any
    rounding of the library's function could explain.
    """

    def cdf(k: np.ndarray, m: np.ndarray) -> np.ndarray:
        return np.asarray(hypergeom.cdf(k, unscreened + m, k + missing, m), dtype=float)

    best = math.inf
    blocks = [(0, len(ks) - 1)]
    while blocks and best > 0.0:
        small = [i for a, b in blocks if b - a < _LEAF for i in range(a, b + 1)]
        pieces = [piece for a, b in blocks if b - a >= _LEAF for piece in _cut(a, b)]
        firsts = np.array([a for a, _ in pieces], dtype=np.int64)
        lasts = np.array([b for _, b in pieces], dtype=np.int64)
        exact = np.concatenate([np.asarray(small, dtype=np.int64), firsts, lasts])
        # The bound: the block's first k with every irrelevant record of the block drawn.
        bound_ms = ks[firsts] + ms[lasts] - ks[lasts]
        values = cdf(np.concatenate([ks[exact], ks[firsts]]), np.concatenate([ms[exact], bound_ms]))
        if len(exact):
            best = min(best, float(values[: len(exact)].min()))
        bounds = values[len(exact) :]
        keep = bounds <= best * (1 + 1e-9) + 1e-290
        blocks = [piece for piece, kept in zip(pieces, keep, strict=True) if kept]
    return best


def _cut(a: int, b: int) -> list[tuple[int, int]]:
    edges = np.linspace(a, b + 1, _SPLIT + 1).astype(int)
    return [(int(lo), int(hi) - 1) for lo, hi in itertools.pairwise(edges) if hi > lo]


def safe_heuristic(screened: Sequence[bool], total: int) -> SafeResult:
    """The SAFE-style run of consecutive irrelevant records (see the module doc)."""
    run = 0
    for relevant in reversed(screened):
        if relevant:
            break
        run += 1
    needed = max(SAFE_MIN_RUN, math.ceil(SAFE_RUN_FRACTION * total))
    return SafeResult(run, needed, len(screened) / total if total else 0.0)


def estimate_remaining(
    screened: Sequence[bool], total: int, *, level: float = 0.95, window: int = WINDOW
) -> RemainingEstimate:
    """Relevant records probably still unscreened, with a ``level`` interval.

    The last ``window`` screened records are read as a sample drawn from themselves and
    what remains; the interval holds every count of relevant records remaining under
    which the relevant records seen in the sample are not too few nor too many at
    ``level`` (the exact hypergeometric test, inverted).
    """
    remaining = total - len(screened)
    recent = list(screened[-window:]) if window > 0 else []
    if remaining <= 0:
        return RemainingEstimate(0.0, 0.0, 0.0, len(recent), level)
    n, k = len(recent), sum(1 for r in recent if r)
    if n == 0:  # nothing screened: anything from none to all of it
        return RemainingEstimate(float("nan"), 0.0, float(remaining), 0, level)
    alpha = 1 - level
    population = n + remaining

    def too_few(left: int) -> bool:  # P(at most k seen) is above alpha / 2: not too few
        return bool(hypergeom.cdf(k, population, k + left, n) > alpha / 2)

    def too_many(left: int) -> bool:  # P(at least k seen) is above alpha / 2
        return bool(hypergeom.sf(k - 1, population, k + left, n) > alpha / 2)

    # More relevant records remaining make more seen in the sample likely: the first test
    # holds for the counts up to some point, the second from some point on, so two
    # bisections find the ends (testing every count took 30 s at 100,000 remaining).
    high = _last_true(too_few, 0, remaining)
    low = _first_true(too_many, 0, remaining)
    if high is None or low is None or low > high:
        return RemainingEstimate(k / n * remaining, 0, 0, n, level)
    return RemainingEstimate(k / n * remaining, float(low), float(high), n, level)


def _last_true(test: Callable[[int], bool], lo: int, hi: int) -> int | None:
    """The largest x in [lo, hi] with test(x), for a test true up to a point, then false."""
    if not test(lo):
        return None
    while lo < hi:  # test(lo) holds
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if test(mid) else (lo, mid - 1)
    return lo


def _first_true(test: Callable[[int], bool], lo: int, hi: int) -> int | None:
    """The smallest x in [lo, hi] with test(x), for a test false up to a point, then true."""
    if not test(hi):
        return None
    while lo < hi:  # test(hi) holds
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if test(mid) else (mid + 1, hi)
    return lo
