"""The text `evidencewatch status` prints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from evidencewatch.jobs.status import StatusReport, UnresolvedLine
from evidencewatch.jobs.status_text import render_text

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def unresolved(pmid: int) -> UnresolvedLine:
    return UnresolvedLine(
        pmid=pmid,
        first_seen_at=NOW - timedelta(days=2),
        last_tried_at=NOW - timedelta(hours=3),
        attempts=2,
        first_scan_id=4,
        last_scan_id=6,
    )


def report(**kw) -> StatusReport:
    return StatusReport(
        database="sqlite:///x.db",
        schema_current="0005",
        schema_head="0005",
        watermark=date(2026, 11, 20),
        **kw,
    )


def test_unresolved_pmids_are_listed_and_said_to_hold_the_watermark_back():
    text = render_text(report(unresolved_count=3, unresolved_pmids=[unresolved(11)]), now=NOW)
    assert "watermark: 2026-11-20 (held back: 3 PMIDs unresolved)" in text
    assert "unresolved PMIDs: 3" in text
    assert "  11: first missed by scan #4 2026-11-23T12:00:00+00:00 (2.0 days ago)" in text
    assert "asked for by 2 scans, last by #6" in text
    assert "... and 2 more" in text


def test_no_unresolved_section_when_none_remain():
    text = render_text(report(), now=NOW)
    assert "unresolved" not in text and "held back" not in text
