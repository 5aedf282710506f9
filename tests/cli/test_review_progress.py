"""`evidencewatch review progress [--json] [--recall-target]`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from evidencewatch.cli.main import cli
from factories import make_candidate

T0 = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def run(db_url_engine, monkeypatch):
    url = db_url_engine[0]
    for name in ("EVIDENCEWATCH_CONFIG", "EVIDENCEWATCH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return lambda *args: CliRunner().invoke(cli, ["--db", url, *args])


@pytest.fixture
def screened(session):
    for n in range(40):
        status = "accepted" if n in (0, 1, 3) else "rejected"
        make_candidate(session, None, status=status, decided_at=T0 + timedelta(minutes=n))
    for _ in range(5):
        make_candidate(session, None)
    session.commit()


def test_progress_json_has_the_documented_keys_and_counts(run, screened):
    result = run("review", "progress", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["screened"], data["remaining"], data["relevant_found"]) == (40, 5, 3)
    assert {"estimated_relevant_remaining", "interval", "stop_recommended", "rule"} <= set(data)
    assert data["rule"]["recall_target"] == 0.95


def test_progress_text_names_the_rule_its_assumptions_and_the_recommendation(run, screened):
    result = run("review", "progress", "--recall-target", "0.8")
    assert result.exit_code == 0, result.output
    assert "screened: 40   remaining: 5   relevant found: 3" in result.output
    assert "stop at 80% recall: not yet (buscar p = " in result.output
    assert "buscar" in result.output and "assumes:" in result.output


def test_progress_refuses_a_recall_target_outside_0_1(run, screened):
    result = run("review", "progress", "--recall-target", "1.5")
    assert result.exit_code == 2 and "recall-target" in result.output
