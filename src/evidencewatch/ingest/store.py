"""Saving parsed records and their matches: papers, candidates, deletions.

Pure writes on the session it is given; the caller commits. Saving the same
record twice changes nothing: papers are keyed by PMID and candidates by
(PMID, gene), so a re-run scan or import stores nothing new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from evidencewatch.core.timeutil import utcnow
from evidencewatch.core.vocabulary import EXTRACTED_FIELDS, Status
from evidencewatch.ingest.integrity import flag_deleted, flag_records
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.storage.models import AuditEvent, Candidate, Paper
from evidencewatch.storage.sql import chunked

if TYPE_CHECKING:
    from evidencewatch.matching.match import CandidateDraft, Matcher

# Called after each saved batch with the new candidates' ids, inside the
# batch's transaction (the ranker uses it to score new candidates).
AfterSave = Callable[[Session, list[int]], object]


@dataclass
class SaveCounts:
    papers_new: int = 0
    papers_updated: int = 0
    candidates_new: int = 0
    deleted: int = 0
    new_candidate_ids: list[int] = field(default_factory=list)

    def add(self, other: SaveCounts) -> None:
        self.papers_new += other.papers_new
        self.papers_updated += other.papers_updated
        self.candidates_new += other.candidates_new
        self.deleted += other.deleted
        self.new_candidate_ids.extend(other.new_candidate_ids)


def known_pmids(*, session: Session, pmids: Iterable[int]) -> set[int]:
    """Which of ``pmids`` are already stored (in chunks, to stay under SQL parameter limits)."""
    found: set[int] = set()
    for chunk in chunked(list(pmids)):
        found.update(session.exec(select(Paper.pmid).where(col(Paper.pmid).in_(chunk))).all())
    return found


def paper_from_record(record: PubmedRecord, *, source: str) -> Paper:
    paper = Paper(pmid=record.pmid, source=source)
    _copy_record(paper, record)
    return paper


def refresh_paper(paper: Paper, record: PubmedRecord) -> None:
    """Replace a stored paper's record with a newer one (the integrity watch's revisions)."""
    _copy_record(paper, record)
    paper.updated_at = utcnow()
    paper.deleted_at = None


def _copy_record(paper: Paper, record: PubmedRecord) -> None:
    paper.version = record.version
    paper.kind = record.kind
    paper.title = record.title
    paper.journal = record.journal or (record.book_title or "")
    paper.pub_date = record.pub_date.display()
    paper.pub_year = record.pub_date.year
    paper.crdt = record.crdt
    paper.doi = record.doi
    paper.pmcid = record.pmcid
    paper.is_retracted = record.is_retracted
    paper.is_review = record.is_review
    paper.record = record.to_json()


def candidate_from_draft(draft: CandidateDraft, *, pmid: int, scan_id: int | None) -> Candidate:
    ex = draft.extraction
    values: dict[str, Any] = {name: getattr(ex, name) for name in EXTRACTED_FIELDS}
    values["agents"] = list(ex.agents)
    provenance = {name: "machine" for name, value in values.items() if value}
    return Candidate(
        pmid=pmid,
        gene=draft.gene,
        score=draft.score,
        rule_score=draft.score,
        reasons=[
            {"feature": r.feature, "weight": r.weight, "detail": r.detail} for r in draft.reasons
        ],
        snippets=[
            {
                "text": s.text,
                "section": s.section,
                "genes": list(s.genes),
                "cues": list(s.cues),
                "spans": [list(span) for span in s.spans],
            }
            for s in draft.snippets
        ],
        matched_terms={k: list(v) for k, v in draft.matched_terms.items()},
        mentions=list(draft.mentions),
        cell_lines=list(ex.cell_lines),
        provenance=provenance,
        extraction_evidence=dict(ex.evidence),
        scan_id=scan_id,
        **values,
    )


def save_records(
    *,
    session: Session,
    records: Sequence[PubmedRecord],
    matcher: Matcher,
    source: str,
    scan_id: int | None = None,
    store_unmatched: bool = True,
    actor: str = "system",
) -> SaveCounts:
    """Store ``records`` and a pending candidate for each tracked gene they match.

    ``store_unmatched=False`` (bulk imports) keeps only papers that match a
    tracked gene or are already stored: a baseline file holds ~30,000
    citations, almost none of them about the watched genes.
    """
    counts = SaveCounts()
    if not records:
        return counts
    # The last version of a PMID in the batch wins, as in update files.
    by_pmid = {r.pmid: r for r in records}
    existing = {
        p.pmid: p
        for p in session.exec(select(Paper).where(col(Paper.pmid).in_(list(by_pmid)))).all()
    }
    drafts = {pmid: matcher.match(record) for pmid, record in by_pmid.items()}
    known_pairs = _existing_pairs(session=session, pmids=[p for p in by_pmid if drafts[p]])
    new_candidates: list[Candidate] = []
    saved: list[PubmedRecord] = []
    for pmid, record in by_pmid.items():
        paper = existing.get(pmid)
        if paper is None and not drafts[pmid] and not store_unmatched:
            continue
        _save_paper(session, paper, record, source=source, counts=counts)
        saved.append(record)
        new_candidates.extend(
            candidate_from_draft(draft, pmid=pmid, scan_id=scan_id)
            for draft in drafts[pmid]
            if (pmid, draft.gene) not in known_pairs
        )
    if new_candidates:
        _add_candidates(session, new_candidates, actor=actor, source=source, counts=counts)
    # A paper that arrives already retracted (or corrected...) is flagged as the watch would.
    flag_records(session=session, records=saved, detected_by=source, actor=actor)
    session.flush()
    return counts


def _save_paper(
    session: Session,
    paper: Paper | None,
    record: PubmedRecord,
    *,
    source: str,
    counts: SaveCounts,
) -> None:
    """Add the record's paper, or bring the stored one up to date (undeleting it)."""
    if paper is None:
        session.add(paper_from_record(record, source=source))
        counts.papers_new += 1
    elif paper.record != record.to_json() or paper.deleted_at is not None:
        _copy_record(paper, record)
        paper.updated_at = utcnow()
        paper.deleted_at = None
        session.add(paper)
        counts.papers_updated += 1


def _add_candidates(
    session: Session,
    candidates: list[Candidate],
    *,
    actor: str,
    source: str,
    counts: SaveCounts,
) -> None:
    """Add new candidates, each with its "created" audit event."""
    session.flush()  # papers first: candidates reference them
    session.add_all(candidates)
    session.flush()
    session.add_all(
        AuditEvent(
            candidate_id=c.id,
            actor=actor,
            action="created",
            to_status=c.status,
            changes={"score": c.score},
            note=source,
        )
        for c in candidates
        if c.id is not None
    )
    counts.candidates_new = len(candidates)
    counts.new_candidate_ids = [c.id for c in candidates if c.id is not None]


def _existing_pairs(*, session: Session, pmids: list[int]) -> set[tuple[int, str]]:
    if not pmids:
        return set()
    rows = session.exec(
        select(Candidate.pmid, Candidate.gene).where(col(Candidate.pmid).in_(pmids))
    ).all()
    return {(int(pmid), gene) for pmid, gene in rows}


def apply_deletions(*, session: Session, pmids: Iterable[int], actor: str = "system") -> int:
    """Mark stored papers deleted from PubMed; withdraw their undecided candidates.

    Decided candidates keep their decision (nothing a curator did is lost);
    the paper's ``deleted_at`` shows on them instead, and a "deleted" integrity
    notice waits for a curator to confirm or dismiss.
    """
    deleted: list[int] = []
    for chunk in chunked(list(dict.fromkeys(pmids))):
        papers = session.exec(select(Paper).where(col(Paper.pmid).in_(chunk))).all()
        for paper in papers:
            if paper.deleted_at is not None:
                continue
            paper.deleted_at = utcnow()
            session.add(paper)
            deleted.append(paper.pmid)
            pending = session.exec(
                select(Candidate).where(
                    Candidate.pmid == paper.pmid,
                    col(Candidate.status).in_([Status.pending.value, Status.deferred.value]),
                )
            ).all()
            for cand in pending:
                assert cand.id is not None  # rows read back always have their key
                session.add(
                    AuditEvent(
                        candidate_id=cand.id,
                        actor=actor,
                        action="withdrawn",
                        from_status=cand.status,
                        to_status=Status.withdrawn.value,
                        note="PMID deleted from PubMed (DeleteCitation)",
                    )
                )
                cand.status = Status.withdrawn.value
                cand.version += 1
                cand.updated_at = utcnow()
                session.add(cand)
    # Accepted evidence keeps its decision: a "deleted" notice asks a curator to answer.
    flag_deleted(
        session=session,
        pmids=deleted,
        detected_by=actor,
        actor=actor,
        detail="a DeleteCitation names it",
    )
    session.flush()
    return len(deleted)
