"""One candidate for review: its paper, parsed record, sibling candidates, seed findings,
audit history and the evidence it contradicts.

Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from evidencewatch.core.errors import NotFound
from evidencewatch.core.vocabulary import Status
from evidencewatch.ingest.integrity import notices_by_pmid
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.review.contradictions import Contradiction, find_contradictions
from evidencewatch.review.queue import QUEUE_ORDER
from evidencewatch.storage.models import (
    AuditEvent,
    Candidate,
    IntegrityNotice,
    Paper,
    SeedFindingRow,
)
from evidencewatch.storage.routes import route_texts


@dataclass(slots=True)
class CandidateDetail:
    candidate: Candidate
    paper: Paper
    record: PubmedRecord | None
    siblings: list[Candidate] = field(default_factory=list)  # other genes of the same paper
    seed_findings: list[SeedFindingRow] = field(default_factory=list)
    history: list[AuditEvent] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)  # how the paper was found (storage.routes)
    integrity: list[IntegrityNotice] = field(default_factory=list)  # the paper's notices

    @property
    def accepted_siblings(self) -> list[Candidate]:
        """Other candidates of this paper already accepted as evidence."""
        return [c for c in self.siblings if c.status == Status.accepted.value]


def get_candidate(*, session: Session, candidate_id: int, fresh: bool = False) -> Candidate:
    """The candidate, or NotFound; ``fresh`` re-reads it even if the session holds it."""
    candidate = session.get(Candidate, candidate_id, populate_existing=fresh)
    if candidate is None:
        raise NotFound(f"candidate {candidate_id} does not exist")
    return candidate


def candidate_detail(*, session: Session, candidate_id: int) -> CandidateDetail:
    """The candidate with its paper, parsed record, sibling candidates, seed findings, history."""
    candidate = get_candidate(session=session, candidate_id=candidate_id)
    paper = session.get(Paper, candidate.pmid)
    if paper is None:  # the foreign key makes this impossible, short of a broken database
        raise NotFound(f"paper {candidate.pmid} of candidate {candidate_id} does not exist")
    record = PubmedRecord.from_json(paper.record) if paper.record.get("pmid") else None
    siblings = session.exec(
        select(Candidate)
        .where(Candidate.pmid == candidate.pmid, Candidate.id != candidate.id)
        .order_by(*QUEUE_ORDER)
    ).all()
    # genes is a JSON list: filter in Python, the same on SQLite and PostgreSQL.
    findings = [
        f
        for f in session.exec(select(SeedFindingRow).order_by(col(SeedFindingRow.id))).all()
        if candidate.gene in (f.genes or [])
    ]
    return CandidateDetail(
        candidate=candidate,
        paper=paper,
        record=record,
        siblings=list(siblings),
        seed_findings=findings,
        history=history(session=session, candidate_id=candidate_id),
        contradictions=find_contradictions(session=session, candidates=[candidate]),
        routes=route_texts(session=session, pmids=[paper.pmid]).get(paper.pmid, []),
        integrity=notices_by_pmid(session=session, pmids=[candidate.pmid]).get(candidate.pmid, []),
    )


def history(*, session: Session, candidate_id: int) -> list[AuditEvent]:
    """The candidate's audit events, oldest first."""
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.candidate_id == candidate_id)
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        ).all()
    )
