"""The evaluation job: the whole evaluation in a scratch database it removes afterwards."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest

from evaluation.small_sets import write_small_set
from evidencewatch.evaluation.sets import DEFAULT_SET, SEALED_RECORDS
from evidencewatch.jobs.evaluate import evaluate_job, sealed_evaluation_job


def _scratch_dirs() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("evidencewatch-eval-*"))


def test_the_evaluation_job_measures_the_set_in_a_scratch_database_it_removes(
    watchlist, tmp_path, monkeypatch
):
    # A temporary folder of this test's own: other pytest workers run evaluations at once.
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    before = _scratch_dirs()

    report = evaluate_job(watchlist=watchlist, background_dir=tmp_path / "no-background")

    data = report.as_json()
    assert data["set"] == str(DEFAULT_SET)
    assert data["candidates"]["n"] >= 100
    assert data["production_model"]["trained"] is True
    assert data["ranking"]["pipeline"]["skipped"] == data["background"]["skipped"]
    assert data["seconds"] > 0
    assert _scratch_dirs() == before  # the scratch database is gone


def test_the_sealed_evaluation_reads_records_xml_without_a_background_and_names_no_record(
    watchlist, tmp_path
):
    sealed = write_small_set(tmp_path / "sealed", n_records=30)
    (sealed / "labelled.xml").rename(sealed / SEALED_RECORDS)

    data = sealed_evaluation_job(watchlist=watchlist, sealed_dir=sealed).as_json()

    assert data["records"] == 30 and data["withheld"]
    assert data["background"]["skipped"].startswith("no background")
    assert data["candidates"]["matcher_missed"]["withheld"]
    assert all("withheld" in field["errors"] for field in data["extraction"].values())
    text = json.dumps(data)
    assert not re.search(r"980000\d\d", text)  # no PMID of the set anywhere in the report


def test_the_sealed_evaluation_says_what_is_missing(watchlist, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"records\.xml and labels\.tsv"):
        sealed_evaluation_job(watchlist=watchlist, sealed_dir=tmp_path)
