"""Reading what the summary is built from: ``gather_input`` returns a ``SummaryInput``.

Pure reads on the session it is given; the caller owns the transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from evidencewatch.core.timeutil import as_utc
from evidencewatch.core.vocabulary import IntegrityKind, IntegrityState, Status
from evidencewatch.reporting.summary.document import FindingInput, SummaryInput
from evidencewatch.reporting.summary.independence import StudyFacts, study_facts
from evidencewatch.reporting.summary.lines import Line, Override
from evidencewatch.review.contradictions import citation_link
from evidencewatch.storage.models import Candidate, IntegrityNotice, Paper, SeedFindingRow
from evidencewatch.storage.sql import chunked
from evidencewatch.storage.summary import SummaryOverride, SummaryVersion

# sqlmodel's ``select`` is typed for at most four columns; past that its rows are Any.
_LINE_COLUMNS: tuple[Any, ...] = (
    Candidate.id,
    Candidate.pmid,
    Candidate.gene,
    Candidate.therapy_class,
    Candidate.direction,
    Candidate.effect,
    Candidate.alteration,
    Candidate.subtype,
    Candidate.model_system,
    Candidate.evidence_level,
    Candidate.statement,
    # Whether a snippet came from full text, without decoding every candidate's snippets.
    sa.cast(Candidate.snippets, sa.Text).contains('"source": "full_text"'),
    Paper.title,
    Paper.pub_year,
    Paper.is_retracted,
)
_LIVE = IntegrityState.dismissed.value


def gather_input(
    *, session: Session, finding_order: Sequence[str] = (), with_previous: bool = True
) -> SummaryInput:
    """Seed findings (in ``finding_order``, others after by id), accepted evidence, notices."""
    rank = {fid: i for i, fid in enumerate(finding_order)}
    rows = sorted(
        session.exec(select(SeedFindingRow)).all(),
        key=lambda r: (rank.get(r.id, len(rank)), r.id),
    )
    cited = {int(c["pmid"]) for r in rows for c in r.citations if c.get("pmid")}
    notices = _notices(session=session)
    retracted = {n.pmid for n in notices if n.kind == IntegrityKind.retracted.value}
    lines = _lines(session=session, retracted=retracted, notices=notices)
    accepted = {ln.pmid for ln in lines}
    retracted |= _retracted_papers(session=session, pmids=cited)
    return SummaryInput(
        findings=[_finding_input(r, retracted) for r in rows],
        lines=lines,
        facts=_facts(session=session, lines=lines),
        overrides=current_overrides(session=session),
        notices=_notice_json(notices, lines, cited, accepted),
        previous=latest_document(session=session) if with_previous else None,
    )


def _finding_input(row: SeedFindingRow, retracted: set[int]) -> FindingInput:
    citations = []
    for c in row.citations:
        link = asdict(citation_link(c))
        citations.append({**link, "pmid": int(c["pmid"]) if c.get("pmid") else None})
    return FindingInput(
        finding=row,
        group=row.group or "Other findings",
        pattern=row.pattern,
        subtype=row.subtype,
        model_system=row.model_system,
        claim=row.claim,
        citations=tuple(citations),
        cited_retracted=tuple(sorted({c["pmid"] for c in citations if c["pmid"] in retracted})),
    )


def _notices(*, session: Session) -> list[IntegrityNotice]:
    return list(
        session.exec(
            select(IntegrityNotice)
            .where(col(IntegrityNotice.state) != _LIVE)
            .order_by(col(IntegrityNotice.detected_at), col(IntegrityNotice.id))
        ).all()
    )


def _lines(
    *, session: Session, retracted: set[int], notices: Iterable[IntegrityNotice]
) -> list[Line]:
    kinds: dict[int, set[str]] = defaultdict(set)
    for n in notices:
        kinds[n.pmid].add(n.kind)
    query = (
        select(*_LINE_COLUMNS)
        .join(Paper, col(Paper.pmid) == col(Candidate.pmid))
        .where(Candidate.status == Status.accepted.value)
        .order_by(col(Candidate.id))
    )
    out: list[Line] = []
    for r in session.exec(query).all():
        pmid = int(r[1])
        out.append(
            Line(
                candidate_id=int(r[0]),
                pmid=pmid,
                gene=r[2],
                therapy_class=r[3],
                direction=r[4],
                effect=r[5],
                alteration=r[6],
                subtype=r[7],
                model_system=r[8],
                evidence_level=r[9],
                statement=r[10],
                title=r[12] or "",
                year=r[13],
                text_source="full_text" if r[11] else "abstract",
                retracted=bool(r[14]) or pmid in retracted,
                integrity=tuple(sorted(kinds.get(pmid, ()))),
            )
        )
    return out


def _retracted_papers(*, session: Session, pmids: Iterable[int]) -> set[int]:
    out: set[int] = set()
    for chunk in chunked(sorted(pmids)):
        out.update(
            int(p)
            for p in session.exec(
                select(Paper.pmid).where(col(Paper.pmid).in_(chunk), col(Paper.is_retracted))
            ).all()
        )
    return out


def _facts(*, session: Session, lines: Sequence[Line]) -> dict[int, StudyFacts]:
    """Authors and cohort names of the papers behind the lines (from the stored records).

    Only the record's authors, title and abstract are read (JSON paths in SQL), not the
    whole record.
    """
    record = sa.type_coerce(Paper.record, sa.JSON)
    parts = (record["authors"], record["abstract"])
    out: dict[int, StudyFacts] = {}
    for chunk in chunked(sorted({ln.pmid for ln in lines if not ln.retracted})):
        for pmid, title, authors, abstract in session.exec(
            select(Paper.pmid, Paper.title, *parts).where(col(Paper.pmid).in_(chunk))
        ).all():
            fields = {"title": title, "authors": authors or [], "abstract": abstract or []}
            out[int(pmid)] = study_facts(int(pmid), fields)
    return out


def _notice_json(
    notices: Iterable[IntegrityNotice], lines: Sequence[Line], cited: set[int], accepted: set[int]
) -> list[dict[str, Any]]:
    """Live notices on a cited or accepted paper, and retracted papers that carry none."""
    out: list[dict[str, Any]] = []
    noticed: set[int] = set()
    for n in notices:
        touches = [name for name, s in (("cited", cited), ("accepted", accepted)) if n.pmid in s]
        if not touches:
            continue
        if n.kind == IntegrityKind.retracted.value:
            noticed.add(n.pmid)
        out.append(
            {
                "pmid": n.pmid,
                "kind": n.kind,
                "notice_pmid": n.notice_pmid,
                "notice_date": n.notice_date.isoformat() if n.notice_date else None,
                "state": n.state,
                "detail": n.detail,
                "touches": touches,
            }
        )
    for pmid in sorted({ln.pmid for ln in lines if ln.retracted} - noticed):
        out.append(
            {
                "pmid": pmid,
                "kind": IntegrityKind.retracted.value,
                "notice_pmid": 0,
                "notice_date": None,
                "state": IntegrityState.open.value,
                "detail": "marked retracted in its PubMed record",
                "touches": ["cited", "accepted"] if pmid in cited else ["accepted"],
            }
        )
    return out


def current_overrides(*, session: Session) -> dict[str, Override]:
    """The latest override of each finding; a row with an empty status clears it."""
    latest: dict[str, SummaryOverride] = {}
    for row in session.exec(select(SummaryOverride).order_by(col(SummaryOverride.id))).all():
        latest[row.finding_id] = row
    return {
        fid: Override(fid, r.status, r.reason, r.actor, as_utc(r.at))
        for fid, r in latest.items()
        if r.status
    }


def latest_document(*, session: Session) -> Mapping[str, Any] | None:
    """The document of the newest published version, or None before the first."""
    row = session.exec(
        select(SummaryVersion).order_by(col(SummaryVersion.number).desc()).limit(1)
    ).first()
    return row.document if row is not None else None


def latest_number(*, session: Session) -> int:
    value = session.exec(select(sa.func.max(SummaryVersion.number))).one()
    return int(value or 0)
