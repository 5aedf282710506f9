"""A scan's report and outcome: incomplete while PMIDs are unresolved."""

from __future__ import annotations

from datetime import date

from evidencewatch.ingest.scan import ScanReport, finish_scan, open_scan
from evidencewatch.ingest.unresolved import record_unresolved
from evidencewatch.ingest.windows import Window, watermark
from evidencewatch.storage.models import Scan

WINDOW = Window(date(2026, 11, 1), date(2026, 11, 20))


def report(scan_id: int) -> ScanReport:
    return ScanReport(scan_id, "running", 3, 2, 1, 1, WINDOW)


def test_json_keeps_every_key_and_adds_the_unresolved_and_gone_pmids():
    out = report(7).as_json()
    assert set(out) == {
        "status",
        "scan_id",
        "requests",
        "papers_seen",
        "papers_new",
        "candidates_new",
        "window",
        "missing_pmids",
        "unresolved_pmids",
        "gone_pmids",
        "citation_papers_new",
        "citation_requests",
        "error",
    }


def test_a_scan_that_would_succeed_with_pmids_unresolved_is_incomplete(session):
    scan_id = open_scan(session=session, window=WINDOW, trigger="manual")
    record_unresolved(session=session, pmids=[42], scan_id=scan_id)
    r = report(scan_id)
    finish_scan(session=session, report=r, status="succeeded")
    assert r.status == "incomplete" and r.unresolved_pmids == [42]
    assert "42" in (r.error or "") and "1 PMIDs unresolved" in r.summary()
    assert session.get(Scan, scan_id).status == "incomplete"
    assert watermark(session=session) is None


def test_a_scan_with_nothing_unresolved_succeeds_and_moves_the_watermark(session):
    scan_id = open_scan(session=session, window=WINDOW, trigger="manual")
    r = report(scan_id)
    finish_scan(session=session, report=r, status="succeeded")
    assert (r.status, r.error, r.unresolved_pmids) == ("succeeded", None, [])
    assert watermark(session=session) == WINDOW.end


def test_a_failed_scan_stays_failed_and_still_lists_what_is_unresolved(session):
    scan_id = open_scan(session=session, window=WINDOW, trigger="manual")
    record_unresolved(session=session, pmids=[43], scan_id=scan_id)
    r = report(scan_id)
    r.error = "EutilsServerError: HTTP 500"
    finish_scan(session=session, report=r, status="failed")
    assert (r.status, r.error, r.unresolved_pmids) == (
        "failed",
        "EutilsServerError: HTTP 500",
        [43],
    )
