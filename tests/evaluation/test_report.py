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
