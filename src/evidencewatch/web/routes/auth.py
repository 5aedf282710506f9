"""Sign in and sign out."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from evidencewatch.review.accounts import authenticate
from evidencewatch.web.deps import CurrentUser, SessionDep, flash, form, render, safe_next

router = APIRouter()


@router.get("/login")
def login_page(request: Request, user: CurrentUser, next: str = "/queue") -> Response:
    """The sign-in form (or straight on, if already signed in)."""
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "web/login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
def login(request: Request, session: SessionDep) -> Response:
    """Check the name and password; on success start a fresh session."""
    data = form(request)
    username = str(data.get("username") or "")
    target = safe_next(str(data.get("next") or ""))
    user = authenticate(
        session=session, username=username, password=str(data.get("password") or "")
    )
    if user is None:
        context = {"next": target, "error": "Wrong user name or password.", "username": username}
        return render(request, "web/login.html", context, status_code=401)
    session.commit()  # a password hash upgraded on sign-in
    request.session.clear()  # no session fixation: new token, new session
    request.session.update(uid=user.id, csrf=secrets.token_urlsafe(32))
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    flash(request, "Signed out.")
    return RedirectResponse("/login", status_code=303)
