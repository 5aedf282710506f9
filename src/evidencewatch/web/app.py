"""The review web app: ``create_app(settings)`` builds it; nothing happens at import.

Pages are rendered on the server with the one Jinja environment
(:func:`evidencewatch.templating.make_env`, autoescape on); the only
JavaScript is ``static/keys.js`` for keyboard shortcuts.
"""

from __future__ import annotations

import importlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from functools import cache
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from evidencewatch.config import Settings
from evidencewatch.core.errors import EvidenceWatchError
from evidencewatch.core.timeutil import utcnow
from evidencewatch.reporting.templating import make_env
from evidencewatch.review.security_log import security_event
from evidencewatch.storage.db import ensure_current, make_engine
from evidencewatch.web import deps
from evidencewatch.web.drafts import DraftStore
from evidencewatch.web.hashing import HashingBusy, HashingPool
from evidencewatch.web.limits import BodyLimitMiddleware
from evidencewatch.web.routes import auth, candidates, integrity, navigation, queue, summary, team

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"
_TITLES = {
    400: "Bad request",
    401: "Sign in needed",
    403: "Refused",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "Busy",
}


@cache
def process_secret_key() -> str:
    """A random signing key for this process, used when ``secret_key`` is not set."""
    log.warning(
        "secret_key is not set: signing sessions with a random key for this process; "
        "everyone is signed out when it restarts (set EVIDENCEWATCH_SECRET_KEY to keep sign-ins)"
    )
    return secrets.token_urlsafe(48)


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> FastAPI:
    """The web app for ``settings``; pass ``engine`` to share one (tests, benchmarks), and
    ``clock`` to move session timeouts and lockouts on without waiting (tests)."""
    own_engine = engine is None
    app_engine = engine if engine is not None else make_engine(settings.database_url)
    hashing = HashingPool(workers=settings.login_hash_workers, queue=settings.login_hash_queue)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ensure_current(app_engine)
        yield
        hashing.shutdown()
        if own_engine:
            app_engine.dispose()

    app = FastAPI(
        title="evidencewatch", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings = settings
    app.state.engine = app_engine
    app.state.clock = clock
    app.state.hashing = hashing  # password checks: bounded, off the request threads
    # No decision hook: a web worker never retrains the ranking. Web decisions are
    # counted by the scheduler's retrain job or `evidencewatch worker`
    # (jobs.retraining), and the new scores reach the next request through the database.
    app.state.on_decided = None
    # What curators typed into decisions that lost a race, kept for the page after the redirect.
    app.state.drafts = DraftStore()
    app.state.templates = Jinja2Templates(
        env=make_env(), context_processors=[deps.template_context]
    )
    app.add_middleware(
        deps.SignedSessionMiddleware,
        secret_key=_secret(settings),
        max_age=int(settings.session_absolute_timeout_seconds),
    )
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(deps.SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    _add_routes(app, settings)
    _add_error_handlers(app)
    return app


_ROUTERS = (
    auth.router,
    queue.router,
    navigation.router,
    candidates.router,
    team.router,
    summary.router,
    integrity.router,
)


def _add_routes(app: FastAPI, settings: Settings) -> None:
    """Every page, each behind the request checks; the nav links of what is there."""
    checked = [Depends(deps.request_context)]
    for router in _ROUTERS:
        app.include_router(router, dependencies=checked)
    digests = _optional_routes("evidencewatch.web.routes.digests")
    if digests is not None:  # the digest pages follow read_requires_login too
        app.include_router(digests.router, dependencies=[*checked, Depends(deps.require_reader)])
    health = _optional_routes("evidencewatch.web.routes.health")
    if health is not None:  # probes: no session, no sign-in
        app.include_router(health.router)

    paths = {getattr(route, "path", None) for route in app.routes}
    app.state.nav_links = [("Queue", "/queue")] + (
        [("Digests", "/digests")] if "/digests" in paths else []
    )
    if settings.review_mode == "dual":
        app.state.nav_links += [("Conflicts", "/conflicts"), ("Agreement", "/agreement")]


def _optional_routes(name: str) -> ModuleType | None:
    """The routes module ``name`` if it exists (other areas add theirs), else None."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def _secret(settings: Settings) -> str:
    return settings.secret_key or process_secret_key()


def error_page(request: Request, status: int, message: str) -> Response:
    """The error page (datasette style): one template for every status."""
    context = {"status": status, "title": _TITLES.get(status, "Error"), "message": message}
    return deps.render(request, "web/error.html", context, status_code=status)


DATABASE_BUSY_RETRY_SECONDS = 5


async def database_busy(request: Request, exc: Exception) -> Response:
    """Every database connection of this process stayed in use for the pool's timeout: the
    server is overloaded, not broken. 503 on the error page, with when to come back."""
    log.warning("database busy on %s: %s", request.url.path, exc)
    message = (
        "The server is busy: every database connection is in use. "
        f"Try again in {DATABASE_BUSY_RETRY_SECONDS} seconds."
    )
    response = error_page(request, 503, message)
    response.headers["Retry-After"] = str(DATABASE_BUSY_RETRY_SECONDS)
    return response


def _add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(sa_exc.TimeoutError, database_busy)

    @app.exception_handler(EvidenceWatchError)
    async def app_error(request: Request, exc: EvidenceWatchError) -> Response:
        if isinstance(exc, deps.LoginRequired) and request.method in ("GET", "HEAD"):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
        status = int(getattr(exc, "status", 500))
        if status >= 500:
            log.error("%s on %s: %s", type(exc).__name__, request.url.path, exc)
        message = str(exc) if status < 500 else "The server could not do this; see its log."
        if status == 503:  # busy, not broken: say so, and when to come back
            message = str(exc)
        if isinstance(exc, HashingBusy):  # load shedding (429), not the throttle's 429
            security_event(
                "login_busy", path=request.url.path, address=deps.client_address(request)
            )
        response = error_page(request, status, message)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if exc.status_code != 404 else "There is no page at this address."
        return error_page(request, exc.status_code, str(detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if any(e.get("loc", ("",))[0] == "path" for e in errors):
            return error_page(request, 404, "There is no page at this address.")
        where = ", ".join(str(e.get("loc", ["?"])[-1]) for e in errors)
        return error_page(request, 400, f"Some values in the request are not valid: {where}")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Runs outside the other middleware (Starlette's outermost layer), so it adds the
        # security headers itself; the traceback is logged by the server as it re-raises.
        try:
            response = error_page(request, 500, "The server could not do this; see its log.")
        except Exception:  # the error page itself failed: plain text, still with the headers
            response = PlainTextResponse("500 Something went wrong", status_code=500)
        deps.add_security_headers(response.headers)
        return response
