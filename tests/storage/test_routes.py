"""Routes: how each paper was found, shown wherever a candidate is (page, review show, exports)."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from evidencewatch.cli.main import cli
from evidencewatch.core.vocabulary import RouteKind
from evidencewatch.reporting import export as exporting
from evidencewatch.storage.routes import add_routes, route_texts
from factories import make_candidate, make_paper, make_user

CITES = "cites PMID 38256136 (seed finding drug-metabolism-cyp3a4)"


def _routed(session):
    paper = make_paper(session, pmid=51_000_001)
    cand = make_candidate(session, paper, "SLC7A5")
    add_routes(
        session=session,
        routes=[
            (paper.pmid, RouteKind.cites, 38256136, "seed finding drug-metabolism-cyp3a4"),
            (paper.pmid, RouteKind.query, 0, ""),
        ],
        scan_id=None,
    )
    session.commit()
    return paper, cand


def test_routes_are_recorded_once_and_listed_query_first(session):
    paper, _ = _routed(session)
    again = add_routes(session=session, routes=[(paper.pmid, RouteKind.query, 0, "")], scan_id=None)
    assert again == 0
    assert route_texts(session=session, pmids=[paper.pmid]) == {
        paper.pmid: ["found by the scan's query", CITES]
    }


def test_every_export_carries_the_routes(session):
    _routed(session)
    routes = exporting.all_routes(session=session)
    pairs = list(exporting.iter_candidates(session=session))
    rows = [exporting.candidate_row(c, p, routes.get(p.pmid)) for c, p in pairs]
    out = io.StringIO()
    exporting.write_jsonl(iter(rows), out)
    assert json.loads(out.getvalue())["routes"] == ["found by the scan's query", CITES]
    out = io.StringIO()
    exporting.write_csv(iter(rows), out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["routes"] == f"found by the scan's query; {CITES}"
    out = io.StringIO()
    exporting.write_ris(iter(pairs), out, routes)
    assert f"N1  - found: {CITES}\n" in out.getvalue()


def test_cli_export_and_review_show_name_the_route(settings, session):
    _paper, cand = _routed(session)
    make_user(session, "ann", role="editor")
    session.commit()
    runner = CliRunner()
    base = ["--db", settings.database_url]
    exported = runner.invoke(cli, [*base, "export", "--format", "jsonl"])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout.splitlines()[0])["routes"][1] == CITES
    shown = runner.invoke(cli, [*base, "review", "show", str(cand.id)])
    assert shown.exit_code == 0, shown.output
    assert f"  found: {CITES}" in shown.stdout
    data = json.loads(runner.invoke(cli, [*base, "review", "show", str(cand.id), "--json"]).stdout)
    assert data["routes"] == ["found by the scan's query", CITES]
