"""Undo of a curator's own last decision or vote within undo_minutes (review.undo)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col

from evidencewatch.core.timeutil import utcnow
from evidencewatch.review import decisions, votes
from evidencewatch.review.detail import history
from evidencewatch.review.undo import UndoRefused, undo
from evidencewatch.storage.models import AuditEvent, Candidate
from evidencewatch.storage.votes import ReviewVote
from factories import make_candidate
from review.test_votes import cast


def fresh(session, cid):
    session.expire_all()
    return session.get(Candidate, cid)


def test_undo_puts_back_an_accept_field_by_field_and_audits_it(session):
    cand = make_candidate(session, None, "ESR1", status="deferred", decided_by="carol")
    cid = cand.id
    decisions.accept(
        session=session,
        candidate_id=cid,
        actor="alice",
        expected_version=1,
        edits={"statement": "S", "therapy_class": "chemotherapy"},
    )
    said = undo(session=session, candidate_id=cid, actor="alice", minutes=10)
    assert said == f"undid your accepted of #{cid}"
    back = fresh(session, cid)
    assert (back.status, back.statement, back.therapy_class, back.decided_by) == (
        "deferred",
        None,
        "endocrine",
        "carol",
    )
    assert (
        back.provenance.get("statement") is None and back.provenance["therapy_class"] == "machine"
    )
    assert back.version == 3
    last = history(session=session, candidate_id=cid)[-1]
    assert (last.action, last.actor, last.from_status, last.to_status) == (
        "undone",
        "alice",
        "accepted",
        "deferred",
    )


def test_only_the_deciders_own_latest_decision_within_the_window_can_be_undone(session):
    cid = make_candidate(session, None, "ESR1").id
    decisions.reject(
        session=session, candidate_id=cid, actor="alice", expected_version=1, reason="duplicate"
    )
    with pytest.raises(UndoRefused, match=r"alice's.*not yours"):
        undo(session=session, candidate_id=cid, actor="bob", minutes=10)
    session.execute(
        sa.update(AuditEvent)
        .where(col(AuditEvent.candidate_id) == cid)
        .values(at=utcnow() - timedelta(minutes=11))
    )
    with pytest.raises(UndoRefused, match="older than undo_minutes \\(10\\)"):
        undo(session=session, candidate_id=cid, actor="alice", minutes=10)
    assert fresh(session, cid).status == "rejected"


def test_undo_twice_is_refused_and_nothing_to_undo_says_so(session):
    cid = make_candidate(session, None, "ESR1").id
    with pytest.raises(UndoRefused, match="no decision or vote"):
        undo(session=session, candidate_id=cid, actor="alice", minutes=10)
    decisions.defer(session=session, candidate_id=cid, actor="alice", expected_version=1)
    undo(session=session, candidate_id=cid, actor="alice", minutes=10)
    with pytest.raises(UndoRefused):
        undo(session=session, candidate_id=cid, actor="alice", minutes=10)
    assert fresh(session, cid).status == "pending"


def test_undo_withdraws_a_waiting_vote_and_keeps_its_row(session):
    cid = make_candidate(session, None, "ESR1").id
    cast(session, cid, "alice", "accept")
    assert undo(session=session, candidate_id=cid, actor="alice", minutes=10).startswith(
        "withdrew your accept vote"
    )
    assert votes.active_votes(session=session, candidate_id=cid) == []
    [row] = session.exec(sa.select(ReviewVote)).scalars().all()
    assert row.withdrawn_at is not None
    cast(session, cid, "alice", "reject")  # may vote again


def test_undoing_the_second_agreeing_vote_undoes_the_decision_and_the_first_vote_stands(session):
    cid = make_candidate(session, None, "ESR1").id
    cast(session, cid, "alice", "reject")
    cast(session, cid, "bob", "reject")
    assert fresh(session, cid).status == "rejected"
    undo(session=session, candidate_id=cid, actor="bob", minutes=10)
    assert fresh(session, cid).status == "pending"
    assert [v.voter for v in votes.active_votes(session=session, candidate_id=cid)] == ["alice"]
