"""Reading each record kind (PubmedArticle, PubmedBookArticle, MedlineCitation), via the parser.

Over the hand-written fixtures in tests/fixtures/pubmed/ (fictional PMIDs 991xxxxx).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from evidencewatch.pubmed.parse import iter_pubmed, parse_pubmed
from evidencewatch.pubmed.records import CommentCorrection, DeletedCitations, PubDate, PubmedRecord

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pubmed"


def records_of(name: str) -> dict[int, PubmedRecord]:
    parsed = parse_pubmed(FIXTURES / name)
    assert parsed.problems == []
    return {record.pmid: record for record in parsed.records}


@pytest.fixture(scope="module")
def articles() -> dict[int, PubmedRecord]:
    return records_of("articles.xml")


class TestMetadata:
    def test_journal_title_and_iso_abbreviation(self, articles):
        record = articles[99100001]
        assert (record.journal, record.journal_abbrev) == (
            "Journal of fictional oncology",
            "J Fict Oncol",
        )

    def test_journal_abbreviation_falls_back_to_medline_ta(self, articles):
        assert articles[99100003].journal_abbrev == "J Withdrawn Res"

    def test_mesh_publication_types_language_and_status(self, articles):
        record = articles[99100001]
        assert record.mesh_terms == ("Humans", "Breast Neoplasms")
        assert record.publication_types == ("Journal Article",)
        assert record.language == ("eng",)
        assert record.status == "MEDLINE"
        assert articles[99100002].language == ("eng", "fre")
        assert articles[99100004].status == "Publisher"

    def test_review_is_recognised(self, articles):
        assert articles[99100002].is_review
        assert not articles[99100001].is_review

    def test_retracted_record_is_flagged_and_links_to_the_notice(self, articles):
        record = articles[99100003]
        assert record.is_retracted
        assert "Retracted Publication" in record.publication_types
        assert CommentCorrection("RetractionIn", "J Withdrawn Res. 2025;4(1):1", 99100012) in (
            record.comments_corrections
        )
        assert not articles[99100001].is_retracted

    def test_erratum_and_comment_links_are_kept_with_or_without_pmid(self, articles):
        links = {c.ref_type: c for c in articles[99100003].comments_corrections}
        assert links["ErratumIn"] == CommentCorrection(
            "ErratumIn", "J Withdrawn Res. 2024 Summer;3(2):9", 99100011
        )
        assert links["CommentIn"].pmid is None

    def test_cites_links_mirror_the_reference_list_and_are_dropped(self, articles):
        assert articles[99100001].comments_corrections == ()


class TestRecordKinds:
    def test_book_chapter_has_its_title_the_book_title_and_no_journal(self):
        chapter = records_of("books.xml")[99100101]
        assert chapter.kind == "book"
        assert chapter.title == "Resistance to made-up drugs"
        assert chapter.book_title == "Handbook of Invented Oncology"
        assert (chapter.journal, chapter.journal_abbrev) == ("", "")
        assert chapter.pub_date == PubDate(year=2025, month=6, day=1)
        assert chapter.doi == "10.99999/book.chapter"
        assert chapter.crdt == date(2025, 7, 1)
        assert chapter.abstract[0].label == "INTRODUCTION"
        assert chapter.is_review

    def test_book_chapter_authors_are_the_chapters_not_the_editors(self):
        chapter = records_of("books.xml")[99100101]
        assert [a.last_name for a in chapter.authors] == ["Writer"]

    def test_whole_book_takes_the_book_title_book_authors_and_elocation_doi(self):
        book = records_of("books.xml")[99100102]
        assert book.title == book.book_title == "A Whole Invented Book"
        assert book.authors[0].collective_name == "Committee on Invented Things"
        assert book.doi == "10.99999/book.whole"

    def test_old_medline_citation_set_records_are_read(self):
        parsed = parse_pubmed(FIXTURES / "medline_citation_set.xml")
        assert [r.pmid for r in parsed.records] == [99100301, 99100302]
        assert parsed.deleted == [99100391]
        old = parsed.records[0]
        assert old.kind == "article"
        assert old.doi == "10.99999/old.1"  # ELocationID: there is no PubmedData
        assert old.pmcid == "PMC9910301"  # from OtherID
        assert old.history == {}
        assert old.journal_abbrev == "Arch Old Form"
        assert parsed.records[1].pub_date.medline_date == "2013 Winter"

    def test_old_format_article_affiliation_goes_to_the_first_author(self):
        old = parse_pubmed(FIXTURES / "medline_citation_set.xml").records[0]
        assert old.authors[0].affiliations == ("Old Department, Old University, Oldtown.",)
        assert old.authors[1].affiliations == ()

    def test_delete_citation_yields_its_pmids_after_the_records(self):
        items = list(iter_pubmed(FIXTURES / "update.xml"))
        assert [type(i) for i in items] == [PubmedRecord, PubmedRecord, DeletedCitations]
        assert items[2] == DeletedCitations((99100291, 99100292, 99100293))
        assert parse_pubmed(FIXTURES / "update.xml").deleted == [99100291, 99100292, 99100293]


def _with_date_revised(date_revised: str) -> bytes:
    return (
        "<PubmedArticleSet><PubmedArticle><MedlineCitation Status='MEDLINE' Owner='NLM'>"
        "<PMID Version='1'>99100099</PMID>"
        "<DateCompleted><Year>2020</Year><Month>09</Month><Day>16</Day></DateCompleted>"
        f"{date_revised}"
        "<Article PubModel='Electronic'><Journal><JournalIssue><PubDate><Year>2020</Year>"
        "</PubDate></JournalIssue><Title>J</Title></Journal><ArticleTitle>T</ArticleTitle>"
        "<PublicationTypeList><PublicationType UI='D016428'>Journal Article</PublicationType>"
        "</PublicationTypeList></Article>"
        "<CommentsCorrectionsList><CommentsCorrections RefType='ErratumIn'>"
        "<RefSource>BMJ. 2022 Apr 25;377:o1045. doi: 10.1136/bmj.o1045.</RefSource>"
        "<PMID Version='1'>35470203</PMID></CommentsCorrections></CommentsCorrectionsList>"
        "</MedlineCitation></PubmedArticle></PubmedArticleSet>"
    ).encode()


class TestDateRevised:
    def test_date_revised_is_read_and_survives_storage(self):
        xml = _with_date_revised(
            "<DateRevised><Year>2025</Year><Month>05</Month><Day>30</Day></DateRevised>"
        )
        [record] = parse_pubmed(xml).records
        assert record.date_revised == date(2025, 5, 30)
        assert PubmedRecord.from_json(record.to_json()).date_revised == date(2025, 5, 30)

    def test_a_broken_date_revised_is_unknown_and_the_record_still_loads(self):
        parsed = parse_pubmed(_with_date_revised("<DateRevised><Year>2025</Year></DateRevised>"))
        assert parsed.problems == []
        assert parsed.records[0].date_revised is None

    def test_a_notice_link_carries_the_date_of_its_citation(self):
        [record] = parse_pubmed(_with_date_revised("")).records
        [link] = record.comments_corrections
        assert (link.ref_type, link.pmid, link.notice_date) == (
            "ErratumIn",
            35470203,
            date(2022, 4, 25),
        )
