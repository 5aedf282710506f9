"""The report: targets (skipped with the reason when their section is), JSON without NaN, and
a whole run in the session it is given, never committed."""

from __future__ import annotations

from sqlmodel import Session, select

from evidencewatch.evaluation import report as ev
from evidencewatch.evaluation.replay import ranking_views
from evidencewatch.evaluation.sets import load_background_set
from evidencewatch.storage.models import Candidate, Paper, RankModel


def test_pipeline_targets_are_skipped_with_the_reason_without_a_background(tmp_path, toy_pool):
    background = load_background_set(tmp_path, tmp_path / "no-such-corpus")
    views = ranking_views(toy_pool, None, skipped=background.skipped, every=5)

    targets = ev.EvalReport({"ranking": views}).targets()

    wss = targets["pipeline.learned.wss_95"]
    assert wss["value"] is None and not wss["met"]
    assert wss["skipped"] == background.skipped
    assert set(targets) == set(ev.TARGETS)


def test_json_has_no_nan_and_rounds_floats():
    data = ev.EvalReport({"a": float("nan"), "b": [1 / 3, {"c": 2}], "d": "x"}).as_json()
    assert data == {"a": None, "b": [0.3333, {"c": 2}], "d": "x"}


def test_evaluate_runs_the_whole_set_in_the_given_session_and_commits_nothing(
    engine, session, small_set, watchlist, tmp_path
):
    report = ev.evaluate(
        session=session, watchlist=watchlist, eval_dir=small_set, background_dir=tmp_path / "none"
    )

    data = report.as_json()
    assert data["records"] == 60 and data["candidates"]["n"] > 0
    assert "skipped" in data["background"] and "skipped" in data["ranking"]["pipeline"]
    assert data["production_model"]["trained"] is True
    assert set(data["targets"]) == set(ev.TARGETS)
    assert session.exec(select(Candidate)).first() is not None  # written in this session
    session.rollback()
    with Session(engine) as other:
        for table in (Paper, Candidate, RankModel):
            assert other.exec(select(table)).first() is None


def test_withholding_keeps_aggregate_figures_and_drops_everything_that_names_a_record():
    data = {
        "candidates": {"n": 3, "matcher_missed": ["97000001/LYN"]},
        "extraction": {"direction": {"precision": 0.5, "errors": ["97000002/LYN: up"]}},
        "ranking": {"queue": {"background_positions": {"learned": ["1:97000003/LYN"]}}},
        "production_model": {"c": 2.0, "top_features": {"positive": [["tamoxifen", 0.3]]}},
    }

    out = ev.withhold_records(data)

    assert out["candidates"] == {"n": 3, "matcher_missed": {"withheld": ev.SEALED_NOTE, "count": 1}}
    assert out["extraction"]["direction"]["precision"] == 0.5
    assert "97000" not in repr(out) and "tamoxifen" not in repr(out)
    assert out["production_model"]["c"] == 2.0


def test_the_report_carries_the_replay_the_labelled_view_and_the_rule_score_ties(
    session, small_set, watchlist, tmp_path
):
    data = ev.evaluate(
        session=session, watchlist=watchlist, eval_dir=small_set, background_dir=None
    ).as_json()

    assert set(data["replay"]) == {"protocol", "curators", "same_decisions", "summary"}
    assert data["replay"]["protocol"]["units"] == data["candidates"]["n"]
    assert "tnr_95" in data["ranking"]["labelled"]["learned"]
    assert data["rule_scores"]["candidates"] == data["candidates"]["n"]
    assert data["targets"]["rule_score.distinct"]["value"] == data["rule_scores"]["distinct_share"]
    session.rollback()
