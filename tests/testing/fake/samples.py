"""What the fake-server tests share: a PubMed XML sample, small records, request helpers.

Imported as ``testing.fake.samples`` (``tests/`` is on the path).
"""

from __future__ import annotations

from datetime import date

import requests
from lxml import etree

from evidencewatch.testing.fake import FakeEutils, FakeRecord, make_record

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


def sample_records() -> list[FakeRecord]:
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


def esearch(fake: FakeEutils, term: str, **params: str | int) -> etree._Element:
    response = requests.get(
        fake.base_url + "esearch.fcgi", params={"db": "pubmed", "term": term, **params}, timeout=5
    )
    assert response.status_code == 200
    return etree.fromstring(response.content)


def ids(root: etree._Element) -> list[int]:
    return [int(x) for x in root.xpath("IdList/Id/text()")]


def efetch(fake: FakeEutils, method: str = "GET", **params: str | int) -> requests.Response:
    data = {"db": "pubmed", **params}
    if method == "POST":
        return requests.post(fake.base_url + "efetch.fcgi", data=data, timeout=5)
    return requests.get(fake.base_url + "efetch.fcgi", params=data, timeout=5)
