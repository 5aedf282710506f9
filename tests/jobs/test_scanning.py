"""Scan jobs through the project's fake E-utilities server over real loopback HTTP."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlmodel import Session, func, select

from evidencewatch.cli.main import cli
from evidencewatch.ingest.windows import ESEARCH_CAP, Window, plan_window, watermark
from evidencewatch.jobs.scanning import run_scan
from evidencewatch.jobs.status import collect_status
from evidencewatch.jobs.status_text import render_text
from evidencewatch.pubmed.client import EutilsClient
from evidencewatch.pubmed.fetching import RETRY_BATCH_SIZE
from evidencewatch.pubmed.query import build_queries
from evidencewatch.storage.models import Candidate, Paper, Scan, UnresolvedPmid
from evidencewatch.testing.fake_eutils import FakeEutils, Fault, synthetic_records
from evidencewatch.testing.vocabulary import query_vocabulary

SCAN_TEXT = "SLC7A5 overexpression confers resistance to doxorubicin in breast cancer cells."


def fake_server(records, watchlist) -> FakeEutils:
    """The fake knows every phrase of our queries, as PubMed's index would."""
    return FakeEutils(records, known_phrases=query_vocabulary(watchlist))


def make_client(fake: FakeEutils, **kw) -> EutilsClient:
    kw.setdefault("requests_per_second", 200)
    kw.setdefault("backoff_base", 0.01)
    kw.setdefault("backoff_max", 0.05)
    return EutilsClient(
        base_url=fake.base_url,
        tool="evidencewatch-tests",
        email="tests@evidencewatch.invalid",
        **kw,
    )


def demo_window(records) -> Window:
    latest = max(r.crdt for r in records)
    return Window(latest - timedelta(days=40), latest + timedelta(days=1))


def scan(engine, fake, watchlist, matcher, window, **kw):
    return run_scan(
        engine=engine,
        client=kw.pop("client", None) or make_client(fake),
        watchlist=watchlist,
        matcher=matcher,
        window=window,
        **kw,
    )


def truth(fake: FakeEutils, watchlist, window: Window) -> set[int]:
    """What the fake's own records say the watchlist's queries match in ``window``."""
    return fake.matching_pmids(build_queries(watchlist), mindate=window.start, maxdate=window.end)


def stored(engine) -> tuple[list[int], list[tuple[int, str]]]:
    with Session(engine) as s:
        pmids = list(s.exec(select(Paper.pmid)).all())
        pairs = [(c.pmid, c.gene) for c in s.exec(select(Candidate)).all()]
    return pmids, pairs


def test_scan_stores_papers_found_and_queues_candidates(engine, watchlist, matcher, demo_records):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        report = scan(engine, fake, watchlist, matcher, window)
        expected = truth(fake, watchlist, window)
    assert report.status == "succeeded", report.error
    pmids, pairs = stored(engine)
    assert sorted(pmids) == sorted(expected)
    assert report.papers_new == len(pmids) > 0
    assert report.candidates_new == len(pairs) > 0
    assert all(99000001 <= p <= 99000099 for p in pmids)
    genes = {g for _, g in pairs}
    assert {"SLC7A5", "RELA", "ERBB2"} <= genes
    with Session(engine) as s:
        row = s.get(Scan, report.scan_id)
    assert row.status == "succeeded"
    assert row.queries and all(q["term"] and q["translation"] for q in row.queries)
    assert row.requests == report.requests > 0


def test_every_request_carries_tool_email_and_api_key(engine, watchlist, matcher, demo_records):
    with fake_server(demo_records, watchlist) as fake:
        client = make_client(fake, api_key="demo-key")
        scan(engine, fake, watchlist, matcher, demo_window(demo_records), client=client)
        requests = list(fake.requests)
    assert requests
    for req in requests:
        assert req.params.get("tool") == "evidencewatch-tests"
        assert req.params.get("email") == "tests@evidencewatch.invalid"
        assert req.params.get("api_key") == "demo-key"


def test_running_the_same_scan_again_stores_nothing_new(engine, watchlist, matcher, demo_records):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        first = scan(engine, fake, watchlist, matcher, window)
        second = scan(engine, fake, watchlist, matcher, window)
    assert first.papers_new > 0
    assert second.status == "succeeded"
    assert (second.papers_new, second.candidates_new) == (0, 0)
    assert second.papers_seen == first.papers_seen
    pmids, pairs = stored(engine)
    assert len(pmids) == len(set(pmids)) and len(pairs) == len(set(pairs))


def test_watermark_moves_only_after_success_and_next_window_overlaps(
    engine, watchlist, matcher, demo_records
):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        scan(engine, fake, watchlist, matcher, window)
    with Session(engine) as s:
        assert watermark(session=s) == window.end
        nxt = plan_window(
            session=s, today=window.end + timedelta(days=5), overlap_days=3, initial_days=30
        )
    assert nxt == Window(window.end - timedelta(days=3), window.end + timedelta(days=5))


def test_cap_is_met_by_splitting_the_window_and_no_pmid_is_lost(engine, watchlist, matcher):
    # 12,000 records in 12 days match the query: more than one esearch may return.
    records = synthetic_records(
        12_000,
        start_pmid=97_000_001,
        first_crdt=date(2026, 9, 1),
        per_day=1_000,
        text="SLC7A5 overexpression confers resistance to doxorubicin in breast cancer cells.",
    )
    window = Window(date(2026, 9, 1), date(2026, 9, 12))
    with fake_server(records, watchlist) as fake:
        report = scan(engine, fake, watchlist, matcher, window, batch_size=500)
        endpoints = Counter(r.endpoint for r in fake.requests)
        expected = truth(fake, watchlist, window)
    assert report.status == "succeeded", report.error
    with Session(engine) as s:
        n_papers = s.exec(select(func.count()).select_from(Paper)).one()
    assert n_papers == 12_000 == report.papers_new == len(expected)
    assert set(stored(engine)[0]) == expected
    # Budget: one efetch per 500 new records; esearch per query and date slice.
    assert endpoints["efetch"] == 24
    slices = sum(len(q["slices"]) for q in report.queries)
    assert slices >= 2
    assert endpoints["esearch"] <= 2 * slices  # the slices plus the windows halved on the way
    assert all(s_["count"] < ESEARCH_CAP for q in report.queries for s_ in q["slices"])


def test_cli_scan_json_and_exit_code(settings, demo_records, watchlist):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        result = CliRunner().invoke(
            cli,
            [
                "--db",
                settings.database_url,
                "scan",
                "--json",
                "--since",
                window.start.isoformat(),
                "--until",
                window.end.isoformat(),
            ],
            env={"EVIDENCEWATCH_EUTILS_URL": fake.base_url, "NCBI_EMAIL": "t@x.invalid"},
        )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output.strip().splitlines()[-1])
    assert {"status", "requests", "papers_seen", "papers_new", "candidates_new", "window"} <= set(
        out
    )
    assert out["status"] == "succeeded"
    assert out["window"] == {"from": window.start.isoformat(), "to": window.end.isoformat()}


def test_cli_scan_that_fails_exits_non_zero(settings):
    # Nothing listens on port 9: every request fails to connect.
    result = CliRunner().invoke(
        cli,
        ["--db", settings.database_url, "scan", "--json", "--since", "2026-11-01"],
        env={"EVIDENCEWATCH_EUTILS_URL": "http://127.0.0.1:9/", "NCBI_EMAIL": "t@x.invalid"},
    )
    out = json.loads(result.output.strip().splitlines()[-1])
    assert out["status"] == "failed"
    assert result.exit_code != 0


@pytest.mark.parametrize("since,until", [("2026-11-10", "2026-11-01")])
def test_cli_scan_rejects_an_empty_window(settings, since, until):
    result = CliRunner().invoke(
        cli, ["--db", settings.database_url, "scan", "--since", since, "--until", until]
    )
    assert result.exit_code != 0
    assert "2026-11-10" in result.output


FAULTS = {
    "429 with NCBI's JSON body": Fault.rate_limited(retry_after=1),
    "500 HTML page": Fault.server_error(500),
    "503": Fault.server_error(503),
    "truncated body": Fault.truncated(),
    "<ERROR> in a 200": Fault.backend_error(),
    "connection reset": Fault.connection_reset(),
}


@pytest.mark.parametrize("endpoint", ["esearch", "efetch"])
@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_a_scan_through_a_transient_fault_stores_every_pmid_exactly_once(
    engine, watchlist, matcher, demo_records, endpoint, fault
):
    window = demo_window(demo_records)
    waits: list[float] = []
    with fake_server(demo_records, watchlist) as fake:
        fake.fail_next(endpoint, FAULTS[fault], FAULTS[fault])
        report = scan(
            engine, fake, watchlist, matcher, window, client=make_client(fake, sleep=waits.append)
        )
        expected = truth(fake, watchlist, window)
    assert report.status == "succeeded", report.error
    pmids, pairs = stored(engine)
    assert sorted(pmids) == sorted(expected) and expected
    assert len(pairs) == len(set(pairs))
    if fault.startswith("429"):
        assert any(w >= 1 for w in waits)  # Retry-After honoured


def test_a_scan_that_keeps_failing_fails_loudly_and_leaves_the_watermark(
    engine, watchlist, matcher, demo_records
):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        first = scan(
            engine, fake, watchlist, matcher, Window(window.start, window.end - timedelta(days=10))
        )
        assert first.status == "succeeded"
        fake.fail_next("efetch", *[Fault.server_error(500)] * 10)
        report = scan(
            engine,
            fake,
            watchlist,
            matcher,
            window,
            client=make_client(fake, sleep=lambda _s: None, max_tries=3),
        )
    assert report.status == "failed"
    assert "500" in report.error
    with Session(engine) as s:
        assert watermark(session=s) == first.window.end
        assert s.get(Scan, report.scan_id).error == report.error


def test_phrase_not_found_fails_the_scan_instead_of_broadening_it(
    engine, watchlist, matcher, demo_records
):
    with fake_server(demo_records, watchlist) as fake:
        fake.fail_next("esearch", Fault.phrase_not_found("SLC7A5"))
        report = scan(engine, fake, watchlist, matcher, demo_window(demo_records))
    assert report.status == "failed"
    assert "SLC7A5" in report.error
    assert stored(engine) == ([], [])


def test_a_long_scan_logs_its_progress_plainly_when_not_on_a_terminal(
    settings, demo_records, watchlist
):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        result = CliRunner().invoke(
            cli,
            [
                "--db",
                settings.database_url,
                "scan",
                "--since",
                window.start.isoformat(),
                "--until",
                window.end.isoformat(),
            ],
            env={"EVIDENCEWATCH_EUTILS_URL": fake.base_url, "NCBI_EMAIL": "t@x.invalid"},
        )
    assert result.exit_code == 0, result.output
    assert "searching PubMed: started" in result.output
    assert "fetching new papers: started" in result.output
    assert "\x1b[" not in result.output  # no terminal control codes in logs


# --------------------------------------------------------------------------- short answers


def short_batches(positions: set[int], batches: int, *, left_out: int) -> list[Fault]:
    """Faults for the efetch queue: batch requests at ``positions`` answered 30 % short.

    A short answer's ``left_out`` PMIDs are asked for again at once, in requests
    of RETRY_BATCH_SIZE; those re-requests are answered in full, so the queue
    holds a normal answer for each of them.
    """
    retries = -(-left_out // RETRY_BATCH_SIZE)
    queue: list[Fault] = []
    for b in range(batches):
        queue += (
            [Fault.short_answer(0.3), *[Fault.normal()] * retries]
            if b in positions
            else [Fault.normal()]
        )
    return queue


def test_short_efetch_answers_lose_no_paper(engine, watchlist, matcher):
    # The measurement at a tenth of its size: 1,191 matching papers in 24 efetch
    # requests, 7 of them answered short by 30 %. 9 records in the window match nothing.
    first = date(2026, 9, 1)
    records = synthetic_records(
        1_191, start_pmid=97_000_001, first_crdt=first, per_day=100, text=SCAN_TEXT
    ) + synthetic_records(9, start_pmid=98_000_001, first_crdt=first, per_day=1, text="sleep")
    window = Window(first, date(2026, 9, 12))
    with fake_server(records, watchlist) as fake:
        fake.fail_next("efetch", *short_batches({1, 4, 8, 11, 15, 18, 22}, 24, left_out=15))
        report = scan(engine, fake, watchlist, matcher, window, batch_size=50)
        efetches = len(fake.requests_to("efetch"))
        expected = truth(fake, watchlist, window)
    assert len(expected) == 1_191
    assert report.status == "succeeded", report.error
    assert len(report.missing_pmids) == 7 * 15  # what the short answers left out...
    assert set(stored(engine)[0]) == expected  # ...and nothing lost
    assert report.papers_new == 1_191 and report.unresolved_pmids == []
    assert efetches == 24 + 7  # the re-requests cost only what was left out
    with Session(engine) as s:
        assert watermark(session=s) == window.end


def test_short_answers_to_the_re_requests_too_leave_pmids_for_the_next_scan(
    engine, watchlist, matcher, demo_records
):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        expected = truth(fake, watchlist, window)
        fake.fail_next("efetch", *[Fault.short_answer(0.5)] * 4)
        first = scan(engine, fake, watchlist, matcher, window)
        assert first.status == "incomplete"
        assert first.unresolved_pmids and set(first.unresolved_pmids) <= expected
        assert set(stored(engine)[0]) == expected - set(first.unresolved_pmids)
        second = scan(engine, fake, watchlist, matcher, window)
    assert second.status == "succeeded", second.error
    assert set(stored(engine)[0]) == expected


def test_a_pmid_efetch_never_serves_is_unresolved_and_holds_the_watermark(
    engine, settings, watchlist, matcher, demo_records
):
    window = demo_window(demo_records)
    early = Window(window.start, window.end - timedelta(days=10))
    with fake_server(demo_records, watchlist) as fake:
        assert scan(engine, fake, watchlist, matcher, early).status == "succeeded"
        expected = truth(fake, watchlist, window)
        withheld = max(expected - truth(fake, watchlist, early))
        fake.withhold([withheld])
        report = scan(engine, fake, watchlist, matcher, window)
    assert report.status == "incomplete"
    assert report.unresolved_pmids == [withheld] and report.gone_pmids == []
    assert str(withheld) in report.error and "unresolved" in report.summary()
    assert set(stored(engine)[0]) == expected - {withheld}
    with Session(engine) as s:
        assert watermark(session=s) == early.end  # not moved past the incomplete window
        row = s.get(UnresolvedPmid, withheld)
        assert row.resolved_at is None and row.first_scan_id == report.scan_id
        assert s.get(Scan, report.scan_id).status == "incomplete"

    status = collect_status(settings, engine=engine)
    assert status.unresolved_count == 1
    assert [u.pmid for u in status.unresolved_pmids] == [withheld]
    assert status.scans[0].status == "incomplete"
    text = render_text(status)
    assert f"{withheld}: first missed by scan #{report.scan_id}" in text
    assert "held back: 1 PMIDs unresolved" in text
    result = CliRunner().invoke(cli, ["--db", settings.database_url, "status", "--json"])
    data = json.loads(result.stdout)
    assert data["unresolved_count"] == 1
    assert data["unresolved_pmids"][0]["pmid"] == withheld
    assert data["unresolved_pmids"][0]["first_scan_id"] == report.scan_id
    assert data["scans"][0]["status"] == "incomplete"
    assert data["watermark"] == early.end.isoformat()


def test_a_later_scan_retries_an_unresolved_pmid_outside_its_window_and_moves_the_watermark(
    engine, settings, watchlist, matcher, demo_records
):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        expected = truth(fake, watchlist, window)
        withheld = min(expected)
        fake.withhold([withheld])
        assert scan(engine, fake, watchlist, matcher, window).status == "incomplete"
        fake.release([withheld])
        # A window that finds nothing: only the table sends the scan back for the PMID.
        later_window = Window(window.end, window.end)
        assert truth(fake, watchlist, later_window) == set()
        later = scan(engine, fake, watchlist, matcher, later_window)
    assert later.status == "succeeded", later.error
    assert later.papers_seen == 0 and later.papers_new == 1
    assert set(stored(engine)[0]) == expected
    with Session(engine) as s:
        assert watermark(session=s) == later_window.end
        row = s.get(UnresolvedPmid, withheld)
        assert (row.resolution, row.resolved_by) == ("stored", f"scan:{later.scan_id}")
        assert row.attempts == 1
    assert collect_status(settings, engine=engine).unresolved_count == 0


def test_an_unresolved_pmid_esearch_uid_no_longer_knows_is_confirmed_gone(
    engine, watchlist, matcher, demo_records
):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        expected = truth(fake, watchlist, window)
        withheld = min(expected)
        fake.withhold([withheld])
        assert scan(engine, fake, watchlist, matcher, window).status == "incomplete"
        fake.remove_records([withheld])  # deleted from PubMed meanwhile
        later = scan(engine, fake, watchlist, matcher, window)
        uid_searches = [r for r in fake.requests_to("esearch") if "[uid]" in r.params["term"]]
    assert later.status == "succeeded", later.error
    assert later.gone_pmids == [withheld] and later.unresolved_pmids == []
    assert uid_searches[-1].params["term"] == f"{withheld}[uid]"
    assert set(stored(engine)[0]) == expected - {withheld}
    with Session(engine) as s:
        row = s.get(UnresolvedPmid, withheld)
        assert row.resolution == "gone" and "esearch [uid]" in row.resolved_by
        assert watermark(session=s) == window.end


def test_a_pmid_deleted_between_search_and_fetch_is_confirmed_gone_at_once(
    engine, watchlist, matcher, demo_records
):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        expected = truth(fake, watchlist, window)
        victim = min(expected)

        def delete_on_first_efetch(endpoint: str) -> None:
            if endpoint == "efetch":
                fake.remove_records([victim])

        client = make_client(fake, on_request=delete_on_first_efetch)
        report = scan(engine, fake, watchlist, matcher, window, client=client)
    assert report.status == "succeeded", report.error
    assert report.gone_pmids == [victim] and report.missing_pmids == [victim]
    assert set(stored(engine)[0]) == expected - {victim}
    with Session(engine) as s:
        assert s.get(UnresolvedPmid, victim).resolution == "gone"
        assert watermark(session=s) == window.end


def test_unresolved_pmids_are_committed_with_their_batch_when_a_later_batch_fails(
    engine, watchlist, matcher, demo_records
):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        expected = truth(fake, watchlist, window)
        withheld = min(expected)  # in the first batch of five
        fake.withhold([withheld])
        # The first batch's two efetch requests are answered; every later one fails.
        fake.fail_next("efetch", Fault.normal(), Fault.normal(), *[Fault.server_error(500)] * 3)
        client = make_client(fake, sleep=lambda _s: None, max_tries=3)
        failed = scan(engine, fake, watchlist, matcher, window, client=client, batch_size=5)
        assert failed.status == "failed" and "500" in failed.error
        with Session(engine) as s:
            assert s.get(UnresolvedPmid, withheld).first_scan_id == failed.scan_id
            assert watermark(session=s) is None
        assert failed.unresolved_pmids == [withheld]
        fake.release([withheld])
        later = scan(engine, fake, watchlist, matcher, window, batch_size=5)
    assert later.status == "succeeded", later.error
    assert set(stored(engine)[0]) == expected


def test_cli_scan_json_reports_an_incomplete_scan_and_exits_non_zero(
    settings, demo_records, watchlist
):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        withheld = min(truth(fake, watchlist, window))
        fake.withhold([withheld])
        result = CliRunner().invoke(
            cli,
            [
                "--db",
                settings.database_url,
                "scan",
                "--json",
                "--since",
                window.start.isoformat(),
                "--until",
                window.end.isoformat(),
            ],
            env={"EVIDENCEWATCH_EUTILS_URL": fake.base_url, "NCBI_EMAIL": "t@x.invalid"},
        )
    assert result.exit_code == 1, result.output
    out = json.loads(result.output.strip().splitlines()[-1])
    assert out["status"] == "incomplete"
    assert out["unresolved_pmids"] == [withheld] and out["missing_pmids"] == [withheld]
    assert {"requests", "papers_seen", "papers_new", "candidates_new", "window", "error"} <= set(
        out
    )
