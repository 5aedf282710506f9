"""Gathering a digest: ``build_digest`` reads the database and returns ``DigestData``.

Pure reads on the session it is given; the caller owns the transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from evidencewatch.core.errors import ConfigError
from evidencewatch.core.timeutil import as_utc, as_utc_or_none
from evidencewatch.core.vocabulary import Status
from evidencewatch.reporting import charts
from evidencewatch.reporting.digest.data import (
    CHART_WEEKS,
    Backlog,
    DigestData,
    EvidenceItem,
    GeneBacklog,
    PaperRow,
)
from evidencewatch.reporting.digest.notices import digest_notices
from evidencewatch.reporting.digest.period import day_bounds
from evidencewatch.reporting.digest.sections import (
    gene_sections,
    labelled,
    rejections,
    seed_view,
    therapy_sort,
)
from evidencewatch.review.agreement import Agreement, agreement
from evidencewatch.review.backlog import backlog_counts
from evidencewatch.review.contradictions import find_contradictions
from evidencewatch.storage.models import Candidate, Paper, SeedFindingRow

# sqlmodel's ``select`` is typed for at most four columns; past that its rows are Any.
_ITEM_COLUMNS: tuple[Any, ...] = (
    Candidate.id,
    Candidate.pmid,
    Candidate.gene,
    Candidate.status,
    Candidate.therapy_class,
    Candidate.direction,
    Candidate.effect,
    Candidate.evidence_level,
    Candidate.statement,
    Candidate.decided_by,
    Candidate.decided_at,
    Candidate.created_at,
    Paper.title,
    Paper.journal,
    Paper.pub_year,
    Paper.is_retracted,
    Paper.deleted_at,
)
_PENDING_COLUMNS: tuple[Any, ...] = (
    Candidate.id,
    Candidate.pmid,
    Candidate.gene,
    Candidate.status,
    Candidate.therapy_class,
    Candidate.direction,
    Candidate.effect,
    Candidate.statement,
)


@dataclass(frozen=True, slots=True)
class _PendingRef:
    """A pending candidate as ``find_contradictions`` reads it, without loading the row."""

    id: int
    pmid: int
    gene: str
    status: str
    therapy_class: str | None
    direction: str | None
    effect: str | None
    statement: str | None
    decided_by: str | None = None
    decided_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> _PendingRef:
        return cls(int(row[0]), int(row[1]), *row[2:8])


def build_digest(
    *,
    session: Session,
    period_from: date,
    period_to: date,
    now: datetime,
    tz: tzinfo = UTC,
) -> DigestData:
    """Everything the digest says about ``period_from``..``period_to`` (both included)."""
    if period_to < period_from:
        raise ConfigError(f"the digest period ends ({period_to}) before it starts ({period_from})")
    now = as_utc(now)
    start, end = day_bounds(period_from, period_to, tz)
    c = Candidate
    accepted = _items(
        c.status == Status.accepted.value,
        col(c.decided_at) >= start,
        col(c.decided_at) < end,
        session=session,
    )
    first_genes = _first_evidence_genes(session=session, accepted=accepted, start=start)
    new_pending = _new_pending(session=session, start=start, end=end)
    contradictions = find_contradictions(session=session, candidates=[*accepted, *new_pending])
    seeds = [
        seed_view(r)
        for r in session.exec(select(SeedFindingRow).order_by(col(SeedFindingRow.id))).all()
    ]
    rejected = rejections(session=session, start=start, end=end)
    totals: Counter[str] = Counter()
    for (_gene, _therapy, reason), n in rejected.items():
        totals[reason] += n
    return DigestData(
        period_from=period_from,
        period_to=period_to,
        generated_at=now,
        timezone=str(getattr(tz, "key", tz)),
        new_papers=_paper_rows(accepted),
        accepted_count=len(accepted),
        first_evidence_genes=first_genes,
        backlog=_backlog(session=session, now=now),
        contradictions=tuple(contradictions),
        integrity=_integrity(session=session),
        notices=digest_notices(session=session, start=start, end=end),
        genes=gene_sections(
            session=session,
            seeds=seeds,
            accepted=accepted,
            rejected=rejected,
            first_genes=first_genes,
        ),
        rejections=labelled(totals),
        chart=_chart(session=session, period_to=period_to, end=end, tz=tz),
        seeds_loaded=len(seeds),
        general_seeds=tuple(
            sorted((s for s in seeds if not s.genes), key=lambda s: therapy_sort(s.therapy_class))
        ),
        agreement=_agreement(session=session),
    )


def _agreement(*, session: Session) -> Agreement | None:
    """Curators' agreement in dual review, when any two have voted on the same candidate."""
    measured = agreement(session=session)
    return measured if measured.pairs else None


def _items(*conditions: Any, session: Session) -> list[EvidenceItem]:
    """Candidates with their papers' display fields; never loads the JSON columns."""
    query = (
        select(*_ITEM_COLUMNS)
        .join(Paper, col(Paper.pmid) == col(Candidate.pmid))
        .where(*conditions)
        .order_by(col(Candidate.decided_at), col(Candidate.id))
    )
    return [
        EvidenceItem(
            candidate_id=int(r[0]),
            pmid=int(r[1]),
            gene=r[2],
            status=r[3],
            therapy_class=r[4],
            direction=r[5],
            effect=r[6],
            evidence_level=r[7],
            statement=r[8],
            decided_by=r[9],
            decided_at=as_utc_or_none(r[10]),
            created_at=as_utc_or_none(r[11]),
            title=r[12] or "",
            journal=r[13] or "",
            pub_year=r[14],
            retracted=bool(r[15]),
            deleted=r[16] is not None,
        )
        for r in session.exec(query).all()
    ]


def _paper_rows(items: Iterable[EvidenceItem]) -> tuple[PaperRow, ...]:
    """One row per paper, in order of its first item, listing every gene once."""
    grouped: dict[int, list[EvidenceItem]] = {}
    for item in items:
        grouped.setdefault(item.pmid, []).append(item)
    return tuple(
        PaperRow(
            pmid=pmid,
            title=its[0].title,
            journal=its[0].journal,
            pub_year=its[0].pub_year,
            retracted=its[0].retracted,
            deleted=its[0].deleted,
            items=tuple(sorted(its, key=lambda i: i.gene)),
        )
        for pmid, its in grouped.items()
    )


def _first_evidence_genes(
    *, session: Session, accepted: Sequence[EvidenceItem], start: datetime
) -> tuple[str, ...]:
    """Genes accepted in the period that had no accepted evidence before it."""
    c = Candidate
    earlier = set(
        session.exec(
            select(c.gene)
            .where(c.status == Status.accepted.value, col(c.decided_at) < start)
            .distinct()
        ).all()
    )
    return tuple(sorted({i.gene for i in accepted} - earlier))


def _new_pending(*, session: Session, start: datetime, end: datetime) -> list[_PendingRef]:
    """Candidates queued in the period and still pending."""
    c = Candidate
    rows = session.exec(
        select(*_PENDING_COLUMNS).where(
            c.status == Status.pending.value,
            col(c.created_at) >= start,
            col(c.created_at) < end,
        )
    ).all()
    return [_PendingRef.from_row(r) for r in rows]


def _integrity(*, session: Session) -> tuple[PaperRow, ...]:
    """Accepted evidence whose paper was retracted or deleted from PubMed, whenever accepted."""
    return _paper_rows(
        _items(
            Candidate.status == Status.accepted.value,
            sa.or_(col(Paper.is_retracted).is_(True), col(Paper.deleted_at).is_not(None)),
            session=session,
        )
    )


def _chart(*, session: Session, period_to: date, end: datetime, tz: tzinfo) -> charts.WeeklySeries:
    """Accepted evidence per gene per week, for the CHART_WEEKS weeks ending ``period_to``."""
    c = Candidate
    chart_start = period_to - timedelta(days=7 * CHART_WEEKS - 1)
    chart_from, _ = day_bounds(chart_start, period_to, tz)
    rows = session.exec(
        select(c.gene, c.decided_at).where(
            c.status == Status.accepted.value,
            col(c.decided_at) >= chart_from,
            col(c.decided_at) < end,
        )
    ).all()
    events = [
        (gene, moment.astimezone(tz).date())
        for gene, at in rows
        if (moment := as_utc_or_none(at)) is not None
    ]
    return charts.weekly_counts(events, end=period_to, weeks=CHART_WEEKS)


def _backlog(*, session: Session, now: datetime) -> Backlog:
    """The shared backlog counts, with each wait in whole days at ``now``."""
    counts = backlog_counts(session=session)

    def age(at: datetime | None) -> int:
        return max(0, (now - at).days) if at is not None else 0

    return Backlog(
        pending=counts.pending,
        deferred=counts.deferred,
        oldest_days=counts.oldest_days(now),
        per_gene=tuple(
            GeneBacklog(g.gene, g.pending, age(g.oldest_pending)) for g in counts.per_gene
        ),
    )
