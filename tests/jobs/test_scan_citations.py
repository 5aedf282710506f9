"""Scans follow ELink from seed-cited and accepted papers: what they queue, with which route,
at what cost, and how an ELink failure fails the scan. Against the fake server over HTTP."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from evidencewatch.cli.main import cli
from evidencewatch.ingest.citations import CITATION_FEATURE
from evidencewatch.ingest.windows import Window, watermark
from evidencewatch.jobs.scanning import run_scan
from evidencewatch.pubmed.client import EutilsClient
from evidencewatch.pubmed.elink import CITED_IN, ELINK_BATCH, SIMILAR
from evidencewatch.storage.models import Candidate, Paper, Scan, SeedFindingRow
from evidencewatch.storage.routes import route_texts
from evidencewatch.testing.fake_eutils import Fault, make_record
from factories import make_candidate, make_paper
from processes import fake_pubmed, recent_records, today_utc

SEED_PMID = 38256136
# Matches a tracked gene (SLC7A5) but was created long before any scan window, so the
# window's query never finds it: only the citation does.
CITING = 51_000_001
# Cites the seed paper but names no tracked gene: stored, never queued.
CITING_OFF_TOPIC = 51_000_002
TEXT = "SLC7A5 overexpression confers tamoxifen resistance in breast cancer cells."


def _window() -> Window:
    return Window(today_utc() - timedelta(days=12), today_utc())


def _old_records():
    old = today_utc() - timedelta(days=400)
    return [
        make_record(SEED_PMID, crdt=old - timedelta(days=300), title="The seed paper"),
        make_record(CITING, crdt=old, title=TEXT, abstract="We build on the seed study."),
        make_record(CITING_OFF_TOPIC, crdt=old, title="A survey of imaging methods"),
    ]


def _seed(engine, cited: list[int], finding: str = "drug-metabolism-cyp3a4") -> None:
    with Session(engine) as s:
        s.add(
            SeedFindingRow(
                id=finding,
                genes=["SLC7A5"],
                claim="a claim",
                citations=[{"label": f"[^{i}]", "url": "", "pmid": p} for i, p in enumerate(cited)],
            )
        )
        s.commit()


def _client(fake, **kw) -> EutilsClient:
    kw.setdefault("max_tries", 2)
    return EutilsClient(
        base_url=fake.base_url,
        tool="evidencewatch-tests",
        email="tests@evidencewatch.invalid",
        requests_per_second=200,
        backoff_base=0.01,
        backoff_max=0.02,
        **kw,
    )


def _scan(engine, fake, watchlist, matcher, **kw):
    with _client(fake) as client:
        return run_scan(
            engine=engine,
            client=client,
            watchlist=watchlist,
            matcher=matcher,
            window=_window(),
            batch_size=50,
            **kw,
        )


def test_a_paper_citing_a_seed_paper_that_the_query_misses_is_queued_with_its_route(
    engine, watchlist, matcher
):
    _seed(engine, [SEED_PMID])
    records = recent_records(20) + _old_records()
    with fake_pubmed(records, watchlist) as fake:
        fake.add_links(CITED_IN, {SEED_PMID: [CITING, CITING_OFF_TOPIC]})
        report = _scan(engine, fake, watchlist, matcher)
        elinks = fake.requests_to("elink")
    assert report.status == "succeeded", report.error
    assert report.citation_papers_new == 2 and report.papers_new == 22
    assert report.citation_requests == 2  # one ELink, one EFetch for the two citing papers
    assert len(elinks) == 1 and elinks[0].multi["id"] == [str(SEED_PMID)]
    with Session(engine) as s:
        queued = s.exec(select(Candidate).where(Candidate.pmid == CITING)).all()
        assert [c.gene for c in queued] == ["SLC7A5"]
        reason = next(r for r in queued[0].reasons if r["feature"] == CITATION_FEATURE)
        assert reason["detail"] == f"cites PMID {SEED_PMID} (seed finding drug-metabolism-cyp3a4)"
        assert s.get(Paper, CITING_OFF_TOPIC) is not None  # stored, so not fetched again
        assert s.exec(select(Candidate).where(Candidate.pmid == CITING_OFF_TOPIC)).all() == []
        routes = route_texts(session=s, pmids=[CITING, records[0].pmid])
    assert routes[CITING] == [f"cites PMID {SEED_PMID} (seed finding drug-metabolism-cyp3a4)"]
    assert routes[records[0].pmid] == ["found by the scan's query"]


def test_a_paper_found_by_the_query_and_a_citation_shows_both_and_scores_higher(
    engine, watchlist, matcher
):
    records = recent_records(4)
    both, query_only = records[0].pmid, records[1].pmid
    _seed(engine, [SEED_PMID])
    with fake_pubmed([*records, *_old_records()], watchlist) as fake:
        fake.add_links(CITED_IN, {SEED_PMID: [both]})
        report = _scan(engine, fake, watchlist, matcher)
    assert report.status == "succeeded", report.error
    assert report.citation_papers_new == 0  # the query had stored it already
    with Session(engine) as s:
        routes = route_texts(session=s, pmids=[both, query_only])
        scores = {c.pmid: c.rule_score for c in s.exec(select(Candidate)).all()}
    assert routes[both] == [
        "found by the scan's query",
        f"cites PMID {SEED_PMID} (seed finding drug-metabolism-cyp3a4)",
    ]
    assert routes[query_only] == ["found by the scan's query"]
    # Same text, same matcher reasons: the citation alone puts it ahead.
    assert scores[both] > scores[query_only]


def test_papers_citing_accepted_evidence_are_followed_too(engine, watchlist, matcher):
    with Session(engine) as s:
        accepted = make_paper(s, pmid=SEED_PMID)
        make_candidate(s, accepted, gene="SLC7A5", status="accepted")
        s.commit()
    with fake_pubmed(_old_records(), watchlist) as fake:
        fake.add_links(CITED_IN, {SEED_PMID: [CITING]})
        report = _scan(engine, fake, watchlist, matcher)
    assert report.status == "succeeded", report.error
    assert report.citation_papers_new == 1
    with Session(engine) as s:
        assert route_texts(session=s, pmids=[CITING])[CITING] == [
            f"cites PMID {SEED_PMID} (accepted evidence on SLC7A5)"
        ]


def test_elink_asks_once_per_hundred_sources_each_as_its_own_id(engine, watchlist, matcher):
    sources = list(range(40_000_001, 40_000_001 + 2 * ELINK_BATCH + 50))
    _seed(engine, sources)
    with fake_pubmed(_old_records(), watchlist) as fake:
        fake.add_links(CITED_IN, {sources[-1]: [CITING]})
        report = _scan(engine, fake, watchlist, matcher)
        elinks = fake.requests_to("elink")
    assert report.status == "succeeded", report.error
    assert len(elinks) == 3  # 250 sources: ceil(250 / 100)
    sent = [int(i) for r in elinks for i in r.multi["id"]]
    assert sorted(sent) == sources and all(len(r.multi["id"]) <= ELINK_BATCH for r in elinks)
    assert report.citation_papers_new == 1 and report.citation_requests == 4


def test_a_failed_elink_fails_the_scan_loudly_and_leaves_the_watermark(engine, watchlist, matcher):
    _seed(engine, [SEED_PMID])
    with fake_pubmed([*recent_records(10), *_old_records()], watchlist) as fake:
        fake.add_links(CITED_IN, {SEED_PMID: [CITING]})
        fake.fail_next("elink", Fault.server_error(503), Fault.server_error(503))
        report = _scan(engine, fake, watchlist, matcher)
        with Session(engine) as s:
            [row] = s.exec(select(Scan)).all()
            assert watermark(session=s) is None
            assert s.get(Paper, CITING) is None
        assert report.status == "failed" and "503" in report.error and "elink" in report.error
        assert row.status == "failed" and row.error == report.error
        # The next scan, with ELink back, completes the window and moves the watermark.
        later = _scan(engine, fake, watchlist, matcher)
    assert later.status == "succeeded", later.error
    assert later.citation_papers_new == 1
    with Session(engine) as s:
        assert watermark(session=s) == _window().end


def test_similar_articles_are_asked_only_when_the_setting_is_on(engine, watchlist, matcher):
    with Session(engine) as s:
        make_candidate(s, make_paper(s, pmid=SEED_PMID), gene="SLC7A5", status="accepted")
        s.commit()
    with fake_pubmed(_old_records(), watchlist) as fake:
        fake.add_links(SIMILAR, {SEED_PMID: [CITING]})
        off = _scan(engine, fake, watchlist, matcher)
        assert [r.params["linkname"] for r in fake.requests_to("elink")] == [CITED_IN]
        on = _scan(engine, fake, watchlist, matcher, similar_articles=True)
        names = [r.params["linkname"] for r in fake.requests_to("elink")]
    assert (off.status, on.status) == ("succeeded", "succeeded")
    assert off.citation_papers_new == 0 and on.citation_papers_new == 1
    assert names == [CITED_IN, CITED_IN, SIMILAR]
    with Session(engine) as s:
        assert route_texts(session=s, pmids=[CITING])[CITING] == [
            f"similar to PMID {SEED_PMID} (accepted evidence on SLC7A5)"
        ]


@pytest.mark.parametrize("setting", ["true", "false"])
def test_cli_scan_json_reports_citation_papers_and_requests(settings, watchlist, setting):
    _seed_url = settings.database_url
    from evidencewatch.storage.db import make_engine

    engine = make_engine(_seed_url)
    _seed(engine, [SEED_PMID])
    with fake_pubmed(_old_records(), watchlist) as fake:
        fake.add_links(CITED_IN, {SEED_PMID: [CITING]})
        result = CliRunner().invoke(
            cli,
            ["--db", _seed_url, "scan", "--json", "--since", _window().start.isoformat()],
            env={
                "EVIDENCEWATCH_EUTILS_URL": fake.base_url,
                "NCBI_EMAIL": "t@x.invalid",
                "EVIDENCEWATCH_SCAN_CITATIONS": setting,
            },
        )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.strip().splitlines()[-1])
    expected = (1, 2) if setting == "true" else (0, 0)
    assert (out["citation_papers_new"], out["citation_requests"]) == expected
