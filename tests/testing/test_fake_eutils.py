"""The fake E-utilities server, tested over real HTTP with plain ``requests`` (not our client).

These pin down the PubMed behaviour the client and scan tests rely on: the query
evaluator, the 9,999 cap and its warning, the History server and the fault shapes.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date

import pytest
import requests
from lxml import etree

from evidencewatch.testing.fake_eutils import (
    FakeEutils,
    FakeRecord,
    Fault,
    QuerySyntaxError,
    make_record,
    parse_query,
    query_phrases,
    records_from_xml,
    synthetic_records,
)

ARTICLE_SET = b"""<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN"
  "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">
<PubmedArticleSet>
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">90000001</PMID>
    <Article PubModel="Print">
      <Journal><Title>Imaginary Journal of Tumour Biology</Title></Journal>
      <ArticleTitle>Loss of <i>GENEA</i> confers tamoxifen resistance in model cells</ArticleTitle>
      <ELocationID EIdType="doi" ValidYN="Y">10.5555/imaginary.0001</ELocationID>
      <Abstract>
        <AbstractText Label="BACKGROUND">Endocrine therapy fails in some tumours.</AbstractText>
        <AbstractText Label="RESULTS">Knockdown restored sensitivity.</AbstractText>
      </Abstract>
    </Article>
    <MeshHeadingList>
      <MeshHeading><DescriptorName UI="D000001" MajorTopicYN="N"
        >Drug Resistance, Neoplasm</DescriptorName></MeshHeading>
    </MeshHeadingList>
    <KeywordList Owner="NOTNLM"><Keyword MajorTopicYN="N">endocrine escape</Keyword></KeywordList>
  </MedlineCitation>
  <PubmedData>
    <History>
      <PubMedPubDate PubStatus="received"><Year>2025</Year><Month>11</Month><Day>2</Day>
        </PubMedPubDate>
      <PubMedPubDate PubStatus="pubmed"><Year>2026</Year><Month>2</Month><Day>1</Day>
        </PubMedPubDate>
      <PubMedPubDate PubStatus="entrez"><Year>2026</Year><Month>2</Month><Day>3</Day>
        </PubMedPubDate>
    </History>
    <PublicationStatus>ppublish</PublicationStatus>
    <ArticleIdList>
      <ArticleId IdType="pubmed">90000001</ArticleId>
      <ArticleId IdType="pmc">PMC7000001</ArticleId>
    </ArticleIdList>
    <ReferenceList><Reference><Citation>Someone else.</Citation>
      <ArticleIdList><ArticleId IdType="doi">10.5555/not.this.one</ArticleId></ArticleIdList>
    </Reference></ReferenceList>
  </PubmedData>
</PubmedArticle>
<PubmedArticle>
  <MedlineCitation Status="Publisher" Owner="NLM">
    <PMID Version="1">90000002</PMID>
    <Article PubModel="Electronic"><ArticleTitle>A record with only an EDAT</ArticleTitle></Article>
  </MedlineCitation>
  <PubmedData>
    <History><PubMedPubDate PubStatus="pubmed"><Year>2026</Year><Month>3</Month><Day>9</Day>
      </PubMedPubDate></History>
    <ArticleIdList><ArticleId IdType="pubmed">90000002</ArticleId></ArticleIdList>
  </PubmedData>
</PubmedArticle>
</PubmedArticleSet>
"""

D = date(2026, 1, 1)


def _records() -> list[FakeRecord]:
    return [
        make_record(
            101,
            crdt=date(2026, 1, 1),
            title="GENEA drives tamoxifen resistance",
            abstract="Breast cancer cells lost GENEA.",
            mesh=["Breast Neoplasms"],
        ),
        make_record(
            102,
            crdt=date(2026, 1, 2),
            title="GENEB and aromatase inhibitors",
            abstract="GENEA was not involved.",
            keywords=["endocrine escape"],
        ),
        make_record(
            103,
            crdt=date(2026, 1, 3),
            title="Resistant tumours express GENEA10",
            mesh=["Drug Resistance, Neoplasm"],
            doi="10.5555/abc.103",
            pmcid="PMC103",
        ),
        make_record(
            104,
            crdt=date(2026, 1, 4),
            title="Palbociclib resistance and GENEC",
            abstract="Breast cancer cohort.",
        ),
    ]


@pytest.fixture
def fake() -> Iterator[FakeEutils]:
    with FakeEutils(_records()) as server:
        yield server


def esearch(fake: FakeEutils, term: str, **params: str | int) -> etree._Element:
    response = requests.get(
        fake.base_url + "esearch.fcgi", params={"db": "pubmed", "term": term, **params}, timeout=5
    )
    assert response.status_code == 200
    return etree.fromstring(response.content)


def ids(root: etree._Element) -> list[int]:
    return [int(x) for x in root.xpath("IdList/Id/text()")]


# --------------------------------------------------------------------- records


def test_records_from_xml_splits_set_and_takes_crdt_from_entrez_history():
    first, second = records_from_xml(ARTICLE_SET)
    assert first.pmid == 90000001
    assert first.crdt == date(2026, 2, 3)  # entrez, not pubmed or received
    assert second.crdt == date(2026, 3, 9)  # no entrez date: falls back to pubmed
    assert "GENEA confers tamoxifen" in first.fields["title"]  # inline markup flattened
    for words in ("Knockdown restored", "Drug Resistance, Neoplasm", "endocrine escape"):
        assert words in first.text
    # ArticleIds from PubmedData and the DOI ELocationID, never the reference list's.
    assert set(first.article_ids) == {"PMC7000001", "10.5555/imaginary.0001"}
    element = etree.fromstring(first.xml)
    assert element.tag == "PubmedArticle" and element.findtext("MedlineCitation/PMID") == "90000001"


def test_records_from_xml_accepts_gzip_and_needs_a_date():
    assert len(records_from_xml(gzip.compress(ARTICLE_SET))) == 2
    undated = ARTICLE_SET.replace(
        b'PubStatus="pubmed"><Year>2026</Year><Month>3', b'PubStatus="x"><Year>2026</Year><Month>3'
    )
    with pytest.raises(ValueError, match="90000002"):
        records_from_xml(undated)
    assert records_from_xml(undated, default_crdt=D)[1].crdt == D


def test_make_record_round_trips_through_records_from_xml():
    rec = make_record(
        7,
        crdt=D,
        title="A & B <c>",
        abstract="x",
        mesh=["M"],
        keywords=["K"],
        doi="10.5555/z",
        pmcid="PMC7",
    )
    (again,) = records_from_xml(b"<PubmedArticleSet>" + rec.xml + b"</PubmedArticleSet>")
    assert (again.pmid, again.crdt, again.fields, set(again.article_ids)) == (
        rec.pmid,
        rec.crdt,
        rec.fields,
        set(rec.article_ids),
    )


def test_synthetic_records_spread_over_create_dates():
    recs = synthetic_records(7, start_pmid=500, first_crdt=D, per_day=3, text="cap test phrase")
    assert [r.pmid for r in recs] == list(range(500, 507))
    assert [r.crdt.day for r in recs] == [1, 1, 1, 2, 2, 2, 3]


# --------------------------------------------------------------------- query evaluator


def test_boolean_operators_evaluate_left_to_right_like_pubmed():
    tree = parse_query("a OR b AND c")
    assert tree.op == "AND" and tree.left.op == "OR"  # (a OR b) AND c: no precedence


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("GENEA", [102, 101]),
        ("GENEA AND tamoxifen", [101]),
        ("GENEA OR GENEC", [104, 102, 101]),
        ("GENEA NOT tamoxifen", [102]),
        ("(GENEB OR GENEC) AND breast cancer", [104]),
        ("GENEC OR GENEB AND aromatase", [102]),  # left to right: (GENEC OR GENEB) AND aromatase
        ("GENEC OR (GENEB AND aromatase)", [104, 102]),
        ("genea tamoxifen", [101]),  # adjacent terms are ANDed
    ],
)
def test_and_or_not_and_parentheses(fake, term, expected):
    assert ids(esearch(fake, term)) == expected


def test_phrases_match_case_insensitively_on_word_boundaries(fake):
    assert ids(esearch(fake, '"tamoxifen RESISTANCE"')) == [101]
    assert ids(esearch(fake, '"GENEA"[tiab]')) == [102, 101]  # not GENEA10 (103)
    assert ids(esearch(fake, '"resistance genea"')) == []  # words in the wrong order


def test_field_tags_choose_where_the_phrase_must_be(fake):
    assert ids(esearch(fake, '"GENEA"[ti]')) == [101]
    assert ids(esearch(fake, '"GENEA"[tiab]')) == [102, 101]
    assert ids(esearch(fake, '"breast neoplasms"[mh]')) == [101]
    assert ids(esearch(fake, '"breast neoplasms"[tiab]')) == []
    assert ids(esearch(fake, '"endocrine escape"[ot]')) == [102]
    assert ids(esearch(fake, '"endocrine escape"[tw]')) == [102]
    assert ids(esearch(fake, '"Drug Resistance, Neoplasm"[MeSH Terms]')) == [103]
    assert ids(esearch(fake, "breast cancer[Title/Abstract]")) == [
        104,
        101,
    ]  # tagged words: one phrase
    assert ids(esearch(fake, '"GENEA"[All Fields]')) == [102, 101]


def test_truncation_matches_word_prefixes(fake):
    assert ids(esearch(fake, "resist*[tiab]")) == [104, 103, 101]


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


def test_query_translation_echoes_the_normalised_term(fake):
    root = esearch(
        fake,
        '("GENEA"[tiab] OR GENEC[ti]) AND resist*[tiab]',
        datetype="crdt",
        mindate="2026/01/01",
        maxdate="2026/01/31",
    )
    assert root.findtext("QueryTranslation") == (
        '(("genea"[Title/Abstract] OR "genec"[Title]) AND resist*[Title/Abstract]) '
        "AND 2026/01/01:2026/01/31[Date - Create]"
    )


def test_phrase_found_in_no_record_is_reported_and_dropped_so_the_search_broadens(fake):
    root = esearch(fake, '"GENEA"[tiab] AND "GENEZZZ"[tiab]')
    assert root.xpath("ErrorList/PhraseNotFound/text()") == ["GENEZZZ"]
    assert ids(root) == [102, 101]  # as if GENEZZZ had never been asked for
    assert root.findtext("QueryTranslation") == '"genea"[Title/Abstract]'


def test_known_phrases_are_never_phrase_not_found():
    with FakeEutils(_records(), known_phrases=["GENEZZZ"]) as fake:
        root = esearch(fake, '"GENEA"[tiab] AND "genezzz"[tiab]')
    assert root.find("ErrorList") is None
    assert ids(root) == []


def test_query_phrases_lists_a_terms_vocabulary_for_known_phrases():
    term = '("GENEZZZ"[tiab] OR GENEY) AND resist*[tiab] AND 2026/01/01:2026/02/01[crdt] NOT 5[uid]'
    assert query_phrases(term) == ["GENEZZZ", "GENEY", "resist*"]
    with FakeEutils(_records(), known_phrases=query_phrases(term)) as fake:
        assert esearch(fake, term).find("ErrorList") is None


def test_unknown_field_tag_is_field_not_found(fake):
    root = esearch(fake, "GENEA[nosuchfield]")
    assert root.xpath("ErrorList/FieldNotFound/text()") == ["nosuchfield"]


@pytest.mark.parametrize(
    "term", ['"unterminated', "(GENEA OR GENEC", "GENEA AND", "GENEA )", "AND x"]
)
def test_syntax_errors_are_an_ERROR_element(fake, term):
    root = esearch(fake, term)
    assert root.findtext("ERROR").startswith("Invalid query syntax")
    with pytest.raises(QuerySyntaxError):
        parse_query(term)


def test_aid_and_pmcid_match_article_identifiers(fake):
    assert ids(esearch(fake, '"10.5555/abc.103"[aid]')) == [103]
    assert ids(esearch(fake, "PMC103[pmcid]")) == [103]
    root = esearch(fake, '"10.5555/unknown"[aid]')
    assert ids(root) == [] and root.xpath("ErrorList/PhraseNotFound/text()") == ["10.5555/unknown"]


def test_uid_ranges_select_pmids(fake):
    assert ids(esearch(fake, "102:103[uid]")) == [103, 102]


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


def efetch(fake: FakeEutils, method: str = "GET", **params: str | int) -> requests.Response:
    data = {"db": "pubmed", **params}
    if method == "POST":
        return requests.post(fake.base_url + "efetch.fcgi", data=data, timeout=5)
    return requests.get(fake.base_url + "efetch.fcgi", params=data, timeout=5)


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


# --------------------------------------------------------------------- protocol details


def test_requests_are_recorded_with_post_form_fields(fake):
    requests.post(
        fake.base_url + "esearch.fcgi?db=pubmed", data={"term": "GENEA", "tool": "t"}, timeout=5
    )
    (req,) = fake.requests
    assert (req.method, req.endpoint, req.params, req.status) == (
        "POST",
        "esearch",
        {"db": "pubmed", "term": "GENEA", "tool": "t"},
        200,
    )


def test_every_response_carries_rate_limit_headers(fake):
    plain = requests.get(fake.base_url + "esearch.fcgi", params={"term": "x"}, timeout=5)
    keyed = requests.get(
        fake.base_url + "esearch.fcgi", params={"term": "x", "api_key": "k"}, timeout=5
    )
    missing = requests.get(fake.base_url + "nothing.fcgi", timeout=5)
    assert plain.headers["X-RateLimit-Limit"] == "3" and keyed.headers["X-RateLimit-Limit"] == "10"
    assert int(plain.headers["X-RateLimit-Remaining"]) <= 2
    assert missing.status_code == 404 and "X-RateLimit-Remaining" in missing.headers


def test_bodies_are_gzipped_when_the_client_accepts_gzip(fake):
    response = requests.get(
        fake.base_url + "esearch.fcgi",
        params={"term": "GENEA"},
        headers={"Accept-Encoding": "gzip"},
        timeout=5,
    )
    assert response.headers["Content-Encoding"] == "gzip"
    assert ids(etree.fromstring(response.content)) == [102, 101]


def test_enforced_rate_limit_answers_429_like_ncbi():
    with FakeEutils(_records(), enforce_rate_limit=True) as fake:
        statuses = [
            requests.get(
                fake.base_url + "esearch.fcgi", params={"term": "GENEA"}, timeout=5
            ).status_code
            for _ in range(4)
        ]
        response = requests.get(fake.base_url + "esearch.fcgi", params={"term": "x"}, timeout=5)
    assert statuses == [200, 200, 200, 429]
    body = response.json()
    assert body["error"] == "API rate limit exceeded" and body["limit"] == "3"
    assert body["api-key"] == "127.0.0.1" and response.headers["Retry-After"] == "1"


# --------------------------------------------------------------------- faults


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


# --------------------------------------------------------------------- CLI


def test_cli_serves_records_from_a_file_and_prints_the_base_url(tmp_path):
    path = tmp_path / "records.xml"
    path.write_bytes(ARTICLE_SET)
    proc = subprocess.Popen(
        [sys.executable, "-m", "evidencewatch.testing.fake_eutils", str(path), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/entrez/eutils/")
        response = requests.get(base_url + "esearch.fcgi", params={"term": "tamoxifen"}, timeout=5)
        assert ids(etree.fromstring(response.content)) == [90000001]
    finally:
        proc.terminate()
        proc.wait(timeout=5)
