"""MEDLINE-format text (PubMed's "PubMed format", .nbib) read into PubmedRecords."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from evidencewatch.pubmed.medline import is_medline, iter_medline
from evidencewatch.pubmed.records import ParseProblem, PubDate, PubmedRecord

NBIB = Path(__file__).parents[1] / "fixtures" / "import" / "saved-search.nbib"


def items() -> list[PubmedRecord | ParseProblem]:
    return list(iter_medline(NBIB.read_text(), "saved-search.nbib"))


def test_every_field_the_pipeline_reads_is_converted():
    record = items()[0]
    assert isinstance(record, PubmedRecord)
    assert record.pmid == 99200001
    assert (
        record.title.startswith("ERBB2 amplification drives resistance")
        and "breast cancer cell" in record.title
    )
    assert "High ERBB2 copy number" in record.abstract[0].text
    assert (
        record.journal == "Journal of Fictional Oncology"
        and record.journal_abbrev == "J Fict Oncol"
    )
    assert record.pub_date == PubDate(year=2026, month=10, day=2)
    assert record.history["entrez"] == date(2026, 10, 2)
    assert record.doi == "10.99999/fictional.200001"
    assert [a.last_name for a in record.authors] == ["Example", "Sample"]
    assert record.authors[0].fore_name == "Ada" and record.authors[0].initials == "A"
    assert record.mesh_terms == ("Breast Neoplasms", "Humans", "Female")
    assert record.keywords == ("trastuzumab resistance",)
    assert record.publication_types == ("Journal Article",)
    assert record.language == ("eng",)
    assert record.status == "MEDLINE"
    notice = record.comments_corrections[0]
    assert (notice.ref_type, notice.pmid) == ("ErratumIn", 99200009)


def test_a_season_is_kept_as_medline_date_text():
    record = items()[2]
    assert isinstance(record, PubmedRecord)
    assert record.pub_date.year == 2025 and record.pub_date.medline_date == "2025 Winter"


def test_malformed_entries_are_reported_by_record_number_and_line_and_the_rest_load():
    got = items()
    problems = [i for i in got if isinstance(i, ParseProblem)]
    assert [(p.source, p.position) for p in problems] == [
        ("saved-search.nbib", "record 2, line 37"),
        ("saved-search.nbib", "record 4, line 50"),
    ]
    assert "PMID" in problems[0].message
    assert "this line lost its tag" in problems[1].message and "line 55" in problems[1].message
    assert [i.pmid for i in got if isinstance(i, PubmedRecord)] == [99200001, 99200003, 99200005]


def test_medline_text_is_told_from_xml():
    assert is_medline(NBIB.read_bytes()[:100])
    assert is_medline(b"\xef\xbb\xbf\nPMID- 1\n")
    assert not is_medline(b'<?xml version="1.0"?><PubmedArticleSet>')
