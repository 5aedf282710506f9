"""The table of unresolved PMIDs: recorded, retried, resolved as stored or gone."""

from __future__ import annotations

from sqlmodel import Session, select

from evidencewatch.ingest.unresolved import (
    GONE,
    STORED,
    count_open,
    oldest_open,
    open_pmids,
    pmids_to_retry,
    record_unresolved,
    resolve_gone,
    resolve_stored,
)
from evidencewatch.storage.models import Paper, Scan, UnresolvedPmid


def scans(session: Session, n: int) -> list[int]:
    rows = [Scan(kind="scan") for _ in range(n)]
    session.add_all(rows)
    session.flush()
    return [s.id for s in rows]


def test_a_pmid_missed_again_counts_its_attempts_and_keeps_its_first_scan(session):
    first, second = scans(session, 2)
    record_unresolved(session=session, pmids=[31, 30], scan_id=first)
    record_unresolved(session=session, pmids=[31], scan_id=second)
    row = session.get(UnresolvedPmid, 31)
    assert (row.first_scan_id, row.last_scan_id, row.attempts) == (first, second, 2)
    assert session.get(UnresolvedPmid, 30).attempts == 1
    assert open_pmids(session=session) == [30, 31] and count_open(session=session) == 2
    assert [r.pmid for r in oldest_open(session=session, limit=1)] == [30]


def test_only_pmids_whose_papers_are_stored_are_resolved_as_stored(session):
    [scan_id] = scans(session, 1)
    record_unresolved(session=session, pmids=[40, 41], scan_id=scan_id)
    session.add(Paper(pmid=40, title="now stored"))
    session.flush()
    assert resolve_stored(session=session, pmids=[40, 41, 42], by="import:7") == [40]
    row = session.get(UnresolvedPmid, 40)
    assert (row.resolution, row.resolved_by) == (STORED, "import:7")
    assert row.resolved_at is not None
    assert open_pmids(session=session) == [41]


def test_a_delete_citation_resolves_only_rows_that_exist(session):
    [scan_id] = scans(session, 1)
    record_unresolved(session=session, pmids=[50], scan_id=scan_id)
    assert resolve_gone(session=session, pmids=[50, 51], by="import:2 DeleteCitation") == [50]
    assert session.get(UnresolvedPmid, 50).resolution == GONE
    assert session.get(UnresolvedPmid, 51) is None
    assert count_open(session=session) == 0


def test_a_pmid_a_scan_confirmed_gone_is_kept_on_record_closed(session):
    [scan_id] = scans(session, 1)
    assert resolve_gone(session=session, pmids=[60], by="scan:1 esearch [uid]", scan_id=scan_id)
    row = session.get(UnresolvedPmid, 60)
    assert (row.resolution, row.first_scan_id) == (GONE, scan_id)
    assert open_pmids(session=session) == []


def test_a_resolved_pmid_missed_again_is_open_again(session):
    first, second = scans(session, 2)
    resolve_gone(session=session, pmids=[70], by="scan esearch [uid]", scan_id=first)
    record_unresolved(session=session, pmids=[70], scan_id=second)
    row = session.get(UnresolvedPmid, 70)
    assert (row.resolved_at, row.resolution, row.resolved_by) == (None, None, None)
    assert open_pmids(session=session) == [70]


def test_pmids_to_retry_are_the_open_ones_not_stored_meanwhile(session):
    [scan_id] = scans(session, 1)
    record_unresolved(session=session, pmids=[80, 81, 82], scan_id=scan_id)
    session.add(Paper(pmid=81, title="imported meanwhile"))
    session.flush()
    assert pmids_to_retry(session=session, by="scan:9") == [80, 82]
    resolved = session.exec(select(UnresolvedPmid).where(UnresolvedPmid.pmid == 81)).one()
    assert (resolved.resolution, resolved.resolved_by) == (STORED, "scan:9")
