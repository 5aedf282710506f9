"""Dual review's votes: two different curators, blinded, agreement decides (review.votes)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from evidencewatch.core.errors import InvalidDecision, ReviewConflict
from evidencewatch.review import votes
from evidencewatch.review.decisions import DecisionNotAllowed
from evidencewatch.storage.models import AuditEvent
from evidencewatch.storage.votes import ReviewVote
from factories import make_candidate

STATEMENT = {"statement": "ESR1 Y537S cells resisted tamoxifen."}


def cast(session, cid, voter, decision, **kw):
    version = kw.pop("version", None)
    if version is None:
        session.expire_all()
        from evidencewatch.storage.models import Candidate

        version = session.get(Candidate, cid).version
    if decision == "accept":
        kw.setdefault("edits", STATEMENT)
    else:
        kw.setdefault("reason", "duplicate")
    return votes.vote(
        session=session,
        candidate_id=cid,
        voter=voter,
        decision=decision,
        expected_version=version,
        **kw,
    )


def test_one_vote_waits_and_changes_nothing_on_the_candidate(session):
    cand = make_candidate(session, None, "ESR1")
    outcome = cast(session, cand.id, "alice", "accept")
    assert outcome.state == votes.WAITING
    assert (outcome.candidate.status, outcome.candidate.version) == ("pending", 1)
    assert outcome.candidate.decided_by is None and outcome.candidate.statement is None


def test_two_accepts_take_effect_with_both_names_and_the_later_fields(session):
    cand = make_candidate(session, None, "ESR1")
    cast(session, cand.id, "alice", "accept", edits={"statement": "first", "evidence_level": "D"})
    outcome = cast(session, cand.id, "bob", "accept", edits={"statement": "second"})
    assert outcome.state == votes.AGREED
    c = outcome.candidate
    assert (c.status, c.decided_by, c.statement, c.evidence_level) == (
        "accepted",
        "alice, bob",
        "second",
        "D",
    )
    assert c.provenance["statement"] == "curator"


def test_two_rejects_with_different_reasons_agree_and_keep_both_reasons(session):
    cand = make_candidate(session, None, "ESR1")
    cast(session, cand.id, "alice", "reject", reason="duplicate")
    outcome = cast(session, cand.id, "bob", "reject", reason="not_breast_cancer", note="ovarian")
    assert outcome.state == votes.AGREED
    assert (outcome.candidate.status, outcome.candidate.reject_reason) == ("rejected", "duplicate")
    assert "alice duplicate, bob not_breast_cancer" in outcome.candidate.note
    assert "bob: ovarian" in outcome.candidate.note
    reasons = [v.reason for v in votes.active_votes(session=session, candidate_id=cand.id)]
    assert reasons == ["duplicate", "not_breast_cancer"]


def test_accept_against_reject_is_a_conflict_and_leaves_the_candidate_undecided(session):
    cand = make_candidate(session, None, "ESR1")
    cast(session, cand.id, "alice", "accept")
    outcome = cast(session, cand.id, "bob", "reject")
    assert outcome.state == votes.CONFLICT
    assert outcome.candidate.status == "pending"
    with pytest.raises(InvalidDecision, match="two votes that disagree"):
        cast(session, cand.id, "carol", "accept")


def test_the_same_curator_cannot_vote_twice(session):
    cand = make_candidate(session, None, "ESR1")
    cast(session, cand.id, "alice", "accept")
    with pytest.raises(votes.AlreadyVoted, match=r"alice.*already voted accept.*undo"):
        cast(session, cand.id, "alice", "reject")
    assert len(votes.active_votes(session=session, candidate_id=cand.id)) == 1


def test_a_vote_is_hidden_from_the_other_curator_until_both_voted(session):
    cand = make_candidate(session, None, "ESR1")
    cast(session, cand.id, "alice", "accept")
    standing = votes.active_votes(session=session, candidate_id=cand.id)
    assert [v.voter for v in votes.visible_votes(standing, "alice")] == ["alice"]
    assert votes.visible_votes(standing, "bob") == []
    assert votes.visible_votes(standing, None) == []
    cast(session, cand.id, "bob", "reject")
    standing = votes.active_votes(session=session, candidate_id=cand.id)
    assert [v.voter for v in votes.visible_votes(standing, "carol")] == ["alice", "bob"]


def test_a_vote_writes_no_audit_event_until_the_decision(session):
    """The history on the candidate page must not give a vote away before both are in."""
    cand = make_candidate(session, None, "ESR1")
    cast(session, cand.id, "alice", "reject")
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.candidate_id == cand.id))
    assert list(actions) == ["created"]


def test_a_vote_on_a_stale_version_or_a_decided_candidate_is_refused(session):
    cand = make_candidate(session, None, "ESR1")
    with pytest.raises(ReviewConflict):
        cast(session, cand.id, "alice", "accept", version=7)
    done = make_candidate(session, None, "ERBB2", status="accepted")
    with pytest.raises(DecisionNotAllowed, match="already accepted"):
        cast(session, done.id, "alice", "reject")


def test_an_accept_vote_needs_a_statement_and_a_reject_vote_a_reason(session):
    cand = make_candidate(session, None, "ESR1")
    with pytest.raises(InvalidDecision, match="statement"):
        cast(session, cand.id, "alice", "accept", edits={})
    with pytest.raises(InvalidDecision, match="reason"):
        cast(session, cand.id, "alice", "reject", reason="meh")
    assert session.exec(select(ReviewVote)).all() == []
