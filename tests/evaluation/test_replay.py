"""The screening metrics against small examples worked out by hand (ASReview Insights'
definitions), the label file's rules, and the simulation protocol on a toy pool."""

from __future__ import annotations

import math
from datetime import date

import pytest

from evidencewatch import ranking
from evidencewatch.evaluation import replay as ev

# Ten records screened in this order; relevant ones at positions 1, 3 and 10 (R = 3).
ORDER = [1, 0, 1, 0, 0, 0, 0, 0, 0, 1]


def test_recall_at_x_counts_relevant_found_after_screening_x_of_the_records():
    assert ev.recall_at(ORDER, 0.10) == pytest.approx(1 / 3)  # 1 record screened
    assert ev.recall_at(ORDER, 0.25) == pytest.approx(1 / 3)  # floor(2.5) = 2 records
    assert ev.recall_at(ORDER, 0.30) == pytest.approx(2 / 3)  # 3 records
    assert ev.recall_at(ORDER, 0.50) == pytest.approx(2 / 3)
    assert ev.recall_at(ORDER, 1.00) == pytest.approx(1.0)
    assert ev.recall_at(ORDER, 0.05) == 0.0  # less than one record screened


def test_wss_at_95_follows_asreview_insights_with_its_rounded_random_baseline():
    # Largest k with k/R <= 0.95 is k = 2. This order finds #2 at index 2; random order,
    # round(linspace(0, 3, 10)) = [0,0,1,1,1,2,2,2,3,3], reaches 2 at index 5.
    # WSS@95 = (5 - 2) / 10.
    assert ev.wss_at(ORDER, 0.95) == pytest.approx(0.3)
    # k = 1 (1/3 <= 0.5): found at index 0, random at index 2.
    assert ev.wss_at(ORDER, 0.5) == pytest.approx(0.2)


def test_wss_of_a_perfect_order_and_of_the_worst_order():
    perfect = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    # R = 2: k = 1 (0.5 <= 0.95). Found at 0; random round(linspace(0,2,10)) =
    # [0,0,0,1,1,1,1,2,2,2] reaches 1 at index 3.
    assert ev.wss_at(perfect, 0.95) == pytest.approx(0.3)
    worst = perfect[::-1]
    assert ev.wss_at(worst, 0.95) == pytest.approx((3 - 8) / 10)


def test_average_time_to_discovery_is_the_mean_screening_position_of_relevant_records():
    assert ev.time_to_discovery(ORDER) == [1, 3, 10]
    assert ev.average_time_to_discovery(ORDER) == pytest.approx(14 / 3)
    assert math.isnan(ev.average_time_to_discovery([0, 0]))


def test_tnr_at_95_is_the_share_of_irrelevant_records_never_screened():
    # k = 2 is found at the 3rd record: 1 irrelevant screened, 6 of 7 never screened.
    assert ev.tnr_at(ORDER, 0.95) == pytest.approx(6 / 7)
    assert ev.tnr_at([1, 1, 0, 0], 0.95) == pytest.approx(1.0)  # k = 1 at the first record


def test_metrics_are_undefined_without_relevant_records():
    assert math.isnan(ev.recall_at([0, 0, 0], 0.5))
    assert math.isnan(ev.wss_at([0, 0, 0]))


def test_random_order_baseline_is_reproducible_and_near_the_expected_recall():
    labels = [1] * 20 + [0] * 80
    first = ev.random_metrics(labels, runs=30)
    assert first == ev.random_metrics(labels, runs=30)
    assert first["recall_50"] == pytest.approx(0.5, abs=0.06)
    assert abs(first["wss_95"]) < 0.06


def test_labels_file_rules(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text(
        "pmid\tlabel\tgene\treject_reason\ttherapy_class\tdirection\teffect\talteration\t"
        "subtype\tmodel_system\n"
        "1\t1\tLYN\t\tendocrine\tup\tresistance\tprotein;mRNA\tER-positive\tcell lines;patients\n"
        "1\t0\tERBB2\tno_resistance_claim\t\t\t\t\t\t\n"
        "2\t0\t-\tnot_breast_cancer\t\t\t\t\t\t\n",
        encoding="utf-8",
    )
    labels = ev.load_labels(path)

    assert labels.label_of(1, "LYN") == (1, "")
    assert labels.label_of(1, "ERBB2") == (0, "no_resistance_claim")
    assert labels.label_of(2, "RELA") == (0, "not_breast_cancer")  # "-" covers every gene
    assert labels.label_of(1, "PCNA") == (0, "no_resistance_claim")  # unlisted gene: rejected
    gold = labels.by_pair[(1, "LYN")].gold
    assert gold["alteration"] == ("protein", "mRNA")
    assert ev._gold_matches("model_system", "patient_cohort", gold["model_system"])
    assert ev._gold_matches("subtype", "luminal B", gold["subtype"])
    assert not ev._gold_matches("subtype", "triple-negative", gold["subtype"])


def _item(i: int, label: int, text: str, rule: float = 50.0) -> ev.PoolItem:
    return ev.PoolItem(
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


def test_simulated_screening_puts_learnable_relevant_candidates_first():
    relevant = "GENE_TARGET knockdown restored tamoxifen sensitivity in resistant breast cancer"
    other = "GENE_TARGET structure in yeast replication without any tumour"
    pool = []
    for i in range(60):
        label = 1 if i % 4 == 0 else 0
        pool.append(_item(i, label, f"{relevant if label else other} record {i}"))
    n_priors = ev.split_priors(pool)
    order = ev.simulate_learned(pool, n_priors, every=5)

    assert sorted(order) == list(range(n_priors, 60))  # every candidate screened once
    labels = [pool[i].label for i in order]
    assert labels[: sum(labels)] == [1] * sum(labels)  # all relevant before any irrelevant
    rules = ev.rule_order(pool, n_priors)
    assert rules == list(range(n_priors, 60))  # equal rule scores: ties keep time order


def test_retraining_batch_is_ten_candidates_or_two_percent_of_a_large_queue():
    assert ev.retrain_batch(139) == 10
    assert ev.retrain_batch(500) == 10
    assert ev.retrain_batch(3400) == 68  # about 50 fits however large the queue


def test_priors_come_from_the_labelled_set_even_when_background_candidates_are_older():
    background = [
        ev.PoolItem(
            candidate_id=100 + i,
            pmid=100 + i,
            gene="GENE",
            crdt=date(2010, 1, 1 + i),
            rule_score=10.0,
            label=0,
            reject_reason="not_breast_cancer",
            doc=ranking.Doc(text="old"),
            source=ev.BACKGROUND,
        )
        for i in range(5)
    ]
    labelled = [_item(i, 1 if i % 3 == 0 else 0, "x") for i in range(20)]
    queue, n_priors = ev.queue_with_priors([*background, *labelled])

    assert n_priors == ev.split_priors(labelled)
    assert all(p.source == ev.LABELLED for p in queue[:n_priors])
    # The older background candidates are screened (and measured), in time order.
    assert [p.pmid for p in queue[n_priors : n_priors + 5]] == [100, 101, 102, 103, 104]
    assert len(queue) == 25


def _labels(*rows: tuple[int, str, int]) -> ev.LabelSet:
    labels = ev.LabelSet()
    for pmid, gene, label in rows:
        labels.by_pair[(pmid, gene)] = ev.Label(pmid=pmid, gene=gene, label=label)
    return labels


def test_unqueued_units_are_one_per_silent_record_and_one_per_missed_positive():
    records = {1: ev.LABELLED, 2: ev.LABELLED, 3: ev.LABELLED, 10: ev.BACKGROUND, 11: ev.BACKGROUND}
    labels = _labels((1, "LYN", 1), (1, "ERBB2", 1), (2, "PCNA", 1), (3, "RELA", 0))
    queued = [(1, "LYN"), (10, "ERBB2")]

    tail = ev.unqueued_units(records=records, queued=queued, labels=labels)

    units = sorted((u.pmid, u.gene, u.label, u.source) for u in tail)
    assert units == [
        (1, "ERBB2", 1, ev.LABELLED),  # a positive gene of a queued paper that was not queued
        (2, "PCNA", 1, ev.LABELLED),  # a positive paper with no candidate at all
        (3, "", 0, ev.LABELLED),  # a near miss the matcher dropped
        (11, "", 0, ev.BACKGROUND),  # a background record with no candidate
    ]


def test_unqueued_units_come_in_one_fixed_order_whatever_the_input_order():
    labels = _labels()
    forward = {pmid: ev.BACKGROUND for pmid in range(50)}
    backward = dict(reversed(list(forward.items())))
    first = ev.unqueued_units(records=forward, queued=[], labels=labels)
    assert first == ev.unqueued_units(records=backward, queued=[], labels=labels)
    assert [u.pmid for u in first] != sorted(u.pmid for u in first)  # shuffled, not sorted


def test_random_baseline_keeps_the_given_suffix_after_each_random_order():
    metrics = ev.random_metrics([0, 0, 0, 0], runs=5, then=[1])
    assert metrics["atd"] == 5.0  # the relevant unit is always last


def _toy_pool(n: int = 40) -> list[ev.PoolItem]:
    relevant = "GENE_TARGET knockdown restored tamoxifen sensitivity in resistant breast cancer"
    other = "GENE_TARGET structure in yeast replication without any tumour"
    return [
        _item(i, 1 if i % 4 == 0 else 0, f"{relevant if i % 4 == 0 else other} record {i}")
        for i in range(n)
    ]


def test_pipeline_view_puts_the_unqueued_tail_after_the_queue_so_a_matcher_miss_costs_recall():
    pool = _toy_pool()
    tail = [ev.TailUnit(1000 + i, "", 0, ev.BACKGROUND) for i in range(200)]
    tail.append(ev.TailUnit(999, "LYN", 1, ev.LABELLED))  # the matcher missed it: screened last

    views = ev._ranking(pool, tail, skipped=None, every=5)

    queue, pipeline = views["queue"], views["pipeline"]
    assert pipeline["units"] == queue["units"] + len(tail)
    assert pipeline["relevant"] == queue["relevant"] + 1
    assert pipeline["relevant_unqueued"] == 1
    assert pipeline["missed_positives"] == ["999/LYN"]
    assert pipeline["learned"]["recall_50"] == pytest.approx(1 - 1 / pipeline["relevant"])
    assert pipeline["learned"]["atd"] > queue["learned"]["atd"]  # the miss is found last
    assert set(pipeline) >= {"learned", "rule_based", "queue_random", "random", "oracle"}


def test_pipeline_view_and_its_targets_are_skipped_with_the_reason_without_a_background(
    tmp_path,
):
    missing = tmp_path / "no-such-corpus"
    background = ev.load_background_set(tmp_path, missing)
    assert background.skipped is not None and str(missing) in background.skipped

    views = ev._ranking(_toy_pool(), None, skipped=background.skipped, every=5)
    assert views["pipeline"] == {"skipped": background.skipped}
    assert "learned" in views["queue"]  # the queue is still measured

    targets = ev.EvalReport({"ranking": views}).targets()
    wss = targets["pipeline.learned.wss_95"]
    assert wss["value"] is None and not wss["met"]
    assert wss["skipped"] == background.skipped


def test_background_needs_its_hand_labels_or_is_not_used(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    background = ev.load_background_set(tmp_path, corpus)
    assert background.skipped is not None and "shared_labels.tsv" in background.skipped
    assert background.records == {}


def test_shared_labels_give_background_pairs_their_hand_label_and_override_nothing_else(
    tmp_path,
):
    path = tmp_path / "shared_labels.tsv"
    path.write_text(
        "pmid\tgene\tmentioned\tlabel\treject_reason\tjustification\n"
        "7\tERBB2\t1\t0\tnot_breast_cancer\tlung cancer\n"
        "8\tLYN\t1\t1\t\ton topic\n"
        "9\tCYP3A4\t0\t0\talias_collision\twheat\n",
        encoding="utf-8",
    )
    shared = ev.load_shared_labels(path)
    merged = _labels((1, "LYN", 1)).merged(shared)

    assert merged.label_of(7, "ERBB2") == (0, "not_breast_cancer")
    assert merged.label_of(8, "LYN") == (1, "")
    assert merged.label_of(9, "CYP3A4") == (0, "alias_collision")
    assert merged.label_of(1, "LYN") == (1, "")
    assert sorted((r.pmid, r.gene) for r in merged.positives) == [(1, "LYN"), (8, "LYN")]
    assert ev.load_mention_labels(path) == {(7, "ERBB2"), (8, "LYN")}
