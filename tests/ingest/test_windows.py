"""The window a scan reads: the watermark, overlap, --since/--until, and splitting at the cap."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from evidencewatch.core.errors import EutilsError, EvidenceWatchError
from evidencewatch.ingest.windows import ESEARCH_CAP, Window, plan_window, search_window, watermark
from evidencewatch.pubmed.esearch import SearchResult
from evidencewatch.storage.models import Scan

TODAY = date(2026, 11, 25)
TOMORROW = TODAY + timedelta(days=1)


def test_first_scan_reads_the_initial_days(session):
    today = date(2026, 11, 25)
    window = plan_window(session=session, today=today, overlap_days=3, initial_days=30)
    assert window == Window(today - timedelta(days=30), today)


def add_scan(session: Session, status: str, window_to: date) -> None:
    session.add(
        Scan(
            kind="scan",
            status=status,
            window_from=window_to - timedelta(days=9),
            window_to=window_to,
        )
    )
    session.flush()


def test_the_watermark_is_the_end_of_the_newest_succeeded_scan(session):
    assert watermark(session=session) is None
    add_scan(session, "succeeded", date(2026, 11, 10))
    add_scan(session, "failed", date(2026, 11, 20))
    add_scan(session, "running", date(2026, 11, 21))
    assert watermark(session=session) == date(2026, 11, 10)
    window = plan_window(session=session, today=TODAY, overlap_days=3, initial_days=30)
    assert window == Window(date(2026, 11, 7), TODAY)


def test_since_and_until_override_the_watermark_but_not_the_future(session):
    window = plan_window(
        session=session,
        today=TODAY,
        overlap_days=3,
        initial_days=30,
        since=date(2026, 1, 1),
        until=date(2026, 2, 1),
    )
    assert window == Window(date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(EvidenceWatchError, match="after today"):
        plan_window(
            session=session,
            today=TODAY,
            overlap_days=3,
            initial_days=30,
            until=TODAY.replace(day=26),
        )
    with pytest.raises(EvidenceWatchError, match="empty"):
        plan_window(
            session=session,
            today=TODAY,
            overlap_days=3,
            initial_days=30,
            since=TODAY.replace(day=26),
        )


class CountingClient:
    """An esearch that reports ``per_day`` records for each day of the window asked."""

    def __init__(self, per_day: int) -> None:
        self.per_day = per_day
        self.windows: list[tuple[date, date]] = []

    def esearch(self, term: str, *, mindate: date, maxdate: date, datetype: str) -> SearchResult:
        self.windows.append((mindate, maxdate))
        count = self.per_day * ((maxdate - mindate).days + 1)
        ids = list(range(min(count, ESEARCH_CAP)))
        return SearchResult(term, count, ids, None, None, term)


def test_a_window_at_the_cap_is_halved_until_every_slice_is_below_it():
    client = CountingClient(per_day=3000)
    slices = search_window(client, "x", Window(date(2026, 11, 1), date(2026, 11, 8)))
    assert [(s.window.start.day, s.window.end.day) for s in slices] == [
        (1, 2),
        (3, 4),
        (5, 6),
        (7, 8),
    ]
    assert all(s.result.count < ESEARCH_CAP for s in slices)


def test_one_day_over_the_cap_cannot_be_split_and_fails_loudly():
    client = CountingClient(per_day=ESEARCH_CAP + 1)
    with pytest.raises(EutilsError, match="narrow the query"):
        search_window(client, "x", Window(TODAY, TODAY))
