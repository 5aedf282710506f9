"""One candidate: the evidence, why it scored, the decision forms, the audit trail.

A decision that fails validation is answered with the page and the problem at
once (400/403), the typed values back in the form. One that lost a race with
another curator (409) redirects to the page instead (post/redirect/get), so
that a reload shows it and does not post again; what was typed rides along as
a :class:`~evidencewatch.web.drafts.Draft` and is shown once, in the form, or
beside the page when the form is gone because the candidate is decided now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from evidencewatch.config import Settings
from evidencewatch.core.errors import InvalidDecision, ReviewConflict
from evidencewatch.core.vocabulary import (
    DIRECTIONS,
    EDITABLE_FIELDS,
    EFFECTS,
    EVIDENCE_LEVEL_LABELS,
    MODEL_SYSTEM_LABELS,
    REJECT_REASON_LABELS,
    THERAPY_CLASSES,
    ReviewMode,
)
from evidencewatch.review import decisions, team
from evidencewatch.review.detail import CandidateDetail, candidate_detail, get_candidate
from evidencewatch.review.presence import mark_open
from evidencewatch.review.queue import Blind, next_pending
from evidencewatch.storage.models import Candidate, User
from evidencewatch.web.deps import (
    OnDecided,
    Reader,
    SessionDep,
    SettingsDep,
    SignedInUser,
    flash,
    form,
    render,
)
from evidencewatch.web.drafts import Draft, keep_draft, take_draft
from evidencewatch.web.limits import RowId, form_number
from evidencewatch.web.routes.team import offer_undo, take_undo_offer
from evidencewatch.web.team_view import team_context

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
    ("model_system", "Model system", MODEL_SYSTEM_LABELS),
    ("evidence_level", "Evidence level", EVIDENCE_LEVEL_LABELS),
    ("statement", "Statement, in your own words", "textarea"),
]
# Fields a failed decision keeps, to show them again: the accept form's, and reject/defer's.
KEPT_FIELDS = (*(name for name, _label, _kind in ACCEPT_FIELDS), "reason", "note")


@router.get("/candidates/{candidate_id}")
def candidate_page(
    request: Request, candidate_id: RowId, session: SessionDep, user: Reader, settings: SettingsDep
) -> Response:
    detail = candidate_detail(session=session, candidate_id=candidate_id)
    draft = take_draft(request, candidate_id, user.id if user is not None else None)
    if user is not None:  # the queue shows "open by <user>" to the others
        mark_open(session=session, candidate_id=candidate_id, username=user.username)
        session.commit()
    context = _page(request, session, detail, user, settings, draft=draft)
    return render(request, "web/candidate.html", context)


def _page(
    request: Request,
    session: Session,
    detail: CandidateDetail,
    user: User | None,
    settings: Settings,
    **kw: Any,
) -> dict[str, Any]:
    """The candidate page's values, team review's included."""
    context = _context(detail, user, **kw)
    context.update(team_context(session, detail, user, settings, context["may_decide"]))
    context["undo_offer"] = take_undo_offer(request)
    return context


@router.post("/candidates/{candidate_id}/accept")
def accept(
    request: Request,
    candidate_id: RowId,
    session: SessionDep,
    user: SignedInUser,
    settings: SettingsDep,
    on_decided: OnDecided,
) -> Response:
    data = form(request)
    current = get_candidate(session=session, candidate_id=candidate_id)
    edits = _edits(data, current)

    def decide(version: int) -> team.Outcome:
        return team.accept(
            session=session,
            mode=settings.review_mode,
            candidate_id=candidate_id,
            actor=user.username,
            expected_version=version,
            edits=edits,
            role=user.role,
            on_decided=on_decided,
        )

    return _decision(request, session, user, settings, candidate_id, "accept", decide)


@router.post("/candidates/{candidate_id}/reject")
def reject(
    request: Request,
    candidate_id: RowId,
    session: SessionDep,
    user: SignedInUser,
    settings: SettingsDep,
    on_decided: OnDecided,
) -> Response:
    data = form(request)

    def decide(version: int) -> team.Outcome:
        return team.reject(
            session=session,
            mode=settings.review_mode,
            candidate_id=candidate_id,
            actor=user.username,
            expected_version=version,
            reason=str(data.get("reason") or ""),
            note=str(data.get("note") or "") or None,
            role=user.role,
            on_decided=on_decided,
        )

    return _decision(request, session, user, settings, candidate_id, "reject", decide)


@router.post("/candidates/{candidate_id}/defer")
def defer(
    request: Request,
    candidate_id: RowId,
    session: SessionDep,
    user: SignedInUser,
    settings: SettingsDep,
    on_decided: OnDecided,
) -> Response:
    data = form(request)

    def decide(version: int) -> team.Outcome:
        return team.Outcome(decisions.defer(
            session=session,
            candidate_id=candidate_id,
            actor=user.username,
            expected_version=version,
            note=str(data.get("note") or "") or None,
            role=user.role,
            on_decided=on_decided,
        ), team.DECIDED)  # fmt: skip

    return _decision(request, session, user, settings, candidate_id, "defer", decide)


_DONE = {"accept": "Accepted", "reject": "Rejected", "defer": "Deferred"}


def _decision(
    request: Request,
    session: Session,
    user: User,
    settings: Settings,
    candidate_id: int,
    action: str,
    decide: Callable[[int], team.Outcome],
) -> Response:
    """Run ``decide``; redirect to the next pending candidate, or show the problem."""
    data = form(request)
    version: int | None = None
    try:
        # Versions count from 1 and are row-sized numbers, like ids.
        version = form_number(data.get("version"), "version")
        outcome = decide(version)
    except (ReviewConflict, InvalidDecision) as exc:
        session.rollback()
        typed = {k: v for k in KEPT_FIELDS if isinstance(v := data.get(k), str)}
        draft = Draft(candidate_id, user.id, action, typed, str(exc))
        if isinstance(exc, ReviewConflict):
            keep_draft(request, draft)
            return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)
        detail = candidate_detail(session=session, candidate_id=candidate_id)
        # The version the form was posted with, if it was one: the next try is on it too.
        context = _page(request, session, detail, user, settings, draft=draft, version=version)
        return render(request, "web/candidate.html", context, status_code=exc.status)
    candidate = outcome.candidate
    blind = Blind(user.username) if settings.review_mode == ReviewMode.dual else None
    next_id = next_pending(session=session, after=candidate, blind=blind)
    session.commit()
    text = f"{_DONE[action]} #{candidate.id} ({candidate.gene}, PMID {candidate.pmid})."
    flash(request, outcome.describe(user.username) if outcome.is_vote else text, "success")
    offer_undo(
        request, candidate_id, f"your {'vote' if outcome.is_vote else action} on #{candidate_id}"
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
    draft: Draft | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    """The candidate page's values; ``draft`` is a decision that failed, to show again."""
    cand = detail.candidate
    terms: dict[str, list[str]] = {
        str(kind): [str(t) for t in words]
        for kind, words in (cand.matched_terms or {}).items()
        if isinstance(words, list | tuple)
    }
    terms["gene"] = [*terms.get("gene", []), *(str(m) for m in cand.mentions or [])]
    reasons = [r for r in cand.reasons if isinstance(r, dict)]
    current = {name: _display(getattr(cand, name)) for name, _label, _kind in ACCEPT_FIELDS}
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
        **_form_values(cand, current, draft),
        "version": cand.version if version is None else version,
        "may_decide": may,
        "problem": draft.problem if draft is not None else None,
        "kept": _kept(draft) if draft is not None else [],
        "kept_action": draft.action if draft is not None else "",
    }


def _form_values(cand: Candidate, current: dict[str, str], draft: Draft | None) -> dict[str, Any]:
    """What the three decision forms start with: the candidate, or the draft's typed values."""
    values = dict(current)
    reject_values = {"reason": cand.reject_reason or "", "note": ""}
    defer_note = ""
    typed = draft.values if draft is not None else {}
    if draft is not None and draft.action == "accept":
        values.update({k: typed[k] for k in values if k in typed})
    elif draft is not None and draft.action == "reject":
        reject_values.update({k: typed.get(k, "") for k in reject_values})
    elif draft is not None:
        defer_note = typed.get("note", "")
    return {"values": values, "reject_values": reject_values, "defer_note": defer_note}


def _kept(draft: Draft) -> list[tuple[str, str]]:
    """The draft's non-empty fields as (label, value), for when no form can show them."""
    if draft.action == "accept":
        labels = {name: label for name, label, _kind in ACCEPT_FIELDS}
    elif draft.action == "reject":
        labels = {"reason": "Reason", "note": "Note"}
    else:
        labels = {"note": "Note"}
    kept = []
    for name, label in labels.items():
        value = draft.values.get(name, "").strip()
        if value:
            shown = REJECT_REASON_LABELS.get(value, value) if name == "reason" else value
            kept.append((label, shown))
    return kept


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)
