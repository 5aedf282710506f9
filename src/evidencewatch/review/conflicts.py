"""The conflict queue of dual review: accept against reject, resolved by an editor with a note.

A conflict is derived, never stored: an undecided candidate whose two standing
votes disagree. It leaves the queue when an editor resolves it (the candidate
is decided; the audit event names the editor and carries the note) or when one
of the two curators undoes their vote. The votes stay as they were, so
resolving a conflict never changes the recorded agreement (:mod:`.agreement`).

Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.core.vocabulary import UNDECIDED, Role, Status, VoteDecision
from evidencewatch.review.decisions import (
    DecisionHook,
    DecisionNotAllowed,
    accept_values,
    apply_decision,
    version_conflict,
)
from evidencewatch.review.detail import get_candidate
from evidencewatch.review.queue import QUEUE_ORDER
from evidencewatch.review.validation import NOTE_LIMIT, clean_text, reason_code, validate_edits
from evidencewatch.review.votes import active_votes
from evidencewatch.storage.models import Candidate, Paper
from evidencewatch.storage.votes import ReviewVote

EDITOR_ROLES = (Role.editor.value, Role.admin.value)


@dataclass(frozen=True, slots=True)
class Conflict:
    candidate: Candidate
    paper_title: str
    votes: list[ReviewVote]

    def as_json(self) -> dict[str, Any]:
        c = self.candidate
        return {
            "id": c.id,
            "pmid": c.pmid,
            "gene": c.gene,
            "title": self.paper_title,
            "version": c.version,
            "votes": [
                {
                    "voter": v.voter,
                    "decision": v.decision,
                    "reason": v.reason,
                    "note": v.note,
                    "statement": (v.edits or {}).get("statement"),
                    "cast_at": v.cast_at.isoformat(),
                }
                for v in self.votes
            ],
        }


def _conflicted_ids() -> Any:
    """Candidates whose standing votes hold both an accept and a reject."""
    return (
        select(ReviewVote.candidate_id)
        .where(col(ReviewVote.withdrawn_at).is_(None))
        .group_by(col(ReviewVote.candidate_id))
        .having(func.count(func.distinct(ReviewVote.decision)) >= 2)
    )


def conflicts(*, session: Session, limit: int = 500) -> list[Conflict]:
    """Open conflicts, in queue order (best score first)."""
    rows = session.exec(
        select(Candidate, Paper.title)
        .join(Paper, col(Paper.pmid) == col(Candidate.pmid))
        .where(col(Candidate.id).in_(_conflicted_ids()), col(Candidate.status).in_(UNDECIDED))
        .order_by(*QUEUE_ORDER)
        .limit(limit)
    ).all()
    return [
        Conflict(c, title, active_votes(session=session, candidate_id=c.id))  # type: ignore[arg-type]
        for c, title in rows
    ]


def count_conflicts(*, session: Session) -> int:
    return session.exec(
        select(func.count())
        .select_from(Candidate)
        .where(col(Candidate.id).in_(_conflicted_ids()), col(Candidate.status).in_(UNDECIDED))
    ).one()


def resolve(
    *,
    session: Session,
    candidate_id: int,
    actor: str,
    role: str,
    decision: str,
    note: str | None,
    reason: str | None = None,
    expected_version: int | None = None,
    on_decided: DecisionHook | None = None,
) -> Candidate:
    """An editor decides a conflict: accept with the accepting vote's fields, or reject.

    ``note`` is required (why this side); a reject takes ``reason`` or else the
    rejecting vote's reason.
    """
    if role not in EDITOR_ROLES:
        raise DecisionNotAllowed(
            f"resolving a conflict needs an editor or an admin (you are {role})"
        )
    text = clean_text(note, "note", NOTE_LIMIT)
    if not text:
        raise InvalidDecision("note: say why you resolved the conflict this way")
    candidate = get_candidate(session=session, candidate_id=candidate_id, fresh=True)
    if expected_version is not None and candidate.version != expected_version:
        raise version_conflict(session, candidate, expected_version)
    votes = active_votes(session=session, candidate_id=candidate_id)
    by_decision = {v.decision: v for v in votes}
    if candidate.status not in UNDECIDED or len(by_decision) < 2:
        raise InvalidDecision(
            f"candidate {candidate_id} is not in conflict (it is {candidate.status} with "
            f"{len(votes)} standing vote{'s' if len(votes) != 1 else ''}); see "
            "evidencewatch review conflicts"
        )
    text = f"conflict resolved: {text}"
    if decision == VoteDecision.accept:
        edits = validate_edits(by_decision[VoteDecision.accept].edits or {})
        values = accept_values(session=session, candidate=candidate, values=edits, note=text)
        status = Status.accepted
    elif decision == VoteDecision.reject:
        code = reason_code(reason or by_decision[VoteDecision.reject].reason)
        values = {"reject_reason": code, "note": text}
        status = Status.rejected
    else:
        raise InvalidDecision(f"decision: {decision!r} is not accept or reject")
    return apply_decision(
        session=session,
        candidate=candidate,
        actor=actor,
        to_status=status,
        values=values,
        on_decided=on_decided,
    )
