"""The integrity watch's steps: which papers the evidence rests on, fetch them, compare.

PubMed revises a record when a retraction, an expression of concern, an erratum
or a newer version is published, so a paper fetched once and never again stays
"clean" forever (curation-anchors-2.md §2). ``recheck`` therefore re-fetches the
current record of every paper the evidence rests on (:func:`evidence_pmids`),
through the one client and its fetch-by-ids path (:func:`fetch_current`), and
then, in one transaction, stores what changed and records each new notice
(:func:`apply_recheck`).

Fetching comes first and writes nothing, so an NCBI failure part-way leaves the
database exactly as it was.

What counts as a revision: a ``DateRevised`` newer than the stored record's.
The new version is stored and a hash of the old one is kept on the notice. A
stored record from before DateRevised was kept (it has none) is brought up to
date without a notice: there is nothing to compare it with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from evidencewatch.core.progress import NullProgress, Progress
from evidencewatch.core.timeutil import utcnow
from evidencewatch.core.vocabulary import IntegrityKind, Status
from evidencewatch.ingest.integrity import (
    flag_deleted,
    flag_notices,
    flag_revised,
    notices_in,
    record_hash,
)
from evidencewatch.ingest.store import paper_from_record, refresh_paper
from evidencewatch.pubmed.fetching import fetch_by_ids
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.storage.models import Candidate, Paper, SeedFindingRow
from evidencewatch.storage.sql import chunked

if TYPE_CHECKING:
    from evidencewatch.pubmed.client import EutilsClient

__all__ = [
    "MAX_BATCH",
    "Fetched",
    "RecheckCounts",
    "apply_recheck",
    "evidence_pmids",
    "fetch_current",
]

#: PMIDs per efetch request, at most (eutils.md §3: several hundred a request).
MAX_BATCH = 500
# Candidates whose paper the evidence rests on, or may soon: decided in, or undecided.
_WATCHED_STATUSES = (Status.accepted.value, Status.pending.value, Status.deferred.value)
_KINDS = tuple(k.value for k in IntegrityKind)


@dataclass
class RecheckCounts:
    """What one recheck found: PMIDs newly found in each state, and what it cost."""

    checked: int = 0
    requests: int = 0
    new: dict[str, set[int]] = field(default_factory=lambda: {k: set() for k in _KINDS})
    unresolved: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, int]:
        out = {"checked": self.checked, "requests": self.requests}
        out.update({k: len(self.new[k]) for k in _KINDS})
        return {
            k: out[k]
            for k in (
                "checked",
                "requests",
                "retracted",
                "concern",
                "erratum",
                "updated",
                "deleted",
                "revised",
            )
        }

    def summary(self) -> str:
        found = ", ".join(f"{len(v)} {k}" for k, v in self.new.items())
        text = f"rechecked {self.checked} papers in {self.requests} requests: {found}"
        if self.unresolved:
            text += f"; {len(self.unresolved)} not served this time (asked again next run)"
        return text


@dataclass
class Fetched:
    """The current records of the papers asked for, and what became of the rest."""

    asked: list[int]
    records: list[PubmedRecord] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)
    unresolved: list[int] = field(default_factory=list)
    requests: int = 0


def evidence_pmids(*, session: Session) -> list[int]:
    """Every PMID a seed finding cites, and every paper with accepted or undecided candidates."""
    pmids: set[int] = set()
    for citations in session.exec(select(SeedFindingRow.citations)).all():
        for citation in citations or []:
            pmid = citation.get("pmid") if isinstance(citation, dict) else None
            if isinstance(pmid, int) and pmid > 0:
                pmids.add(pmid)
    pmids.update(
        int(p)
        for p in session.exec(
            select(Candidate.pmid).where(col(Candidate.status).in_(_WATCHED_STATUSES)).distinct()
        ).all()
    )
    return sorted(pmids)


def fetch_current(
    client: EutilsClient,
    pmids: Sequence[int],
    *,
    batch_size: int = MAX_BATCH,
    progress: Progress | None = None,
) -> Fetched:
    """The current PubMed record of each PMID, ``batch_size`` (at most 500) a request.

    PMIDs an answer left out are asked for again and then looked up with
    ESearch ``NNN[uid]`` (:func:`~evidencewatch.pubmed.fetching.fetch_by_ids`).
    Raises :class:`~evidencewatch.core.errors.EutilsError` when NCBI keeps failing.
    """
    progress = progress or NullProgress()
    size = max(1, min(batch_size, MAX_BATCH))
    fetched = Fetched(asked=list(dict.fromkeys(pmids)))
    before = client.requests_made
    progress.task("rechecking papers", total=len(fetched.asked))
    for start in range(0, len(fetched.asked), size):
        batch = fetched.asked[start : start + size]
        got = fetch_by_ids(client, batch)
        fetched.records.extend(got.records)
        fetched.gone.extend(got.gone)
        fetched.unresolved.extend(got.unresolved)
        progress.advance(len(batch))
    fetched.requests = client.requests_made - before
    return fetched


def apply_recheck(*, session: Session, fetched: Fetched, detected_by: str) -> RecheckCounts:
    """Store what changed and record each new notice; the counts of PMIDs newly found."""
    counts = RecheckCounts(
        checked=len(fetched.asked), requests=fetched.requests, unresolved=list(fetched.unresolved)
    )
    papers = _papers(session, [r.pmid for r in fetched.records] + fetched.gone)
    for record in fetched.records:
        _apply_record(session, papers.get(record.pmid), record, detected_by, counts)
    for notice in flag_deleted(session=session, pmids=fetched.gone, detected_by=detected_by):
        counts.new[notice.kind].add(notice.pmid)
        paper = papers.get(notice.pmid)
        if paper is not None and paper.deleted_at is None:
            paper.deleted_at = utcnow()  # a fact about PubMed; its candidates stay as they are
            session.add(paper)
    session.flush()
    return counts


def _apply_record(
    session: Session,
    paper: Paper | None,
    record: PubmedRecord,
    detected_by: str,
    counts: RecheckCounts,
) -> None:
    old: dict[str, Any] | None = None
    if paper is None:
        # A seed-cited paper seen for the first time: kept, so the next run can compare.
        session.add(paper_from_record(record, source=detected_by))
    elif paper.record != record.to_json() or paper.deleted_at is not None:
        old = dict(paper.record)
        refresh_paper(paper, record)
        session.add(paper)
    previous = {record.pmid: record_hash(old)} if old is not None else {}
    found = notices_in(record)
    new = (
        flag_notices(
            session=session,
            found={record.pmid: found},
            detected_by=detected_by,
            previous_hash=previous,
        )
        if found
        else []
    )
    for notice in new:
        counts.new[notice.kind].add(record.pmid)
    if old is not None and not new and _newer(old.get("date_revised"), record.date_revised):
        flag_revised(
            session=session, pmid=record.pmid, old=old, new=record, detected_by=detected_by
        )
        counts.new[IntegrityKind.revised.value].add(record.pmid)


def _newer(stored: Any, current: date | None) -> bool:
    """Whether ``current`` is a later DateRevised than the stored one (unknown: no)."""
    if current is None or not isinstance(stored, str) or not stored:
        return False
    try:
        return current > date.fromisoformat(stored)
    except ValueError:
        return False


def _papers(session: Session, pmids: list[int]) -> dict[int, Paper]:
    out: dict[int, Paper] = {}
    for chunk in chunked(list(dict.fromkeys(pmids))):
        out.update(
            (p.pmid, p) for p in session.exec(select(Paper).where(col(Paper.pmid).in_(chunk)))
        )
    return out
