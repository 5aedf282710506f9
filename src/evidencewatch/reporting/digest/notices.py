"""The digest's integrity notices: what the integrity watch found on the evidence's papers.

Listed: every notice still open, and every notice found in the period (answered
or not), on a paper with accepted, pending or deferred candidates. A curator
reading the digest sees which evidence PubMed now questions, and what was
decided about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from evidencewatch.core.vocabulary import INTEGRITY_KIND_LABELS, IntegrityState, Status
from evidencewatch.storage.models import Candidate, IntegrityNotice, Paper

__all__ = ["NoticeView", "digest_notices"]

_TOUCHED = (Status.accepted.value, Status.pending.value, Status.deferred.value)


@dataclass(frozen=True, slots=True)
class NoticeView:
    """One notice as the digest shows it, with the genes whose evidence it touches."""

    id: int
    kind: str
    pmid: int
    title: str
    notice_pmid: int
    notice_date: date | None
    detected_at: datetime
    state: str
    genes: tuple[str, ...]
    accepted: int  # accepted candidates on the paper

    @property
    def label(self) -> str:
        return INTEGRITY_KIND_LABELS.get(self.kind, self.kind)


def digest_notices(*, session: Session, start: datetime, end: datetime) -> tuple[NoticeView, ...]:
    """Open notices, and those found in ``start``..``end``, on papers the evidence rests on."""
    notices = session.exec(
        select(IntegrityNotice, Paper.title)
        .join(Paper, col(Paper.pmid) == col(IntegrityNotice.pmid), isouter=True)
        .where(
            sa.or_(
                col(IntegrityNotice.state) == IntegrityState.open.value,
                sa.and_(
                    col(IntegrityNotice.detected_at) >= start,
                    col(IntegrityNotice.detected_at) < end,
                ),
            )
        )
        .order_by(col(IntegrityNotice.detected_at).desc(), col(IntegrityNotice.id))
    ).all()
    pmids = list({n.pmid for n, _title in notices})
    genes: dict[int, list[tuple[str, str]]] = {}
    if pmids:
        for pmid, gene, status in session.exec(
            select(Candidate.pmid, Candidate.gene, Candidate.status).where(
                col(Candidate.pmid).in_(pmids)
            )
        ).all():
            genes.setdefault(int(pmid), []).append((gene, status))
    views = []
    for notice, title in notices:
        touched = [(g, s) for g, s in genes.get(notice.pmid, []) if s in _TOUCHED]
        if not touched and notice.state == IntegrityState.open.value:
            continue  # nothing of ours rests on it (all rejected or withdrawn)
        assert notice.id is not None  # rows read back always have their key
        views.append(
            NoticeView(
                id=notice.id,
                kind=notice.kind,
                pmid=notice.pmid,
                title=title or "",
                notice_pmid=notice.notice_pmid,
                notice_date=notice.notice_date,
                detected_at=notice.detected_at,
                state=notice.state,
                genes=tuple(dict.fromkeys(g for g, _s in touched)),
                accepted=sum(1 for _g, s in touched if s == Status.accepted.value),
            )
        )
    return tuple(views)
