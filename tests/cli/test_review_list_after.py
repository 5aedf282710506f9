"""``review list --after``: the next page after a cursor, the same rows as one long list;
a malformed cursor is a clear error with exit code 2."""

from __future__ import annotations

import json

from click.testing import CliRunner

from evidencewatch.cli.main import cli
from factories import make_candidate


def _run(url: str, *args: str):
    return CliRunner().invoke(cli, ["--db", url, *args])


def test_list_after_walks_the_queue_in_its_order(db_url_engine, session, monkeypatch):
    monkeypatch.delenv("EVIDENCEWATCH_DATABASE_URL", raising=False)
    for n in range(23):
        make_candidate(session, None, "ESR1", score=float(n % 4))
    session.commit()
    url = db_url_engine[0]
    everything = json.loads(_run(url, "review", "list", "--json", "--limit", "500").stdout)
    walked, after = [], []
    while True:
        result = _run(url, "review", "list", "--json", "--limit", "5", *after)
        assert result.exit_code == 0, result.output
        walked += json.loads(result.stdout)  # stdout stays one JSON array
        if "next page: --after " not in result.stderr:
            break
        after = ["--after", result.stderr.split("--after ")[1].strip()]
    assert [r["id"] for r in walked] == [r["id"] for r in everything] and len(walked) == 23
    table = _run(url, "review", "list", "--limit", "20")
    assert table.stdout.splitlines()[-1].startswith("next page: --after ")
    token = table.stdout.splitlines()[-1].split("--after ")[1]
    rest = _run(url, "review", "list", "--after", token)
    assert rest.exit_code == 0 and len(rest.stdout.splitlines()) == 1 + 3  # header + 3 rows


def test_list_refuses_a_malformed_cursor_and_a_cursor_with_search(db_url_engine, monkeypatch):
    monkeypatch.delenv("EVIDENCEWATCH_DATABASE_URL", raising=False)
    url = db_url_engine[0]
    bad = _run(url, "review", "list", "--after", "not-a-cursor")
    assert bad.exit_code == 2 and "--after" in bad.stderr and "not a queue position" in bad.stderr
    both = _run(url, "review", "list", "--after", "x", "--search", "ESR1")
    assert both.exit_code == 2 and "--after" in both.stderr
