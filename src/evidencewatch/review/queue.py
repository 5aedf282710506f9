"""The review queue: candidates best score first, its filters, pages and counts per gene.

The queue's ``since``/``until`` filter on when a candidate entered the queue
(``Candidate.created_at``, UTC days, both ends inclusive): "what is new since
I last looked". (The paper's PubMed create date would need a join to
``paper`` on every count, and is shown on each row instead.)

Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import orm
from sqlmodel import Session, col, func, select

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.core.vocabulary import QUEUE_STATUSES, REASON_LABELS, UNDECIDED, Status
from evidencewatch.storage.models import Candidate, Paper
from evidencewatch.storage.votes import ReviewVote

# What a queue row shows: loading only these keeps a page of wide rows cheap.
_QUEUE_CANDIDATE_COLUMNS = tuple(
    getattr(Candidate, name)
    for name in ("id", "pmid", "gene", "status", "score", "therapy_class", "reasons",
                 "version", "decided_by", "decided_at", "created_at")
)  # fmt: skip
_QUEUE_PAPER_COLUMNS = tuple(
    getattr(Paper, name)
    for name in ("pmid", "title", "journal", "pub_date", "crdt", "is_retracted", "is_review",
                 "deleted_at")
)  # fmt: skip
# The one order of candidates everywhere: the web queue, the CLI, exports and the demo.
# Ties are broken by evidence inside the score itself: the rule score is a strictly
# increasing function of the points, then supporting sentences, mentions and the
# reasons present (matching.scoring), and the learned score is a blend mapped onto
# that scale (ranking.blend). Two candidates share a score only when their evidence
# is the same; only those fall back on the newest first. Ordering by more columns
# would leave the (status, score) index, which alone makes deep pages cheap (p95 of a
# deep page at 100,000 candidates: 50 ms, against 420 ms sorting on rule_score, PMID, gene).
QUEUE_ORDER = (col(Candidate.score).desc(), col(Candidate.id).desc())


@dataclass(frozen=True, slots=True)
class Blind:
    """Dual review's view of the undecided queue for one curator (None: single review).

    It leaves out what ``voter`` has voted on and what already has two votes
    (a conflict, for an editor); decided statuses are shown whole.
    """

    voter: str | None = None

    def conditions(self, status: str, entity: Any = Candidate) -> list[Any]:
        """WHERE clauses on ``entity`` (the candidate table, or an alias of it)."""
        if status not in UNDECIDED:
            return []
        standing = col(ReviewVote.withdrawn_at).is_(None)
        full = (
            select(ReviewVote.candidate_id)
            .where(standing)
            .group_by(col(ReviewVote.candidate_id))
            .having(func.count() >= 2)
        )
        out = [entity.id.not_in(full)]
        if self.voter:
            mine = select(ReviewVote.candidate_id).where(standing, ReviewVote.voter == self.voter)
            out.append(entity.id.not_in(mine))
        return out


@dataclass(frozen=True, slots=True)
class QueueItem:
    candidate: Candidate
    paper: Paper
    title_markup: str

    @property
    def top_reason(self) -> str:
        """The reason that weighed most in the score, as one short line."""
        reasons = [r for r in self.candidate.reasons if isinstance(r, dict)]
        if not reasons:
            return ""
        best = max(reasons, key=lambda r: abs(float(r.get("weight") or 0)))
        detail, feature = str(best.get("detail") or ""), str(best.get("feature", ""))
        label = REASON_LABELS.get(feature, feature)  # a sentence, not the internal code
        return f"{label}: {detail}" if detail else label


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: list[QueueItem]
    total: int
    page: int
    pages: int
    per_page: int = 50


def queue(
    *,
    session: Session,
    status: str = "pending",
    gene: str | None = None,
    therapy_class: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    per_page: int = 50,
    total: int | None = None,
    blind: Blind | None = None,
) -> QueuePage:
    """One page of candidates, best score first (:data:`QUEUE_ORDER`), newest first among equal.

    ``status="all"`` lists every status. Ties go newest first: that is the
    order of the (status, score) index read backwards, so a deep page costs an
    index walk, not a sort of the whole queue. Pass ``total`` when it is already
    known (the sum of :func:`gene_counts` for an unfiltered status) to skip the count.
    ``blind`` is dual review's view for one curator.
    """
    per_page = min(max(per_page, 1), 500)
    conditions = queue_conditions(status, gene, therapy_class, since, until, blind)
    if total is None:
        total = session.exec(select(func.count()).select_from(Candidate).where(*conditions)).one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    # The page's ids first, from the (status, score) index alone; then only those rows:
    # skipping thousands of wide candidate and paper rows is what makes deep pages slow.
    ids = session.exec(
        select(Candidate.id)
        .where(*conditions)
        .order_by(*QUEUE_ORDER)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    items = queue_items(session, ids)
    return QueuePage(items=items, total=total, page=page, pages=pages, per_page=per_page)


def queue_conditions(
    status: str,
    gene: str | None = None,
    therapy_class: str | None = None,
    since: date | None = None,
    until: date | None = None,
    blind: Blind | None = None,
    entity: Any = Candidate,
) -> list[Any]:
    """The WHERE clauses of the queue's filters, on ``entity`` (the candidate table or an
    alias of it); InvalidDecision for an unknown status."""
    if status not in QUEUE_STATUSES:
        raise InvalidDecision(f"status: {status!r} is not one of {', '.join(QUEUE_STATUSES)}")
    c = entity
    conditions: list[Any] = blind.conditions(status, c) if blind is not None else []
    if status != "all":
        conditions.append(c.status == status)
    if gene:
        conditions.append(c.gene == gene.strip())
    if therapy_class:
        conditions.append(c.therapy_class == therapy_class)
    if since is not None:
        conditions.append(c.created_at >= _day_start(since))
    if until is not None:
        conditions.append(c.created_at < _day_start(until + timedelta(days=1)))
    return conditions


def queue_items(session: Session, ids: Sequence[int | None]) -> list[QueueItem]:
    """The queue rows of ``ids``, in the order of ``ids``."""
    title_markup = Paper.record["title_markup"].as_string()
    rows = session.exec(
        select(Candidate, Paper, title_markup)
        .join(Paper, col(Paper.pmid) == col(Candidate.pmid))
        .where(col(Candidate.id).in_(ids))
        .options(orm.load_only(*_QUEUE_CANDIDATE_COLUMNS), orm.load_only(*_QUEUE_PAPER_COLUMNS))
    ).all()
    order = {cid: n for n, cid in enumerate(ids)}
    rows = sorted(rows, key=lambda row: order[row[0].id])
    return [QueueItem(c, p, markup or "") for c, p, markup in rows]


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def gene_counts(
    *, session: Session, status: str = "pending", blind: Blind | None = None
) -> list[tuple[str, int]]:
    """How many candidates each gene has in ``status``, most first."""
    n = func.count().label("n")
    query = select(Candidate.gene, n).group_by(Candidate.gene)
    if status != "all":
        query = query.where(Candidate.status == status)
    if blind is not None:
        query = query.where(*blind.conditions(status))
    rows = session.exec(query.order_by(n.desc(), Candidate.gene)).all()
    return [(gene, int(count)) for gene, count in rows]


def next_pending(
    *, session: Session, after: Candidate, gene: str | None = None, blind: Blind | None = None
) -> int | None:
    """The id of the pending candidate that follows ``after`` in queue order, if any.

    Three small queries, each answered from the (status, score) index; one
    query with an OR is not, and costs a scan of the whole queue.
    """
    pending = select(Candidate.id).where(Candidate.status == Status.pending.value)
    if blind is not None:
        pending = pending.where(*blind.conditions(Status.pending.value))
    if gene:
        pending = pending.where(Candidate.gene == gene)
    for query in (
        pending.where(Candidate.score == after.score, col(Candidate.id) < (after.id or 0)),
        pending.where(col(Candidate.score) < after.score),
        pending.where(Candidate.id != after.id),  # wrap around to the top of the queue
    ):
        found = session.exec(query.order_by(*QUEUE_ORDER).limit(1)).first()
        if found is not None:
            return found
    return None
