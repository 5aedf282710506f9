"""The active-learning replay: curators working the top of their queues, batch after batch."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from evidencewatch import ranking
from evidencewatch.evaluation import curator as ev
from evidencewatch.evaluation.pool import PoolItem

GOOD = "GENE_TARGET knockdown restored tamoxifen sensitivity in resistant breast cancer"
BAD = "GENE_TARGET structure in yeast replication without any tumour"


def _pool(n: int = 120, rule=lambda i, label: 50.0) -> list[PoolItem]:
    """Every third candidate relevant and reads like it."""
    out = []
    for i in range(n):
        label = 1 if i % 3 == 0 else 0
        score = rule(i, label)
        out.append(
            PoolItem(
                candidate_id=i,
                pmid=1000 + i,
                gene="GENE",
                crdt=date(2025, 1, 1),
                rule_score=score,
                label=label,
                reject_reason="" if label else "not_breast_cancer",
                doc=ranking.Doc(text=f"{GOOD if label else BAD} {i}", rule_score=score),
            )
        )
    return out


def test_average_precision_of_a_screening_order():
    assert ev.ap_of([1, 1, 0, 0]) == 1.0
    assert ev.ap_of([0, 1, 0, 1]) == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert math.isnan(ev.ap_of([0, 0]))


def test_each_curator_reports_recall_and_the_ap_of_the_rest_at_each_checkpoint():
    replay = ev.curator_replay(_pool())

    assert replay["protocol"]["checkpoints"] == [10, 20, 40, 80]
    assert replay["protocol"]["relevant"] == 40
    for name in ("rule_only", "learned", "model_only"):
        points = replay["curators"][name]
        assert [p["decisions"] for p in points] == [10, 20, 40, 80]
        recalls = [p["recall"] for p in points]
        assert recalls == sorted(recalls) and all(0 <= r <= 1 for r in recalls)
        aps = [p["ap_remaining"] for p in points if not math.isnan(p["ap_remaining"])]
        assert aps and all(0 <= ap <= 1 for ap in aps)
    assert all("order_in_use" in p for p in replay["curators"]["learned"])
    assert replay["summary"]["rule_ap_before_decisions"] == pytest.approx(40 / 120)  # all tie


def test_a_curator_with_a_learnable_queue_finds_more_than_one_following_blind_rules():
    replay = ev.curator_replay(_pool())

    rules, learned = replay["curators"]["rule_only"], replay["curators"]["learned"]
    assert learned[-1]["recall"] > rules[-1]["recall"]
    assert learned[-1]["order_in_use"] == ranking.LEARNED


def test_a_model_that_learns_nothing_leaves_every_curator_on_the_rule_order():
    """Imperfect rules, uninformative text: the held-out check keeps the rules throughout."""
    rng = np.random.default_rng(0)
    pool = _pool(rule=lambda i, label: 55.0 + 15 * label + rng.normal(0, 10))
    for item in pool:
        item.doc = ranking.Doc(text=f"GENE_TARGET record {item.pmid}", rule_score=item.rule_score)

    replay = ev.curator_replay(pool)

    rules, learned = replay["curators"]["rule_only"], replay["curators"]["learned"]
    assert [p["ap_remaining"] for p in learned] == [p["ap_remaining"] for p in rules]
    for point in replay["same_decisions"]:
        assert point["learned"] == point["rule_only"]
    summary = replay["summary"]
    assert summary["learned_minus_rule_ap_min"] == 0
    assert summary["learned_ap_remaining_40"] == replay["same_decisions"][2]["learned"]


def test_checkpoints_beyond_the_queue_are_skipped_and_said_so():
    replay = ev.curator_replay(_pool(30))

    assert replay["protocol"]["checkpoints"] == [10, 20]
    assert replay["protocol"]["skipped_checkpoints"] == [40, 80]
    assert math.isnan(replay["summary"]["learned_ap_remaining_40"])
