"""The pool of screening units: the set saved as an import would, its candidates labelled.

Both parts of the set are parsed, matched (``Matcher.match``) and saved as
candidates (``store.save_records``; the background as a bulk import, keeping
only matched papers) in a throw-away database, exactly as an import would.

Screening units: every candidate is one unit. A record that yields no
candidate is one unit too (label 0), and a labelled positive (paper x gene) the
matcher did not queue is one relevant unit: the pipeline's misses cost recall.
The units that are never queued form the *unqueued tail*, in one fixed random
order (seed :data:`TAIL_SEED`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlmodel import Session, col, select

from evidencewatch.evaluation.labels import LabelSet
from evidencewatch.ingest.store import save_records
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.ranking.documents import Doc, candidate_doc, gene_forms_by_pmid
from evidencewatch.storage.models import Candidate, Paper

LABELLED = "labelled"
BACKGROUND = "background"
TAIL_SEED = 0


@dataclass
class PoolItem:
    """One queued candidate (paper x gene) and its label."""

    candidate_id: int
    pmid: int
    gene: str
    crdt: date
    rule_score: float
    label: int
    reject_reason: str
    doc: Doc
    source: str = LABELLED  # LABELLED or BACKGROUND


@dataclass(frozen=True, slots=True)
class TailUnit:
    """A screening unit the pipeline never queues.

    Either a record that yields no candidate (``gene == ""``, label 0), or a
    labelled positive (paper x gene) the matcher did not queue (label 1).
    """

    pmid: int
    gene: str
    label: int
    source: str


def save_set(
    *,
    session: Session,
    records: Sequence[PubmedRecord],
    matcher: Any,
    background: Sequence[PubmedRecord] = (),
) -> None:
    """Store the set as imports would: the labelled records, then the background in bulk.

    The background goes in like a baseline file (``store_unmatched=False``):
    only papers that match a tracked gene are kept.
    """
    save_records(session=session, records=records, matcher=matcher, source="import:eval")
    if background:
        save_records(
            session=session,
            records=background,
            matcher=matcher,
            source="import:background",
            store_unmatched=False,
        )
    session.flush()


def build_pool(
    *, session: Session, labels: LabelSet, background_pmids: Iterable[int] = ()
) -> list[PoolItem]:
    """Every stored candidate with its label, in time order."""
    from_background = set(background_pmids)
    rows = session.exec(
        select(Candidate, Paper).join(Paper, col(Paper.pmid) == col(Candidate.pmid))
    ).all()
    others = gene_forms_by_pmid(c for c, _ in rows)
    pool = []
    for cand, paper in rows:
        label, reason = labels.label_of(cand.pmid, cand.gene)
        assert cand.id is not None
        doc = candidate_doc(cand, paper, others.get(cand.pmid, ()))
        pool.append(
            PoolItem(
                candidate_id=cand.id,
                pmid=cand.pmid,
                gene=cand.gene,
                crdt=paper.crdt or labels.entrez_dates.get(cand.pmid, date.min),
                rule_score=doc.rule_score,
                label=label,
                reject_reason=reason,
                doc=doc,
                source=BACKGROUND if cand.pmid in from_background else LABELLED,
            )
        )
    pool.sort(key=lambda p: (p.crdt, p.pmid, p.gene))
    return pool


def unqueued_units(
    *,
    records: Mapping[int, str],
    queued: Iterable[tuple[int, str]],
    labels: LabelSet,
    seed: int = TAIL_SEED,
) -> list[TailUnit]:
    """The units the pipeline never queues, in one fixed random order.

    ``records`` maps every PMID of the set to its source. Each labelled
    positive (paper x gene) missing from ``queued`` is a relevant unit; each
    record with no queued candidate and no such positive is one irrelevant unit.
    """
    queued_pairs = set(queued)
    queued_pmids = {pmid for pmid, _ in queued_pairs}
    units: list[TailUnit] = []
    missed: set[int] = set()
    for row in labels.positives:
        if (row.pmid, row.gene) not in queued_pairs:
            units.append(TailUnit(row.pmid, row.gene, 1, records.get(row.pmid, LABELLED)))
            missed.add(row.pmid)
    for pmid, source in records.items():
        if pmid not in queued_pmids and pmid not in missed:
            units.append(TailUnit(pmid, "", 0, source))
    units.sort(key=lambda u: (u.pmid, u.gene))
    permutation = np.random.default_rng(seed).permutation(len(units))
    return [units[i] for i in permutation]
