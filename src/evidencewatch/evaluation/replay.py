"""The replay: the queue screened in each order under test, and both views of that run.

Ranking protocol (ASReview-style simulation, priors from the past):

1. Candidates are put in time order (PubMed create date, then PMID, gene).
2. Priors: the earliest :data:`PRIOR_FRACTION` of the *labelled set's*
   candidates, extended until they hold at least two accepted and two
   rejected. They stand for the decisions curators already made; like ASReview
   Insights' default, they are left out of every metric. (The background is
   years older than the labelled set; taken by date, all of it would be priors
   and no real record would be measured.)
3. Learned ranking: train on everything labelled so far, order the rest of the
   queue as production would (:mod:`~evidencewatch.evaluation.orders`: the
   blend of model and rule score when held-out decisions favour it, else the
   rule score), "screen" the top batch, add their labels, retrain; until the
   queue is empty. A batch is :data:`RETRAIN_EVERY` candidates, or
   :data:`RETRAIN_SHARE` of the screened queue when that is more, so a large
   queue costs at most about 50 retrains. ``model_only`` is the same loop
   ordered by the model's P(accept) alone, the queue's order before the blend.
4. Baselines from the same units in the same run: the rule-based score (static
   order, ties as the queue breaks them) and random order (mean over
   :data:`RANDOM_RUNS` seeded permutations).

Two views of the same run:

* ``queue``: the queued candidates only. This measures how well each order
  sorts the queue, and the oracle (every relevant candidate first) bounds it.
* ``pipeline``: every unit, as the whole pipeline presents the set to a
  curator: the queue in the order under test, then the unqueued tail, which is
  never shown. The tail is in one fixed random order (seed :data:`TAIL_SEED`),
  the same after every queue order. The issue's ranking targets are judged
  here. This view credits the matcher's filtering as well as the ranking:
  ``queue_random`` (matcher, then random queue order) shows how much.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from evidencewatch.evaluation.metrics import RANDOM_RUNS, order_metrics, random_metrics
from evidencewatch.evaluation.orders import LEARNED, MODEL_ONLY, rank_remaining, rule_ranked
from evidencewatch.evaluation.pool import BACKGROUND, LABELLED, TAIL_SEED, PoolItem, TailUnit
from evidencewatch.ranking.training import MIN_PER_CLASS

PRIOR_FRACTION = 0.10
RETRAIN_EVERY = 10
RETRAIN_SHARE = 0.02


def split_priors(pool: Sequence[PoolItem], fraction: float = PRIOR_FRACTION) -> int:
    """How many of the earliest candidates are priors (>= 2 of each class)."""
    n = max(1, round(fraction * len(pool)))
    while n < len(pool):
        labels = [p.label for p in pool[:n]]
        if sum(labels) >= MIN_PER_CLASS and len(labels) - sum(labels) >= 2:
            break
        n += 1
    return n


def queue_with_priors(pool: Sequence[PoolItem]) -> tuple[list[PoolItem], int]:
    """The queue with its priors first, and how many priors there are.

    Priors are the earliest labelled-set candidates (:func:`split_priors`);
    every other candidate, background ones included, follows in time order.
    """
    labelled = [p for p in pool if p.source == LABELLED]
    n_priors = split_priors(labelled)
    priors = labelled[:n_priors]
    prior_ids = {p.candidate_id for p in priors}
    return [*priors, *(p for p in pool if p.candidate_id not in prior_ids)], n_priors


def retrain_batch(n_screened: int, every: int = RETRAIN_EVERY, share: float = RETRAIN_SHARE) -> int:
    """Candidates screened between two fits: ``every``, or ``share`` of them if that is more."""
    return max(every, math.ceil(share * n_screened))


def simulate_learned(
    pool: Sequence[PoolItem],
    n_priors: int,
    *,
    every: int = RETRAIN_EVERY,
    share: float = RETRAIN_SHARE,
    mode: str = LEARNED,
) -> list[int]:
    """Indices of ``pool`` in the order active learning screens them (priors excluded)."""
    step = retrain_batch(len(pool) - n_priors, every, share)
    known = list(range(n_priors))
    remaining = list(range(n_priors, len(pool)))
    order: list[int] = []
    while remaining:
        batch = rank_remaining(pool, known, remaining, mode).order[:step]
        order.extend(batch)
        known.extend(batch)
        taken = set(batch)
        remaining = [i for i in remaining if i not in taken]
    return order


def rule_order(pool: Sequence[PoolItem], n_priors: int) -> list[int]:
    """The candidates after the priors by rule score, ties as the queue breaks them."""
    return rule_ranked(pool, range(n_priors, len(pool)))


def ranking_views(
    pool: Sequence[PoolItem],
    tail: Sequence[TailUnit] | None,
    *,
    skipped: str | None,
    every: int,
    labelled_tail: Sequence[TailUnit] = (),
) -> dict[str, Any]:
    """The views of one simulation: the queue alone, the labelled set alone, and the queue
    then the unqueued tail (when there is a background).

    ``labelled_tail``: the labelled set's unqueued units (its near misses the matcher
    dropped, its missed positives), for the ``labelled`` view: the labelled set's
    queued candidates in each order, then those units; the background left out.
    """
    queue, n_priors = queue_with_priors(pool)
    t0 = time.perf_counter()
    orders = {
        "learned": simulate_learned(queue, n_priors, every=every),
        "model_only": simulate_learned(queue, n_priors, every=every, mode=MODEL_ONLY),
    }
    seconds = time.perf_counter() - t0
    orders["rule_based"] = rule_order(queue, n_priors)
    out: dict[str, Any] = {
        "protocol": _protocol(queue, n_priors, every=every, seconds=seconds),
        "queue": _queue_view(queue, n_priors, orders),
        "labelled": _pipeline_view(
            [p.label for p in queue[n_priors:] if p.source == LABELLED],
            {
                name: [queue[i].label for i in order if queue[i].source == LABELLED]
                for name, order in orders.items()
            },
            [u for u in labelled_tail if u.source == LABELLED],
        ),
    }
    if tail is None:
        out["pipeline"] = {"skipped": skipped or "no background"}
        return out
    out["pipeline"] = _pipeline_view(
        [p.label for p in queue[n_priors:]],
        {name: [queue[i].label for i in order] for name, order in orders.items()},
        tail,
    )
    return out


def _protocol(
    queue: Sequence[PoolItem], n_priors: int, *, every: int, seconds: float
) -> dict[str, Any]:
    n_screened = len(queue) - n_priors
    batch = retrain_batch(n_screened, every)
    return {
        "priors": n_priors,
        "prior_positive": sum(p.label for p in queue[:n_priors]),
        "retrain_batch": batch,
        "fits": math.ceil(n_screened / batch),
        "random_runs": RANDOM_RUNS,
        "tail_order": f"one fixed random order (seed {TAIL_SEED}) after every queue order",
        "simulation_seconds": round(seconds, 2),
    }


def _queue_view(
    queue: Sequence[PoolItem], n_priors: int, orders: dict[str, list[int]]
) -> dict[str, Any]:
    """The queued candidates only, in each order."""
    screened = queue[n_priors:]
    queue_labels = [p.label for p in screened]
    return {
        "units": len(screened),
        "relevant": sum(queue_labels),
        "prevalence": sum(queue_labels) / len(screened) if screened else float("nan"),
        "background_units": sum(p.source == BACKGROUND for p in screened),
        # Where the real background candidates land (1-based screening positions).
        "background_positions": {
            name: _positions(queue, order, BACKGROUND) for name, order in orders.items()
        },
        **{name: order_metrics([queue[i].label for i in order]) for name, order in orders.items()},
        "random": random_metrics(queue_labels),
        # The best any order of the queue can do: every relevant candidate first.
        "oracle": order_metrics(sorted(queue_labels, reverse=True)),
    }


def _pipeline_view(
    queue_labels: Sequence[int], orders: dict[str, list[int]], tail: Sequence[TailUnit]
) -> dict[str, Any]:
    """Every unit: the queue in each order (its labels), then the unqueued tail nobody is shown."""
    tail_labels = [u.label for u in tail]
    every_unit = [*queue_labels, *tail_labels]
    return {
        "units": len(every_unit),
        "relevant": sum(every_unit),
        "prevalence": sum(every_unit) / len(every_unit) if every_unit else float("nan"),
        "queued": len(queue_labels),
        "unqueued": len(tail),
        "unqueued_by_source": dict(sorted(Counter(u.source for u in tail).items())),
        "relevant_unqueued": sum(tail_labels),
        "missed_positives": [f"{u.pmid}/{u.gene}" for u in tail if u.label],
        **{name: order_metrics([*labels, *tail_labels]) for name, labels in orders.items()},
        # The matcher's filtering alone: the queue in random order, then the tail.
        "queue_random": random_metrics(queue_labels, then=tail_labels),
        "random": random_metrics(every_unit),
        "oracle": order_metrics(sorted(every_unit, reverse=True)),
    }


def _positions(queue: Sequence[PoolItem], order: Sequence[int], source: str) -> list[str]:
    """``position:PMID/gene`` of each candidate from ``source``, in screening order."""
    return [
        f"{pos}:{queue[i].pmid}/{queue[i].gene}"
        for pos, i in enumerate(order, start=1)
        if queue[i].source == source
    ]
