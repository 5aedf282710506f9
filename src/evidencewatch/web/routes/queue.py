"""The review queue: one row per paper (or per candidate), filters, counts per gene, pages,
bulk rejection. In dual review a curator's queue hides what they voted on and conflicts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session, col, select
from starlette.responses import Response

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.core.vocabulary import THERAPY_CLASSES, UNDECIDED, ReviewMode, Status
from evidencewatch.review import team
from evidencewatch.review.conflicts import count_conflicts
from evidencewatch.review.paper_queue import PaperItem, paper_queue
from evidencewatch.review.presence import open_by
from evidencewatch.review.progress import progress
from evidencewatch.review.queue import Blind, Cursor, gene_counts, queue
from evidencewatch.review.search import search_page
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
    safe_next,
)
from evidencewatch.web.limits import form_number
from evidencewatch.web.routes.team import take_undo_offer

VIEWS = ("papers", "candidates")

router = APIRouter()


@router.get("/")
def home() -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue_page(
    request: Request,
    session: SessionDep,
    user: Reader,
    settings: SettingsDep,
    status: str = "pending",
    gene: str = "",
    therapy: str = "",
    since: str = "",
    until: str = "",
    view: str = "papers",
    page: int = 1,
    q: str = "",
    after: str = "",
) -> Response:
    """Papers (or candidates) best first, with filters and the count of each gene.

    ``after`` (the "next" link's cursor) starts the page after a row, read from the index
    from there on; ``page`` (an offset) still works for links made before it."""
    filters = {
        "status": status or "pending",
        "gene": gene.strip(),
        "therapy": therapy,
        "since": since,
        "until": until,
        # Search hits are candidates, ranked by relevance: they show one row each.
        "view": "candidates" if q.strip() else view if view in VIEWS else "papers",
        "q": q.strip()[:500],
    }
    dual = settings.review_mode == ReviewMode.dual
    blind = Blind(user.username if user is not None else None) if dual else None
    counts = gene_counts(session=session, status=filters["status"], blind=blind)
    result = _fetch(session, filters, counts, blind, page, after)
    active = _active(filters)

    def url(**changes: str | int) -> str:
        params = {**active, **{k: v for k, v in changes.items() if v}}
        return "/queue" + (f"?{urlencode(params)}" if params else "")

    context = {
        "page": result,
        "filters": filters,
        "gene_counts": counts,
        "statuses": [*(s.value for s in Status), "all"],
        "therapy_classes": THERAPY_CLASSES,
        **_pager(url, result, after.strip()),
        "gene_url": lambda g: url(gene=g, page=0),
        "view_url": lambda v: url(view=v, page=0) if v != "papers" else _without_view(url()),
        "can_bulk_reject": user is not None and filters["status"] in UNDECIDED,
        "dual": dual,
        "conflict_count": count_conflicts(session=session) if dual else 0,
        "undo_offer": take_undo_offer(request),
        "progress": progress(session=session, recall_target=settings.stop_recall_target).as_json(),
        "open_by": open_by(
            session=session,
            candidate_ids=_shown_ids(result.items),
            exclude=user.username if user else None,
        ),
    }
    return render(request, "web/queue.html", context)


def _shown_ids(items: list[Any]) -> list[int]:
    """The candidates a page shows: each row's, or every candidate of each paper's row."""
    ids: list[int | None] = []
    for item in items:
        ids += (
            [c.id for c in item.candidates] if isinstance(item, PaperItem) else [item.candidate.id]
        )
    return [i for i in ids if i is not None]


def _active(filters: dict[str, str]) -> dict[str, str]:
    """The filters a URL must carry: those set to something other than their default."""
    defaults = {"status": "pending", "view": "papers"}
    return {k: v for k, v in filters.items() if v and v != defaults.get(k)}


def _fetch(
    session: Session,
    filters: dict[str, str],
    counts: list[tuple[str, int]],
    blind: Blind | None,
    page: int,
    after: str,
) -> Any:
    """The page of papers or of candidates that the filters ask for; InvalidDecision (400)
    naming ``after`` for a cursor that is not one (or that comes with a search)."""
    chosen: dict[str, Any] = {
        "session": session,
        "status": filters["status"],
        "gene": filters["gene"] or None,
        "therapy_class": filters["therapy"] or None,
        "since": _date(filters["since"], "since"),
        "until": _date(filters["until"], "until"),
        "page": page,
        "blind": blind,
    }
    cursor = Cursor.decode(after, filters["view"]) if after.strip() else None
    unfiltered = not (
        filters["gene"]
        or filters["therapy"]
        or filters["since"].strip()
        or filters["until"].strip()
    )
    total = sum(n for _gene, n in counts) if unfiltered else None
    if filters["q"]:  # hits one by one, best match first (dual review's blinding is the queue's)
        if cursor is not None:
            raise InvalidDecision("after: a search's pages are numbered; use page= instead")
        del chosen["blind"]
        return search_page(text=filters["q"], **chosen)
    if filters["view"] == "papers":
        return paper_queue(candidates=total, after=cursor, **chosen)
    return queue(total=total, after=cursor, **chosen)


def _pager(url: Callable[..., str], result: Any, after: str) -> dict[str, str | None]:
    """The previous and next pages, and where a form on this page returns to.

    "Next" follows the last row's cursor (a search's pages stay numbered); "previous" is
    the numbered page before, as the cursor only walks forward."""
    if getattr(result, "next_after", None):
        next_url: str | None = url(after=result.next_after)
    else:
        next_url = url(page=result.page + 1) if result.page < result.pages else None
    return {
        "prev_url": url(page=result.page - 1) if result.page > 1 else None,
        "next_url": next_url,
        "return_to": url(after=after) if after else url(page=result.page if result.page > 1 else 0),
    }


def _without_view(url: str) -> str:
    """``url`` with its ``view`` parameter dropped (papers is the default view)."""
    path, _, query = url.partition("?")
    kept = "&".join(p for p in query.split("&") if p and not p.startswith("view="))
    return path + (f"?{kept}" if kept else "")


@router.post("/queue/bulk-reject")
def bulk_reject(
    request: Request,
    session: SessionDep,
    user: SignedInUser,
    settings: SettingsDep,
    on_decided: OnDecided,
) -> Response:
    """Reject the ticked candidates (or papers' candidates) with one reason; skip any decided
    meanwhile (or, in dual review, voted on by this curator already)."""
    data = form(request)
    back = safe_next(str(data.get("return_to") or ""))
    # A 400 naming "ids" for one that is not a number, or past any row id.
    ids = [form_number(v, "ids") for v in data.getlist("ids")]
    pmids = [form_number(v, "papers") for v in data.getlist("papers")]
    ids += _paper_candidates(session, pmids, user, settings.review_mode)
    if not ids:
        flash(request, "Tick at least one candidate to reject.", "warning")
        return RedirectResponse(back, status_code=303)
    done, skipped = team.bulk_reject(
        session=session,
        mode=settings.review_mode,
        ids=ids,
        actor=user.username,
        reason=str(data.get("reason") or ""),
        note=str(data.get("note") or "") or None,
        role=user.role,
        on_decided=on_decided,
    )
    session.commit()
    message = f"Rejected {len(done)} candidate{'s' if len(done) != 1 else ''}."
    if skipped:
        message += f" Skipped {len(skipped)} decided meanwhile or gone: {_ids(skipped)}."
    flash(request, message, "warning" if skipped else "success")
    return RedirectResponse(back, status_code=303)


def _paper_candidates(session: Session, pmids: list[int], user: User, mode: str) -> list[int]:
    """The undecided candidates of the ticked papers (in dual review: not voted on by ``user``)."""
    if not pmids:
        return []
    query = select(Candidate.id).where(
        col(Candidate.pmid).in_(pmids), col(Candidate.status).in_(UNDECIDED)
    )
    if mode == ReviewMode.dual:
        query = query.where(*Blind(user.username).conditions(Status.pending.value))
    return [cid for cid in session.exec(query).all() if cid is not None]


def _date(value: str, name: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidDecision(f"{name}: {value!r} is not a date like 2026-11-25") from exc


def _ids(ids: list[int]) -> str:
    return ", ".join(f"#{i}" for i in ids[:10]) + (" ..." if len(ids) > 10 else "")
