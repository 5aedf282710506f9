"""What a digest says, as plain data: the templates render these and nothing else."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from evidencewatch.reporting import charts
from evidencewatch.reporting.digest.notices import NoticeView
from evidencewatch.review.agreement import Agreement
from evidencewatch.review.contradictions import CitationLink, Contradiction, stance

THERAPY_ORDER = ("chemotherapy", "radiotherapy", "endocrine", "anti-HER2")
UNSPECIFIED_THERAPY = "unspecified therapy"
CHART_WEEKS = 12
# A mailed digest lists at most this many contradictions in full; the rest are counted.
CONTRADICTIONS_LISTED = 100
EN_DASH = "\N{EN DASH}"  # between the dates of a period, as in titles and subjects


@dataclass(frozen=True, slots=True)
class SeedView:
    id: str
    genes: tuple[str, ...]
    therapy_class: str
    direction: str
    effect: str
    pattern: str
    subtype: str
    agents: tuple[str, ...]
    claim: str
    citations: tuple[CitationLink, ...]

    @property
    def stance(self) -> str:
        return stance(self.direction, self.effect)


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One candidate (a paper-gene pair) with the fields the digest shows."""

    candidate_id: int
    pmid: int
    gene: str
    status: str
    therapy_class: str | None
    direction: str | None
    effect: str | None
    evidence_level: str | None
    statement: str | None
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime | None
    title: str
    journal: str
    pub_year: int | None
    retracted: bool
    deleted: bool

    @property
    def id(self) -> int:
        return self.candidate_id

    @property
    def stance(self) -> str:
        return stance(self.direction, self.effect)


@dataclass(frozen=True, slots=True)
class PaperRow:
    """One paper, once, with every gene it carries evidence for (anchors §2 item 14)."""

    pmid: int
    title: str
    journal: str
    pub_year: int | None
    retracted: bool
    deleted: bool
    items: tuple[EvidenceItem, ...]

    @property
    def genes(self) -> list[str]:
        return list(dict.fromkeys(item.gene for item in self.items))


@dataclass(frozen=True, slots=True)
class TherapySection:
    therapy_class: str
    seeds: tuple[SeedView, ...]
    accepted: tuple[EvidenceItem, ...]  # accepted in the period
    accepted_to_date: int
    pending: int
    rejected: tuple[tuple[str, str, int], ...]  # (reason code, label, count) in the period


@dataclass(frozen=True, slots=True)
class GeneSection:
    gene: str
    therapies: tuple[TherapySection, ...]
    first_evidence: bool

    @property
    def pending(self) -> int:
        return sum(t.pending for t in self.therapies)

    @property
    def accepted(self) -> int:
        return sum(len(t.accepted) for t in self.therapies)


@dataclass(frozen=True, slots=True)
class GeneBacklog:
    gene: str
    pending: int
    oldest_days: int


@dataclass(frozen=True, slots=True)
class Backlog:
    """The review backlog as the digest shows it: waits in whole days at ``generated_at``."""

    pending: int
    deferred: int
    oldest_days: int | None
    per_gene: tuple[GeneBacklog, ...]


@dataclass(frozen=True, slots=True)
class DigestData:
    period_from: date
    period_to: date
    generated_at: datetime
    timezone: str
    new_papers: tuple[PaperRow, ...]
    accepted_count: int  # candidates (paper-gene pairs) accepted in the period
    first_evidence_genes: tuple[str, ...]
    backlog: Backlog
    contradictions: tuple[Contradiction, ...]
    integrity: tuple[PaperRow, ...]
    genes: tuple[GeneSection, ...]
    rejections: tuple[tuple[str, str, int], ...]  # the period's, over all genes
    chart: charts.WeeklySeries
    seeds_loaded: int
    general_seeds: tuple[SeedView, ...] = ()  # seed findings that name no gene
    agreement: Agreement | None = None  # dual review's kappa so far; None when nobody paired
    notices: tuple[NoticeView, ...] = ()  # integrity notices: open, or found in the period

    @property
    def title(self) -> str:
        return f"evidencewatch digest {self.period_from} {EN_DASH} {self.period_to}"

    @property
    def contradictions_listed(self) -> tuple[Contradiction, ...]:
        return self.contradictions[:CONTRADICTIONS_LISTED]

    @property
    def contradictions_unlisted(self) -> tuple[tuple[str, int], ...]:
        """(gene, count) of the contradictions past CONTRADICTIONS_LISTED."""
        counts = Counter(c.subject.gene for c in self.contradictions[CONTRADICTIONS_LISTED:])
        return tuple(sorted(counts.items()))

    @property
    def is_empty(self) -> bool:
        return not self.new_papers

    @property
    def empty_message(self) -> str:
        waiting = self.backlog.pending
        noun = "candidate is" if waiting == 1 else "candidates are"
        return (
            f"No evidence was accepted between {self.period_from} and {self.period_to}; "
            f"{waiting} {noun} waiting."
        )

    def summary(self) -> dict[str, Any]:
        """The counts stored on the Digest row (JSON)."""
        return {
            "period_from": self.period_from.isoformat(),
            "period_to": self.period_to.isoformat(),
            "new_papers": len(self.new_papers),
            "accepted": self.accepted_count,
            "new_pmids": [p.pmid for p in self.new_papers],
            "first_evidence_genes": list(self.first_evidence_genes),
            "pending": self.backlog.pending,
            "deferred": self.backlog.deferred,
            "oldest_pending_days": self.backlog.oldest_days,
            "contradictions": len(self.contradictions),
            "integrity": [p.pmid for p in self.integrity],
            "integrity_notices": [n.id for n in self.notices],
            "rejected": {code: n for code, _label, n in self.rejections},
        }
