"""The screening metrics against small examples worked out by hand (ASReview Insights'
definitions), the label file's rules, and the simulation protocol on a toy pool."""

from __future__ import annotations

import math
from datetime import date

import pytest

from evidencewatch import evaluation as ev
from evidencewatch import ranking

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
