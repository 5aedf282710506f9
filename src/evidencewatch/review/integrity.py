"""A curator's answer to an integrity notice: confirm it (withdraw the evidence) or dismiss it.

The integrity watch only records notices (:mod:`evidencewatch.ingest.integrity`);
nothing is withdrawn until a curator confirms. Confirming withdraws every
accepted, pending or deferred candidate of the paper, each with a "withdrawn"
audit event naming the notice; dismissing keeps them, and needs a note saying
why (an erratum that changes nothing we rely on, say), which every candidate's
history shows. Either way the notice keeps who answered, when, and the note.

Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from evidencewatch.core.errors import InvalidDecision, NotFound, ReviewConflict
from evidencewatch.core.timeutil import utcnow
from evidencewatch.core.vocabulary import (
    INTEGRITY_KIND_LABELS,
    IntegrityAction,
    IntegrityState,
    Status,
)
from evidencewatch.storage.models import AuditEvent, Candidate, IntegrityNotice

__all__ = ["OpenNotice", "confirm", "dismiss", "open_notices"]

# What confirming a notice withdraws: evidence taken in, or still waiting for a decision.
_WITHDRAWN_FROM = (Status.accepted.value, Status.pending.value, Status.deferred.value)


@dataclass(frozen=True, slots=True)
class OpenNotice:
    """An open notice and the candidates of its paper (what confirming would touch)."""

    notice: IntegrityNotice
    candidates: list[Candidate]


def open_notices(*, session: Session) -> list[OpenNotice]:
    """Every open notice, newest first, with its paper's candidates."""
    notices = session.exec(
        select(IntegrityNotice)
        .where(IntegrityNotice.state == IntegrityState.open.value)
        .order_by(col(IntegrityNotice.detected_at).desc(), col(IntegrityNotice.id).desc())
    ).all()
    pmids = list({n.pmid for n in notices})
    by_pmid: dict[int, list[Candidate]] = {}
    if pmids:
        for cand in session.exec(
            select(Candidate).where(col(Candidate.pmid).in_(pmids)).order_by(col(Candidate.id))
        ).all():
            by_pmid.setdefault(cand.pmid, []).append(cand)
    return [OpenNotice(n, by_pmid.get(n.pmid, [])) for n in notices]


def confirm(*, session: Session, notice_id: int, actor: str, note: str = "") -> list[Candidate]:
    """Confirm the notice: its paper's accepted and undecided candidates are withdrawn."""
    notice = _open_notice(session, notice_id)
    _resolve(notice, IntegrityState.confirmed, actor, note)
    withdrawn = []
    label = INTEGRITY_KIND_LABELS.get(notice.kind, notice.kind)
    for cand in _candidates(session, notice.pmid):
        if cand.status not in _WITHDRAWN_FROM:
            continue
        assert cand.id is not None  # rows read back always have their key
        session.add(
            AuditEvent(
                candidate_id=cand.id,
                actor=actor,
                action=Status.withdrawn.value,
                from_status=cand.status,
                to_status=Status.withdrawn.value,
                changes={"integrity_notice": notice.id, "kind": notice.kind},
                reason=f"integrity:{notice.kind}",
                note=_note(label, notice, note),
            )
        )
        cand.status = Status.withdrawn.value
        cand.version += 1
        cand.updated_at = utcnow()
        session.add(cand)
        withdrawn.append(cand)
    session.add(notice)
    session.flush()
    return withdrawn


def dismiss(*, session: Session, notice_id: int, actor: str, note: str) -> IntegrityNotice:
    """Dismiss the notice, keeping the evidence; ``note`` (required) says why."""
    if not note.strip():
        raise InvalidDecision(f"integrity notice {notice_id}: a dismissal needs a note saying why")
    notice = _open_notice(session, notice_id)
    _resolve(notice, IntegrityState.dismissed, actor, note)
    label = INTEGRITY_KIND_LABELS.get(notice.kind, notice.kind)
    for cand in _candidates(session, notice.pmid):
        assert cand.id is not None  # rows read back always have their key
        session.add(
            AuditEvent(
                candidate_id=cand.id,
                actor=actor,
                action=IntegrityAction.dismissed.value,
                from_status=cand.status,
                to_status=cand.status,
                changes={"integrity_notice": notice.id, "kind": notice.kind},
                reason=f"integrity:{notice.kind}",
                note=_note(label, notice, note),
            )
        )
    session.add(notice)
    session.flush()
    return notice


def _open_notice(session: Session, notice_id: int) -> IntegrityNotice:
    notice = session.get(IntegrityNotice, notice_id)
    if notice is None:
        raise NotFound(f"integrity notice {notice_id} does not exist")
    if notice.state != IntegrityState.open.value:
        raise ReviewConflict(
            f"integrity notice {notice_id} was already {notice.state} by {notice.resolved_by} "
            f"at {notice.resolved_at}; nothing was changed"
        )
    return notice


def _resolve(notice: IntegrityNotice, state: IntegrityState, actor: str, note: str) -> None:
    notice.state = state.value
    notice.resolved_by = actor
    notice.resolved_at = utcnow()
    notice.note = note.strip()


def _candidates(session: Session, pmid: int) -> list[Candidate]:
    return list(
        session.exec(select(Candidate).where(Candidate.pmid == pmid).order_by(col(Candidate.id)))
    )


def _note(label: str, notice: IntegrityNotice, note: str) -> str:
    cited = f" (notice PMID {notice.notice_pmid})" if notice.notice_pmid else ""
    return f"{label}{cited}" + (f": {note.strip()}" if note.strip() else "")
