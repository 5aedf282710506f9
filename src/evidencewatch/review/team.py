"""One way in for every decision, in either review mode: single decisions or dual votes.

The edges (web routes, CLI commands) call these with ``mode`` from the
``review_mode`` setting. In ``single`` mode a curator's accept or reject is the
decision (:mod:`.decisions`); in ``dual`` mode an accept or reject of an
undecided candidate is a vote (:mod:`.votes`), and takes effect when a second
curator agrees. Deferring, and changing a decision already made (editors),
are single decisions in both modes.

Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from evidencewatch.core.errors import InvalidDecision, ReviewConflict
from evidencewatch.core.vocabulary import UNDECIDED, ReviewMode, Role, VoteDecision
from evidencewatch.review import decisions, votes
from evidencewatch.review.decisions import DecisionHook
from evidencewatch.review.detail import get_candidate
from evidencewatch.review.validation import reason_code
from evidencewatch.storage.models import Candidate

DECIDED = "decided"  # a single decision took effect


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a decision did: ``decided``, or a vote ``waiting`` / ``agreed`` / ``conflict``."""

    candidate: Candidate
    state: str

    @property
    def is_vote(self) -> bool:
        return self.state != DECIDED

    def describe(self, actor: str) -> str:
        c = self.candidate
        what = f"#{c.id} ({c.gene}, PMID {c.pmid})"
        if self.state == votes.WAITING:
            return f"Your vote on {what} is in; it needs a second curator's vote."
        if self.state == votes.CONFLICT:
            return f"Your vote on {what} disagrees with the other curator's: it goes to an editor."
        if self.state == votes.AGREED:
            return f"Both votes agree: {what} is {c.status} (by {c.decided_by})."
        return f"{c.status.capitalize()} {what} as {actor}."


def _votes(mode: str, candidate: Candidate) -> bool:
    return mode == ReviewMode.dual and candidate.status in UNDECIDED


def accept(
    *,
    session: Session,
    mode: str,
    candidate_id: int,
    actor: str,
    expected_version: int,
    edits: Mapping[str, Any],
    note: str | None = None,
    role: str = Role.curator.value,
    on_decided: DecisionHook | None = None,
) -> Outcome:
    """Accept (single) or vote accept (dual) with the curator's fields."""
    return _decide(
        VoteDecision.accept,
        {"edits": edits},
        session=session,
        mode=mode,
        candidate_id=candidate_id,
        actor=actor,
        expected_version=expected_version,
        note=note,
        role=role,
        on_decided=on_decided,
    )


def reject(
    *,
    session: Session,
    mode: str,
    candidate_id: int,
    actor: str,
    expected_version: int,
    reason: str,
    note: str | None = None,
    role: str = Role.curator.value,
    on_decided: DecisionHook | None = None,
) -> Outcome:
    """Reject (single) or vote reject (dual) with a coded reason."""
    return _decide(
        VoteDecision.reject,
        {"reason": reason},
        session=session,
        mode=mode,
        candidate_id=candidate_id,
        actor=actor,
        expected_version=expected_version,
        note=note,
        role=role,
        on_decided=on_decided,
    )


def _decide(
    choice: VoteDecision,
    fields: dict[str, Any],
    *,
    session: Session,
    mode: str,
    candidate_id: int,
    actor: str,
    expected_version: int,
    note: str | None,
    role: str,
    on_decided: DecisionHook | None,
) -> Outcome:
    # One path for accept and reject: only the vote's kind and its fields differ.
    current = get_candidate(session=session, candidate_id=candidate_id, fresh=True)
    if _votes(mode, current):
        result = votes.vote(
            session=session,
            candidate_id=candidate_id,
            voter=actor,
            decision=choice,
            expected_version=expected_version,
            note=note,
            on_decided=on_decided,
            **fields,
        )
        return Outcome(result.candidate, result.state)
    single = decisions.accept if choice == VoteDecision.accept else decisions.reject
    decided = single(
        session=session,
        candidate_id=candidate_id,
        actor=actor,
        expected_version=expected_version,
        note=note,
        role=role,
        on_decided=on_decided,
        **fields,
    )
    return Outcome(decided, DECIDED)


def bulk_reject(
    *,
    session: Session,
    mode: str,
    ids: Iterable[int],
    actor: str,
    reason: str,
    note: str | None = None,
    role: str = Role.curator.value,
    on_decided: DecisionHook | None = None,
) -> tuple[list[int], list[int]]:
    """Reject (or vote reject on) every still-undecided candidate of ``ids``: (done, skipped).

    In dual mode a candidate this curator voted on already, or one with two
    votes, is skipped like one decided meanwhile.
    """
    if mode != ReviewMode.dual:
        return decisions.bulk_reject(
            session=session,
            ids=ids,
            actor=actor,
            reason=reason,
            note=note,
            role=role,
            on_decided=on_decided,
        )
    code = reason_code(reason)
    done: list[int] = []
    skipped: list[int] = []
    for cid in dict.fromkeys(ids):
        candidate = session.get(Candidate, cid, populate_existing=True)
        if candidate is None or candidate.status not in UNDECIDED:
            skipped.append(cid)
            continue
        try:
            with session.begin_nested():
                votes.vote(
                    session=session,
                    candidate_id=cid,
                    voter=actor,
                    decision=VoteDecision.reject,
                    expected_version=candidate.version,
                    reason=code,
                    note=note,
                    on_decided=on_decided,
                )
        except (ReviewConflict, InvalidDecision):
            skipped.append(cid)
        else:
            done.append(cid)
    return done, skipped
