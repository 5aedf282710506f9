"""The orders a replay screens a queue in: the rule score, the learned order, the model alone.

* ``rule``: the rule score, as the queue orders it without a model.
* ``learned``: what the queue does with a model (:mod:`evidencewatch.ranking.blend`):
  the blend of model and rule score when held-out decisions show it orders
  better, else the rule score. The same ``fit_pipeline`` as
  ``evidencewatch rank --retrain``, with C fixed at its default (production
  also picks C; here that would cost five times the fits).
* ``model_only``: the model's P(accept) alone, how the queue was ordered before
  the blend: the model of that time (text and rule features), which replaced
  the rule score once it existed.

Ties go as in the queue (``review.queue.QUEUE_ORDER``): by score, then newest
candidate first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evidencewatch.evaluation.pool import PoolItem
from evidencewatch.ranking.blend import OrderChoice
from evidencewatch.ranking.pipeline import DEFAULT_C, RankPipeline, fit_pipeline
from evidencewatch.ranking.training import MIN_PER_CLASS

RULE_ORDER = "rule"
LEARNED = "learned"
MODEL_ONLY = "model_only"


@dataclass(frozen=True, slots=True)
class Ranked:
    """Indices of the pool in screening order, and the choice the learned order made."""

    order: list[int]
    choice: OrderChoice | None = None


def by_score(
    pool: Sequence[PoolItem], indices: Sequence[int], scores: Sequence[float]
) -> list[int]:
    """``indices`` best score first, ties newest candidate first, as the queue sorts them."""
    keyed = zip(indices, scores, strict=True)
    return [i for i, _ in sorted(keyed, key=lambda t: (-t[1], -pool[t[0]].candidate_id))]


def rule_ranked(pool: Sequence[PoolItem], indices: Sequence[int]) -> list[int]:
    return by_score(pool, indices, [pool[i].rule_score for i in indices])


def trainable(pool: Sequence[PoolItem], known: Sequence[int]) -> bool:
    """Whether ``known`` holds enough of each class to train a model."""
    positives = sum(pool[i].label for i in known)
    return positives >= MIN_PER_CLASS and len(known) - positives >= MIN_PER_CLASS


def rank_remaining(
    pool: Sequence[PoolItem], known: Sequence[int], remaining: Sequence[int], mode: str
) -> Ranked:
    """``remaining`` in the order ``mode`` gives after training on ``known`` (module doc).

    Before there are two decisions of each class no model can be trained, and
    every mode is the rule order, as in production.
    """
    if mode == RULE_ORDER or not trainable(pool, known):
        return Ranked(rule_ranked(pool, remaining))
    docs = [pool[i].doc for i in known]
    labels = [pool[i].label for i in known]
    rest = [pool[i].doc for i in remaining]
    if mode == MODEL_ONLY:
        pipeline = RankPipeline(c=DEFAULT_C).fit(docs, labels)
        return Ranked(by_score(pool, remaining, pipeline.predict_proba(rest).tolist()))
    fitted, metrics = fit_pipeline(docs, labels, tune=False)
    choice = OrderChoice.from_metrics(metrics, None)
    if not choice.learned:
        return Ranked(rule_ranked(pool, remaining), choice)
    scores = choice.scores(fitted.log_odds(rest).tolist(), [d.rule_score for d in rest])
    return Ranked(by_score(pool, remaining, scores), choice)
