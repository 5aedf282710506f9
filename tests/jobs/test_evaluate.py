"""The evaluation job: the whole evaluation in a scratch database it removes afterwards."""

from __future__ import annotations

import tempfile
from pathlib import Path

from evidencewatch.evaluation.sets import DEFAULT_SET
from evidencewatch.jobs.evaluate import evaluate_job


def _scratch_dirs() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("evidencewatch-eval-*"))


def test_the_evaluation_job_measures_the_set_in_a_scratch_database_it_removes(watchlist, tmp_path):
    before = _scratch_dirs()

    report = evaluate_job(watchlist=watchlist, background_dir=tmp_path / "no-background")

    data = report.as_json()
    assert data["set"] == str(DEFAULT_SET)
    assert data["candidates"]["n"] >= 100
    assert data["production_model"]["trained"] is True
    assert data["ranking"]["pipeline"]["skipped"] == data["background"]["skipped"]
    assert data["seconds"] > 0
    assert _scratch_dirs() == before  # the scratch database is gone
