"""The streaming PubMed XML parser, over hand-written fixtures in tests/fixtures/pubmed/.

The fixtures are fictional records (PMIDs 991xxxxx) written for these tests; the real
NCBI files are exercised by test_parse_shared_corpus.py.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from evidencewatch.pubmed.parse import ParsedFile, iter_pubmed, parse_pubmed
from evidencewatch.pubmed.records import (
    AbstractSection,
    Author,
    CommentCorrection,
    DeletedCitations,
    ParseProblem,
    PubDate,
    PubmedRecord,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pubmed"


def records_of(name: str) -> dict[int, PubmedRecord]:
    parsed = parse_pubmed(FIXTURES / name)
    assert parsed.problems == []
    return {record.pmid: record for record in parsed.records}


@pytest.fixture(scope="module")
def articles() -> dict[int, PubmedRecord]:
    return records_of("articles.xml")


class TestText:
    def test_structured_abstract_keeps_labels_categories_and_order(self, articles):
        abstract = articles[99100001].abstract
        assert [(s.label, s.category) for s in abstract] == [
            ("BACKGROUND", "BACKGROUND"),
            ("METHODS", "METHODS"),
            ("RESULTS", "RESULTS"),
            ("CONCLUSIONS", "CONCLUSIONS"),
        ]
        assert articles[99100001].abstract_text.splitlines()[2] == "RESULTS: Nothing real happened."

    def test_copyright_line_is_not_part_of_the_abstract(self, articles):
        assert "Nobody" not in articles[99100001].abstract_text

    def test_unlabelled_abstract_is_one_section_without_label(self, articles):
        assert articles[99100002].abstract == (
            AbstractSection(text="An unstructured abstract.", markup="An unstructured abstract."),
        )

    def test_abstract_text_is_plain_and_markup_keeps_inline_tags_escaped_text(self, articles):
        background, methods = articles[99100001].abstract[:2]
        assert background.text == "Fictional cells were grown in vitro."
        assert background.markup == "Fictional cells were grown in <i>vitro</i>."
        assert methods.text == "We measured r2 < 0.25 in every arm."
        assert methods.markup == "We measured r<sup>2</sup> &lt; 0.25 in every arm."

    def test_title_text_flattens_inline_tags_and_mathml(self, articles):
        assert articles[99100001].title == (
            "Loss of ABC1 raises the IC50 of β-agonists by 103-fold & more."
        )

    def test_title_markup_keeps_inline_tags_and_mathml_as_written(self, articles):
        markup = articles[99100001].title_markup
        assert markup.startswith("Loss of <i>ABC1</i> raises the IC<sub>50</sub> of <mml:math")
        assert 'xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:mi>β</mml:mi></mml:math>' in (
            markup
        )
        assert markup.endswith("by 10<sup>3</sup>-fold &amp; more.")

    def test_script_in_title_is_kept_as_a_string_never_interpreted(self, articles):
        record = articles[99100002]
        # Escaped in the XML: literal text in `title`, still escaped in `title_markup`.
        assert '<script>alert("escaped")</script>' in record.title
        assert '&lt;script&gt;alert("escaped")&lt;/script&gt;' in record.title_markup
        # An element in the XML: its text in `title`, the literal tag in `title_markup`
        # (for the display sanitiser to drop).
        assert 'and alert("element") inside.' in record.title
        assert '<script>alert("element")</script>' in record.title_markup

    def test_runs_of_whitespace_and_newlines_collapse_to_one_space(self, articles):
        assert "grown in" in articles[99100001].abstract[0].text
        assert "\n" not in articles[99100001].abstract[0].markup

    def test_keywords_are_plain_text(self, articles):
        assert articles[99100001].keywords == ("drug resistance", "ABC1")


class TestDates:
    def test_month_name_and_month_number_both_become_numbers(self, articles):
        assert articles[99100001].pub_date == PubDate(year=2026, month=4, day=15)
        assert articles[99100004].pub_date == PubDate(year=2026, month=4)

    def test_medline_date_is_kept_verbatim_with_its_first_year(self, articles):
        pub_date = articles[99100002].pub_date
        assert pub_date.medline_date == "1998 Dec-1999 Jan"
        assert pub_date.year == 1998
        assert pub_date.display() == "1998 Dec-1999 Jan"

    def test_season_is_kept_beside_the_year(self, articles):
        assert articles[99100003].pub_date == PubDate(year=2024, season="Spring")
        assert articles[99100003].pub_date.display() == "2024 Spring"

    def test_article_date_is_the_electronic_publication_date(self, articles):
        assert articles[99100001].article_date == date(2026, 3, 30)
        assert articles[99100002].article_date is None

    def test_history_maps_pub_status_to_dates(self, articles):
        history = articles[99100001].history
        assert history["entrez"] == date(2026, 3, 31)
        assert history["pubmed"] == date(2026, 4, 1)
        assert history["medline"] == date(2026, 10, 2)
        assert history["received"] == date(2025, 12, 1)
        assert articles[99100001].crdt == date(2026, 3, 31)

    def test_history_date_that_is_not_a_calendar_day_is_left_out(self, articles):
        assert "accepted" not in articles[99100001].history  # 30 February

    def test_history_month_may_be_a_name(self, articles):
        assert articles[99100003].crdt == date(2024, 3, 5)


class TestAuthors:
    def test_person_authors_with_orcid_and_every_affiliation(self, articles):
        first, second = articles[99100001].authors
        assert first == Author(
            last_name="Exampleton",
            fore_name="Ada M",
            initials="AM",
            orcid="0000-0002-1825-009X",
            affiliations=(
                "Department of Imaginary Medicine, Nowhere University, Atlantis.",
                "Institute of Placeholders, Utopia.",
            ),
        )
        assert second.orcid == "0000-0002-1825-0097"  # written without hyphens in the XML
        assert second.display == "Sample B"

    def test_author_marked_invalid_by_nlm_is_left_out(self, articles):
        assert "Misspelt" not in [a.last_name for a in articles[99100001].authors]

    def test_affiliation_identifiers_are_not_taken_for_orcid(self, articles):
        assert all("0000 0001" not in (a.orcid or "") for a in articles[99100001].authors)

    def test_collective_name_is_an_author_with_its_markup_flattened(self, articles):
        group, solo = articles[99100002].authors
        assert group.collective_name == "Fictional Consortium Study Group"
        assert group.display == "Fictional Consortium Study Group"
        assert solo == Author(last_name="Solo")


class TestIdentifiers:
    def test_pmid_and_version_come_from_medline_citation(self, articles):
        assert (articles[99100002].pmid, articles[99100002].version) == (99100002, 2)

    def test_reference_list_pmids_never_become_records(self, articles):
        assert sorted(articles) == [99100001, 99100002, 99100003, 99100004]

    def test_doi_comes_from_article_ids_not_reference_list(self, articles):
        assert articles[99100001].doi == "10.99999/test.1"

    def test_doi_falls_back_to_elocation_id_never_to_a_reference(self, articles):
        # 99100002 has no DOI in PubmedData/ArticleIdList; its one reference has one.
        assert articles[99100002].doi == "10.99999/test.2"  # "https://doi.org/" dropped

    def test_no_doi_anywhere_gives_none(self, articles):
        assert articles[99100003].doi is None
        assert articles[99100004].doi is None

    def test_pmc_id_comes_from_article_ids_not_reference_list(self, articles):
        assert articles[99100001].pmcid == "PMC9910001"

    def test_pmc_id_without_prefix_gains_it(self, articles):
        assert articles[99100003].pmcid == "PMC9910003"

    def test_versioned_pmc_id_loses_its_version(self):
        body = (
            b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99100701</PMID>"
            b"</MedlineCitation><PubmedData><ArticleIdList>"
            b'<ArticleId IdType="pmc">PMC9910701.2</ArticleId>'
            b"</ArticleIdList></PubmedData></PubmedArticle></PubmedArticleSet>"
        )
        assert parse_pubmed(body).records[0].pmcid == "PMC9910701"

    def test_record_with_only_a_pmid_is_still_a_record(self):
        body = b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99100702</PMID>"
        body += b"</MedlineCitation></PubmedArticle></PubmedArticleSet>"
        (record,) = parse_pubmed(body).records
        assert (record.pmid, record.title, record.authors) == (99100702, "", ())

    @pytest.mark.parametrize("root", ["PubmedArticle", "MedlineCitation"])
    def test_a_single_record_as_the_root_element_is_read(self, root):
        citation = "<MedlineCitation><PMID>99100703</PMID></MedlineCitation>"
        body = (
            citation if root == "MedlineCitation" else f"<PubmedArticle>{citation}</PubmedArticle>"
        )
        assert [r.pmid for r in parse_pubmed(body.encode()).records] == [99100703]


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


class TestInput:
    def test_gzip_is_recognised_by_its_magic_bytes_not_its_name(self, tmp_path):
        raw = (FIXTURES / "update.xml").read_bytes()
        expected = parse_pubmed(raw)
        named = tmp_path / "update.xml.gz"
        named.write_bytes(gzip.compress(raw))
        misnamed = tmp_path / "update-really-gzipped.xml"
        misnamed.write_bytes(gzip.compress(raw))
        assert parse_pubmed(named).records == expected.records
        assert parse_pubmed(misnamed).records == expected.records
        assert parse_pubmed(gzip.compress(raw)).deleted == expected.deleted
        assert parse_pubmed(io.BytesIO(gzip.compress(raw))).records == expected.records

    def test_every_source_kind_gives_the_same_records(self):
        path = FIXTURES / "articles.xml"
        raw = path.read_bytes()

        class Unseekable(io.RawIOBase):
            def __init__(self, data: bytes) -> None:
                self._inner = io.BytesIO(data)

            def readable(self) -> bool:
                return True

            def readinto(self, buffer) -> int:
                chunk = self._inner.read(min(len(buffer), 777))
                buffer[: len(chunk)] = chunk
                return len(chunk)

        expected = parse_pubmed(path).records
        assert len(expected) == 4
        for source in (str(path), raw, io.BytesIO(raw), Unseekable(raw)):
            assert parse_pubmed(source).records == expected

    def test_xml_text_passed_as_str_is_refused_with_a_hint(self):
        with pytest.raises(ValueError, match="pass XML text as bytes"):
            list(iter_pubmed("<PubmedArticleSet></PubmedArticleSet>"))

    def test_missing_file_raises_os_error(self, tmp_path):
        with pytest.raises(FileNotFoundError):
            parse_pubmed(tmp_path / "absent.xml")

    def test_empty_article_set_yields_nothing(self):
        assert list(iter_pubmed(FIXTURES / "empty.xml")) == []
        assert list(iter_pubmed(b"<PubmedArticleSet/>")) == []

    def test_dtd_is_not_fetched_and_external_entities_are_not_read(self, tmp_path):
        secret = tmp_path / "secret.txt"
        secret.write_text("TOP-SECRET")
        body = textwrap.dedent(f"""\
            <?xml version="1.0"?>
            <!DOCTYPE PubmedArticleSet SYSTEM "http://127.0.0.1:9/never-fetched.dtd" [
              <!ENTITY leak SYSTEM "{secret.as_uri()}">
            ]>
            <PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99100601</PMID>
            <Article><ArticleTitle>Before &leak; after</ArticleTitle></Article>
            </MedlineCitation></PubmedArticle></PubmedArticleSet>
            """).encode()
        parsed = parse_pubmed(body)
        assert parsed.problems == []
        assert "TOP-SECRET" not in parsed.records[0].title
        assert "TOP-SECRET" not in parsed.records[0].title_markup


class TestProblems:
    def test_malformed_records_are_reported_with_position_and_the_rest_load(self):
        items = list(iter_pubmed(FIXTURES / "malformed_records.xml", source_name="bad.xml"))
        records = [i for i in items if isinstance(i, PubmedRecord)]
        problems = [i for i in items if isinstance(i, ParseProblem)]
        assert [r.pmid for r in records] == [99100401, 99100403, 99100406]
        assert [(p.source, p.position) for p in problems] == [
            ("bad.xml", "record 2, line 8"),
            ("bad.xml", "record 4, line 12"),
            ("bad.xml", "record 5, line 14"),
        ]
        assert "'99I00402'" in problems[0].message
        assert "no PMID" in problems[1].message
        assert "'Foo'" in problems[2].message
        # Problems arrive in document order, between the records around them.
        assert [type(i).__name__ for i in items] == [
            "PubmedRecord",
            "ParseProblem",
            "PubmedRecord",
            "ParseProblem",
            "ParseProblem",
            "PubmedRecord",
        ]

    def test_truncated_file_yields_the_records_before_the_break_then_one_problem(self):
        items = list(iter_pubmed(FIXTURES / "truncated.xml"))
        assert [i.pmid for i in items[:-1]] == [99100501, 99100502]
        problem = items[-1]
        assert isinstance(problem, ParseProblem)
        assert problem.source == str(FIXTURES / "truncated.xml")
        assert problem.position == "line 11, column 1"
        assert "not well-formed XML after record 2" in problem.message

    def test_truncated_gzip_stream_is_a_problem_not_an_exception(self):
        packed = gzip.compress((FIXTURES / "articles.xml").read_bytes())
        parsed = parse_pubmed(packed[: len(packed) // 2])
        assert len(parsed.problems) == 1
        assert len(parsed.records) < 4

    @pytest.mark.parametrize(
        "body",
        [
            b"<eSearchResult><Count>0</Count></eSearchResult>",
            b"<eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>",
        ],
    )
    def test_a_body_that_is_not_pubmed_xml_is_a_problem_not_silence(self, body):
        parsed = parse_pubmed(body, source_name="efetch batch 3")
        assert parsed.records == []
        assert [p.source for p in parsed.problems] == ["efetch batch 3"]
        assert "not PubMed article XML" in parsed.problems[0].message

    @pytest.mark.parametrize("body", [b"", b"not xml at all", b"\x1f\x8b\x08\x00broken"])
    def test_garbage_input_is_one_problem(self, body):
        parsed = parse_pubmed(body)
        assert parsed.records == [] and len(parsed.problems) == 1
        assert parsed.problems[0].source == "<bytes>"


class TestShape:
    def test_parse_pubmed_collects_records_deletions_and_problems(self):
        parsed = parse_pubmed(FIXTURES / "update.xml")
        assert isinstance(parsed, ParsedFile)
        assert [r.pmid for r in parsed.records] == [99100201, 99100202]
        assert parsed.deleted == [99100291, 99100292, 99100293]
        assert parsed.problems == []

    @pytest.mark.parametrize(
        "name", ["articles.xml", "books.xml", "medline_citation_set.xml", "update.xml"]
    )
    def test_json_round_trip_gives_an_equal_record(self, name):
        for record in parse_pubmed(FIXTURES / name).records:
            stored = json.loads(json.dumps(record.to_json()))
            assert PubmedRecord.from_json(stored) == record

    @pytest.mark.slow
    def test_memory_stays_flat_on_a_file_of_many_records(self, tmp_path):
        # Peak RSS after 60,000 records must stay close to the peak after 2,000: records
        # are cleared and dropped as they are read. Run in a fresh interpreter.
        record = (
            "<PubmedArticle><MedlineCitation Status='MEDLINE'><PMID Version='1'>{}</PMID>"
            "<Article><Journal><Title>Flat J</Title></Journal><ArticleTitle>Record {} "
            + "padding " * 40
            + "</ArticleTitle><AuthorList>"
            + "<Author><LastName>Name</LastName><Initials>N</Initials></Author>" * 5
            + "</AuthorList></Article></MedlineCitation></PubmedArticle>\n"
        )

        def peak_rss_mb(count: int) -> float:
            path = tmp_path / f"many-{count}.xml"
            with path.open("w") as fh:
                fh.write("<PubmedArticleSet>\n")
                for i in range(count):
                    fh.write(record.format(99200000 + i, i))
                fh.write("</PubmedArticleSet>\n")
            code = (
                "import resource, sys\n"
                "from evidencewatch.pubmed.parse import iter_pubmed\n"
                "n = sum(1 for _ in iter_pubmed(sys.argv[1]))\n"
                f"assert n == {count}, n\n"
                "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
            )
            out = subprocess.run(
                [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
            )
            return float(out.stdout)

        small, large = peak_rss_mb(2_000), peak_rss_mb(60_000)
        assert large - small < 25, (small, large)
