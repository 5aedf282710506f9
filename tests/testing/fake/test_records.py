"""FakeRecord: built with make_record, read from PubMed XML, and synthetic bulk records."""

from __future__ import annotations

import gzip
from datetime import date

import pytest
from lxml import etree

from evidencewatch.testing.fake import make_record, records_from_xml, synthetic_records
from testing.fake.samples import ARTICLE_SET, D


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
