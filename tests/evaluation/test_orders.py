"""The orders a replay screens in: ties as the queue breaks them, and each mode's rules."""

from __future__ import annotations

from datetime import date

from evidencewatch import ranking
from evidencewatch.evaluation import orders as ev
from evidencewatch.evaluation.pool import PoolItem


def _item(i: int, label: int, rule: float = 50.0, text: str = "x") -> PoolItem:
    return PoolItem(
        candidate_id=i,
        pmid=1000 + i,
        gene="GENE",
        crdt=date(2025, 1, 1),
        rule_score=rule,
        label=label,
        reject_reason="" if label else "not_breast_cancer",
        doc=ranking.Doc(text=text, rule_score=rule),
    )


def test_equal_scores_go_newest_candidate_first_as_in_the_queue():
    pool = [_item(0, 1, 60.0), _item(1, 0, 70.0), _item(2, 0, 60.0)]
    assert ev.rule_ranked(pool, [0, 1, 2]) == [1, 2, 0]
    assert ev.by_score(pool, [0, 2], [0.5, 0.5]) == [2, 0]


def test_every_mode_is_the_rule_order_before_two_decisions_of_each_class():
    pool = [_item(i, 1 if i < 3 else 0, rule=float(i)) for i in range(8)]
    known, rest = [0, 1, 2, 3], [4, 5, 6, 7]
    assert not ev.trainable(pool, known)
    for mode in (ev.RULE_ORDER, ev.LEARNED, ev.MODEL_ONLY):
        ranked = ev.rank_remaining(pool, known, rest, mode)
        assert ranked.order == [7, 6, 5, 4] and ranked.choice is None


def test_the_learned_mode_reports_the_choice_it_made():
    good, bad = "GENE_TARGET restored tamoxifen sensitivity", "GENE_TARGET in yeast"
    pool = [_item(i, i % 2, text=f"{good if i % 2 else bad} {i}") for i in range(30)]
    known, rest = list(range(20)), list(range(20, 30))

    ranked = ev.rank_remaining(pool, known, rest, ev.LEARNED)

    assert ranked.choice is not None and ranked.choice.in_use == ranking.LEARNED
    labels = [pool[i].label for i in ranked.order]
    assert labels == sorted(labels, reverse=True)  # the text separates what the rules cannot
