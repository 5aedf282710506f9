"""The digest's per-gene sections: seed findings, accepted, pending, rejected, per therapy."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from evidencewatch.core.vocabulary import REJECT_REASON_LABELS, Status
from evidencewatch.reporting.digest.data import (
    THERAPY_ORDER,
    UNSPECIFIED_THERAPY,
    EvidenceItem,
    GeneSection,
    SeedView,
    TherapySection,
)
from evidencewatch.review.contradictions import citation_link
from evidencewatch.storage.models import Candidate, SeedFindingRow

# (gene, therapy class) -> count; the therapy class is never None here (see therapy_key).
GeneTherapyCounts = dict[tuple[str, str], int]


def seed_view(row: SeedFindingRow) -> SeedView:
    return SeedView(
        id=row.id,
        genes=tuple(row.genes),
        therapy_class=row.therapy_class,
        direction=row.direction,
        effect=row.effect,
        pattern=row.pattern,
        subtype=row.subtype,
        agents=tuple(row.agents),
        claim=row.claim,
        citations=tuple(citation_link(c) for c in row.citations),
    )


def therapy_key(therapy: str | None) -> str:
    return therapy or UNSPECIFIED_THERAPY


def therapy_sort(therapy: str) -> tuple[int, str]:
    """The usual therapy classes in their order, then others by name, unspecified last."""
    if therapy in THERAPY_ORDER:
        return (THERAPY_ORDER.index(therapy), therapy)
    return (len(THERAPY_ORDER) + (therapy == UNSPECIFIED_THERAPY), therapy)


def labelled(counts: Mapping[str, int]) -> tuple[tuple[str, str, int], ...]:
    """(code, label, count), in the order of REJECT_REASON_LABELS, unknown codes last."""
    order = list(REJECT_REASON_LABELS)
    codes = sorted(counts, key=lambda k: (order.index(k) if k in order else len(order), k))
    return tuple((code, REJECT_REASON_LABELS.get(code, code), counts[code]) for code in codes)


def rejections(
    *, session: Session, start: datetime, end: datetime
) -> dict[tuple[str, str, str], int]:
    """Candidates rejected in ``start``..``end``, per (gene, therapy class, reason)."""
    c = Candidate
    rows = session.exec(
        select(col(c.gene), col(c.therapy_class), col(c.reject_reason), sa.func.count())
        .where(
            c.status == Status.rejected.value,
            col(c.decided_at) >= start,
            col(c.decided_at) < end,
        )
        .group_by(col(c.gene), col(c.therapy_class), col(c.reject_reason))
    ).all()
    return {
        (gene, therapy_key(therapy), reason or "unspecified"): int(n)
        for gene, therapy, reason, n in rows
    }


def _counts_by_therapy(*, session: Session, status: Status) -> GeneTherapyCounts:
    c = Candidate
    rows = session.exec(
        select(col(c.gene), col(c.therapy_class), sa.func.count())
        .where(c.status == status.value)
        .group_by(col(c.gene), col(c.therapy_class))
    ).all()
    return {(gene, therapy_key(therapy)): int(n) for gene, therapy, n in rows}


def gene_sections(
    *,
    session: Session,
    seeds: Sequence[SeedView],
    accepted: Sequence[EvidenceItem],
    rejected: Mapping[tuple[str, str, str], int],
    first_genes: Sequence[str],
) -> tuple[GeneSection, ...]:
    """One section per gene with anything to show, one sub-section per therapy class."""
    pending = _counts_by_therapy(session=session, status=Status.pending)
    to_date = _counts_by_therapy(session=session, status=Status.accepted)
    seeds_by: dict[tuple[str, str], list[SeedView]] = defaultdict(list)
    for seed in seeds:
        for gene in seed.genes:
            seeds_by[(gene, therapy_key(seed.therapy_class))].append(seed)
    accepted_by: dict[tuple[str, str], list[EvidenceItem]] = defaultdict(list)
    for item in accepted:
        accepted_by[(item.gene, therapy_key(item.therapy_class))].append(item)
    rejected_by: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for (gene, therapy, reason), n in rejected.items():
        rejected_by[(gene, therapy)][reason] += n
    keys = set(seeds_by) | set(accepted_by) | set(pending) | set(rejected_by)
    by_gene: dict[str, list[str]] = defaultdict(list)
    for gene, therapy in keys:
        by_gene[gene].append(therapy)
    return tuple(
        GeneSection(
            gene=gene,
            therapies=tuple(
                TherapySection(
                    therapy_class=therapy,
                    seeds=tuple(seeds_by.get((gene, therapy), ())),
                    accepted=tuple(accepted_by.get((gene, therapy), ())),
                    accepted_to_date=to_date.get((gene, therapy), 0),
                    pending=pending.get((gene, therapy), 0),
                    rejected=labelled(rejected_by.get((gene, therapy), Counter())),
                )
                for therapy in sorted(by_gene[gene], key=therapy_sort)
            ),
            first_evidence=gene in first_genes,
        )
        for gene in sorted(by_gene)
    )
