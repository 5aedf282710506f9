"""The review queue: candidates best score first, its filters, pages and counts per gene.

The queue's ``since``/``until`` filter on when a candidate entered the queue
(``Candidate.created_at``, UTC days, both ends inclusive): "what is new since
I last looked". (The paper's PubMed create date would need a join to
``paper`` on every count, and is shown on each row instead.)

Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
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
    next_after: str | None = None  # the cursor of the next page (None: this is the last)


CURSOR_VIEWS = {"candidates": "c", "papers": "p"}
_CURSOR_CHECK = b"evidencewatch queue cursor 1|"


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page of the queue ended: the order key (score, id) of its last row.

    The next page is the rows after that key in :data:`QUEUE_ORDER`, read from the
    (status, score, id) index wherever the page is, where an OFFSET skips and probes every
    row before it (0.65 s at OFFSET 50,000 in the paper view). ``page`` is the number of
    the page it leads to, for display only. Encoded it is opaque (URL-safe base64 of the
    view, the key and the page, and a checksum): a cursor that does not decode, whose
    checksum does not match or that belongs to the other view is refused, naming
    ``after``. The checksum has no secret key: a forged cursor is only another position
    in the queue, which any offset could reach too.
    """

    view: str
    score: float
    id: int
    page: int = 2

    def encode(self) -> str:
        body = f"{CURSOR_VIEWS[self.view]}|{self.score.hex()}|{self.id}|{self.page}"
        check = hashlib.sha256(_CURSOR_CHECK + body.encode()).hexdigest()[:10]
        return base64.urlsafe_b64encode(f"{body}|{check}".encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, view: str, *, name: str = "after") -> Cursor:
        """The cursor ``text`` stands for; InvalidDecision naming the parameter ``name`` if it
        is not one this queue wrote for ``view``."""
        refused = InvalidDecision(
            f"{name}: {text[:40]!r} is not a queue position (malformed or altered); "
            "follow the page links, or start again from the first page"
        )
        token = text.strip()
        if not token or len(token) > 200:
            raise refused
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            body, _, check = raw.decode("ascii").rpartition("|")
            kind, score_hex, id_text, page_text = body.split("|")
            score, row_id, page = float.fromhex(score_hex), int(id_text), int(page_text)
        except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
            raise refused from exc
        expected = hashlib.sha256(_CURSOR_CHECK + body.encode()).hexdigest()[:10]
        if check != expected or not math.isfinite(score):
            raise refused
        if not (0 < row_id < 2**63 and 1 < page < 2**31):
            raise refused
        if kind != CURSOR_VIEWS.get(view):
            raise InvalidDecision(f"{name}: that position is not one of the {view} view")
        return cls(view, score, row_id, page)

    def condition(self, entity: Any = Candidate) -> Any:
        """Rows after this one in :data:`QUEUE_ORDER` (score descending, then id descending)."""
        return sa.tuple_(entity.score, entity.id) < sa.tuple_(self.score, self.id)


def page_ids(
    session: Session,
    query: Any,
    *,
    view: str,
    page: int,
    per_page: int,
    after: Cursor | None,
) -> tuple[list[int], str | None]:
    """One page of ``query`` (candidate id, score in queue order): after the cursor, or at the
    page's offset; and the cursor of the next page if there is one (one row more is read)."""
    if after is not None:
        query = query.where(after.condition())
    else:
        query = query.offset((page - 1) * per_page)
    rows = session.exec(query.order_by(*QUEUE_ORDER).limit(per_page + 1)).all()
    shown, next_after = rows[:per_page], None
    if len(rows) > per_page:
        last_id, last_score = shown[-1]
        next_after = Cursor(view, float(last_score), int(last_id), page + 1).encode()
    return [int(row_id) for row_id, _score in shown], next_after


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
    after: Cursor | None = None,
) -> QueuePage:
    """One page of candidates, best score first (:data:`QUEUE_ORDER`), newest first among equal.

    ``status="all"`` lists every status. Ties go newest first: that is the
    order of the (status, score) index read backwards, so a deep page costs an
    index walk, not a sort of the whole queue. Pass ``total`` when it is already
    known (the sum of :func:`gene_counts` for an unfiltered status) to skip the count.
    ``blind`` is dual review's view for one curator. ``after`` (a :class:`Cursor` of the
    candidate view) starts the page after that row instead of at ``page``'s offset.
    """
    per_page = min(max(per_page, 1), 500)
    conditions = queue_conditions(status, gene, therapy_class, since, until, blind)
    if total is None:
        total = session.exec(select(func.count()).select_from(Candidate).where(*conditions)).one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(after.page if after else page, 1), pages)
    # The page's ids first, from the (status, score) index alone; then only those rows:
    # skipping thousands of wide candidate and paper rows is what makes deep pages slow.
    query = select(Candidate.id, Candidate.score).where(*conditions)
    ids, next_after = page_ids(
        session, query, view="candidates", page=page, per_page=per_page, after=after
    )
    items = queue_items(session, ids)
    return QueuePage(items, total, page, pages, per_page, next_after)


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
