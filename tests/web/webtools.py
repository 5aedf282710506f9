"""Helpers for driving the web app through FastAPI's TestClient (imported as ``web.webtools``)."""

from __future__ import annotations

import re
import warnings

from sqlmodel import Session, select

from evidencewatch.storage.models import AuditEvent, Candidate
from factories import make_user

with warnings.catch_warnings():  # starlette 1.x: "use httpx2" (TestClient still works on httpx)
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = [
    "TestClient",
    "audit_actions",
    "form_page",
    "sign_in",
    "status_of",
    "token",
]


def token(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: TestClient, session: Session, name: str = "alice", role: str = "curator"):
    make_user(session, name, role, f"{name}-password")
    session.commit()
    r = client.post(
        "/login",
        data={"username": name, "password": f"{name}-password", "csrf_token": token(client)},
    )
    assert r.status_code == 200 and r.url.path == "/queue", r.text[:500]


def form_page(client: TestClient, cid: int) -> tuple[str, str]:
    """The CSRF token and the text of candidate ``cid``'s page."""
    page = client.get(f"/candidates/{cid}").text
    return token(client, f"/candidates/{cid}"), page


def audit_actions(session: Session, cid: int) -> list[str]:
    session.expire_all()
    rows = session.exec(select(AuditEvent).where(AuditEvent.candidate_id == cid)).all()
    return [e.action for e in rows]


def status_of(session: Session, cid: int) -> tuple[str, int]:
    session.expire_all()
    cand = session.get(Candidate, cid)
    return cand.status, cand.version
