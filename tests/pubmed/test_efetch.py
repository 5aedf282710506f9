"""Judging an EFetch body from its one parse: complete article sets only."""

from __future__ import annotations

import pytest

from evidencewatch.core.errors import EutilsError, EutilsQueryError
from evidencewatch.pubmed.efetch import read_efetch

WHERE = "POST https://eutils.example/efetch.fcgi?id=1"
ARTICLE = (
    "<PubmedArticle><MedlineCitation><PMID>{}</PMID><Article><ArticleTitle>T</ArticleTitle>"
    "</Article></MedlineCitation></PubmedArticle>"
)


def article_set(*pmids: int | str) -> bytes:
    return (
        "<PubmedArticleSet>" + "".join(ARTICLE.format(p) for p in pmids) + "</PubmedArticleSet>"
    ).encode()


def test_a_complete_set_gives_its_records_and_leaves_bad_records_to_the_caller():
    parsed = read_efetch(article_set(3, "x", 1), WHERE)
    assert [r.pmid for r in parsed.records] == [3, 1]
    assert len(parsed.problems) == 1 and "not a number" in parsed.problems[0].message


def test_an_empty_set_is_an_answer_not_an_error():
    assert read_efetch(b"<PubmedArticleSet/>", WHERE).records == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"  \n",
        b'<?xml version="1.0"?>',
        article_set(1, 2)[:-30],
        b"<PubmedArticleSet><PubmedArticle><oops></PubmedArticle></PubmedArticleSet>",
        b"<html><body>Temporarily unavailable</body></html>",
        b"<MedlineCitationSet/>",
        b"<eFetchResult><ERROR>Search Backend failed: try again</ERROR></eFetchResult>",
    ],
)
def test_a_body_that_is_not_a_complete_article_set_fails_retryably(body):
    with pytest.raises(EutilsError) as info:
        read_efetch(body, WHERE)
    assert info.value.retryable and info.value.url == WHERE


def test_an_error_about_the_request_itself_is_a_query_error():
    body = b"<eFetchResult><ERROR>Cannot retrieve history data</ERROR></eFetchResult>"
    with pytest.raises(EutilsQueryError, match="Cannot retrieve history data"):
        read_efetch(body, WHERE)
