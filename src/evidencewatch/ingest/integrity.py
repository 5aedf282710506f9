"""Integrity notices: what PubMed says about a paper's standing, recorded once per notice.

One function reads the notices a record carries (:func:`notices_in`: retraction,
expression of concern, erratum, update) and one records them
(:func:`flag_records`), so a scan or import that brings a paper in already
retracted and the integrity watch (``recheck``) that finds it retracted later flag
it the same way: an :class:`~evidencewatch.storage.models.IntegrityNotice` row per
(paper, kind, notice PMID), and an audit event on each candidate of the paper.
Deletions and other revisions, which only a re-fetch can see, are recorded by
:func:`flag_deleted` and :func:`flag_revised`.

Nothing here withdraws anything: a curator confirms or dismisses each notice
(:mod:`evidencewatch.review.integrity`). A notice already recorded is not recorded
again, so running the watch twice in a row finds nothing new.

Pure reads and writes on the session it is given; the caller commits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from evidencewatch.core.timeutil import utcnow
from evidencewatch.core.vocabulary import (
    INTEGRITY_REF_TYPES,
    IntegrityAction,
    IntegrityKind,
    IntegrityState,
)
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.storage.models import AuditEvent, Candidate, IntegrityNotice
from evidencewatch.storage.sql import chunked

__all__ = [
    "NoticeFound",
    "flag_deleted",
    "flag_notices",
    "flag_records",
    "flag_revised",
    "notice_json",
    "notices_by_pmid",
    "notices_in",
    "record_hash",
]

RETRACTED_TYPE = "Retracted Publication"


@dataclass(frozen=True, slots=True)
class NoticeFound:
    """A notice read from a record, before it is stored."""

    kind: str  # IntegrityKind
    notice_pmid: int = 0  # the notice's own PMID; 0 when PubMed gives none
    notice_date: date | None = None
    detail: str = ""


def notices_in(record: PubmedRecord) -> list[NoticeFound]:
    """The retraction, concern, erratum and update notices ``record`` carries, each once.

    A retraction is the publication type "Retracted Publication" or a
    ``RetractionIn`` link; the type alone (no link) is a notice without a PMID,
    dated by the record's DateRevised, when NLM marked it.
    """
    found: dict[tuple[str, int], NoticeFound] = {}
    for link in record.comments_corrections:
        kind = INTEGRITY_REF_TYPES.get(link.ref_type)
        if kind is None:
            continue
        key = (kind.value, link.pmid or 0)
        detail = f"{link.ref_type}: {link.ref_source}".strip().rstrip(":")
        found.setdefault(key, NoticeFound(kind.value, link.pmid or 0, link.notice_date, detail))
    retracted = IntegrityKind.retracted.value
    if RETRACTED_TYPE in record.publication_types and not any(k == retracted for k, _ in found):
        found[(retracted, 0)] = NoticeFound(
            retracted, 0, record.date_revised, f"PublicationType {RETRACTED_TYPE}"
        )
    return list(found.values())


def record_hash(record_json: dict[str, Any]) -> str:
    """A SHA-256 of a stored record, over its canonical JSON: what a revision replaced."""
    canonical = json.dumps(record_json, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def flag_records(
    *, session: Session, records: Iterable[PubmedRecord], detected_by: str, actor: str = "system"
) -> list[IntegrityNotice]:
    """Record the notices the records carry that are not recorded yet; the new rows.

    Called by the store for every paper a scan or import saves, and by the
    integrity watch: most records carry none, and cost no query.
    """
    carrying = {r.pmid: found for r in records if (found := notices_in(r))}
    if not carrying:
        return []
    return flag_notices(session=session, found=carrying, detected_by=detected_by, actor=actor)


def flag_notices(
    *,
    session: Session,
    found: Mapping[int, Sequence[NoticeFound]],
    detected_by: str,
    actor: str = "system",
    previous_hash: dict[int, str] | None = None,
) -> list[IntegrityNotice]:
    """Store the notices of ``found`` (by paper PMID) not stored yet; flag their candidates."""
    known = _known_keys(session, found)
    new: list[IntegrityNotice] = []
    for pmid, notices in found.items():
        for notice in notices:
            if (pmid, notice.kind, notice.notice_pmid) in known:
                continue
            known.add((pmid, notice.kind, notice.notice_pmid))
            new.append(
                IntegrityNotice(
                    pmid=pmid,
                    kind=notice.kind,
                    notice_pmid=notice.notice_pmid,
                    notice_date=notice.notice_date,
                    detail=notice.detail,
                    previous_hash=(previous_hash or {}).get(pmid, ""),
                    detected_by=detected_by,
                )
            )
    session.add_all(new)
    _audit_flagged(session, new, actor=actor)
    session.flush()
    return new


def flag_deleted(
    *,
    session: Session,
    pmids: Iterable[int],
    detected_by: str,
    actor: str = "system",
    detail: str = "efetch no longer serves it; ESearch [uid] knows nothing of it",
) -> list[IntegrityNotice]:
    """A "deleted" notice for each PMID PubMed no longer has (efetch and ESearch, or a
    DeleteCitation)."""
    found = {
        int(p): [
            NoticeFound(
                IntegrityKind.deleted.value,
                0,
                utcnow().date(),
                detail,
            )
        ]
        for p in pmids
    }
    return flag_notices(session=session, found=found, detected_by=detected_by, actor=actor)


def flag_revised(
    *,
    session: Session,
    pmid: int,
    old: dict[str, Any],
    new: PubmedRecord,
    detected_by: str,
    actor: str = "system",
) -> IntegrityNotice:
    """Record that ``new`` replaced the stored record ``old`` (whose hash the notice keeps).

    One "revised" row per paper: a later revision reopens and updates it, and its
    detail keeps every revision's dates and the hash each replaced.
    """
    line = (
        f"DateRevised {old.get('date_revised') or 'unknown'} -> {new.date_revised}; "
        f"previous record sha256 {record_hash(old)}"
    )
    row = session.exec(
        select(IntegrityNotice).where(
            IntegrityNotice.pmid == pmid,
            IntegrityNotice.kind == IntegrityKind.revised.value,
            IntegrityNotice.notice_pmid == 0,
        )
    ).first()
    if row is None:
        row = IntegrityNotice(pmid=pmid, kind=IntegrityKind.revised.value, detail=line)
    else:
        row.detail = f"{row.detail}\n{line}" if row.detail else line
        row.state = IntegrityState.open.value
        row.resolved_by = row.resolved_at = None
    row.notice_date = new.date_revised
    row.previous_hash = record_hash(old)
    row.detected_at = utcnow()
    row.detected_by = detected_by
    session.add(row)
    session.flush()
    _audit_flagged(session, [row], actor=actor)
    return row


def notices_by_pmid(*, session: Session, pmids: Iterable[int]) -> dict[int, list[IntegrityNotice]]:
    """Every notice of these papers, oldest first, by paper PMID (papers without: absent)."""
    out: dict[int, list[IntegrityNotice]] = {}
    for chunk in chunked(list(dict.fromkeys(pmids))):
        rows = session.exec(
            select(IntegrityNotice)
            .where(col(IntegrityNotice.pmid).in_(chunk))
            .order_by(col(IntegrityNotice.detected_at), col(IntegrityNotice.id))
        ).all()
        for row in rows:
            out.setdefault(row.pmid, []).append(row)
    return out


def notice_json(notice: IntegrityNotice) -> dict[str, Any]:
    """A notice as JSON-ready data: what exports, ``review show`` and the CLI list print."""
    return {
        "id": notice.id,
        "kind": notice.kind,
        "notice_pmid": notice.notice_pmid,
        "notice_date": notice.notice_date.isoformat() if notice.notice_date else None,
        "detected_at": notice.detected_at.isoformat(),
        "state": notice.state,
        "detail": notice.detail,
        "resolved_by": notice.resolved_by,
        "note": notice.note,
    }


def _known_keys(
    session: Session, found: Mapping[int, Sequence[NoticeFound]]
) -> set[tuple[int, str, int]]:
    known: set[tuple[int, str, int]] = set()
    for chunk in chunked(list(found)):
        rows = session.exec(
            select(IntegrityNotice.pmid, IntegrityNotice.kind, IntegrityNotice.notice_pmid).where(
                col(IntegrityNotice.pmid).in_(chunk)
            )
        ).all()
        known.update((int(p), str(k), int(n)) for p, k, n in rows)
    return known


def _audit_flagged(session: Session, notices: Sequence[IntegrityNotice], *, actor: str) -> None:
    """An "integrity_flagged" audit event on every candidate of each notice's paper."""
    if not notices:
        return
    session.flush()  # candidates added in this batch must have their ids
    by_pmid: dict[int, list[IntegrityNotice]] = {}
    for notice in notices:
        by_pmid.setdefault(notice.pmid, []).append(notice)
    for chunk in chunked(list(by_pmid)):
        for cand in session.exec(select(Candidate).where(col(Candidate.pmid).in_(chunk))).all():
            assert cand.id is not None  # rows read back always have their key
            session.add_all(
                AuditEvent(
                    candidate_id=cand.id,
                    actor=actor,
                    action=IntegrityAction.flagged.value,
                    from_status=cand.status,
                    to_status=cand.status,
                    changes={
                        "kind": n.kind,
                        "notice_pmid": n.notice_pmid,
                        "notice_date": n.notice_date.isoformat() if n.notice_date else None,
                    },
                    reason=n.kind,
                    note=f"{n.detail} ({n.detected_by})" if n.detected_by else n.detail,
                )
                for n in by_pmid[cand.pmid]
            )
