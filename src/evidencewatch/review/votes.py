"""Dual review: two curators vote on each candidate, blinded, and agreement decides it.

After Covidence's and Rayyan's defaults (docs/ and ../shared/research, section 3):

* each undecided candidate needs votes from two *different* curators; a curator
  who voted cannot vote again on it (undo the vote to change it);
* a vote is hidden from the other curator until both have voted
  (:func:`visible_votes`), and the queue hides what a curator has voted on;
* two accepts, or two rejects, take effect at once: the candidate is decided
  by both (``decided_by`` "alice, bob"). Two rejects with different reason
  codes agree too; both reasons stay on the votes and in the audit note;
* accept against reject is a conflict (:func:`conflicts`): the candidate stays
  undecided until an editor resolves it with a note (:mod:`.conflicts`).

Votes live in ``review_vote``; an undone vote is marked withdrawn, never deleted.
Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.core.vocabulary import UNDECIDED, Status, VoteDecision
from evidencewatch.review.decisions import (
    DecisionHook,
    DecisionNotAllowed,
    accept_values,
    apply_decision,
    describe_time,
    version_conflict,
)
from evidencewatch.review.detail import get_candidate
from evidencewatch.review.validation import NOTE_LIMIT, clean_text, reason_code, validate_edits
from evidencewatch.storage.models import Candidate
from evidencewatch.storage.votes import ReviewVote

WAITING, AGREED, CONFLICT = "waiting", "agreed", "conflict"


class AlreadyVoted(InvalidDecision):
    """This curator has voted on the candidate already: dual review needs a second person."""

    status = 409


@dataclass(frozen=True, slots=True)
class VoteOutcome:
    """A vote and what it did: ``waiting`` for a second vote, ``agreed`` (decided), ``conflict``."""

    candidate: Candidate
    vote: ReviewVote
    state: str


def active_votes(*, session: Session, candidate_id: int) -> list[ReviewVote]:
    """The candidate's votes that stand (not undone), first cast first."""
    return list(
        session.exec(
            select(ReviewVote)
            .where(ReviewVote.candidate_id == candidate_id, col(ReviewVote.withdrawn_at).is_(None))
            .order_by(col(ReviewVote.cast_at), col(ReviewVote.id))
        ).all()
    )


def visible_votes(votes: list[ReviewVote], viewer: str | None) -> list[ReviewVote]:
    """What ``viewer`` may see of ``votes``: all once two are in, else only their own."""
    if len(votes) >= 2:
        return votes
    return [v for v in votes if viewer is not None and v.voter == viewer]


def vote(
    *,
    session: Session,
    candidate_id: int,
    voter: str,
    decision: str,
    expected_version: int,
    edits: Mapping[str, Any] | None = None,
    reason: str | None = None,
    note: str | None = None,
    on_decided: DecisionHook | None = None,
) -> VoteOutcome:
    """Record ``voter``'s accept or reject; decide the candidate when two votes agree."""
    decision = _decision(decision)
    note = clean_text(note, "note", NOTE_LIMIT)
    candidate = _lock(session, candidate_id)
    if candidate.version != expected_version:
        raise version_conflict(session, candidate, expected_version)
    if candidate.status not in UNDECIDED:
        raise DecisionNotAllowed(
            f"candidate {candidate_id} is already {candidate.status}: votes are for undecided "
            "candidates; changing a decision needs an editor or an admin"
        )
    values: dict[str, Any] = {}
    if decision == VoteDecision.accept:
        values = validate_edits(edits or {})
        accept_values(session=session, candidate=candidate, values=values, note=note)  # checks
    else:
        reason = reason_code(reason)
    standing = active_votes(session=session, candidate_id=candidate_id)
    _check_may_vote(candidate_id, voter, standing)
    cast = ReviewVote(
        candidate_id=candidate_id,
        voter=voter,
        decision=decision.value,
        reason=reason if decision == VoteDecision.reject else None,
        note=note,
        edits=_jsonable(values),
        candidate_version=candidate.version,
    )
    session.add(cast)
    session.flush()
    if not standing:
        return VoteOutcome(candidate, cast, WAITING)
    first = standing[0]
    if first.decision != cast.decision:
        return VoteOutcome(candidate, cast, CONFLICT)
    decided = _take_effect(session, candidate, [first, cast], on_decided)
    return VoteOutcome(decided, cast, AGREED)


def _decision(value: str) -> VoteDecision:
    try:
        return VoteDecision(value)
    except ValueError:
        choices = ", ".join(d.value for d in VoteDecision)
        raise InvalidDecision(f"decision: {value!r} is not one of {choices}") from None


def _lock(session: Session, candidate_id: int) -> Candidate:
    """The candidate, its row locked (PostgreSQL) so that two third votes cannot both land."""
    get_candidate(session=session, candidate_id=candidate_id)  # NotFound names the id
    locked = session.exec(
        select(Candidate)
        .where(Candidate.id == candidate_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return locked


def _check_may_vote(candidate_id: int, voter: str, standing: list[ReviewVote]) -> None:
    mine = [v for v in standing if v.voter == voter]
    if mine:
        raise AlreadyVoted(
            f"you ({voter}) already voted {mine[0].decision} on candidate {candidate_id} at "
            f"{describe_time(mine[0].cast_at)}; dual review needs a second curator. Undo your "
            f"vote (evidencewatch review undo {candidate_id}) to change it"
        )
    if len(standing) >= 2:
        raise InvalidDecision(
            f"candidate {candidate_id} already has two votes that disagree: an editor "
            "resolves it in the conflict queue"
        )


def _take_effect(
    session: Session,
    candidate: Candidate,
    pair: list[ReviewVote],
    on_decided: DecisionHook | None,
) -> Candidate:
    """Decide the candidate as both votes say; the later vote's fields win where both set one."""
    actor = ", ".join(v.voter for v in pair)
    note = _joint_note(pair)
    if pair[0].decision == VoteDecision.accept:
        values = validate_edits({**(pair[0].edits or {}), **(pair[1].edits or {})})
        values = accept_values(session=session, candidate=candidate, values=values, note=note)
        status = Status.accepted
    else:
        values = {"reject_reason": pair[0].reason, "note": note}
        status = Status.rejected
    return apply_decision(
        session=session,
        candidate=candidate,
        actor=actor,
        to_status=status,
        values=values,
        on_decided=on_decided,
    )


def _joint_note(pair: list[ReviewVote]) -> str | None:
    """Both votes in one note: their reasons when they differ, and what each curator wrote."""
    parts = []
    if pair[0].reason != pair[1].reason:
        parts.append("reasons: " + ", ".join(f"{v.voter} {v.reason}" for v in pair))
    parts += [f"{v.voter}: {v.note}" for v in pair if v.note]
    text = "; ".join(parts)
    return (text if len(text) <= NOTE_LIMIT else text[: NOTE_LIMIT - 1] + "…") or None


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in values.items()}
