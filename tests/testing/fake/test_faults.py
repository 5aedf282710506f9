"""Queued faults: each fires once, in order, and has NCBI's shape."""

from __future__ import annotations

import itertools
import json
import time

import pytest
import requests
from lxml import etree

from evidencewatch.testing.fake import Fault
from testing.fake.samples import efetch, esearch, ids


def test_faults_fire_once_each_in_order_then_normal_service_resumes(fake):
    fake.fail_next(
        "esearch",
        Fault.rate_limited(),
        Fault.server_error(500),
        Fault.server_error(503, retry_after=2),
    )
    got = [
        requests.get(fake.base_url + "esearch.fcgi", params={"term": "GENEA"}, timeout=5)
        for _ in range(4)
    ]
    assert [r.status_code for r in got] == [429, 500, 503, 200]
    assert json.loads(got[0].content) == {
        "error": "API rate limit exceeded",
        "api-key": "127.0.0.1",
        "count": "1",
        "limit": "3",
    }
    assert got[0].headers["Retry-After"] == "1" and got[2].headers["Retry-After"] == "2"
    assert "WWW Error 500 Diagnostic" in got[1].text
    assert fake.pending_faults("esearch") == 0


def test_backend_error_fault_uses_each_endpoints_root(fake):
    fake.fail_next("esearch", Fault.backend_error())
    fake.fail_next("efetch", Fault.backend_error("Search Backend failed: boom"))
    search = etree.fromstring(
        requests.get(fake.base_url + "esearch.fcgi", params={"term": "x"}, timeout=5).content
    )
    fetch = etree.fromstring(efetch(fake, id="101").content)
    assert search.tag == "eSearchResult" and search.findtext("ERROR").startswith(
        "Search Backend failed"
    )
    assert fetch.tag == "eFetchResult" and fetch.findtext("ERROR") == "Search Backend failed: boom"


def test_truncated_fault_cuts_the_body_mid_record(fake):
    fake.fail_next("efetch", Fault.truncated(0.5))
    body = efetch(fake, id="101,102").content
    assert b"<PubmedArticle>" in body and not body.rstrip().endswith(b"</PubmedArticleSet>")
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(body)


def test_http_level_truncation_breaks_the_connection(fake):
    fake.fail_next("efetch", Fault.truncated(0.5, http_level=True))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        efetch(fake, id="101")


def test_phrase_not_found_and_count_mismatch_faults_corrupt_a_normal_answer(fake):
    fake.fail_next("esearch", Fault.phrase_not_found("GENEQ"), Fault.count_mismatch())
    pnf = esearch(fake, "GENEA")
    assert pnf.xpath("ErrorList/PhraseNotFound/text()") == ["GENEQ"] and ids(pnf) == [102, 101]
    bad = esearch(fake, "GENEA")
    assert bad.findtext("Count") == "2" and ids(bad) == [102]
    with pytest.raises(ValueError, match="only applies to esearch"):
        fake.fail_next("efetch", Fault.count_mismatch())


def test_connection_reset_fault_closes_without_a_response(fake):
    fake.fail_next("esearch", Fault.connection_reset())
    with pytest.raises(requests.ConnectionError):
        requests.get(fake.base_url + "esearch.fcgi", params={"term": "x"}, timeout=5)
    assert fake.requests[0].status is None


def test_slow_fault_outlasts_a_short_read_timeout(fake):
    fake.fail_next("esearch", Fault.slow(0.5))
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(fake.base_url + "esearch.fcgi", params={"term": "x"}, timeout=(1, 0.1))
    assert time.monotonic() - started < 0.45
    with pytest.raises(ValueError):
        Fault.slow(10)


def test_custom_fault_sends_exactly_what_it_is_given(fake):
    fake.fail_next("efetch", Fault.custom(200, b'<?xml version="1.0"?>'))
    assert efetch(fake, id="101").content == b'<?xml version="1.0"?>'


def pmids_in(body: bytes) -> list[int]:
    root = etree.fromstring(body)
    assert root.tag == "PubmedArticleSet"  # well-formed and complete: nothing looks wrong
    return [int(x) for x in root.xpath("PubmedArticle/MedlineCitation/PMID/text()")]


def test_short_answer_fault_leaves_records_out_of_a_well_formed_answer(fake):
    fake.fail_next("efetch", Fault.short_answer(0.5), Fault.short_answer(1.0))
    short = efetch(fake, "POST", id="101,102,103,104")
    empty = efetch(fake, "POST", id="101,102,103,104")
    full = efetch(fake, "POST", id="101,102,103,104")
    assert short.status_code == empty.status_code == 200
    assert pmids_in(short.content) == [102, 104]  # spread over the answer, not a cut
    assert pmids_in(empty.content) == []
    assert pmids_in(full.content) == [101, 102, 103, 104]


def test_short_answer_leaves_out_its_share_evenly_and_at_least_one_record():
    from evidencewatch.testing.fake.faults import efetch_records

    records = list(range(500))
    kept = efetch_records(Fault.short_answer(0.3), records)
    assert len(kept) == 350
    assert max(b - a for a, b in itertools.pairwise(kept)) <= 2
    assert efetch_records(Fault.short_answer(0.3), [7]) == []
    assert efetch_records(Fault.normal(), records) == records


def test_short_answer_only_applies_to_efetch_and_needs_a_share(fake):
    with pytest.raises(ValueError, match="only applies to efetch"):
        fake.fail_next("esearch", Fault.short_answer())
    for drop in (0, 1.5):
        with pytest.raises(ValueError):
            Fault.short_answer(drop)


def test_normal_fault_holds_a_place_in_the_queue(fake):
    fake.fail_next("efetch", Fault.normal(), Fault.server_error(500))
    assert [efetch(fake, id="101").status_code for _ in range(3)] == [200, 500, 200]
