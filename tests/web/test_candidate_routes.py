"""The candidate page says how its paper was found (templates/web/_routes.html)."""

from __future__ import annotations

from evidencewatch.core.vocabulary import RouteKind
from evidencewatch.storage.routes import add_routes
from factories import make_candidate, make_paper
from web.webtools import sign_in

CITES = "cites PMID 38256136 (seed finding drug-metabolism-cyp3a4)"


def test_the_candidate_page_shows_every_route(client, session):
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
    sign_in(client, session)
    page = client.get(f"/candidates/{cand.id}").text
    assert "data-routes" in page
    assert page.index("found by the scan&#39;s query") < page.index(CITES)


def test_a_paper_without_routes_shows_none(client, session):
    cand = make_candidate(session, make_paper(session), "ESR1")
    session.commit()
    sign_in(client, session)
    assert "data-routes" not in client.get(f"/candidates/{cand.id}").text
