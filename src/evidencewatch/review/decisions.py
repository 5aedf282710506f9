"""Curator decisions (accept, reject, defer, bulk reject) and the audit event each appends.

Service functions take a keyword-only ``session`` and never commit; the edges
(web routes, CLI commands) do.

Who may decide what (after CIViC's moderation roles):

* a **curator** may accept, reject or defer a candidate that is still
  undecided (``pending`` or ``deferred``);
* changing a decision already made (``accepted``/``rejected``, or a
  ``withdrawn`` candidate whose paper left PubMed) needs an **editor** or an
  **admin**, as moderating an accepted item does in CIViC. The re-decision is
  audited like any other, with the old values.

Every decision names the candidate ``version`` it was made on; a decision on a
stale version changes nothing and raises :class:`ReviewConflict` naming who
changed the candidate and when. Every decision appends one :class:`AuditEvent`
with the old and new value of each field it changed.

An edge that wants to act on each decision (the ranking retrains from them)
passes ``on_decided(session, candidate)``. It runs inside the decision's
transaction, in a savepoint: if it fails, it is logged and rolled back on its
own, and the decision stands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from evidencewatch.core.errors import InvalidDecision, ReviewConflict
from evidencewatch.core.timeutil import as_utc, utcnow
from evidencewatch.core.vocabulary import UNDECIDED, Role, Status
from evidencewatch.review.detail import get_candidate
from evidencewatch.review.validation import (
    NOTE_LIMIT,
    check_gene_free,
    clean_text,
    reason_code,
    validate_edits,
)
from evidencewatch.storage.models import AuditEvent, Candidate

log = logging.getLogger(__name__)

_VERBS = {"withdrawn": "withdrew", "created": "queued", "edited": "edited"}

DecisionHook = Callable[[Session, Candidate], None]
"""``on_decided(session, candidate)``: called after each decision, in its transaction."""


class DecisionNotAllowed(InvalidDecision):
    """The actor's role may not make this decision (e.g. a curator re-deciding)."""

    status = 403


def may_decide(role: str, current_status: str) -> bool:
    """Whether ``role`` may decide a candidate now in ``current_status`` (see module doc)."""
    if current_status in UNDECIDED:
        return role in (r.value for r in Role)
    return role in (Role.editor.value, Role.admin.value)


def accept(
    *,
    session: Session,
    candidate_id: int,
    actor: str,
    expected_version: int,
    edits: Mapping[str, Any],
    note: str | None = None,
    role: str = Role.curator.value,
    on_decided: DecisionHook | None = None,
) -> Candidate:
    """Accept the candidate as evidence, with the curator's confirmed or corrected fields.

    Every field in ``edits`` is marked ``provenance[field] = "curator"``,
    changed or not: submitting it confirms it. ``statement`` is required.
    """
    values = validate_edits(edits)
    candidate = _load_for_decision(session, candidate_id, expected_version, role)
    values = accept_values(session=session, candidate=candidate, values=values, note=note)
    return _decide(session, candidate, actor, expected_version, Status.accepted, values, on_decided)


def accept_values(
    *, session: Session, candidate: Candidate, values: dict[str, Any], note: str | None
) -> dict[str, Any]:
    """The columns an accept of ``candidate`` with validated ``values`` sets (checked here)."""
    values = dict(values)
    if not (values.get("statement") or candidate.statement):
        raise InvalidDecision("statement: write the evidence statement in your own words")
    if "gene" in values and values["gene"] != candidate.gene:
        check_gene_free(session=session, candidate=candidate, gene=values["gene"])
    provenance = {**candidate.provenance, **{name: "curator" for name in values}}
    values.update(
        provenance=provenance, reject_reason=None, note=clean_text(note, "note", NOTE_LIMIT)
    )
    return values


def reject(
    *,
    session: Session,
    candidate_id: int,
    actor: str,
    expected_version: int,
    reason: str,
    note: str | None = None,
    role: str = Role.curator.value,
    on_decided: DecisionHook | None = None,
) -> Candidate:
    """Reject the candidate with a coded reason (see ``RejectReason``) and an optional note."""
    code = reason_code(reason)
    candidate = _load_for_decision(session, candidate_id, expected_version, role)
    values = {"reject_reason": code, "note": clean_text(note, "note", NOTE_LIMIT)}
    return _decide(session, candidate, actor, expected_version, Status.rejected, values, on_decided)


def defer(
    *,
    session: Session,
    candidate_id: int,
    actor: str,
    expected_version: int,
    note: str | None = None,
    role: str = Role.curator.value,
    on_decided: DecisionHook | None = None,
) -> Candidate:
    """Put the candidate aside (e.g. waiting for the full text); it leaves the pending queue."""
    candidate = _load_for_decision(session, candidate_id, expected_version, role)
    values = {"reject_reason": None, "note": clean_text(note, "note", NOTE_LIMIT)}
    return _decide(session, candidate, actor, expected_version, Status.deferred, values, on_decided)


def bulk_reject(
    *,
    session: Session,
    ids: Iterable[int],
    actor: str,
    reason: str,
    note: str | None = None,
    role: str = Role.curator.value,
    on_decided: DecisionHook | None = None,
) -> tuple[list[int], list[int]]:
    """Reject every still-undecided candidate of ``ids``: returns (rejected ids, skipped ids).

    A candidate decided meanwhile by someone else, or gone, is skipped, never
    overwritten: bulk rejection is triage of the queue, not a re-decision.
    """
    code = reason_code(reason)
    note = clean_text(note, "note", NOTE_LIMIT)
    done: list[int] = []
    skipped: list[int] = []
    for cid in dict.fromkeys(ids):
        candidate = session.get(Candidate, cid, populate_existing=True)
        if candidate is None or candidate.status not in UNDECIDED:
            skipped.append(cid)
            continue
        try:
            candidate = _load_for_decision(session, cid, candidate.version, role)
            values = {"reject_reason": code, "note": note}
            _decide(
                session, candidate, actor, candidate.version, Status.rejected, values, on_decided
            )
        except ReviewConflict:
            skipped.append(cid)
        else:
            done.append(cid)
    return done, skipped


def _load_for_decision(
    session: Session, candidate_id: int, expected_version: int, role: str
) -> Candidate:
    candidate = get_candidate(session=session, candidate_id=candidate_id, fresh=True)
    if candidate.version != expected_version:
        raise version_conflict(session, candidate, expected_version)
    if not may_decide(role, candidate.status):
        raise DecisionNotAllowed(
            f"candidate {candidate_id} is already {candidate.status}: changing a decision "
            f"needs an editor or an admin (you are {role})"
        )
    return candidate


def apply_decision(
    *,
    session: Session,
    candidate: Candidate,
    actor: str,
    to_status: Status,
    values: dict[str, Any],
    on_decided: DecisionHook | None = None,
) -> Candidate:
    """Decide ``candidate`` as it is now (its current version): dual review's agreed votes."""
    return _decide(session, candidate, actor, candidate.version, to_status, values, on_decided)


def _decide(
    session: Session,
    candidate: Candidate,
    actor: str,
    expected_version: int,
    to_status: Status,
    values: dict[str, Any],
    on_decided: DecisionHook | None,
) -> Candidate:
    changes = {
        name: [getattr(candidate, name), new]
        for name, new in values.items()
        if getattr(candidate, name) != new
    }
    from_status = candidate.status
    now = utcnow()
    if candidate.decided_by is not None:  # a re-decision: what an undo would put back
        changes["decided_by"] = [candidate.decided_by, actor]
        before = as_utc(candidate.decided_at).isoformat() if candidate.decided_at else None
        changes["decided_at"] = [before, now.isoformat()]
    result = session.execute(
        sa.update(Candidate)
        .where(col(Candidate.id) == candidate.id, col(Candidate.version) == expected_version)
        .values(
            **values,
            status=to_status.value,
            decided_at=now,
            decided_by=actor,
            updated_at=now,
            version=col(Candidate.version) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise version_conflict(session, candidate, expected_version)
    session.add(
        AuditEvent(
            candidate_id=candidate.id,  # type: ignore[arg-type]
            at=now,
            actor=actor,
            action=to_status.value,
            from_status=from_status,
            to_status=to_status.value,
            changes=changes,
            reason=values.get("reject_reason"),
            note=values.get("note"),
        )
    )
    session.flush()
    session.refresh(candidate)
    if on_decided is not None:
        _run_hook(session, candidate, on_decided)
    return candidate


def _run_hook(session: Session, candidate: Candidate, on_decided: DecisionHook) -> None:
    """``on_decided`` in a savepoint: its failure is logged and undone; the decision stands."""
    try:
        with session.begin_nested():
            on_decided(session, candidate)
    except Exception:
        log.exception("decision hook %r failed on candidate %s", on_decided, candidate.id)


def version_conflict(
    session: Session, candidate: Candidate, expected_version: int
) -> ReviewConflict:
    """A ReviewConflict naming who last changed the candidate and when."""
    session.refresh(candidate)
    last = session.exec(
        select(AuditEvent)
        .where(AuditEvent.candidate_id == candidate.id)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    ).first()
    if last is None or candidate.version <= expected_version:
        message = (
            f"candidate {candidate.id} is at version {candidate.version}, not "
            f"{expected_version}: reload it and decide again"
        )
    else:
        verb = _VERBS.get(last.action, last.action)
        message = (
            f"{last.actor} {verb} this at {describe_time(last.at)} while you were looking; "
            "reload to see it"
        )
    error = ReviewConflict(message)
    error.candidate_id = candidate.id  # type: ignore[attr-defined]
    error.current_version = candidate.version  # type: ignore[attr-defined]
    error.current_status = candidate.status  # type: ignore[attr-defined]
    error.last_event = last  # type: ignore[attr-defined]
    return error


def describe_time(at: datetime) -> str:
    """``12:03 UTC`` for today, ``12:03 UTC on 2026-11-24`` otherwise."""
    at = as_utc(at).astimezone(UTC)
    text = f"{at:%H:%M} UTC"
    return text if at.date() == utcnow().date() else f"{text} on {at:%Y-%m-%d}"
