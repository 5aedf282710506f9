"""Answering an integrity notice from the candidate page: confirm (withdraw) or dismiss.

The forms are in ``templates/web/_integrity.html``; both post the candidate the
curator was reading, and come back to it (post/redirect/get) with what happened.
A dismissal without a note, or a notice someone else already answered, changes
nothing and says so.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from evidencewatch.core.errors import InvalidDecision, ReviewConflict
from evidencewatch.review import integrity as answers
from evidencewatch.web.deps import SessionDep, SignedInUser, flash, form
from evidencewatch.web.limits import RowId, form_number

router = APIRouter()


@router.post("/integrity/{notice_id}/{action}")
def answer(
    request: Request, notice_id: RowId, action: str, session: SessionDep, user: SignedInUser
) -> Response:
    data = form(request)
    candidate_id = form_number(data.get("candidate_id"), "candidate_id")
    note = str(data.get("note") or "")
    try:
        if action == "confirm":
            withdrawn = answers.confirm(
                session=session, notice_id=notice_id, actor=user.username, note=note
            )
            text = f"Confirmed notice {notice_id}: withdrew {len(withdrawn)} candidates."
        elif action == "dismiss":
            answers.dismiss(session=session, notice_id=notice_id, actor=user.username, note=note)
            text = f"Dismissed notice {notice_id}: the evidence is kept."
        else:
            raise InvalidDecision(f"{action!r}: an integrity notice is confirmed or dismissed")
    except (InvalidDecision, ReviewConflict) as exc:
        session.rollback()
        flash(request, f"Not saved: {exc}", "error")
    else:
        session.commit()
        flash(request, text, "success")
    return RedirectResponse(f"/candidates/{candidate_id}#integrity", status_code=303)
