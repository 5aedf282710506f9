"""Reading ESearch answers and the terms sent for article identifiers, without a server."""

from __future__ import annotations

import pytest

from evidencewatch.core.errors import EutilsError, EutilsPhraseNotFound, EutilsQueryError
from evidencewatch.pubmed.esearch import ESEARCH_CAP, article_id_term, read_esearch

WHERE = "GET https://eutils.example/esearch.fcgi?term=x"


def answer(inner: str) -> bytes:
    return f"<eSearchResult>{inner}</eSearchResult>".encode()


@pytest.mark.parametrize(
    ("article_id", "term"),
    [
        ("10.5555/a.b", '"10.5555/a.b"[aid]'),
        ("doi: 10.5555/a.b", '"10.5555/a.b"[aid]'),
        ("https://dx.doi.org/10.5555/a.b", '"10.5555/a.b"[aid]'),
        ("pmcid:pmc42", "PMC42[pmcid]"),
    ],
)
def test_article_id_term_searches_the_identifier_field(article_id, term):
    assert article_id_term(article_id) == term


@pytest.mark.parametrize("bad", ["12345", "not a doi", "", '10.5555/has"quote'])
def test_article_id_term_rejects_what_is_not_a_doi_or_pmc_id(bad):
    with pytest.raises(ValueError):
        article_id_term(bad)


def test_a_valid_answer_gives_ids_count_history_and_warnings():
    body = answer(
        "<Count>2</Count><RetMax>2</RetMax><IdList><Id>7</Id><Id>5</Id></IdList>"
        "<WebEnv>MCID_1</WebEnv><QueryKey>1</QueryKey>"
        "<QueryTranslation> x[tiab] </QueryTranslation>"
        "<WarningList><OutputMessage>note</OutputMessage></WarningList>"
    )
    result = read_esearch(body, WHERE, term="x", retmax=20)
    assert (result.count, result.ids, result.webenv, result.query_key) == (2, [7, 5], "MCID_1", "1")
    assert result.query_translation == "x[tiab]"
    assert result.warnings == ["OutputMessage: note"] and not result.truncated


def test_at_the_cap_a_short_id_list_is_returned_for_the_caller_to_split():
    body = answer(f"<Count>{ESEARCH_CAP + 5}</Count><IdList><Id>1</Id></IdList>")
    assert read_esearch(body, WHERE, term="x", retmax=ESEARCH_CAP).truncated


@pytest.mark.parametrize(
    ("body", "error", "retryable"),
    [
        (answer("<Count>3</Count><IdList><Id>1</Id></IdList>"), EutilsError, True),
        (answer("<Count>many</Count>"), EutilsError, True),
        (b"<eFetchResult/>", EutilsError, True),
        (answer("<ERROR>Search Backend failed: try again</ERROR>"), EutilsError, True),
        (answer("<ERROR>Invalid query</ERROR>"), EutilsQueryError, False),
        (
            answer("<Count>0</Count><ErrorList><PhraseNotFound>abc</PhraseNotFound></ErrorList>"),
            EutilsPhraseNotFound,
            False,
        ),
    ],
)
def test_a_doubtful_answer_raises_saying_whether_to_retry(body, error, retryable):
    with pytest.raises(error) as info:
        read_esearch(body, WHERE, term="x", retmax=20)
    assert info.value.retryable is retryable
