"""Reading the shared pieces of a record (text, dates, authors, identifiers), via the parser.

Over the hand-written fixtures in tests/fixtures/pubmed/ (fictional PMIDs 991xxxxx).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from evidencewatch.pubmed.parse import parse_pubmed
from evidencewatch.pubmed.records import AbstractSection, Author, PubDate, PubmedRecord

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
