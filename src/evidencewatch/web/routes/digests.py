"""Stored digests on the web: the list, each digest's HTML, and its Markdown.

``router`` is guarded by ``require_reader``, so reading digests follows the
same ``read_requires_login`` rule as the other read-only pages;
``make_router(dependencies)`` builds the same routes with other guards (tests).
The stored HTML is the mailed document itself, served with a
Content-Security-Policy that allows no scripts and no external loads.
"""

# No ``from __future__ import annotations``: FastAPI must see the real Annotated
# dependency types, which are local to make_router.

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from jinja2 import Environment, TemplateNotFound
from sqlmodel import Session, col, select

from evidencewatch.storage.models import Digest
from evidencewatch.web import deps
from evidencewatch.web.limits import RowId

DIGEST_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
LIST_LIMIT = 200
FALLBACK_LAYOUT = "digest/_web_layout.html"


@lru_cache(maxsize=1)
def _default_env() -> Environment:
    from evidencewatch.reporting.templating import make_env

    return make_env()


def app_env(request: Request) -> Environment:
    """The app's Jinja env (``app.state.templates.env``), or the shared one made here."""
    templates = getattr(request.app.state, "templates", None)
    env = getattr(templates, "env", None)
    return env if isinstance(env, Environment) else _default_env()


def make_router(
    dependencies: Sequence[Any] = (),
    *,
    get_session: Callable[..., Any] = deps.get_session,
    get_env: Callable[..., Environment] = app_env,
    base_template: str = "web/base.html",
    page_context: Callable[[Request], dict[str, Any]] = deps.template_context,
) -> APIRouter:
    """The ``/digests`` routes, each guarded by ``dependencies`` (``[Depends(require_reader)]``).

    ``base_template`` is the page layout ``web/digests.html`` extends (blocks
    ``title`` and ``content``); when it does not exist the list is a page of
    its own (``digest/_web_layout.html``). ``page_context(request)`` adds what
    the layout needs (by default the app's: user, CSRF token, flashes, nav links).
    """
    router = APIRouter(dependencies=list(dependencies), tags=["digests"])
    SessionDep = Annotated[Session, Depends(get_session)]
    EnvDep = Annotated[Environment, Depends(get_env)]

    @router.get("/digests", response_class=HTMLResponse, name="digests")
    def list_digests(request: Request, session: SessionDep, env: EnvDep) -> HTMLResponse:
        """The stored digests, newest first."""
        layout = base_template if _exists(env, base_template) else FALLBACK_LAYOUT
        html = env.get_template("web/digests.html").render(
            **page_context(request),
            request=request,
            digests=_digest_rows(session),
            layout=layout,
            limit=LIST_LIMIT,
        )
        return HTMLResponse(html)

    # Declared before /digests/{digest_id}, which would otherwise take "3.md" as an id.
    @router.get("/digests/{digest_id}.md", response_class=PlainTextResponse, name="digest_md")
    def digest_markdown(digest_id: RowId, session: SessionDep) -> PlainTextResponse:
        """One digest as Markdown."""
        return _markdown(_get(session, digest_id))

    @router.get("/digests/{digest_id}", response_class=HTMLResponse, name="digest")
    def digest_html(digest_id: RowId, session: SessionDep) -> HTMLResponse:
        """One digest: the stored HTML document, exactly as it was mailed."""
        return _html(_get(session, digest_id))

    return router


def _digest_rows(session: Session) -> list[dict[str, Any]]:
    """The newest stored digests (at most ``LIST_LIMIT``), as the list template shows them."""
    digests = session.exec(
        select(Digest)
        .order_by(col(Digest.created_at).desc(), col(Digest.id).desc())
        .limit(LIST_LIMIT)
    ).all()
    return [
        {
            "id": d.id,
            "title": d.title,
            "period_from": d.period_from,
            "period_to": d.period_to,
            "created_at": d.created_at,
            "summary": d.summary or {},
            "mailed_to": d.mailed_to or [],
        }
        for d in digests
    ]


def _markdown(digest: Digest) -> PlainTextResponse:
    return PlainTextResponse(
        digest.markdown,
        media_type="text/markdown; charset=utf-8",
        headers={
            "Content-Disposition": f'inline; filename="digest-{digest.period_to}.md"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def _html(digest: Digest) -> HTMLResponse:
    return HTMLResponse(
        digest.html,
        headers={"Content-Security-Policy": DIGEST_CSP, "X-Content-Type-Options": "nosniff"},
    )


def _get(session: Session, digest_id: int) -> Digest:
    digest = session.get(Digest, digest_id)
    if digest is None:
        raise HTTPException(status_code=404, detail=f"no digest {digest_id}")
    return digest


def _exists(env: Environment, name: str) -> bool:
    try:
        env.get_template(name)
    except TemplateNotFound:
        return False
    return True


router = make_router([Depends(deps.require_reader)])
