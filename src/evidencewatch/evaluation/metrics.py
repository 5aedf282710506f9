"""Screening metrics, as ASReview Insights computes them (``asreviewcontrib/insights``).

Recall after screening x of the units, WSS at 95 % recall against the random
baseline ``round(linspace(0, R, N))``, TNR at 95 % recall, and ATD, the mean
1-based position at which each relevant unit is screened. Each takes the labels
of the units in screening order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

RECALL_AT = (0.10, 0.25, 0.50)
WSS_AT = 0.95
RANDOM_RUNS = 50


def _slice_metric(x: npt.ArrayLike, y: npt.ArrayLike, intercept: float) -> float:
    """The y of the last x <= intercept (ASReview Insights ``_slice_metric``)."""
    i = int(np.searchsorted(np.asarray(x), intercept, side="right"))
    return float(np.asarray(y)[i - 1])


def recall_at(labels: Sequence[int], fraction: float) -> float:
    """Share of relevant records found after screening ``fraction`` of them, in order."""
    n = len(labels)
    relevant = sum(labels)
    if n == 0 or relevant == 0:
        return float("nan")
    x = np.arange(1, n + 1) / n
    if fraction < x[0]:
        return 0.0
    y = np.cumsum(labels) / relevant
    return _slice_metric(x, y, fraction)


def wss_at(labels: Sequence[int], level: float = WSS_AT) -> float:
    """Work saved over sampling at recall ``level``, as ASReview Insights computes it.

    For the k-th relevant record: (position where random order, taken as
    ``round(linspace(0, R, N))``, reaches k) - (position where this order
    does), over N; read at the largest k/R <= ``level``.
    """
    n = len(labels)
    relevant = int(sum(labels))
    if n == 0 or relevant == 0:
        return float("nan")
    found = np.cumsum(labels)
    found_random = np.round(np.linspace(0, relevant, n))
    ks = np.arange(1, relevant + 1)
    when = np.searchsorted(found, ks)
    when_random = np.searchsorted(found_random, ks)
    y = (when_random - when) / n
    return _slice_metric(ks / relevant, y, level)


def time_to_discovery(labels: Sequence[int]) -> list[int]:
    """The 1-based screening position of each relevant record."""
    return [i + 1 for i, label in enumerate(labels) if label == 1]


def average_time_to_discovery(labels: Sequence[int]) -> float:
    td = time_to_discovery(labels)
    return float(np.mean(td)) if td else float("nan")


def tnr_at(labels: Sequence[int], level: float = WSS_AT) -> float:
    """True negative rate when ``level`` recall is reached (nWSS, Kusa et al. 2023).

    As ASReview Insights' ``_tnr``: irrelevant records not yet screened when the
    k-th relevant one is found, over all irrelevant records; k is the largest
    with k/R <= ``level``. Unlike WSS it does not depend on the share of relevant
    records, so it compares sets of different composition.
    """
    n = len(labels)
    relevant = int(sum(labels))
    excluded = n - relevant
    if n == 0 or relevant == 0 or excluded == 0:
        return float("nan")
    tp = np.cumsum(labels)
    fp = np.arange(1, n + 1) - tp
    ks = np.arange(1, relevant + 1)
    tn = (excluded - fp)[np.searchsorted(tp, ks)]
    if level < ks[0] / relevant:
        return 0.0
    return _slice_metric(ks / relevant, tn / excluded, level)


def order_metrics(labels: Sequence[int]) -> dict[str, float]:
    out = {f"recall_{round(x * 100)}": recall_at(labels, x) for x in RECALL_AT}
    out["wss_95"] = wss_at(labels, WSS_AT)
    out["tnr_95"] = tnr_at(labels, WSS_AT)
    out["atd"] = average_time_to_discovery(labels)
    return out


def random_metrics(
    labels: Sequence[int], runs: int = RANDOM_RUNS, *, then: Sequence[int] = ()
) -> dict[str, float]:
    """Mean metrics of ``runs`` seeded random orders of ``labels``, each followed by ``then``."""
    per_run = []
    for seed in range(runs):
        perm = np.random.default_rng(seed).permutation(len(labels))
        per_run.append(order_metrics([*(labels[i] for i in perm), *then]))
    return {k: float(np.mean([m[k] for m in per_run])) for k in per_run[0]}
