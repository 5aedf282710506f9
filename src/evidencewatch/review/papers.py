"""Deciding a whole paper at once: every undecided candidate gene of one PMID.

A paper with four tracked genes is one reading and, when the curator wants,
one decision. Each candidate is still decided (or voted on, in dual review)
on its own, with its own version check and audit event, through
:mod:`.team`; one that cannot be decided now is skipped and said, never
overwritten. Accepting needs a statement: one for the paper, used for each
gene that has none yet (each gene's page can refine it afterwards).

Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from evidencewatch.core.errors import InvalidDecision, NotFound, ReviewConflict
from evidencewatch.core.vocabulary import UNDECIDED, ReviewMode, Role
from evidencewatch.review import team
from evidencewatch.review.decisions import DecisionHook
from evidencewatch.review.queue import QUEUE_ORDER
from evidencewatch.review.validation import reason_code
from evidencewatch.storage.models import Candidate, Paper
from evidencewatch.storage.votes import ReviewVote


@dataclass(slots=True)
class PaperOutcome:
    """What a paper-level decision did, candidate by candidate."""

    pmid: int
    done: list[team.Outcome] = field(default_factory=list)
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)  # (candidate, why)

    def describe(self, verb: str) -> str:
        genes = ", ".join(o.candidate.gene for o in self.done) or "no gene"
        votes = bool(self.done) and all(o.is_vote for o in self.done)
        done = f"Voted to {verb}" if votes else f"{verb.capitalize()}ed"
        text = f"{done} {genes} of PMID {self.pmid}."
        if self.skipped:
            text += " Skipped " + "; ".join(f"{c.gene} ({why})" for c, why in self.skipped) + "."
        return text


def paper_candidates(*, session: Session, pmid: int) -> list[Candidate]:
    """The paper's candidates in queue order; NotFound when the paper is not stored."""
    if session.get(Paper, pmid) is None:
        raise NotFound(f"PMID {pmid} is not in the database")
    return list(
        session.exec(select(Candidate).where(Candidate.pmid == pmid).order_by(*QUEUE_ORDER)).all()
    )


def _split(
    session: Session, pmid: int, actor: str, mode: str
) -> tuple[list[Candidate], PaperOutcome]:
    """(the candidates to decide now, an outcome holding those skipped and why)."""
    outcome = PaperOutcome(pmid)
    todo = []
    voted: set[int] = set()
    if mode == ReviewMode.dual:
        voted = set(
            session.exec(
                select(ReviewVote.candidate_id).where(
                    ReviewVote.voter == actor, col(ReviewVote.withdrawn_at).is_(None)
                )
            ).all()
        )
    for cand in paper_candidates(session=session, pmid=pmid):
        if cand.status not in UNDECIDED:
            outcome.skipped.append((cand, f"already {cand.status}"))
        elif cand.id in voted:
            outcome.skipped.append((cand, "you voted already"))
        else:
            todo.append(cand)
    if not todo:
        why = "; ".join(f"{c.gene} {w}" for c, w in outcome.skipped) or "it has no candidates"
        raise InvalidDecision(f"PMID {pmid} has no gene left for you to decide ({why})")
    return todo, outcome


def accept_paper(
    *,
    session: Session,
    mode: str,
    pmid: int,
    actor: str,
    edits: Mapping[str, Any],
    note: str | None = None,
    role: str = Role.curator.value,
    on_decided: DecisionHook | None = None,
) -> PaperOutcome:
    """Accept (or vote accept on) every undecided gene of the paper with the same fields.

    ``edits`` must hold a statement unless every gene has one already; a gene
    is never changed here (``gene`` is refused).
    """
    if "gene" in edits:
        raise InvalidDecision("gene: a paper-level accept keeps each candidate's gene")
    todo, outcome = _split(session, pmid, actor, mode)
    if not str(edits.get("statement") or "").strip():
        missing = [c.gene for c in todo if not c.statement]
        if missing:
            raise InvalidDecision(
                "statement: write the evidence statement in your own words "
                f"({', '.join(missing)} of PMID {pmid} have none yet)"
            )
    for cand in todo:
        _one(outcome, cand, lambda c: team.accept(
            session=session, mode=mode, candidate_id=c.id, actor=actor,
            expected_version=c.version, edits=edits, note=note, role=role,
            on_decided=on_decided,
        ), session)  # fmt: skip
    return outcome


def reject_paper(
    *,
    session: Session,
    mode: str,
    pmid: int,
    actor: str,
    reason: str,
    note: str | None = None,
    role: str = Role.curator.value,
    on_decided: DecisionHook | None = None,
) -> PaperOutcome:
    """Reject (or vote reject on) every undecided gene of the paper with one coded reason."""
    code = reason_code(reason)
    todo, outcome = _split(session, pmid, actor, mode)
    for cand in todo:
        _one(outcome, cand, lambda c: team.reject(
            session=session, mode=mode, candidate_id=c.id, actor=actor,
            expected_version=c.version, reason=code, note=note, role=role,
            on_decided=on_decided,
        ), session)  # fmt: skip
    return outcome


def _one(outcome: PaperOutcome, cand: Candidate, decide: Any, session: Session) -> None:
    """Decide one gene in a savepoint: one lost race skips that gene, not the paper."""
    try:
        with session.begin_nested():
            outcome.done.append(decide(cand))
    except ReviewConflict as exc:
        outcome.skipped.append((cand, str(exc)))
