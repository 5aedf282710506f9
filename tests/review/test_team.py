"""One way in for decisions in either review mode (review.team)."""

from __future__ import annotations

from evidencewatch.review import team, votes
from factories import make_candidate
from review.test_votes import cast


def test_single_mode_decides_and_dual_mode_votes(session):
    a = make_candidate(session, None, "ESR1").id
    b = make_candidate(session, None, "ERBB2").id
    single = team.reject(
        session=session, mode="single", candidate_id=a, actor="alice", expected_version=1,
        reason="duplicate",
    )  # fmt: skip
    dual = team.reject(
        session=session, mode="dual", candidate_id=b, actor="alice", expected_version=1,
        reason="duplicate",
    )  # fmt: skip
    assert (single.state, single.candidate.status, single.is_vote) == ("decided", "rejected", False)
    assert (dual.state, dual.candidate.status, dual.is_vote) == (votes.WAITING, "pending", True)
    assert "needs a second curator" in dual.describe("alice")


def test_dual_mode_on_a_decided_candidate_is_an_editors_single_decision(session):
    cid = make_candidate(session, None, "ESR1", status="rejected", decided_by="bob").id
    outcome = team.accept(
        session=session, mode="dual", candidate_id=cid, actor="erin", expected_version=1,
        edits={"statement": "s"}, role="editor",
    )  # fmt: skip
    assert (outcome.state, outcome.candidate.status) == ("decided", "accepted")


def test_dual_bulk_reject_votes_and_skips_what_the_curator_voted_on(session):
    voted = make_candidate(session, None, "ESR1").id
    fresh = make_candidate(session, None, "ERBB2").id
    cast(session, voted, "alice", "accept")
    done, skipped = team.bulk_reject(
        session=session, mode="dual", ids=[voted, fresh], actor="alice", reason="duplicate"
    )
    assert (done, skipped) == ([fresh], [voted])
    assert [v.decision for v in votes.active_votes(session=session, candidate_id=fresh)] == [
        "reject"
    ]
