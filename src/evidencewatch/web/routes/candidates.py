"""One candidate: the evidence, why it scored, the decision forms, the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from evidencewatch.core.errors import InvalidDecision, ReviewConflict
from evidencewatch.core.vocabulary import (
    DIRECTIONS,
    EDITABLE_FIELDS,
    EFFECTS,
    EVIDENCE_LEVEL_LABELS,
    THERAPY_CLASSES,
)
from evidencewatch.review import decisions
from evidencewatch.review.detail import CandidateDetail, candidate_detail, get_candidate
from evidencewatch.review.queue import next_pending
from evidencewatch.storage.models import Candidate, User
from evidencewatch.web.deps import (
    OnDecided,
    Reader,
    SessionDep,
    SignedInUser,
    flash,
    form,
    render,
)

router = APIRouter()

# (name, label, choices or input kind) for the accept form, in display order.
ACCEPT_FIELDS: list[tuple[str, str, Any]] = [
    ("gene", "Gene", "text"),
    ("alteration", "Alteration", "text"),
    ("direction", "Direction", DIRECTIONS),
    ("effect", "Effect", EFFECTS),
    ("therapy_class", "Therapy class", THERAPY_CLASSES),
    ("agents", "Agents (comma-separated)", "text"),
    ("subtype", "Subtype", "text"),
    ("model_system", "Model system", "text"),
    ("evidence_level", "Evidence level", EVIDENCE_LEVEL_LABELS),
    ("statement", "Statement, in your own words", "textarea"),
]


@router.get("/candidates/{candidate_id}")
def candidate_page(
    request: Request, candidate_id: int, session: SessionDep, user: Reader
) -> Response:
    detail = candidate_detail(session=session, candidate_id=candidate_id)
    return render(request, "web/candidate.html", _context(detail, user))


@router.post("/candidates/{candidate_id}/accept")
def accept(
    request: Request,
    candidate_id: int,
    session: SessionDep,
    user: SignedInUser,
    on_decided: OnDecided,
) -> Response:
    data = form(request)
    current = get_candidate(session=session, candidate_id=candidate_id)
    edits = _edits(data, current)

    def decide(version: int) -> Candidate:
        return decisions.accept(
            session=session,
            candidate_id=candidate_id,
            actor=user.username,
            expected_version=version,
            edits=edits,
            role=user.role,
            on_decided=on_decided,
        )

    return _decision(request, session, user, candidate_id, "Accepted", decide)


@router.post("/candidates/{candidate_id}/reject")
def reject(
    request: Request,
    candidate_id: int,
    session: SessionDep,
    user: SignedInUser,
    on_decided: OnDecided,
) -> Response:
    data = form(request)

    def decide(version: int) -> Candidate:
        return decisions.reject(
            session=session,
            candidate_id=candidate_id,
            actor=user.username,
            expected_version=version,
            reason=str(data.get("reason") or ""),
            note=str(data.get("note") or "") or None,
            role=user.role,
            on_decided=on_decided,
        )

    return _decision(request, session, user, candidate_id, "Rejected", decide)


@router.post("/candidates/{candidate_id}/defer")
def defer(
    request: Request,
    candidate_id: int,
    session: SessionDep,
    user: SignedInUser,
    on_decided: OnDecided,
) -> Response:
    data = form(request)

    def decide(version: int) -> Candidate:
        return decisions.defer(
            session=session,
            candidate_id=candidate_id,
            actor=user.username,
            expected_version=version,
            note=str(data.get("note") or "") or None,
            role=user.role,
            on_decided=on_decided,
        )

    return _decision(request, session, user, candidate_id, "Deferred", decide)


def _decision(
    request: Request,
    session: Session,
    user: User,
    candidate_id: int,
    done: str,
    decide: Callable[[int], Candidate],
) -> Response:
    """Run ``decide``; redirect to the next pending candidate, or re-render with the problem."""
    data = form(request)
    try:
        version = int(str(data.get("version") or ""))
    except ValueError:
        version = -1
    try:
        candidate = decide(version)
    except (ReviewConflict, InvalidDecision) as exc:
        session.rollback()
        status = int(getattr(exc, "status", 400))
        detail = candidate_detail(session=session, candidate_id=candidate_id)
        keep_version = None if isinstance(exc, ReviewConflict) else version
        context = _context(detail, user, submitted=data, problem=str(exc), version=keep_version)
        return render(request, "web/candidate.html", context, status_code=status)
    next_id = next_pending(session=session, after=candidate)
    session.commit()
    flash(
        request,
        f"{done} #{candidate.id} ({candidate.gene}, PMID {candidate.pmid}).",
        "success",
    )
    target = f"/candidates/{next_id}" if next_id is not None else "/queue"
    return RedirectResponse(target, status_code=303)


def _edits(data: FormData, current: Candidate) -> dict[str, Any]:
    """The accept form's fields; a field left empty that was empty before confirms nothing."""
    edits: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = str(data.get(name) or "").strip()
        if value or getattr(current, name):
            edits[name] = value
    return edits


def _context(
    detail: CandidateDetail,
    user: User | None,
    *,
    submitted: FormData | None = None,
    problem: str | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    cand = detail.candidate
    terms: dict[str, list[str]] = {
        str(kind): [str(t) for t in words]
        for kind, words in (cand.matched_terms or {}).items()
        if isinstance(words, list | tuple)
    }
    terms["gene"] = [*terms.get("gene", []), *(str(m) for m in cand.mentions or [])]
    reasons = [r for r in cand.reasons if isinstance(r, dict)]
    current = {name: _display(getattr(cand, name)) for name, _label, _kind in ACCEPT_FIELDS}
    values = dict(current)
    reject_values = {"reason": cand.reject_reason or "", "note": ""}
    defer_note = ""
    if submitted is not None:  # re-rendering after a problem: keep what was typed
        if "statement" in submitted:
            values.update({k: str(submitted.get(k)) for k in values if k in submitted})
        elif "reason" in submitted:
            reject_values.update({k: str(submitted.get(k) or "") for k in reject_values})
        else:
            defer_note = str(submitted.get("note") or "")
    may = user is not None and decisions.may_decide(user.role, cand.status)
    return {
        "detail": detail,
        "candidate": cand,
        "paper": detail.paper,
        "record": detail.record,
        "terms": terms,
        "rule_reasons": [r for r in reasons if not str(r.get("feature", "")).startswith("model:")],
        "model_reasons": [r for r in reasons if str(r.get("feature", "")).startswith("model:")],
        "fields": ACCEPT_FIELDS,
        "current": current,
        "values": values,
        "defer_note": defer_note,
        "reject_values": reject_values,
        "version": cand.version if version is None else version,
        "may_decide": may,
        "problem": problem,
    }


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)
