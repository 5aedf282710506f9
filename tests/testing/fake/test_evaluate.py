"""Evaluating terms over the records, as PubMed does: phrases, field tags, truncation,
identifiers, PhraseNotFound and FieldNotFound, and the query translation."""

from __future__ import annotations

import pytest

from evidencewatch.testing.fake import FakeEutils
from testing.fake.samples import esearch, ids, sample_records


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
    with FakeEutils(sample_records(), known_phrases=["GENEZZZ"]) as fake:
        root = esearch(fake, '"GENEA"[tiab] AND "genezzz"[tiab]')
    assert root.find("ErrorList") is None
    assert ids(root) == []


def test_unknown_field_tag_is_field_not_found(fake):
    root = esearch(fake, "GENEA[nosuchfield]")
    assert root.xpath("ErrorList/FieldNotFound/text()") == ["nosuchfield"]


def test_aid_and_pmcid_match_article_identifiers(fake):
    assert ids(esearch(fake, '"10.5555/abc.103"[aid]')) == [103]
    assert ids(esearch(fake, "PMC103[pmcid]")) == [103]
    root = esearch(fake, '"10.5555/unknown"[aid]')
    assert ids(root) == [] and root.xpath("ErrorList/PhraseNotFound/text()") == ["10.5555/unknown"]


def test_uid_ranges_select_pmids(fake):
    assert ids(esearch(fake, "102:103[uid]")) == [103, 102]
