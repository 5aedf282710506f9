"""``j``/``k``/``n`` on a candidate page: the next or previous pending candidate in queue order."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from evidencewatch.review.detail import get_candidate
from evidencewatch.review.navigation import next_pending, previous_pending
from evidencewatch.web.deps import Reader, SessionDep, flash
from evidencewatch.web.limits import RowId

router = APIRouter()


@router.get("/candidates/{candidate_id}/next")
def next_candidate(
    request: Request, candidate_id: RowId, session: SessionDep, user: Reader
) -> Response:
    """Skip to the pending candidate after this one (nothing is decided)."""
    current = get_candidate(session=session, candidate_id=candidate_id)
    return _go(request, next_pending(session=session, after=current), candidate_id)


@router.get("/candidates/{candidate_id}/previous")
def previous_candidate(
    request: Request, candidate_id: RowId, session: SessionDep, user: Reader
) -> Response:
    """Back to the pending candidate before this one."""
    current = get_candidate(session=session, candidate_id=candidate_id)
    return _go(request, previous_pending(session=session, after=current), candidate_id)


def _go(request: Request, target: int | None, here: int) -> Response:
    if target is None:
        flash(request, "No other pending candidate.", "warning")
        target = here
    return RedirectResponse(f"/candidates/{target}", status_code=303)
