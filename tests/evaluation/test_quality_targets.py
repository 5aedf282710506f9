"""The quality targets of the issue, checked on a real run of ``jobs.evaluate.evaluate_job``.

The ranking targets are judged on the *pipeline* view: the labelled set plus the
real background of ``../shared/pubmed``, every record a screening unit, the way
the issue defines the evaluation set. Without the background those tests skip
with the reason. The *queue-only* view is checked too, so that nobody reads the
pipeline numbers as the ranking's merit alone.

A target that is not met stays ``xfail(strict=True)`` with the measured reason:
if it starts passing, the strict xfail fails and this file (and
docs/QUALITY.md) must be updated.
"""

from __future__ import annotations

from typing import Any

import pytest

from evidencewatch.evaluation import report as ev
from evidencewatch.jobs.evaluate import evaluate_job


@pytest.fixture(scope="module")
def report(watchlist):
    return evaluate_job(watchlist=watchlist).as_json()


def _pipeline(report: dict[str, Any]) -> dict[str, Any]:
    view = report["ranking"]["pipeline"]
    if "skipped" in view:
        pytest.skip(f"pipeline view skipped: {view['skipped']}")
    return view


def test_the_evaluation_covers_the_labelled_set_and_reports_its_run_time(report):
    # How long it takes is for docs/QUALITY.md to say (the machine is shared); not a test.
    assert report["records"] >= 150
    assert report["candidates"]["n"] >= 100
    assert report["seconds"] > 0


def test_matcher_queues_nearly_every_labelled_positive(report):
    assert report["candidates"]["matcher_recall"] >= 0.95, report["candidates"]["matcher_missed"]


def test_every_background_candidate_has_a_hand_label(report):
    background = report["background"]
    if "skipped" in background:
        pytest.skip(background["skipped"])
    assert background["records"] >= 3000
    assert background["candidates_without_hand_label"] == []


def test_pipeline_view_makes_every_record_a_unit_and_every_labelled_positive_relevant(report):
    view = _pipeline(report)
    protocol = report["ranking"]["protocol"]
    records = report["records"] + report["background"]["records"]
    assert view["units"] == view["queued"] + view["unqueued"]
    assert view["units"] + protocol["priors"] >= records  # at least one unit per record
    positives = report["candidates"]["labelled_positives"]
    positives += report["background"]["hand_labelled_positive"]
    # Relevant units are all labelled positives but the priors, queued or not.
    assert view["relevant"] == positives - protocol["prior_positive"]
    assert view["relevant_unqueued"] == len(view["missed_positives"])


def test_extraction_precision_of_therapy_class_meets_target(report):
    field = report["extraction"]["therapy_class"]
    assert field["precision"] >= ev.TARGETS["extraction.therapy_class"], field["errors"]


def test_extraction_precision_of_direction_meets_target(report):
    field = report["extraction"]["direction"]
    assert field["precision"] >= ev.TARGETS["extraction.direction"], field["errors"]


def test_learned_ranking_sorts_the_queue_far_better_than_random_order(report):
    queue = report["ranking"]["queue"]
    learned, random = queue["learned"], queue["random"]
    assert learned["wss_95"] >= random["wss_95"] + 0.2
    assert learned["tnr_95"] >= 0.5
    assert learned["atd"] < random["atd"]


def test_no_order_of_the_queue_alone_could_reach_the_ranking_targets(report):
    """Why the targets are judged on the pipeline view: over half the queue is relevant."""
    oracle = report["ranking"]["queue"]["oracle"]
    assert oracle["wss_95"] < ev.TARGETS["pipeline.learned.wss_95"]
    assert oracle["recall_25"] < ev.TARGETS["pipeline.learned.recall_25"]


def test_learned_ranking_wss_at_95_meets_target_on_the_pipeline_view(report):
    view = _pipeline(report)
    assert view["learned"]["wss_95"] >= ev.TARGETS["pipeline.learned.wss_95"], view["learned"]


def test_learned_ranking_recall_at_25_percent_meets_target_on_the_pipeline_view(report):
    view = _pipeline(report)
    assert view["learned"]["recall_25"] >= ev.TARGETS["pipeline.learned.recall_25"], view["learned"]


def test_pipeline_view_reports_how_much_the_matcher_alone_achieves(report):
    """The matcher's filtering with a random queue order is reported beside the learned order,
    and the learned order still finds the relevant units sooner than it."""
    view = _pipeline(report)
    matcher_only, learned = view["queue_random"], view["learned"]
    assert matcher_only["wss_95"] <= learned["wss_95"]
    assert learned["atd"] < matcher_only["atd"]
    assert view["random"]["wss_95"] < 0.1


def test_gene_mention_precision_on_the_real_background_meets_target(report):
    mentions = report["gene_mentions"]
    if "skipped" in mentions:
        pytest.skip(mentions["skipped"])
    assert mentions["precision"] >= ev.TARGETS["gene_mention_precision"], mentions


def test_on_the_open_set_the_learned_order_never_falls_below_the_rule_score_in_the_replay(report):
    """Issue #10's replay target is judged on the sealed set; on the open set it holds too."""
    summary = report["replay"]["summary"]
    assert summary["learned_minus_rule_ap_min"] >= ev.TARGETS["replay.learned_minus_rule_ap"]
    for point in report["replay"]["same_decisions"]:
        assert point["learned"] >= point["rule_only"], point


def test_no_two_labelled_candidates_share_a_rule_score_unless_their_evidence_is_the_same(report):
    ties = report["rule_scores"]
    assert ties["tied_different_evidence"] == 0, ties
    assert ties["distinct_share"] >= ev.TARGETS["rule_score.distinct"]
