"""The replay: priors, the simulated screening with retraining, and both views of one run."""

from __future__ import annotations

from datetime import date

import pytest

from evidencewatch import ranking
from evidencewatch.evaluation import pool as pl
from evidencewatch.evaluation import replay as ev
from evidencewatch.evaluation.metrics import order_metrics
from evidencewatch.evaluation.orders import MODEL_ONLY


def _item(i: int, label: int, text: str, rule: float = 50.0) -> pl.PoolItem:
    return pl.PoolItem(
        candidate_id=i,
        pmid=i,
        gene="GENE",
        crdt=date(2025, 1, 1 + i % 28),
        rule_score=rule,
        label=label,
        reject_reason="" if label else "not_breast_cancer",
        doc=ranking.Doc(text=text, rule_score=rule),
    )


def test_priors_are_the_earliest_candidates_holding_two_of_each_class():
    pool = [_item(i, 1, "x") for i in range(5)] + [_item(5 + i, 0, "y") for i in range(15)]
    assert ev.split_priors(pool, 0.10) == 7  # 2 by fraction, extended to reach 2 negatives


def _learnable(n: int = 60, rule=lambda label: 50.0) -> list[pl.PoolItem]:
    relevant = "GENE_TARGET knockdown restored tamoxifen sensitivity in resistant breast cancer"
    other = "GENE_TARGET structure in yeast replication without any tumour"
    pool = []
    for i in range(n):
        label = 1 if i % 4 == 0 else 0
        pool.append(_item(i, label, f"{relevant if label else other} record {i}", rule(label)))
    return pool


def test_the_model_alone_puts_learnable_relevant_candidates_first():
    pool = _learnable()
    n_priors = ev.split_priors(pool)
    order = ev.simulate_learned(pool, n_priors, every=5, mode=MODEL_ONLY)

    assert sorted(order) == list(range(n_priors, 60))  # every candidate screened once
    labels = [pool[i].label for i in order]
    assert labels[: sum(labels)] == [1] * sum(labels)  # all relevant before any irrelevant


def test_equal_rule_scores_are_screened_newest_candidate_first_as_the_queue_breaks_ties():
    pool = _learnable()
    n_priors = ev.split_priors(pool)
    assert ev.rule_order(pool, n_priors) == list(range(59, n_priors - 1, -1))


def test_the_learned_order_takes_over_from_an_uninformative_rule_score_once_it_can_be_checked():
    pool = _learnable()
    n_priors = ev.split_priors(pool)

    learned = [pool[i].label for i in ev.simulate_learned(pool, n_priors, every=5)]
    rules = [pool[i].label for i in ev.rule_order(pool, n_priors)]

    assert sorted(learned) == sorted(rules)
    assert order_metrics(learned)["atd"] < order_metrics(rules)["atd"]


def test_the_learned_order_is_never_worse_than_an_informative_rule_score():
    """Held-out decisions show the rules already order perfectly: the queue keeps them."""
    pool = _learnable(rule=lambda label: 80.0 if label else 20.0)
    n_priors = ev.split_priors(pool)

    learned = ev.simulate_learned(pool, n_priors, every=5)

    assert [pool[i].label for i in learned] == [
        pool[i].label for i in ev.rule_order(pool, n_priors)
    ]


def test_retraining_batch_is_ten_candidates_or_two_percent_of_a_large_queue():
    assert ev.retrain_batch(139) == 10
    assert ev.retrain_batch(500) == 10
    assert ev.retrain_batch(3400) == 68  # about 50 fits however large the queue


def test_priors_come_from_the_labelled_set_even_when_background_candidates_are_older():
    background = [
        pl.PoolItem(
            candidate_id=100 + i,
            pmid=100 + i,
            gene="GENE",
            crdt=date(2010, 1, 1 + i),
            rule_score=10.0,
            label=0,
            reject_reason="not_breast_cancer",
            doc=ranking.Doc(text="old"),
            source=pl.BACKGROUND,
        )
        for i in range(5)
    ]
    labelled = [_item(i, 1 if i % 3 == 0 else 0, "x") for i in range(20)]
    queue, n_priors = ev.queue_with_priors([*background, *labelled])

    assert n_priors == ev.split_priors(labelled)
    assert all(p.source == pl.LABELLED for p in queue[:n_priors])
    # The older background candidates are screened (and measured), in time order.
    assert [p.pmid for p in queue[n_priors : n_priors + 5]] == [100, 101, 102, 103, 104]
    assert len(queue) == 25


def test_pipeline_view_puts_the_unqueued_tail_after_the_queue_so_a_matcher_miss_costs_recall(
    toy_pool,
):
    pool = toy_pool
    tail = [pl.TailUnit(1000 + i, "", 0, pl.BACKGROUND) for i in range(200)]
    tail.append(pl.TailUnit(999, "LYN", 1, pl.LABELLED))  # the matcher missed it: screened last

    views = ev.ranking_views(pool, tail, skipped=None, every=5)

    queue, pipeline = views["queue"], views["pipeline"]
    assert pipeline["units"] == queue["units"] + len(tail)
    assert pipeline["relevant"] == queue["relevant"] + 1
    assert pipeline["relevant_unqueued"] == 1
    assert pipeline["missed_positives"] == ["999/LYN"]
    assert pipeline["learned"]["recall_50"] == pytest.approx(1 - 1 / pipeline["relevant"])
    assert pipeline["learned"]["atd"] > queue["learned"]["atd"]  # the miss is found last
    orders = {"learned", "model_only", "rule_based", "queue_random", "random", "oracle"}
    assert set(pipeline) >= orders


def test_the_labelled_view_leaves_the_background_out_and_keeps_the_labelled_sets_misses(
    toy_pool,
):
    background = [
        pl.PoolItem(
            candidate_id=100 + i,
            pmid=100 + i,
            gene="GENE",
            crdt=date(2010, 1, 1 + i),
            rule_score=90.0,
            label=0,
            reject_reason="not_breast_cancer",
            doc=ranking.Doc(text="old"),
            source=pl.BACKGROUND,
        )
        for i in range(5)
    ]
    labelled_tail = [pl.TailUnit(900 + i, "", 0, pl.LABELLED) for i in range(20)]
    labelled_tail.append(pl.TailUnit(999, "LYN", 1, pl.LABELLED))
    tail = [*labelled_tail, *(pl.TailUnit(2000 + i, "", 0, pl.BACKGROUND) for i in range(50))]

    views = ev.ranking_views(
        [*background, *toy_pool], tail, skipped=None, every=5, labelled_tail=labelled_tail
    )

    labelled = views["labelled"]
    assert labelled["queued"] == views["queue"]["units"] - 5  # no background candidate
    assert labelled["unqueued"] == 21 and labelled["relevant_unqueued"] == 1
    assert labelled["units"] == views["pipeline"]["units"] - 5 - 50
    assert "tnr_95" in labelled["learned"] and "model_only" in labelled


def test_the_protocol_reports_priors_batches_and_fits(toy_pool):
    views = ev.ranking_views(toy_pool, None, skipped="no corpus", every=5)

    protocol = views["protocol"]
    assert protocol["priors"] + views["queue"]["units"] == 40
    assert protocol["retrain_batch"] == 5
    assert protocol["fits"] == -(-views["queue"]["units"] // 5)
    assert views["pipeline"] == {"skipped": "no corpus"}
    assert "learned" in views["queue"]  # the queue is still measured
