"""ESearch and EFetch over real HTTP: date ranges, counts, the 9,999 cap, EFetch by id
and the History server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from lxml import etree

from evidencewatch.testing.fake import FakeEutils, synthetic_records
from testing.fake.samples import D, efetch, esearch, ids


def test_date_range_via_params_and_in_term_is_inclusive(fake):
    root = esearch(
        fake, "GENEA OR GENEC", datetype="crdt", mindate="2026/01/02", maxdate="2026/01/04"
    )
    assert ids(root) == [104, 102]
    assert ids(esearch(fake, "2026/01/01:2026/01/02[crdt]")) == [102, 101]
    assert ids(esearch(fake, '("2026/01/03"[crdt] : "2026/01/04"[crdt]) AND resist*')) == [104, 103]
    assert ids(esearch(fake, "GENEA AND 2026/01[crdt]")) == [102, 101]  # a month means all of it
    assert ids(esearch(fake, "GENEA", datetype="crdt", mindate="2026", maxdate="2026")) == [
        102,
        101,
    ]


def test_rettype_count_and_retmax_zero_return_only_the_count(fake):
    root = esearch(fake, "GENEA", rettype="count")
    assert root.findtext("Count") == "2" and root.find("IdList") is None
    root = esearch(fake, "GENEA", retmax=0)
    assert root.findtext("Count") == "2" and ids(root) == []


def test_no_hits_says_no_items_found(fake):
    root = esearch(fake, "GENEA AND GENEC")
    assert root.findtext("Count") == "0"
    assert root.xpath("WarningList/OutputMessage/text()") == ["No items found."]


# --------------------------------------------------------------------- the 9,999 cap


@pytest.fixture(scope="module")
def crowded() -> Iterator[FakeEutils]:
    recs = synthetic_records(
        10_050, start_pmid=1_000_000, first_crdt=D, per_day=1000, text="crowded topic"
    )
    with FakeEutils(recs) as server:
        yield server


def test_retmax_above_cap_returns_cap_ids_sorted_newest_first_with_a_warning(crowded):
    root = esearch(crowded, '"crowded topic"', retmax=20_000)
    got = ids(root)
    assert root.findtext("Count") == "10050"  # the real total
    assert len(got) == 9999
    assert got == sorted(got, reverse=True) and got[0] == 1_010_049
    assert root.xpath("WarningList/OutputMessage/text()") == [
        "Restrictions achieved. start and count adjusted to 0, 9999"
    ]


def test_retmax_at_cap_has_no_warning(crowded):
    root = esearch(crowded, '"crowded topic"', retmax=9999)
    assert len(ids(root)) == 9999 and root.find("WarningList") is None


def test_retstart_at_or_above_cap_is_an_ERROR_not_an_empty_page(crowded):
    root = esearch(crowded, '"crowded topic"', retstart=9999, retmax=10)
    assert ids(root) == []
    assert "'retstart' cannot be larger than 9998" in root.findtext("ERROR")
    assert len(ids(esearch(crowded, '"crowded topic"', retstart=9998, retmax=10))) == 1


def test_smaller_cap_for_cheap_tests():
    recs = synthetic_records(30, start_pmid=1, first_crdt=D, per_day=10, text="small")
    with FakeEutils(recs, cap=25) as fake:
        root = esearch(fake, "small", retmax=100)
    assert root.findtext("Count") == "30" and len(ids(root)) == 25


# --------------------------------------------------------------------- history and efetch


def pmids_in(body: bytes) -> list[int]:
    root = etree.fromstring(body)
    assert root.tag == "PubmedArticleSet"
    return [int(x) for x in root.xpath("PubmedArticle/MedlineCitation/PMID/text()")]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_efetch_by_id_keeps_requested_order_and_skips_unknown_pmids(fake, method):
    response = efetch(fake, method, id="104,999,101,103", retmode="xml")
    assert response.status_code == 200
    assert pmids_in(response.content) == [104, 101, 103]


def test_efetch_id_errors_match_ncbi_shapes(fake):
    empty = efetch(fake, id="")
    assert (empty.status_code, etree.fromstring(empty.content).tag) == (200, "eFetchResult")
    bad = efetch(fake, id="abc,def")
    assert bad.status_code == 400 and b"ID list is empty" in bad.content


def test_usehistory_stores_the_result_set_for_paged_efetch(fake):
    root = esearch(fake, "GENEA OR GENEC OR resist*", usehistory="y", retmax=0)
    webenv, key = root.findtext("WebEnv"), root.findtext("QueryKey")
    assert webenv.startswith("MCID_") and key == "1"
    pages = [
        pmids_in(efetch(fake, "POST", WebEnv=webenv, query_key=key, retstart=s, retmax=2).content)
        for s in (0, 2)
    ]
    assert pages == [[104, 103], [102, 101]]
    again = esearch(fake, "GENEC", usehistory="y", WebEnv=webenv)
    assert again.findtext("WebEnv") == webenv and again.findtext("QueryKey") == "2"


def test_unknown_webenv_and_out_of_range_are_efetch_ERRORs(fake):
    unknown = etree.fromstring(efetch(fake, WebEnv="MCID_nope", query_key=1).content)
    assert unknown.tag == "eFetchResult" and "Cannot retrieve history data" in unknown.findtext(
        "ERROR"
    )
    root = esearch(fake, "GENEA", usehistory="y")
    out = efetch(fake, WebEnv=root.findtext("WebEnv"), query_key=1, retstart=5, retmax=5)
    assert "OUT OF RANGE" in etree.fromstring(out.content).findtext("ERROR")


def test_withheld_pmids_are_found_by_searches_but_never_served(fake):
    fake.withhold([101, 103])
    assert ids(esearch(fake, "101[uid] OR 103[uid]")) == [103, 101]
    assert pmids_in(efetch(fake, "POST", id="101,102,103").content) == [102]
    fake.release([101])
    assert pmids_in(efetch(fake, "POST", id="101,102,103").content) == [101, 102]


def test_removed_records_are_unknown_to_searches_and_efetch(fake):
    fake.remove_records([102])
    assert ids(esearch(fake, "102[uid]")) == []
    assert pmids_in(efetch(fake, id="101,102").content) == [101]
    assert 102 not in fake.records


def test_matching_pmids_is_the_truth_of_a_query_over_a_create_date_range(fake):
    fake.withhold([101])
    truth = fake.matching_pmids(
        ["GENEA", "GENEC"], mindate=date(2026, 1, 1), maxdate=date(2026, 1, 3)
    )
    assert truth == {101, 102}  # withheld or not; 104 (GENEC) is created on Jan 4
