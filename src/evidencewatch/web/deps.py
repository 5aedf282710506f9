"""Request plumbing: the signed session cookie, security headers, CSRF, the signed-in user.

* The session is a JSON dict in one cookie signed with itsdangerous
  (HttpOnly, SameSite=Lax, Secure when the request came over https). A
  signed-in cookie holds the token of a ``web_session`` row, checked on every
  request (:mod:`evidencewatch.review.sessions`): ending the row signs the
  cookie out, wherever a copy of it is kept.
* Each session carries a CSRF token; every POST must send it back in the
  ``csrf_token`` form field, or it is refused with 403 before anything runs.
* ``SessionDep`` is one database session per request; routes commit.
* ``OnDecided`` is what runs after each decision (``app.state.on_decided``,
  set by ``create_app``); decision routes pass it to the review functions.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session
from starlette.datastructures import FormData, MutableHeaders
from starlette.middleware.sessions import Session as CookieSession
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from evidencewatch.config import Settings
from evidencewatch.core.errors import EvidenceWatchError
from evidencewatch.review.decisions import DecisionHook
from evidencewatch.review.sessions import live_user
from evidencewatch.storage.models import User
from evidencewatch.web.limits import FormTooLarge

SESSION_COOKIE = "evidencewatch_session"
SESSION_MAX_AGE = 14 * 24 * 3600
CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class LoginRequired(EvidenceWatchError):
    """The page or action needs a signed-in user."""

    status = 401


class CsrfFailed(EvidenceWatchError):
    """A POST without this session's CSRF token: refused, nothing done."""

    status = 403


# --- middleware -----------------------------------------------------------------------------


class SignedSessionMiddleware:
    """``request.session`` from a signed cookie; rewritten only when the session changes."""

    def __init__(self, app: ASGIApp, *, secret_key: str, max_age: int = SESSION_MAX_AGE) -> None:
        self.app = app
        self.max_age = max_age
        self.serializer = URLSafeTimedSerializer(secret_key, salt="evidencewatch.session")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
        data: Any = {}
        if raw:
            try:
                data = self.serializer.loads(raw, max_age=self.max_age)
            except BadSignature:
                data = {}
        session = CookieSession(data if isinstance(data, dict) else {})
        scope["session"] = session
        flags = "Path=/; HttpOnly; SameSite=Lax" + (
            "; Secure" if scope["scheme"] == "https" else ""
        )

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.modified:
                headers = MutableHeaders(scope=message)
                if session:
                    value = self.serializer.dumps(dict(session))
                    headers.append(
                        "Set-Cookie", f"{SESSION_COOKIE}={value}; Max-Age={self.max_age}; {flags}"
                    )
                elif raw:
                    headers.append("Set-Cookie", f"{SESSION_COOKIE}=; Max-Age=0; {flags}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)


class SecurityHeadersMiddleware:
    """CSP, nosniff, referrer policy and no framing on every response; no caching of pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message), static=static)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def add_security_headers(headers: MutableHeaders, *, static: bool = False) -> None:
    """The headers every response carries, unless the response set its own."""
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if not static:
        headers.setdefault("Cache-Control", "no-store")


# --- dependencies ---------------------------------------------------------------------------


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_decision_hook(request: Request) -> DecisionHook | None:
    """The app's ``on_decided`` callback, or None when it has none."""
    hook: DecisionHook | None = getattr(request.app.state, "on_decided", None)
    return hook


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
OnDecided = Annotated[DecisionHook | None, Depends(get_decision_hook)]


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use."""
    if "session" not in request.scope:
        return ""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> FormData | None:
    """On POST: parse the form (kept on ``request.state.form``) and check its CSRF token."""
    if request.method != "POST":
        return None
    try:
        form = await request.form()
    except FormTooLarge:  # BodyLimitMiddleware: a 413 that says the limit
        raise
    except Exception as exc:  # malformed multipart, wrong content type, ...
        raise CsrfFailed("this form could not be read; reload the page and try again") from exc
    sent = form.get("csrf_token")
    expected = request.session.get("csrf")
    if not (
        isinstance(sent, str)
        and isinstance(expected, str)
        and expected
        and hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise CsrfFailed(
            "this form was refused: its security token is missing or out of date (the page "
            "may be stale, or the form came from another site). Reload the page and try again."
        )
    request.state.form = form
    return form


def now(request: Request) -> datetime:
    """The app's clock (``create_app(clock=...)``; tests move it instead of sleeping)."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def client_address(request: Request) -> str:
    """The client's address (behind a proxy, the one uvicorn's ``--proxy-headers`` trusts)."""
    return request.client.host if request.client is not None else "unknown"


def load_user(request: Request, session: SessionDep, settings: SettingsDep) -> User | None:
    """The user of this cookie's live server-side session (also ``request.state.user``), or None."""
    token = request.session.get("sid")
    user = None
    if isinstance(token, str) and token:
        user = live_user(session=session, token=token, settings=settings, now=now(request))
        session.commit()  # the session's last use, or its end when it was found timed out
    if user is None and token is not None:
        request.session.pop("sid", None)
    request.state.user = user
    return user


def request_context(
    request: Request,
    _form: Annotated[FormData | None, Depends(check_csrf)],
    user: Annotated[User | None, Depends(load_user)],
) -> User | None:
    """Every route of the app runs this first: the CSRF check, then the user."""
    return user


def require_user(user: Annotated[User | None, Depends(request_context)]) -> User:
    if user is None:
        raise LoginRequired("sign in to do this")
    return user


def require_reader(
    user: Annotated[User | None, Depends(request_context)], settings: SettingsDep
) -> User | None:
    """The user, if any; LoginRequired when ``read_requires_login`` and nobody is signed in."""
    if user is None and settings.read_requires_login:
        raise LoginRequired("sign in to read the queue")
    return user


CurrentUser = Annotated[User | None, Depends(request_context)]
SignedInUser = Annotated[User, Depends(require_user)]
Reader = Annotated[User | None, Depends(require_reader)]


def form(request: Request) -> FormData:
    """The POST form parsed (and CSRF-checked) by :func:`check_csrf`."""
    parsed: FormData = getattr(request.state, "form", None) or FormData()
    return parsed


# --- templates ------------------------------------------------------------------------------


def flash(request: Request, text: str, kind: str = "info") -> None:
    """A one-line message shown on the next page rendered for this session."""
    request.session["flash"] = [*request.session.get("flash", []), [kind, text]]


def template_context(request: Request) -> dict[str, Any]:
    """What every template gets: the user, the CSRF token, flash messages, the nav links."""
    flashes = request.session.pop("flash", []) if "session" in request.scope else []
    return {
        "current_user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "flashes": flashes,
        "nav_links": getattr(request.app.state, "nav_links", []),
    }


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    """Render ``name`` with ``context`` plus :func:`template_context`."""
    response: Response = request.app.state.templates.TemplateResponse(
        request, name, context or {}, status_code=status_code
    )
    return response


def safe_next(url: str | None, default: str = "/queue") -> str:
    """``url`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return default
    return url
