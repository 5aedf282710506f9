"""The screening metrics against small examples worked out by hand (ASReview Insights'
definitions), and the random-order baseline."""

from __future__ import annotations

import math

import pytest

from evidencewatch.evaluation import metrics as ev

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


def test_order_metrics_report_every_measure_by_name():
    assert set(ev.order_metrics(ORDER)) == {
        "recall_10",
        "recall_25",
        "recall_50",
        "wss_95",
        "tnr_95",
        "atd",
    }


def test_random_order_baseline_is_reproducible_and_near_the_expected_recall():
    labels = [1] * 20 + [0] * 80
    first = ev.random_metrics(labels, runs=30)
    assert first == ev.random_metrics(labels, runs=30)
    assert first["recall_50"] == pytest.approx(0.5, abs=0.06)
    assert abs(first["wss_95"]) < 0.06


def test_random_baseline_keeps_the_given_suffix_after_each_random_order():
    metrics = ev.random_metrics([0, 0, 0, 0], runs=5, then=[1])
    assert metrics["atd"] == 5.0  # the relevant unit is always last
