"""Does the blend still order better *below* the decisions it learned from?

Curators decide the top of the queue, so the candidates a new order will sort
are the ones ranked below every decision. Random folds of the decisions test a
model where it was trained, at the top, and flatter it: a blend that wins there
can still lose on the rest of the queue. This check tests it where it will be
used. The decisions are put in rule order (strongest first) and cut at
:data:`CUTS` points; at each cut a model fitted on the decisions above it
orders every decision below, by the blend (the ``w`` and spreads already
chosen) and by the rule score, and the average precision of each is compared:
the queue replayed inside the decided set.

The learned order passes only when it gains on average, by at least
:data:`~evidencewatch.ranking.blend.MIN_GAIN`, and gains at more cuts than it
loses at. The mean is the estimate; the count keeps one large gain from hiding
several losses. No single cut decides: the sets below the cuts are nested and
the deepest are small, so one of them alone is mostly noise. A cut needs two
decisions of each class above it (to fit) and one of each below it (to
measure); when no cut has them the blend cannot be checked and the rule order
stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from evidencewatch.ranking.blend import MIN_GAIN, OrderChoice, average_precision

# Cut points, as shares of the decisions ranked above the cut.
CUTS = (0.4, 0.55, 0.7, 0.85)
MIN_ABOVE_PER_CLASS = 2
TIE_SEED = 0

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
# (indices fitted on, indices to score) -> the log-odds of the second, from a model of the first.
FitLogits = Callable[[IntArray, IntArray], FloatArray]


@dataclass(frozen=True, slots=True)
class BelowCheck:
    """The blend against the rule score on the decisions below each cut."""

    ap_learned: float | None = None  # mean over the cuts
    ap_rule: float | None = None
    gains: tuple[float, ...] = ()  # learned minus rule AP at each measured cut

    @property
    def cuts(self) -> int:
        return len(self.gains)

    @property
    def worst_gain(self) -> float | None:
        return min(self.gains, default=None)

    @property
    def passed(self) -> bool:
        if self.ap_learned is None or self.ap_rule is None:
            return False
        wins = sum(g > 0 for g in self.gains)
        losses = sum(g < 0 for g in self.gains)
        return self.ap_learned - self.ap_rule >= MIN_GAIN and wins > losses

    def as_json(self) -> dict[str, Any]:
        """What a model row's ``metrics["order"]["below"]`` holds."""
        return {
            "cuts": self.cuts,
            "ap_learned": self.ap_learned,
            "ap_rule": self.ap_rule,
            "worst_gain": self.worst_gain,
            "gains": list(self.gains),
        }

    def verdict(self) -> str:
        """Why the blend passed or failed, in the words ``rank --retrain`` prints."""
        if self.ap_learned is None or self.ap_rule is None:
            return "too few decisions of each class to test the blend below the decided ones"
        figures = (
            f"below the decided: AP {self.ap_learned:.3f} learned vs {self.ap_rule:.3f} rule "
            f"score over {self.cuts} cuts, worst gain {self.worst_gain:+.3f}"
        )
        return f"it also orders better {figures}" if self.passed else f"not better {figures}"


def check_below(
    fit_logits: FitLogits,
    candidates: IntArray,
    labels: npt.NDArray[np.int64],
    strengths: FloatArray,
    choice: OrderChoice,
) -> BelowCheck:
    """The check of the module doc over ``candidates`` (indices ``fit_logits`` understands),
    with their ``labels`` and rule ``strengths`` in the same order."""
    # Equal rule strengths carry no order: break their ties at random (seeded), not by
    # the order the decisions happen to come in.
    shuffled = np.random.default_rng(TIE_SEED).permutation(len(strengths))
    ranked = shuffled[np.argsort(-strengths[shuffled], kind="stable")]
    gains: list[tuple[float, float]] = []
    for share in CUTS:
        cut = round(share * len(ranked))
        above, below = ranked[:cut], ranked[cut:]
        if not _fittable(labels[above]) or len(set(labels[below].tolist())) < 2:
            continue
        logits = fit_logits(candidates[above], candidates[below])
        blended = choice.blend(logits, strengths[below])
        gains.append(
            (
                average_precision(labels[below], blended),
                average_precision(labels[below], strengths[below]),
            )
        )
    if not gains:
        return BelowCheck()
    learned, rule = (float(np.mean(v)) for v in zip(*gains, strict=True))
    return BelowCheck(
        ap_learned=round(learned, 4),
        ap_rule=round(rule, 4),
        gains=tuple(round(a - b, 4) for a, b in gains),
    )


def _fittable(labels: npt.NDArray[np.int64]) -> bool:
    positives = int(labels.sum())
    return positives >= MIN_ABOVE_PER_CLASS and len(labels) - positives >= MIN_ABOVE_PER_CLASS
