"""PMIDs a scan's searches returned but EFetch would not serve, even asked again.

A PMID still missing after :func:`evidencewatch.pubmed.fetching.fetch_by_ids`
asked again is recorded here in the transaction of the batch that asked for
it, so a killed scan keeps what it learned. Every later scan asks for the
open ones again until each is stored or confirmed gone (ESearch ``NNN[uid]``
knows nothing of it, or an imported DeleteCitation names it). While any row is
open no scan counts as succeeded, so the watermark waits for them. Resolved
rows stay, as the record of what became of each PMID.

Pure reads and writes on the session it is given; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, func, select

from evidencewatch.core.timeutil import utcnow
from evidencewatch.ingest.store import known_pmids
from evidencewatch.storage.models import UnresolvedPmid
from evidencewatch.storage.sql import chunked

__all__ = [
    "GONE",
    "STORED",
    "count_open",
    "oldest_open",
    "open_pmids",
    "pmids_to_retry",
    "record_unresolved",
    "resolve_gone",
    "resolve_stored",
]

STORED = "stored"  # a later answer held its record, and it is stored now
GONE = "gone"  # ESearch [uid] knows nothing of it, or a DeleteCitation named it


def _rows(session: Session, pmids: Iterable[int]) -> dict[int, UnresolvedPmid]:
    rows: dict[int, UnresolvedPmid] = {}
    for chunk in chunked(list(dict.fromkeys(pmids))):
        for row in session.exec(
            select(UnresolvedPmid).where(col(UnresolvedPmid.pmid).in_(chunk))
        ).all():
            rows[row.pmid] = row
    return rows


def _open(session: Session, pmids: Iterable[int]) -> dict[int, UnresolvedPmid]:
    return {p: r for p, r in _rows(session, pmids).items() if r.resolved_at is None}


def open_pmids(*, session: Session) -> list[int]:
    """Every open PMID, in order."""
    return sorted(
        session.exec(
            select(UnresolvedPmid.pmid).where(col(UnresolvedPmid.resolved_at).is_(None))
        ).all()
    )


def count_open(*, session: Session) -> int:
    return session.exec(
        select(func.count())
        .select_from(UnresolvedPmid)
        .where(col(UnresolvedPmid.resolved_at).is_(None))
    ).one()


def oldest_open(*, session: Session, limit: int) -> list[UnresolvedPmid]:
    """The open rows, longest waiting first."""
    return list(
        session.exec(
            select(UnresolvedPmid)
            .where(col(UnresolvedPmid.resolved_at).is_(None))
            .order_by(col(UnresolvedPmid.first_seen_at), col(UnresolvedPmid.pmid))
            .limit(limit)
        ).all()
    )


def pmids_to_retry(*, session: Session, by: str) -> list[int]:
    """The open PMIDs a scan should ask for again; those stored meanwhile are resolved."""
    waiting = open_pmids(session=session)
    stored = set(resolve_stored(session=session, pmids=waiting, by=by))
    return [p for p in waiting if p not in stored]


def record_unresolved(*, session: Session, pmids: Sequence[int], scan_id: int) -> None:
    """Note that scan ``scan_id`` asked for ``pmids`` and could not get them.

    A PMID resolved earlier (gone, say) that a search returns and EFetch
    withholds again is open again: what PubMed says now wins.
    """
    if not pmids:
        return
    now = utcnow()
    rows = _rows(session, pmids)
    for pmid in dict.fromkeys(pmids):
        row = rows.get(pmid)
        if row is None:
            row = UnresolvedPmid(
                pmid=pmid, first_scan_id=scan_id, first_seen_at=now, last_tried_at=now
            )
        else:
            row.attempts += 1
            row.resolved_at = row.resolution = row.resolved_by = None
        row.last_scan_id = scan_id
        row.last_tried_at = now
        session.add(row)
    session.flush()


def resolve_stored(*, session: Session, pmids: Iterable[int], by: str) -> list[int]:
    """Close the open rows among ``pmids`` whose papers are stored; returns their PMIDs."""
    rows = _open(session, pmids)
    if not rows:
        return []
    stored = known_pmids(session=session, pmids=rows)
    return _resolve(session, [rows[p] for p in rows if p in stored], STORED, by)


def resolve_gone(
    *, session: Session, pmids: Iterable[int], by: str, scan_id: int | None = None
) -> list[int]:
    """Close the open rows among ``pmids`` as gone from PubMed; returns their PMIDs.

    With ``scan_id`` (a scan confirmed them gone) PMIDs without a row get a
    closed one, so what became of every PMID a search returned is on record;
    an import's DeleteCitation lists closes only rows that exist, since an
    update file deletes thousands of PMIDs no scan of ours ever saw.
    """
    wanted = list(dict.fromkeys(pmids))
    rows = _rows(session, wanted)
    if scan_id is not None:
        now = utcnow()
        for pmid in wanted:
            if pmid not in rows:
                rows[pmid] = UnresolvedPmid(
                    pmid=pmid,
                    first_scan_id=scan_id,
                    last_scan_id=scan_id,
                    first_seen_at=now,
                    last_tried_at=now,
                )
    return _resolve(session, [r for r in rows.values() if r.resolved_at is None], GONE, by)


def _resolve(session: Session, rows: list[UnresolvedPmid], resolution: str, by: str) -> list[int]:
    now = utcnow()
    for row in rows:
        row.resolved_at = now
        row.resolution = resolution
        row.resolved_by = by
        session.add(row)
    session.flush()
    return [row.pmid for row in rows]
