"""Scans killed or stopped mid-way lose nothing and store nothing twice.

Each test runs the real CLI in a subprocess against the fake E-utilities
server in this process, with a small batch size so a scan has many batches,
and interrupts it once the database shows the first batch committed.
"""

from __future__ import annotations

import signal
from collections import Counter

from evidencewatch.ingest.windows import Window
from evidencewatch.pubmed.query import build_queries
from evidencewatch.testing.fake_eutils import FakeEutils
from processes import (
    N_RECORDS,
    assert_complete_batches_only,
    captured_warnings,
    cli_env,
    current_watermark,
    fake_pubmed,
    paper_count,
    recent_records,
    scan_in_process,
    slow_first_batches,
    start_cli,
    stored,
    today_utc,
    wait_while_running,
)


def truth(fake: FakeEutils, watchlist, window: Window) -> Counter[int]:
    """Each PMID the fake's own records say the queries match in ``window``, once."""
    pmids = fake.matching_pmids(build_queries(watchlist), mindate=window.start, maxdate=window.end)
    return Counter(pmids)


def test_scan_killed_mid_way_then_rerun_stores_every_paper_exactly_once(
    db_url_engine, watchlist, tmp_path
):
    url, engine = db_url_engine
    records = recent_records()
    with fake_pubmed(records, watchlist) as fake:
        slow_first_batches(fake)
        env = cli_env(url, fake, EVIDENCEWATCH_SCAN_LOCK_STALE="1")
        victim = start_cli(["scan", "--json"], env, tmp_path)
        try:
            wait_while_running(victim, lambda: paper_count(engine) > 0)
        finally:
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
        assert victim.returncode == -signal.SIGKILL

        pmids, _, scans = stored(engine)
        killed_stored = len(pmids)
        assert 0 < killed_stored < N_RECORDS
        assert [s.status for s in scans] == ["running"]  # nobody could record its end
        assert current_watermark(engine) is None
        assert_complete_batches_only(engine)

        # The dead holder's lock goes stale after 1 s without a heartbeat.
        with captured_warnings("evidencewatch.jobs.locks") as warnings:
            rerun = scan_in_process(
                url, engine, fake, scan_lock_stale_seconds=1.0, scan_lock_wait_seconds=10.0
            )
        expected = truth(fake, watchlist, rerun.window)

    assert rerun.status == "succeeded", rerun.error
    assert any("took over" in w and f":{victim.pid}:" in w for w in warnings)
    pmids, pairs, scans = stored(engine)
    assert len(expected) == N_RECORDS
    assert Counter(pmids) == expected
    assert len(pairs) == len(set(pairs)) == N_RECORDS
    assert [s.status for s in scans] == ["running", "succeeded"]
    assert scans[1].papers_new == N_RECORDS - killed_stored
    assert current_watermark(engine) == today_utc()


def test_sigterm_stops_a_scan_between_batches_and_a_later_scan_completes_it(
    db_url_engine, watchlist, tmp_path
):
    url, engine = db_url_engine
    records = recent_records()
    with fake_pubmed(records, watchlist) as fake:
        slow_first_batches(fake)
        env = cli_env(url, fake)
        proc = start_cli(["scheduler", "--once", "scan"], env, tmp_path)
        try:
            wait_while_running(proc, lambda: paper_count(engine) > 0)
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
        assert proc.returncode == 143, err
        assert "SIGTERM received" in err

        pmids, _, scans = stored(engine)
        assert 0 < len(pmids) < N_RECORDS
        [stopped] = scans
        assert stopped.status == "failed"
        assert stopped.trigger == "scheduler"
        assert "ScanStopped" in stopped.error and "stopped after" in stopped.error
        assert stopped.papers_new == len(pmids)
        assert current_watermark(engine) is None  # the window will be read again
        assert_complete_batches_only(engine)

        later = scan_in_process(url, engine, fake)
        expected = truth(fake, watchlist, later.window)

    assert later.status == "succeeded", later.error
    pmids, pairs, scans = stored(engine)
    assert len(expected) == N_RECORDS
    assert Counter(pmids) == expected
    assert len(pairs) == len(set(pairs)) == N_RECORDS
    assert [s.status for s in scans] == ["failed", "succeeded"]
    assert scans[1].papers_new == N_RECORDS - stopped.papers_new
    assert current_watermark(engine) == today_utc()
