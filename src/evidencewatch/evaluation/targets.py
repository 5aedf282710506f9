"""The quality targets: each a figure of the report and the least it must reach.

The first five are issue #5's, judged on the open set's pipeline view. The
others are issue #10's, judged on the sealed set (``evidencewatch eval --sealed``)
and reported for every set:

* ``replay.*``: from the same-decisions comparison of the active-learning replay
  (:mod:`~evidencewatch.evaluation.curator`): the learned order's AP of the
  remaining candidates minus the rule score's, at its worst checkpoint (never
  below, so >= 0), and its AP after 40 decisions;
* ``labelled.learned.tnr_95``: nWSS@95 within the labelled set, the background
  left out;
* ``extraction.*``: direction and effect precision and coverage;
* ``rule_score.distinct``: the share of labelled candidates that share their
  rule score with no candidate of different evidence (the target: all of them).
"""

from __future__ import annotations

from typing import Any

TARGETS: dict[str, float] = {
    "pipeline.learned.wss_95": 0.60,
    "pipeline.learned.recall_25": 0.90,
    "gene_mention_precision": 0.98,
    "extraction.therapy_class": 0.85,
    "extraction.direction": 0.93,
    "extraction.direction.coverage": 0.85,
    "extraction.effect": 0.93,
    "extraction.effect.coverage": 0.85,
    "replay.learned_minus_rule_ap": 0.0,
    "replay.learned_ap_remaining_40": 0.90,
    "labelled.learned.tnr_95": 0.80,
    "rule_score.distinct": 1.0,
}

TARGET_PATHS: dict[str, tuple[str, ...]] = {
    "pipeline.learned.wss_95": ("ranking", "pipeline", "learned", "wss_95"),
    "pipeline.learned.recall_25": ("ranking", "pipeline", "learned", "recall_25"),
    "gene_mention_precision": ("gene_mentions", "precision"),
    "extraction.therapy_class": ("extraction", "therapy_class", "precision"),
    "extraction.direction": ("extraction", "direction", "precision"),
    "extraction.direction.coverage": ("extraction", "direction", "coverage"),
    "extraction.effect": ("extraction", "effect", "precision"),
    "extraction.effect.coverage": ("extraction", "effect", "coverage"),
    "replay.learned_minus_rule_ap": ("replay", "summary", "learned_minus_rule_ap_min"),
    "replay.learned_ap_remaining_40": ("replay", "summary", "learned_ap_remaining_40"),
    "labelled.learned.tnr_95": ("ranking", "labelled", "learned", "tnr_95"),
    "rule_score.distinct": ("rule_scores", "distinct_share"),
}


def lookup(data: dict[str, Any], key: str) -> tuple[float | None, str | None]:
    """The value of a target, or None and the reason its section was skipped."""
    node: Any = data
    for part in TARGET_PATHS[key]:
        if isinstance(node, dict) and "skipped" in node:
            return None, str(node["skipped"])
        if not isinstance(node, dict) or part not in node:
            return None, None
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None, None
    return float(node), None


def judge(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every target with its value and whether it is met (NaN and missing are not met)."""
    out: dict[str, dict[str, Any]] = {}
    for key, target in TARGETS.items():
        value, skipped = lookup(data, key)
        met = value is not None and value == value and value >= target
        out[key] = {"target": target, "value": value, "met": bool(met)}
        if skipped:
            out[key]["skipped"] = skipped
    return out
