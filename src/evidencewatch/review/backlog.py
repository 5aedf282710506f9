"""What is waiting for curators: counts the status report and the digest both show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from evidencewatch.core.timeutil import as_utc_or_none
from evidencewatch.core.vocabulary import Status
from evidencewatch.storage.models import Candidate


@dataclass(frozen=True, slots=True)
class GeneBacklog:
    gene: str
    pending: int
    oldest_pending: datetime | None


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    deferred: int
    oldest_pending: datetime | None
    per_gene: tuple[GeneBacklog, ...]  # most pending first, then by gene

    def oldest_days(self, now: datetime) -> int | None:
        """Days the oldest pending candidate has waited, or None when nothing waits."""
        if self.oldest_pending is None:
            return None
        return max(0, (now - self.oldest_pending).days)


def backlog_counts(*, session: Session) -> Backlog:
    """Pending and deferred candidates, overall and per gene."""
    c = Candidate
    rows = session.exec(
        select(c.gene, sa.func.count(), sa.func.min(c.created_at))
        .where(c.status == Status.pending.value)
        .group_by(c.gene)
    ).all()
    deferred = session.exec(
        select(sa.func.count()).select_from(c).where(col(c.status) == Status.deferred.value)
    ).one()
    per_gene = tuple(
        sorted(
            (GeneBacklog(gene, int(n), as_utc_or_none(oldest)) for gene, n, oldest in rows),
            key=lambda g: (-g.pending, g.gene),
        )
    )
    oldest = [g.oldest_pending for g in per_gene if g.oldest_pending is not None]
    return Backlog(
        pending=sum(g.pending for g in per_gene),
        deferred=int(deferred),
        oldest_pending=min(oldest, default=None),
        per_gene=per_gene,
    )
