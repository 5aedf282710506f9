"""A scan fetches the next EFetch batch while it stores the current one, and loses nothing.

Against the project's fake E-utilities server over loopback HTTP, with a small
batch size so one scan has many batches.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

from sqlmodel import Session, select

from evidencewatch.ingest.windows import Window, watermark
from evidencewatch.jobs.scanning import run_scan
from evidencewatch.pubmed.client import EutilsClient
from evidencewatch.pubmed.query import build_queries
from evidencewatch.storage.models import Paper, Scan
from evidencewatch.testing.fake_eutils import Fault
from processes import BATCH, N_RECORDS, fake_pubmed, recent_records, today_utc, wait_until


def _window() -> Window:
    return Window(today_utc() - timedelta(days=12), today_utc())


def _scan(engine, fake, watchlist, matcher, **kw):
    client = EutilsClient(
        base_url=fake.base_url,
        tool="evidencewatch-tests",
        email="tests@evidencewatch.invalid",
        requests_per_second=200,
        backoff_base=0.01,
        backoff_max=0.02,
        max_tries=2,
    )
    with client:
        return run_scan(
            engine=engine,
            client=client,
            watchlist=watchlist,
            matcher=matcher,
            window=_window(),
            batch_size=BATCH,
            **kw,
        )


def _stored(engine) -> list[int]:
    with Session(engine) as s:
        return list(s.exec(select(Paper.pmid)).all())


def _efetches(fake) -> int:
    return len(fake.requests_to("efetch"))


def test_the_next_batch_is_fetched_while_the_current_one_is_stored(engine, watchlist, matcher):
    overlapped: list[bool] = []
    with fake_pubmed(recent_records(), watchlist) as fake:

        def slow_store(_session, _ids) -> None:
            # While batch k is being stored, the request for batch k+1 arrives.
            k = len(overlapped) + 1
            try:
                wait_until(lambda: _efetches(fake) >= min(k + 1, N_RECORDS // BATCH), timeout=5)
                overlapped.append(True)
            except AssertionError:
                overlapped.append(False)

        report = _scan(engine, fake, watchlist, matcher, after_save=slow_store)
        efetches = _efetches(fake)
    assert report.status == "succeeded", report.error
    assert overlapped == [True] * (N_RECORDS // BATCH)
    assert efetches == N_RECORDS // BATCH  # the request count is unchanged: one per batch


def test_the_sequential_path_fetches_only_after_storing(engine, watchlist, matcher):
    seen_at_store: list[int] = []
    with fake_pubmed(recent_records(), watchlist) as fake:
        report = _scan(
            engine,
            fake,
            watchlist,
            matcher,
            fetch_ahead=0,
            after_save=lambda _s, _ids: seen_at_store.append(_efetches(fake)),
        )
    assert report.status == "succeeded", report.error
    assert seen_at_store == list(range(1, N_RECORDS // BATCH + 1))


def test_a_fetch_failing_in_the_fetching_thread_fails_the_scan_and_keeps_the_watermark(
    engine, watchlist, matcher
):
    with fake_pubmed(recent_records(), watchlist) as fake:
        # The third batch's request fails on both attempts the client makes.
        fake.fail_next(
            "efetch", Fault.normal(), Fault.normal(), Fault.server_error(), Fault.server_error()
        )
        report = _scan(engine, fake, watchlist, matcher)
        failed_stored = _stored(engine)
        with Session(engine) as s:
            [row] = s.exec(select(Scan)).all()
            assert watermark(session=s) is None
        assert report.status == "failed"
        assert "500" in report.error and row.error == report.error
        assert report.papers_new == row.papers_new == len(failed_stored) == 2 * BATCH
        # The fetching thread asked for nothing after the failure.
        assert _efetches(fake) == 4

        later = _scan(engine, fake, watchlist, matcher)
        expected = fake.matching_pmids(
            build_queries(watchlist), mindate=later.window.start, maxdate=later.window.end
        )
    assert later.status == "succeeded", later.error
    assert Counter(_stored(engine)) == Counter(expected)
    assert len(expected) == N_RECORDS


def test_a_database_failure_while_storing_stops_the_fetching_thread(engine, watchlist, matcher):
    with fake_pubmed(recent_records(), watchlist) as fake:

        def broken_store(_session, _ids) -> None:
            raise OSError("the disk went away")

        report = _scan(engine, fake, watchlist, matcher, after_save=broken_store)
        requests_at_end = _efetches(fake)
        time.sleep(0.5)  # time enough for a thread left running to ask again
        requests_later = _efetches(fake)
    assert report.status == "failed" and "the disk went away" in report.error
    assert _stored(engine) == []
    # The first batch was being stored; one more waited in the queue and one more at
    # most was fetched and waiting to be put; then the thread stopped.
    assert requests_at_end <= 3 < N_RECORDS // BATCH
    assert requests_later == requests_at_end
