"""Team review through the web app (web.routes.team and the queue/candidate pages): the queue
one row per paper, whole-paper decisions, dual review's blinded votes and conflicts, agreement,
undo."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from evidencewatch.web.app import create_app
from factories import make_candidate, make_paper
from web.webtools import TestClient, form_page, sign_in, status_of, token


@pytest.fixture
def dual_app(settings, engine, fast_password_hashing):
    return create_app(settings.with_overrides(review_mode="dual"), engine=engine)


@pytest.fixture
def clients(dual_app) -> Iterator[dict[str, TestClient]]:
    """Three browsers on one dual-review app (each signs in as someone else)."""
    with TestClient(dual_app) as a, TestClient(dual_app) as b, TestClient(dual_app) as e:
        yield {"alice": a, "bob": b, "erin": e}


@pytest.fixture
def paper_of_two(session):
    paper = make_paper(session, title="ESR1 and ERBB2 together")
    a = make_candidate(session, paper, "ESR1", score=3).id
    b = make_candidate(session, paper, "ERBB2", score=1).id
    make_candidate(session, make_paper(session, title="Lone TOP2A"), "TOP2A", score=2)
    session.commit()
    return paper.pmid, a, b


def test_the_queue_shows_one_row_per_paper_with_gene_chips_by_default(
    client, session, paper_of_two
):
    _pmid, a, b = paper_of_two
    sign_in(client, session)
    page = client.get("/queue").text
    assert "2 papers · 3 candidates" in page
    rows = re.findall(r'<tr class="queue-row" data-href="/candidates/(\d+)"', page)
    assert rows == [str(a), rows[1]] and len(rows) == 2  # the paper of ESR1 (3.0) first
    chips = re.findall(r'class="chip gene-chip" href="/candidates/(\d+)"', page)
    assert chips[:2] == [str(a), str(b)]
    flat = client.get("/queue?view=candidates").text
    assert len(re.findall(r'<tr class="queue-row"', flat)) == 3
    assert "one row per paper</a>" in flat and 'name="view" value="candidates"' in flat


def test_ticking_a_paper_rejects_all_its_undecided_genes(client, session, paper_of_two):
    pmid, a, b = paper_of_two
    sign_in(client, session)
    r = client.post(
        "/queue/bulk-reject",
        data={"csrf_token": token(client, "/queue"), "papers": [str(pmid)], "reason": "duplicate"},
    )
    assert "Rejected 2 candidates." in r.text
    assert status_of(session, a)[0] == status_of(session, b)[0] == "rejected"


def test_the_candidate_page_accepts_the_whole_paper_and_links_its_siblings(
    client, session, paper_of_two
):
    pmid, a, b = paper_of_two
    sign_in(client, session)
    csrf, page = form_page(client, a)
    assert f'href="/candidates/{b}">ERBB2</a>' in page
    assert "Decide the whole paper: ESR1, ERBB2" in page
    r = client.post(
        f"/papers/{pmid}/accept",
        data={"csrf_token": csrf, "statement": "Both went with resistance.", "return_to": "/queue"},
    )
    assert r.url.path == "/queue" and f"Accepted ESR1, ERBB2 of PMID {pmid}." in r.text
    assert status_of(session, a)[0] == status_of(session, b)[0] == "accepted"
    again = client.post(f"/papers/{pmid}/reject", data={"csrf_token": csrf, "reason": "duplicate"})
    assert "Not saved" in again.text and "no gene left" in again.text
    assert status_of(session, a)[0] == "accepted"


def vote(client, cid, verb, **data):
    csrf, _ = form_page(client, cid)
    return client.post(
        f"/candidates/{cid}/{verb}", data={"csrf_token": csrf, "version": "1", **data}
    )


def test_dual_votes_stay_hidden_until_both_are_in_then_a_conflict_goes_to_an_editor(
    clients, session, paper_of_two
):
    _pmid, cid, _b = paper_of_two
    for name, role in (("alice", "curator"), ("bob", "curator"), ("erin", "editor")):
        sign_in(clients[name], session, name, role)
    alice, bob, erin = clients["alice"], clients["bob"], clients["erin"]
    r = vote(alice, cid, "accept", statement="alice says resistance")
    assert "needs a second curator" in r.text
    assert f'data-id="{cid}"' not in alice.get("/queue").text  # hidden from alice's queue
    assert f'data-id="{cid}"' in bob.get("/queue").text
    bobs_view = bob.get(f"/candidates/{cid}").text
    assert "alice says resistance" not in bobs_view and "vote-row" not in bobs_view
    assert "You voted <strong>accept</strong>" in alice.get(f"/candidates/{cid}").text
    r = vote(bob, cid, "reject", reason="not_breast_cancer")
    assert "goes to an editor" in r.text
    assert status_of(session, cid)[0] == "pending"
    assert f'data-id="{cid}"' not in erin.get("/queue").text  # not a third vote
    listed = erin.get("/conflicts").text
    assert f'data-id="{cid}"' in listed and "alice says resistance" in listed
    curator_view = alice.get("/conflicts").text
    assert "needs an editor or an admin" in curator_view
    csrf = token(erin, "/conflicts")
    r = erin.post(
        f"/conflicts/{cid}/resolve",
        data={"csrf_token": csrf, "decision": "accept", "note": "ER+ breast cohort"},
    )
    assert "Resolved #" in r.text and "No conflicts." in r.text
    assert status_of(session, cid)[0] == "accepted"
    history = erin.get(f"/candidates/{cid}").text
    assert "conflict resolved: ER+ breast cohort" in history
    assert history.count('class="vote-row"') == 2  # both votes, now that both are in
    assert "only 1 shared decision" in erin.get("/agreement").text


def test_a_curator_resolving_a_conflict_is_refused(clients, session, paper_of_two):
    _pmid, cid, _b = paper_of_two
    sign_in(clients["alice"], session, "alice")
    r = clients["alice"].post(
        f"/conflicts/{cid}/resolve",
        data={"csrf_token": token(clients["alice"], "/queue"), "decision": "accept", "note": "n"},
    )
    assert "Not resolved" in r.text and "needs an editor" in r.text


def test_undo_after_a_decision_puts_the_candidate_back(client, session, paper_of_two):
    _pmid, cid, _b = paper_of_two
    sign_in(client, session)
    r = vote(client, cid, "reject", reason="duplicate")
    assert f'action="/candidates/{cid}/undo"' in r.text  # offered on the next page
    assert status_of(session, cid)[0] == "rejected"
    r = client.post(f"/candidates/{cid}/undo", data={"csrf_token": token(client, "/queue")})
    assert r.url.path == f"/candidates/{cid}" and f"Undid your rejected of #{cid}" in r.text
    assert status_of(session, cid) == ("pending", 3)
    again = client.post(f"/candidates/{cid}/undo", data={"csrf_token": token(client, "/queue")})
    assert "Not undone" in again.text
