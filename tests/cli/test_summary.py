"""``evidencewatch summary``: the draft, --publish, --json, and ``summary override``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import Session

from evidencewatch.cli.main import cli
from evidencewatch.storage.db import init_db, make_engine
from factories import make_user
from summary_data import SLC7A5, accept, finding, seed, validate


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch, tmp_path: Path):
    for name in ("EVIDENCEWATCH_CONFIG", "EVIDENCEWATCH_DATABASE_URL", "USER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ew.db'}"
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as s:
        seed(s)
        accept(s, "SLC7A5")
        make_user(s, "erin", "editor")
        make_user(s, "carl", "curator")
        s.commit()
    engine.dispose()
    return url


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", url, "summary", *args])


def test_summary_writes_the_draft_in_every_format(url, tmp_path: Path):
    result = run(url, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["summary-draft.html", "summary-draft.json", "summary-draft.md"]
    assert "draft summary: 17 findings, 0 new rows; 1 status changes" in result.output
    validate(json.loads((tmp_path / "out" / "summary-draft.json").read_text(encoding="utf-8")))


def test_summary_publish_freezes_numbered_versions_and_says_what_changed(url, tmp_path: Path):
    out = str(tmp_path / "out")
    first = run(url, "--publish", "--note", "round 1", "--out", out, "--format", "json")
    assert first.exit_code == 0, first.output
    assert "summary version 1 published" in first.output
    assert "since the seed document" in first.output
    second = run(url, "--publish", "--out", out, "--format", "md")
    assert second.exit_code == 0, second.output
    assert "summary version 2 published" in second.output
    assert "0 status changes, 0 new studies, 0 integrity notices since version 1" in second.output
    assert sorted(p.name for p in Path(out).iterdir()) == ["summary-v1.json", "summary-v2.md"]


def test_summary_json_prints_a_document_that_follows_the_schema(url):
    result = run(url, "--json", "--out", "out")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    validate(document)
    assert finding(document, SLC7A5)["status"] == "supported"


def test_note_without_publish_is_a_usage_error(url):
    result = run(url, "--note", "x")
    assert result.exit_code == 2 and "--note goes with --publish" in result.output


def test_override_needs_an_editor_and_a_reason_and_shows_in_the_summary(url):
    refused = run(url, "override", SLC7A5, "contested", "--reason", "r", "--as", "carl")
    assert refused.exit_code == 2 and "needs an editor or an admin" in refused.output
    unknown = run(url, "override", "no-such-finding", "contested", "--reason", "r", "--as", "erin")
    assert unknown.exit_code == 4 and "no seed finding 'no-such-finding'" in unknown.output
    missing = run(url, "override", SLC7A5, "contested", "--as", "erin")
    assert missing.exit_code == 2 and "--reason" in missing.output
    done = run(
        url, "override", SLC7A5, "contested", "--reason", "protein, not mRNA", "--as", "erin"
    )
    assert done.exit_code == 0, done.output
    assert f"{SLC7A5}: status set to contested by erin (protein, not mRNA)" in done.output
    f = finding(json.loads(run(url, "--json", "--out", "out").stdout), SLC7A5)
    assert (f["status"], f["computed_status"]) == ("contested", "supported")
    assert f["override"]["reason"] == "protein, not mRNA"
    cleared = run(url, "override", SLC7A5, "computed", "--reason", "rules again", "--as", "erin")
    assert "back to the computed status" in cleared.output
    f = finding(json.loads(run(url, "--json", "--out", "out").stdout), SLC7A5)
    assert f["status"] == "supported" and f["override"] is None
