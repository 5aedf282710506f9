"""Learning that never hurts: which order the queue uses, and the blend it is.

The learned order is a blend of the model and the rule score::

    blend = w * z(model log-odds) + (1 - w) * z(rule strength)

``z`` standardises with the mean and spread seen in training: the model's
out-of-fold log-odds and the decisions' rule strengths (the logit of the rule
score, :func:`evidencewatch.matching.scoring.strength_of_score`). Fixed numbers,
so a candidate scored alone (a scan's new batch) gets the value a full rerank
gives it. The blend is mapped back onto the rule score's scale, so ``w = 0`` is
the rule score exactly.

``w`` comes from :data:`W_GRID` by average precision on the out-of-fold
predictions of the cross-validation that also picks C. Whether the queue uses
the blend at all is decided on held-out decisions: for each fold, ``w`` is
chosen on the other folds and applied to this one, and the pooled average
precision of those held-out blends is compared with the rule score's on the
same decisions. The learned order is used only when it is higher by more than
:data:`MIN_GAIN`; otherwise the queue keeps the rule order, and the model only
fills ``model_score``. The choice and its figures are stored in the model
row's ``metrics["order"]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score

from evidencewatch.matching.scoring import score_of_strength, strength_of_score

LEARNED = "learned"
RULE = "rule"
# w stops short of 1: the model alone is not a blend. Decisions are the top of the queue,
# where rule scores are alike, so folds of them favour the model outright; the rest of the
# queue lies below, where only the rule score has been seen to order. With any weight on it,
# its standard units (spread from the decided, narrow) keep the rest in rule order and
# the model reorders the candidates that score like the decided ones.
W_GRID = tuple(round(0.1 * i, 1) for i in range(10))
# Held-out AP the learned order must gain over the rule score before the queue uses it:
# a difference within this is one decision's noise on a few dozen held-out decisions.
MIN_GAIN = 0.01

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class OrderChoice:
    """Which order the queue uses, the blend, and the held-out figures behind the choice."""

    in_use: str  # LEARNED or RULE
    why: str
    w: float = 0.0
    ap_learned: float | None = None
    ap_rule: float | None = None
    held_out: int = 0
    model_mean: float = 0.0
    model_std: float = 1.0
    rule_mean: float = 0.0
    rule_std: float = 1.0
    # The blend against the rule score below the decided ones (ranking.extrapolation).
    below: Mapping[str, Any] | None = None

    @property
    def learned(self) -> bool:
        return self.in_use == LEARNED

    def blend(self, model_logit: FloatArray, rule_strength: FloatArray) -> FloatArray:
        """The blend of each candidate, in standard units."""
        zm = (np.asarray(model_logit, dtype=float) - self.model_mean) / self.model_std
        zr = (np.asarray(rule_strength, dtype=float) - self.rule_mean) / self.rule_std
        return np.asarray(self.w * zm + (1.0 - self.w) * zr, dtype=float)

    def scores(self, model_logit: Sequence[float], rule_scores: Sequence[float]) -> list[float]:
        """The learned order's 0..100 scores, on the rule score's scale (w = 0: the rule score)."""
        strengths = np.array([strength_of_score(s) for s in rule_scores], dtype=float)
        blended = self.blend(np.asarray(model_logit, dtype=float), strengths)
        return [score_of_strength(self.rule_mean + self.rule_std * b) for b in blended]

    def as_json(self) -> dict[str, Any]:
        return {
            "in_use": self.in_use,
            "why": self.why,
            "w": self.w,
            "ap_learned": self.ap_learned,
            "ap_rule": self.ap_rule,
            "held_out": self.held_out,
            "min_gain": MIN_GAIN,
            "model_mean": self.model_mean,
            "model_std": self.model_std,
            "rule_mean": self.rule_mean,
            "rule_std": self.rule_std,
            "below": dict(self.below) if self.below is not None else None,
        }

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any], model_id: int | None) -> OrderChoice:
        """The choice stored with a model; a model stored before there was one keeps the rules."""
        stored = metrics.get("order")
        if not isinstance(stored, Mapping) or stored.get("in_use") not in (LEARNED, RULE):
            return cls(
                RULE,
                f"model {model_id} was trained before learned orders were checked on held-out "
                "decisions; run `evidencewatch rank --retrain`",
            )
        fields = ("w", "model_mean", "model_std", "rule_mean", "rule_std")
        numbers = {k: float(stored[k]) for k in fields if isinstance(stored.get(k), int | float)}
        ap = {k: stored.get(k) for k in ("ap_learned", "ap_rule")}
        below = stored.get("below")
        return cls(
            in_use=str(stored["in_use"]),
            why=str(stored.get("why", "")),
            ap_learned=float(ap["ap_learned"]) if ap["ap_learned"] is not None else None,
            ap_rule=float(ap["ap_rule"]) if ap["ap_rule"] is not None else None,
            held_out=int(stored.get("held_out") or 0),
            below=dict(below) if isinstance(below, Mapping) else None,
            **numbers,
        )


def rule_only(why: str) -> OrderChoice:
    """The rule order, with the reason no learned order could be checked."""
    return OrderChoice(RULE, why)


def _spread(values: FloatArray) -> tuple[float, float]:
    std = float(np.std(values))
    return float(np.mean(values)), std if std > 1e-9 else 1.0


def average_precision(labels: npt.ArrayLike, scores: npt.ArrayLike) -> float:
    return float(average_precision_score(labels, scores))


def _best_w(labels: FloatArray, zm: FloatArray, zr: FloatArray) -> float:
    """The w of :data:`W_GRID` with the best AP on these decisions; ties go to the rule side."""
    best_w, best_ap = 0.0, -1.0
    for w in W_GRID:
        ap = average_precision(labels, w * zm + (1.0 - w) * zr)
        if ap > best_ap + 1e-9:
            best_w, best_ap = w, ap
    return best_w


def choose_order(
    model_logit: Sequence[float],
    rule_scores: Sequence[float],
    labels: Sequence[int],
    folds: Sequence[int],
) -> OrderChoice:
    """Choose the blend and whether to use it, from out-of-fold predictions (module doc).

    ``model_logit``: each decision's out-of-fold log-odds; ``folds``: the fold
    that held it out; ``rule_scores``: its 0..100 rule score.
    """
    y = np.asarray(labels, dtype=float)
    fold = np.asarray(folds)
    logits = np.asarray(model_logit, dtype=float)
    strengths = np.array([strength_of_score(s) for s in rule_scores], dtype=float)
    m_mean, m_std = _spread(logits)
    r_mean, r_std = _spread(strengths)
    zm, zr = (logits - m_mean) / m_std, (strengths - r_mean) / r_std
    held = np.zeros(len(y))
    for f in np.unique(fold):
        out, rest = fold == f, fold != f
        w_f = _best_w(y[rest], zm[rest], zr[rest])
        held[out] = w_f * zm[out] + (1.0 - w_f) * zr[out]
    ap_learned, ap_rule = average_precision(y, held), average_precision(y, zr)
    w = _best_w(y, zm, zr)
    figures = f"held-out AP {ap_learned:.3f} learned vs {ap_rule:.3f} rule score"
    if w == 0.0:
        in_use, why = RULE, f"the best blend gives the model no weight ({figures})"
    elif ap_learned > ap_rule + MIN_GAIN:
        in_use, why = LEARNED, f"the learned order ranks held-out decisions better ({figures})"
    else:
        in_use = RULE
        why = f"the learned order is not better on held-out decisions ({figures})"
    return OrderChoice(
        in_use=in_use,
        why=why,
        w=w,
        ap_learned=round(ap_learned, 4),
        ap_rule=round(ap_rule, 4),
        held_out=len(y),
        model_mean=m_mean,
        model_std=m_std,
        rule_mean=r_mean,
        rule_std=r_std,
    )
