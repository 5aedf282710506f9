"""The review queue: filters, counts per gene, pages, bulk rejection."""

from __future__ import annotations

from datetime import date
from functools import partial
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.core.vocabulary import THERAPY_CLASSES, UNDECIDED, Status
from evidencewatch.review import decisions
from evidencewatch.review.presence import open_by
from evidencewatch.review.progress import progress
from evidencewatch.review.queue import gene_counts, queue
from evidencewatch.review.search import search_page
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
    page: int = 1,
    q: str = "",
) -> Response:
    """Candidates best first, with filters and the count of each gene."""
    filters = {
        "status": status or "pending",
        "gene": gene.strip(),
        "therapy": therapy,
        "since": since,
        "until": until,
        "q": q.strip()[:500],
    }
    counts = gene_counts(session=session, status=filters["status"])
    unfiltered = not (filters["gene"] or therapy or since.strip() or until.strip())
    total = sum(n for _gene, n in counts) if unfiltered else None
    find = partial(search_page, text=filters["q"]) if filters["q"] else partial(queue, total=total)
    result = find(
        session=session,
        status=filters["status"],
        gene=filters["gene"] or None,
        therapy_class=therapy or None,
        since=_date(since, "since"),
        until=_date(until, "until"),
        page=page,
    )
    active = {k: v for k, v in filters.items() if v and not (k == "status" and v == "pending")}

    def url(**changes: str | int) -> str:
        params = {**active, **{k: v for k, v in changes.items() if v}}
        return "/queue" + (f"?{urlencode(params)}" if params else "")

    context = {
        "page": result,
        "filters": filters,
        "gene_counts": counts,
        "statuses": [*(s.value for s in Status), "all"],
        "therapy_classes": THERAPY_CLASSES,
        "prev_url": url(page=result.page - 1) if result.page > 1 else None,
        "next_url": url(page=result.page + 1) if result.page < result.pages else None,
        "gene_url": lambda g: url(gene=g, page=0),
        "return_to": url(page=result.page if result.page > 1 else 0),
        "can_bulk_reject": user is not None and filters["status"] in UNDECIDED,
        "progress": progress(session=session, recall_target=settings.stop_recall_target).as_json(),
        "open_by": open_by(
            session=session,
            candidate_ids=[i.candidate.id for i in result.items],
            exclude=user.username if user else None,
        ),
    }
    return render(request, "web/queue.html", context)


@router.post("/queue/bulk-reject")
def bulk_reject(
    request: Request, session: SessionDep, user: SignedInUser, on_decided: OnDecided
) -> Response:
    """Reject the ticked candidates with one coded reason; skip any decided meanwhile."""
    data = form(request)
    back = safe_next(str(data.get("return_to") or ""))
    # A 400 naming "ids" for one that is not a number, or past any row id.
    ids = [form_number(v, "ids") for v in data.getlist("ids")]
    if not ids:
        flash(request, "Tick at least one candidate to reject.", "warning")
        return RedirectResponse(back, status_code=303)
    done, skipped = decisions.bulk_reject(
        session=session,
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


def _date(value: str, name: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidDecision(f"{name}: {value!r} is not a date like 2026-11-25") from exc


def _ids(ids: list[int]) -> str:
    return ", ".join(f"#{i}" for i in ids[:10]) + (" ..." if len(ids) > 10 else "")
