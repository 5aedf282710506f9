"""Undo: a curator takes back their own last decision or vote, for ``undo_minutes``.

No editor rights are needed, because nothing anyone else did is touched:

* a decision can be undone while it is the latest change to the candidate
  (no one has changed it since). The candidate goes back to its status and
  field values before, from the decision's audit event, and one more audit
  event (``undone``) says who took back what. The decision's own event stays;
* a dual-review vote is marked withdrawn (the row stays). If it was the
  second of two agreeing votes, the decision they made is undone as above,
  and the other curator's vote stands, waiting for a new second vote.

After ``undo_minutes`` a decision is changed the usual way: by an editor.
Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.core.timeutil import as_utc, utcnow
from evidencewatch.core.vocabulary import UNDECIDED, Status
from evidencewatch.review.decisions import describe_time, version_conflict
from evidencewatch.review.detail import get_candidate
from evidencewatch.storage.models import AuditEvent, Candidate
from evidencewatch.storage.votes import ReviewVote

UNDOABLE = (Status.accepted.value, Status.rejected.value, Status.deferred.value)
UNDONE = "undone"


class UndoRefused(InvalidDecision):
    """Nothing of this curator's can be undone on the candidate now; says why."""

    status = 409


def undo(*, session: Session, candidate_id: int, actor: str, minutes: int) -> str:
    """Take back ``actor``'s last decision or vote on the candidate; returns what was undone."""
    candidate = get_candidate(session=session, candidate_id=candidate_id, fresh=True)
    now = utcnow()
    event, vote = _plan(session, candidate, actor, now, timedelta(minutes=minutes))
    if event is not None:
        _revert(session, candidate, event, actor, now)
    if vote is not None:
        vote.withdrawn_at = now
        session.add(vote)
        session.flush()
    if event is not None and vote is not None:
        return f"undid your vote and the {event.action} it completed on #{candidate_id}"
    if event is not None:
        return f"undid your {event.action} of #{candidate_id}"
    assert vote is not None
    return f"withdrew your {vote.decision} vote on #{candidate_id}"


def undoable(*, session: Session, candidate_id: int, actor: str, minutes: int) -> bool:
    """Whether :func:`undo` would take something back now (for showing an undo button)."""
    candidate = get_candidate(session=session, candidate_id=candidate_id)
    try:
        _plan(session, candidate, actor, utcnow(), timedelta(minutes=minutes))
    except UndoRefused:
        return False
    return True


def _plan(
    session: Session, candidate: Candidate, actor: str, now: datetime, window: timedelta
) -> tuple[AuditEvent | None, ReviewVote | None]:
    """(the decision event to revert, the vote to withdraw); UndoRefused says why neither."""
    cid = candidate.id
    last = _last_event(session, cid)  # type: ignore[arg-type]
    vote = _standing_vote(session, cid, actor)  # type: ignore[arg-type]
    if last is not None and last.action in UNDOABLE and actor in _actors(last.actor):
        _check_window(last.at, now, window, f"your {last.action} of #{cid}")
        # A decision two agreeing votes made: the actor's vote goes with it.
        return last, (vote if vote is not None and "," in last.actor else None)
    if vote is not None and candidate.status in UNDECIDED:
        _check_window(vote.cast_at, now, window, f"your {vote.decision} vote on #{cid}")
        return None, vote
    raise UndoRefused(_why_not(candidate, last, actor))


def _actors(actor: str) -> list[str]:
    return [a.strip() for a in actor.split(",")]


def _last_event(session: Session, candidate_id: int) -> AuditEvent | None:
    return session.exec(
        select(AuditEvent)
        .where(AuditEvent.candidate_id == candidate_id)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    ).first()


def _standing_vote(session: Session, candidate_id: int, actor: str) -> ReviewVote | None:
    return session.exec(
        select(ReviewVote).where(
            ReviewVote.candidate_id == candidate_id,
            ReviewVote.voter == actor,
            col(ReviewVote.withdrawn_at).is_(None),
        )
    ).first()


def _check_window(at: datetime, now: datetime, window: timedelta, what: str) -> None:
    if now - as_utc(at) > window:
        minutes = int(window.total_seconds() // 60)
        raise UndoRefused(
            f"{what} at {describe_time(at)} is older than undo_minutes ({minutes}); "
            "an editor can change it now"
        )


def _revert(
    session: Session, candidate: Candidate, event: AuditEvent, actor: str, now: datetime
) -> None:
    """Put back the candidate as it was before ``event``, and audit the undo."""
    changes = dict(event.changes or {})
    before: dict[str, Any] = {
        name: pair[0]
        for name, pair in changes.items()
        if name not in ("decided_by", "decided_at") and isinstance(pair, list) and len(pair) == 2
    }
    by = changes.get("decided_by")
    at = changes.get("decided_at")
    before["decided_by"] = by[0] if isinstance(by, list) else None
    before["decided_at"] = datetime.fromisoformat(at[0]) if isinstance(at, list) and at[0] else None
    status = event.from_status or Status.pending.value
    result = session.execute(
        sa.update(Candidate)
        .where(col(Candidate.id) == candidate.id, col(Candidate.version) == candidate.version)
        .values(**before, status=status, updated_at=now, version=col(Candidate.version) + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise version_conflict(session, candidate, candidate.version)
    session.add(
        AuditEvent(
            candidate_id=candidate.id,  # type: ignore[arg-type]
            at=now,
            actor=actor,
            action=UNDONE,
            from_status=candidate.status,
            to_status=status,
            changes={
                name: [pair[1], pair[0]]
                for name, pair in changes.items()
                if isinstance(pair, list) and len(pair) == 2
            },
            note=f"undid the {event.action} of {describe_time(event.at)}",
        )
    )
    session.flush()
    session.refresh(candidate)


def _why_not(candidate: Candidate, last: AuditEvent | None, actor: str) -> str:
    cid = candidate.id
    if last is not None and last.action in UNDOABLE and actor not in _actors(last.actor):
        return (
            f"the last decision on #{cid} is {last.actor}'s ({last.action} at "
            f"{describe_time(last.at)}), not yours: only your own last decision can be undone"
        )
    if last is not None and last.action not in ("created", UNDONE, "rescored"):
        return (
            f"#{cid} was changed after your decision ({last.actor} {last.action} at "
            f"{describe_time(last.at)}); an editor can change it"
        )
    return f"you ({actor}) have no decision or vote on #{cid} to undo"
