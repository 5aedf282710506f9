"""`evidencewatch review list --search TEXT`: full-text hits, best match first, with the filters."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from evidencewatch.cli.main import cli
from factories import make_candidate, make_paper


@pytest.fixture
def run(db_url_engine, monkeypatch):
    url = db_url_engine[0]
    for name in ("EVIDENCEWATCH_CONFIG", "EVIDENCEWATCH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return lambda *args: CliRunner().invoke(cli, ["--db", url, *args])


@pytest.fixture
def papers(session):
    title = make_candidate(session, make_paper(session, title="Elacestrant after CDK4/6"), score=1)
    noted = make_candidate(session, None, score=9, note="check elacestrant dose")
    decided = make_candidate(
        session, make_paper(session, title="Elacestrant trial"), status="accepted"
    )
    make_candidate(session, make_paper(session, title="Nothing to see"), score=50)
    session.commit()
    return title.id, noted.id, decided.id


def test_list_search_prints_the_hits_best_match_first(run, papers):
    result = run("review", "list", "--search", "elacestrant")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2 pending candidates, showing 2"
    # the title hit outranks the note hit although its score is lower
    assert lines[1].split()[0] == str(papers[0]) and lines[2].split()[0] == str(papers[1])


def test_list_search_json_honours_the_status_filter(run, papers):
    rows = json.loads(run("review", "list", "--search", "elacestrant", "--status", "all",
                          "--json").output)  # fmt: skip
    assert [r["id"] for r in rows] == [papers[2], papers[0], papers[1]]  # titles, then the note
    accepted = run("review", "list", "--search", "elacestrant", "--status", "accepted", "--json")
    assert [r["id"] for r in json.loads(accepted.output)] == [papers[2]]


def test_list_search_with_hostile_text_lists_nothing_and_exits_0(run, papers):
    result = run("review", "list", "--search", '") OR 1=1; --', "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []
