"""The living evidence summary on the web: the draft, the published versions, side by side.

Read pages follow ``read_requires_login`` (``Reader``); overriding a status is a
POST for editors and admins, with a written reason, CSRF-checked like every form.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from evidencewatch.config import Settings
from evidencewatch.core.errors import ConfigError, InvalidDecision, NotFound
from evidencewatch.core.timeutil import utcnow
from evidencewatch.core.vocabulary import Role, SummaryStatus
from evidencewatch.jobs.summary import finding_order
from evidencewatch.reporting.summary import (
    build_document,
    changes_between,
    compare,
    gather_input,
    page_context,
)
from evidencewatch.reporting.summary.store import get_version, list_versions, override_status
from evidencewatch.web.deps import (
    Reader,
    SessionDep,
    SettingsDep,
    SignedInUser,
    flash,
    form,
    render,
)
from evidencewatch.web.routes.digests import DIGEST_CSP

router = APIRouter()
EDIT_ROLES = (Role.editor.value, Role.admin.value)


def _draft(session: Session, settings: Settings) -> dict[str, Any]:
    data = gather_input(session=session, finding_order=finding_order(settings))
    return build_document(data, now=utcnow())


def _document(session: Session, settings: Settings, which: str) -> dict[str, Any]:
    """``which`` is a version number or "draft"."""
    if which == "draft":
        return _draft(session, settings)
    if not which.isdigit() or not 0 < int(which) < 2**31:
        raise HTTPException(status_code=400, detail=f"{which!r} is not a version number or draft")
    try:
        return dict(get_version(session=session, number=int(which)).document)
    except NotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@router.get("/summary")
def summary_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: Reader
) -> Response:
    """The summary as of now (a draft), with the changes since the last published version."""
    document = _draft(session, settings)
    context = {
        **page_context(document),
        "versions": list_versions(session=session),
        "may_override": user is not None and user.role in EDIT_ROLES,
        "statuses": [s.value for s in SummaryStatus],
    }
    return render(request, "web/summary.html", context)


@router.get("/summary/versions")
def versions_page(request: Request, session: SessionDep, user: Reader) -> Response:
    return render(
        request, "web/summary_versions.html", {"versions": list_versions(session=session)}
    )


@router.get("/summary/versions/{number}.{fmt}")
def version_file(
    number: int, fmt: Literal["html", "md", "json"], session: SessionDep, user: Reader
) -> Response:
    """A published version exactly as stored: the HTML file, the Markdown, or the JSON."""
    try:
        row = get_version(session=session, number=number)
    except NotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    if fmt == "html":
        return HTMLResponse(row.html, headers={"Content-Security-Policy": DIGEST_CSP})
    if fmt == "md":
        return PlainTextResponse(row.markdown, media_type="text/markdown; charset=utf-8")
    return JSONResponse(row.document)


@router.get("/summary/versions/{number}")
def version_page(
    request: Request, number: str, session: SessionDep, settings: SettingsDep, user: Reader
) -> Response:
    document = _document(session, settings, number)
    return render(request, "web/summary_version.html", page_context(document))


@router.get("/summary/compare")
def compare_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: Reader,
    a: str = "1",
    b: str = "draft",
) -> Response:
    """Two versions (or a version and the draft) side by side, what differs marked."""
    left, right = _document(session, settings, a), _document(session, settings, b)
    context = {
        "a": a,
        "b": b,
        "rows": compare(left, right),
        "changes": changes_between(left, right),
        "versions": list_versions(session=session),
    }
    return render(request, "web/summary_compare.html", context)


@router.post("/summary/override")
def override(request: Request, session: SessionDep, user: SignedInUser) -> Response:
    """Set (or clear, status "computed") a finding's status, with the written reason."""
    data = form(request)
    finding_id = str(data.get("finding_id") or "")
    status = str(data.get("status") or "")
    try:
        row = override_status(
            session=session,
            finding_id=finding_id,
            status=None if status == "computed" else status,
            reason=str(data.get("reason") or ""),
            actor=user.username,
            role=user.role,
        )
    except (ConfigError, InvalidDecision, NotFound) as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/summary#finding-{finding_id}", status_code=303)
    session.commit()
    what = f"set to {row.status}" if row.status else "back to the computed status"
    flash(request, f"{finding_id}: status {what}")
    return RedirectResponse(f"/summary#finding-{finding_id}", status_code=303)
