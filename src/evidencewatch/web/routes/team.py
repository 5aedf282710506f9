"""Team review on the web: whole-paper decisions, undo, dual review's conflicts and agreement.

* ``POST /papers/{pmid}/accept`` and ``/reject`` decide (or vote on) every
  undecided gene of a paper, from the candidate page's "whole paper" forms;
* ``POST /candidates/{id}/undo`` takes back the signed-in curator's own last
  decision or vote, within ``undo_minutes``;
* ``/conflicts`` lists accept-against-reject votes; editors resolve each with
  a note (``POST /conflicts/{id}/resolve``);
* ``/agreement`` shows Cohen's kappa per pair of curators and overall.

After a decision the routes leave :func:`offer_undo` in the session, so that
the next page shows an undo button beside the flash.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from evidencewatch.core.errors import InvalidDecision, ReviewConflict
from evidencewatch.review import conflicts, papers
from evidencewatch.review.agreement import agreement
from evidencewatch.review.undo import undo
from evidencewatch.web.deps import (
    OnDecided,
    Reader,
    SessionDep,
    SettingsDep,
    SignedInUser,
    flash,
    form,
    render,
    safe_next,
)
from evidencewatch.web.limits import RowId

router = APIRouter()
UNDO_KEY = "undo"


def offer_undo(request: Request, candidate_id: int, what: str) -> None:
    """Show an undo button for ``candidate_id`` on the next page (what: "your accept of #12")."""
    request.session[UNDO_KEY] = {"id": candidate_id, "what": what}


def take_undo_offer(request: Request) -> dict[str, Any] | None:
    """The undo button to show on this page, once."""
    offer = request.session.pop(UNDO_KEY, None) if "session" in request.scope else None
    return offer if isinstance(offer, dict) and isinstance(offer.get("id"), int) else None


@router.post("/papers/{pmid}/accept")
def accept_paper(
    request: Request,
    pmid: RowId,
    session: SessionDep,
    user: SignedInUser,
    settings: SettingsDep,
    on_decided: OnDecided,
) -> Response:
    data = form(request)
    edits = {
        name: value
        for name in ("statement", "evidence_level")
        if isinstance(value := data.get(name), str) and value.strip()
    }
    back = safe_next(str(data.get("return_to") or ""))
    try:
        outcome = papers.accept_paper(
            session=session,
            mode=settings.review_mode,
            pmid=pmid,
            actor=user.username,
            edits=edits,
            note=str(data.get("note") or "") or None,
            role=user.role,
            on_decided=on_decided,
        )
    except (InvalidDecision, ReviewConflict) as exc:
        session.rollback()
        flash(request, f"Not saved: {exc}", "error")
        return RedirectResponse(back, status_code=303)
    session.commit()
    flash(request, outcome.describe("accept"), "warning" if outcome.skipped else "success")
    return RedirectResponse(back, status_code=303)


@router.post("/papers/{pmid}/reject")
def reject_paper(
    request: Request,
    pmid: RowId,
    session: SessionDep,
    user: SignedInUser,
    settings: SettingsDep,
    on_decided: OnDecided,
) -> Response:
    data = form(request)
    back = safe_next(str(data.get("return_to") or ""))
    try:
        outcome = papers.reject_paper(
            session=session,
            mode=settings.review_mode,
            pmid=pmid,
            actor=user.username,
            reason=str(data.get("reason") or ""),
            note=str(data.get("note") or "") or None,
            role=user.role,
            on_decided=on_decided,
        )
    except (InvalidDecision, ReviewConflict) as exc:
        session.rollback()
        flash(request, f"Not saved: {exc}", "error")
        return RedirectResponse(back, status_code=303)
    session.commit()
    flash(request, outcome.describe("reject"), "warning" if outcome.skipped else "success")
    return RedirectResponse(back, status_code=303)


@router.post("/candidates/{candidate_id}/undo")
def undo_decision(
    request: Request,
    candidate_id: RowId,
    session: SessionDep,
    user: SignedInUser,
    settings: SettingsDep,
) -> Response:
    """Undo the signed-in curator's own last decision or vote; then show the candidate."""
    try:
        said = undo(
            session=session,
            candidate_id=candidate_id,
            actor=user.username,
            minutes=settings.undo_minutes,
        )
    except (InvalidDecision, ReviewConflict) as exc:
        session.rollback()
        flash(request, f"Not undone: {exc}", "error")
    else:
        session.commit()
        flash(request, said[0].upper() + said[1:] + ".", "success")
    return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)


@router.get("/conflicts")
def conflicts_page(request: Request, session: SessionDep, user: Reader) -> Response:
    """Dual review's conflicts, best first; editors resolve them here."""
    items = conflicts.conflicts(session=session)
    may_resolve = user is not None and user.role in conflicts.EDITOR_ROLES
    context = {
        "conflicts": items,
        "may_resolve": may_resolve,
        "undo_offer": take_undo_offer(request),
    }
    return render(request, "web/conflicts.html", context)


@router.post("/conflicts/{candidate_id}/resolve")
def resolve(
    request: Request,
    candidate_id: RowId,
    session: SessionDep,
    user: SignedInUser,
    on_decided: OnDecided,
) -> Response:
    data = form(request)
    try:
        cand = conflicts.resolve(
            session=session,
            candidate_id=candidate_id,
            actor=user.username,
            role=user.role,
            decision=str(data.get("decision") or ""),
            reason=str(data.get("reason") or "") or None,
            note=str(data.get("note") or ""),
            on_decided=on_decided,
        )
    except (InvalidDecision, ReviewConflict) as exc:
        session.rollback()
        flash(request, f"Not resolved: {exc}", "error")
        return RedirectResponse("/conflicts", status_code=303)
    session.commit()
    flash(request, f"Resolved #{cand.id} ({cand.gene}, PMID {cand.pmid}): {cand.status}.")
    offer_undo(request, candidate_id, f"your resolution of #{candidate_id}")
    return RedirectResponse("/conflicts", status_code=303)


@router.get("/agreement")
def agreement_page(request: Request, session: SessionDep, _user: Reader) -> Response:
    """Cohen's kappa between curators, per pair and overall, with n and its warnings."""
    return render(request, "web/agreement.html", {"agreement": agreement(session=session)})
