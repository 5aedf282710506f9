"""The conflict queue of dual review and its resolution by an editor (review.conflicts)."""

from __future__ import annotations

import pytest

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.review import conflicts
from evidencewatch.review.decisions import DecisionNotAllowed
from evidencewatch.review.detail import history
from factories import make_candidate
from review.test_votes import cast


@pytest.fixture
def conflicted(session) -> int:
    cid = make_candidate(session, None, "ESR1").id
    cast(session, cid, "alice", "accept", edits={"statement": "alice's statement"})
    cast(session, cid, "bob", "reject", reason="not_breast_cancer")
    return cid


def test_a_conflict_is_listed_with_both_votes(session, conflicted):
    agreed = make_candidate(session, None, "ERBB2").id
    cast(session, agreed, "alice", "reject")
    cast(session, agreed, "bob", "reject")
    [item] = conflicts.conflicts(session=session)
    data = item.as_json()
    assert data["id"] == conflicted
    assert [(v["voter"], v["decision"]) for v in data["votes"]] == [
        ("alice", "accept"),
        ("bob", "reject"),
    ]
    assert conflicts.count_conflicts(session=session) == 1


def test_an_editor_resolves_with_a_note_that_the_audit_trail_keeps(session, conflicted):
    cand = conflicts.resolve(
        session=session,
        candidate_id=conflicted,
        actor="erin",
        role="editor",
        decision="accept",
        note="the cohort is ER-positive breast cancer",
    )
    assert (cand.status, cand.decided_by, cand.statement) == (
        "accepted",
        "erin",
        "alice's statement",
    )
    last = history(session=session, candidate_id=conflicted)[-1]
    assert (last.actor, last.to_status) == ("erin", "accepted")
    assert last.note == "conflict resolved: the cohort is ER-positive breast cancer"
    assert conflicts.conflicts(session=session) == []


def test_a_reject_resolution_takes_the_rejecting_vote_reason_unless_given(session, conflicted):
    cand = conflicts.resolve(
        session=session,
        candidate_id=conflicted,
        actor="erin",
        role="admin",
        decision="reject",
        note="agree with bob",
    )
    assert (cand.status, cand.reject_reason) == ("rejected", "not_breast_cancer")


def test_a_curator_cannot_resolve_and_a_note_is_required(session, conflicted):
    with pytest.raises(DecisionNotAllowed, match="editor"):
        conflicts.resolve(
            session=session,
            candidate_id=conflicted,
            actor="carol",
            role="curator",
            decision="accept",
            note="x",
        )
    with pytest.raises(InvalidDecision, match="note"):
        conflicts.resolve(
            session=session,
            candidate_id=conflicted,
            actor="erin",
            role="editor",
            decision="accept",
            note="  ",
        )


def test_resolving_a_candidate_that_is_not_in_conflict_says_so(session):
    cid = make_candidate(session, None, "ESR1").id
    cast(session, cid, "alice", "accept")
    with pytest.raises(InvalidDecision, match=r"not in conflict.*1 standing vote"):
        conflicts.resolve(
            session=session,
            candidate_id=cid,
            actor="erin",
            role="editor",
            decision="accept",
            note="x",
        )
