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
from evidencewatch.pubmed.client import EutilsClient
from evidencewatch.storage.models import Candidate, Paper, Scan
from evidencewatch.testing.fake_eutils import FakeEutils, Fault, synthetic_records
from evidencewatch.testing.vocabulary import query_vocabulary


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


def stored(engine) -> tuple[list[int], list[tuple[int, str]]]:
    with Session(engine) as s:
        pmids = list(s.exec(select(Paper.pmid)).all())
        pairs = [(c.pmid, c.gene) for c in s.exec(select(Candidate)).all()]
    return pmids, pairs


def test_scan_stores_papers_found_and_queues_candidates(engine, watchlist, matcher, demo_records):
    window = demo_window(demo_records)
    with fake_server(demo_records, watchlist) as fake:
        report = scan(engine, fake, watchlist, matcher, window)
    assert report.status == "succeeded", report.error
    pmids, pairs = stored(engine)
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
    assert report.status == "succeeded", report.error
    with Session(engine) as s:
        n_papers = s.exec(select(func.count()).select_from(Paper)).one()
    assert n_papers == 12_000 == report.papers_new
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
        expected = report.papers_seen
    assert report.status == "succeeded", report.error
    pmids, pairs = stored(engine)
    assert len(pmids) == len(set(pmids)) == expected > 0
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
