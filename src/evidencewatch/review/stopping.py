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

import math
from collections.abc import Sequence
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
    """buscar's hypergeometric test of "recall < recall_target" (see the module doc)."""
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
    # More relevant records than the urn can hold: H0 is impossible for that sample.
    p = np.where(urn_relevant > urn_size, 0.0, p)
    return BuscarResult(float(np.clip(p.min(), 0.0, 1.0)), confidence, recall_target)


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
    left = np.arange(remaining + 1)  # every possible count of relevant records remaining
    population, relevant = n + remaining, k + left
    too_few = hypergeom.cdf(k, population, relevant, n)  # P(at most k seen)
    too_many = hypergeom.sf(k - 1, population, relevant, n)  # P(at least k seen)
    plausible = left[(too_few > alpha / 2) & (too_many > alpha / 2)]
    low, high = (float(plausible.min()), float(plausible.max())) if plausible.size else (0, 0)
    return RemainingEstimate(k / n * remaining, low, high, n, level)
