"""The active-learning replay: a curator works the top of the queue, batch after batch.

Starting from no decisions, the curator decides the top :data:`BATCH` candidates
of the queue (their labels), the model is retrained on every decision so far,
the rest of the queue is reordered, and so on. After each of
:data:`CHECKPOINTS` decisions the replay records:

* ``recall``: the share of the queue's relevant candidates already decided;
* ``ap_remaining``: the average precision of the undecided candidates in the
  order the queue now shows them (NaN when none of them is relevant).

Three curators, each following its own queue: ``rule_only`` (the rule score,
never retrained), ``learned`` (what the queue does with a model: the blend when
held-out decisions favour it, else the rule score; see
:mod:`~evidencewatch.evaluation.orders`) and ``model_only`` (the model alone,
the queue's order before the blend).

Each curator's remaining candidates differ, so ``same_decisions`` also compares
the orders on one set: after deciding the rule order's top k, train on those k
and order the rest by each mode (the issue's own measurement: top 40, then
``rank --retrain``).

Units are candidates (paper x gene), as the queue shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evidencewatch.evaluation.orders import (
    LEARNED,
    MODEL_ONLY,
    RULE_ORDER,
    Ranked,
    rank_remaining,
    rule_ranked,
)
from evidencewatch.evaluation.pool import PoolItem

BATCH = 10
CHECKPOINTS = (10, 20, 40, 80)
CURATORS = {"rule_only": RULE_ORDER, "learned": LEARNED, "model_only": MODEL_ONLY}


def ap_of(labels: Sequence[int]) -> float:
    """Average precision of labels in screening order: the mean, over the relevant ones, of
    the precision at each one's position (NaN when none is relevant)."""
    found, total = 0, 0.0
    for position, label in enumerate(labels, start=1):
        if label:
            found += 1
            total += found / position
    return total / found if found else float("nan")


def curator_replay(
    pool: Sequence[PoolItem], *, batch: int = BATCH, checkpoints: Sequence[int] = CHECKPOINTS
) -> dict[str, Any]:
    """The replay of each curator and the same-decisions comparison (module doc)."""
    relevant = sum(p.label for p in pool)
    reached = [k for k in checkpoints if k < len(pool)]
    out: dict[str, Any] = {
        "protocol": {
            "units": len(pool),
            "relevant": relevant,
            "batch": batch,
            "checkpoints": list(reached),
            "start": "no decisions: the first batch is the top of the rule order",
        },
        "curators": {
            name: _follow(pool, mode, batch=batch, checkpoints=reached)
            for name, mode in CURATORS.items()
        },
        "same_decisions": [_same_decisions(pool, k) for k in reached],
    }
    skipped = [k for k in checkpoints if k not in reached]
    if skipped:
        out["protocol"]["skipped_checkpoints"] = skipped
    out["summary"] = _summary(out["same_decisions"])
    # Before any decision every order is the rule order (no model can be trained).
    out["summary"]["rule_ap_before_decisions"] = ap_of(
        [pool[i].label for i in rule_ranked(pool, range(len(pool)))]
    )
    return out


def _summary(same: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The figures the targets judge: the learned order's worst margin over the rule
    score, and its AP of the remaining candidates after 40 decisions."""
    margins = [
        p["learned"] - p["rule_only"]
        for p in same
        if p["learned"] == p["learned"] and p["rule_only"] == p["rule_only"]
    ]
    at_40 = [p["learned"] for p in same if p["decisions"] == 40]
    return {
        "learned_minus_rule_ap_min": min(margins) if margins else float("nan"),
        "learned_ap_remaining_40": at_40[0] if at_40 else float("nan"),
    }


def _follow(
    pool: Sequence[PoolItem], mode: str, *, batch: int, checkpoints: Sequence[int]
) -> list[dict[str, Any]]:
    """One curator deciding its own queue's top ``batch``, retraining after each batch."""
    relevant = sum(p.label for p in pool)
    known: list[int] = []
    ranked = Ranked(rule_ranked(pool, range(len(pool))))
    points: list[dict[str, Any]] = []
    last = max(checkpoints, default=0)
    while ranked.order and len(known) < last:
        take = min(batch, last - len(known))
        known.extend(ranked.order[:take])
        ranked = rank_remaining(pool, known, ranked.order[take:], mode)
        if len(known) in checkpoints:
            point = {
                "decisions": len(known),
                "found": sum(pool[i].label for i in known),
                "recall": sum(pool[i].label for i in known) / relevant if relevant else None,
                "ap_remaining": ap_of([pool[i].label for i in ranked.order]),
            }
            if mode == LEARNED:
                point.update(_choice_summary(ranked))
            points.append(point)
    return points


def _same_decisions(pool: Sequence[PoolItem], k: int) -> dict[str, Any]:
    """Decide the rule order's top ``k``; then each mode orders the same rest."""
    order = rule_ranked(pool, range(len(pool)))
    known, remaining = order[:k], order[k:]
    out: dict[str, Any] = {"decisions": k}
    for name, mode in CURATORS.items():
        ranked = rank_remaining(pool, known, remaining, mode)
        out[name] = ap_of([pool[i].label for i in ranked.order])
        if mode == LEARNED:
            out.update(_choice_summary(ranked))
    return out


def _choice_summary(ranked: Ranked) -> dict[str, Any]:
    choice = ranked.choice
    if choice is None:
        return {"order_in_use": RULE_ORDER, "why": "fewer than 2 decisions of each class"}
    return {
        "order_in_use": choice.in_use,
        "w": choice.w,
        "heldout_ap_learned": choice.ap_learned,
        "heldout_ap_rule": choice.ap_rule,
        "below": choice.below,
    }
