"""The queue one row per paper: its candidate genes together, the paper ranked by its best one.

The order is the queue's one order (:data:`~evidencewatch.review.queue.QUEUE_ORDER`)
applied to papers: a paper ranks where its best candidate would, so the paper
view and the candidate view walk the evidence in the same order. The filters
are the candidate queue's: a paper is listed when any of its candidates
matches, and shows the candidates that match.

Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlmodel import Session, col, func, select

from evidencewatch.review.queue import (
    Blind,
    Cursor,
    QueueItem,
    page_ids,
    queue_conditions,
    queue_items,
)
from evidencewatch.storage.models import Candidate

_CHIP_COLUMNS = tuple(
    getattr(Candidate, name) for name in ("id", "pmid", "gene", "status", "score", "version")
)


@dataclass(frozen=True, slots=True)
class PaperItem:
    """One paper of the queue: the row of its best candidate, and all its matching candidates."""

    best: QueueItem
    candidates: list[Candidate]

    @property
    def genes(self) -> list[str]:
        return [c.gene for c in self.candidates]


@dataclass(frozen=True, slots=True)
class PaperPage:
    items: list[PaperItem]
    total: int  # papers
    candidates: int  # candidates on those papers that match the filters
    page: int
    pages: int
    per_page: int = 50
    next_after: str | None = None  # the cursor of the next page (None: this is the last)


def _ahead(
    status: str,
    gene: str | None,
    therapy_class: str | None,
    since: date | None,
    until: date | None,
    blind: Blind | None,
) -> Any:
    """Candidates of the same paper that match the filters and rank ahead of the outer one.

    The therapy and date filters are written so that no index can serve them (coalesce of
    the column with itself): the probe must go through the paper's own candidates, the
    (status, pmid, score, id) index. Given the (status, created_at, score) index, SQLite
    walked the whole date range once per outer row (a dated paper queue at 100,000
    candidates ran for minutes).
    """
    other = orm.aliased(Candidate, name="ahead")
    conditions = queue_conditions(status, gene, None, None, None, blind, entity=other)
    created = sa.func.coalesce(other.created_at, other.created_at)
    if therapy_class:
        conditions.append(
            sa.func.coalesce(other.therapy_class, other.therapy_class) == therapy_class
        )
    if since is not None:
        conditions.append(created >= datetime(since.year, since.month, since.day, tzinfo=UTC))
    if until is not None:
        end = until + timedelta(days=1)
        conditions.append(created < datetime(end.year, end.month, end.day, tzinfo=UTC))
    return (
        select(other.id)
        .where(
            other.pmid == col(Candidate.pmid),
            *conditions,
            sa.or_(
                other.score > col(Candidate.score),
                sa.and_(col(other.score) == col(Candidate.score), other.id > col(Candidate.id)),
            ),
        )
        .correlate(Candidate)
    )


def paper_queue(
    *,
    session: Session,
    status: str = "pending",
    gene: str | None = None,
    therapy_class: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    per_page: int = 50,
    blind: Blind | None = None,
    candidates: int | None = None,
    after: Cursor | None = None,
) -> PaperPage:
    """One page of papers, each ranked by its best matching candidate.

    Pass ``candidates`` when the number of matching candidates is known already (the sum
    of :func:`~evidencewatch.review.queue.gene_counts` for an unfiltered status). ``after``
    (a :class:`~evidencewatch.review.queue.Cursor` of the paper view: its best candidate's
    order key) starts the page after that paper instead of at ``page``'s offset.
    """
    per_page = min(max(per_page, 1), 500)
    conditions = queue_conditions(status, gene, therapy_class, since, until, blind)
    # DISTINCT in a subquery streams over the (status, pmid, score) index; count(DISTINCT
    # pmid) sorts into a temporary b-tree instead (90 against 360 ms at 100,000 candidates).
    papers = select(Candidate.pmid).where(*conditions).distinct().subquery()
    total = int(session.exec(select(func.count()).select_from(papers)).one())
    if candidates is None:
        count = select(func.count()).select_from(Candidate).where(*conditions)
        candidates = int(session.exec(count).one())
    pages = max(1, math.ceil(total / per_page))
    page = min(max(after.page if after else page, 1), pages)
    # A paper's best candidate is the one no candidate of the same paper (matching the
    # filters) ranks ahead of. Walking the (status, score) index in queue order and probing
    # (status, pmid, score) for each row keeps the first pages cheap; a window function
    # over the whole queue sorted it all (p95 5.5 s at 100,000 candidates).
    # A cursor walks the same index from its row on, without probing the rows before it.
    query = select(Candidate.id, Candidate.score).where(
        *conditions, ~sa.exists(_ahead(status, gene, therapy_class, since, until, blind))
    )
    best_ids, next_after = page_ids(
        session, query, view="papers", page=page, per_page=per_page, after=after
    )
    best = queue_items(session, best_ids)
    pmids = [item.candidate.pmid for item in best]
    chips = session.exec(
        select(Candidate)
        .where(col(Candidate.pmid).in_(pmids), *conditions)
        .options(orm.load_only(*_CHIP_COLUMNS))
    ).all()
    # Sorted here: ORDER BY would lead SQLite to walk the whole (status, score) index
    # instead of looking up the page's papers (450 ms against 1 ms at 100,000 candidates).
    chips = sorted(chips, key=lambda c: (-c.score, -(c.id or 0)))
    by_paper: dict[int, list[Candidate]] = {pmid: [] for pmid in pmids}
    for chip in chips:
        by_paper[chip.pmid].append(chip)
    items = [PaperItem(item, by_paper[item.candidate.pmid]) for item in best]
    return PaperPage(items, total, candidates, page, pages, per_page, next_after)
