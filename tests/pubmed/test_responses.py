"""Judging NCBI's answers: error texts, snippets of bodies, Retry-After headers."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest

from evidencewatch.core.errors import EutilsQueryError
from evidencewatch.core.timeutil import utcnow
from evidencewatch.pubmed.responses import (
    describe_call,
    error_from_text,
    retry_after_seconds,
    snippet,
)


@pytest.mark.parametrize(
    ("text", "retryable"),
    [
        ("Search Backend failed: try again later", True),
        ("Search Backend failed: 'retstart' cannot be larger than 9998", False),
        ("Empty id list - nothing todo", False),
        ("something nobody has seen before", False),
    ],
)
def test_only_backend_failures_are_retryable(text, retryable):
    error = error_from_text(text, "GET x")
    assert error.retryable is retryable
    assert isinstance(error, EutilsQueryError) is not retryable


def test_snippet_keeps_the_words_of_an_html_page_on_one_line():
    body = b"<!DOCTYPE html><html><body><h1>WWW Error 500</h1>\n<p>Diagnostic</p></body></html>"
    assert snippet(body) == "WWW Error 500 Diagnostic"
    assert snippet(b"x" * 400).endswith("...")


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("-4") == 0.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    later = format_datetime(utcnow() + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after_seconds(later) <= 30
    # A date without a zone is read as UTC.
    naive = (utcnow() + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S")
    assert 25 <= retry_after_seconds(naive) <= 30


def test_a_call_description_redacts_the_key_and_shortens_long_values():
    where = describe_call("https://e/x.fcgi", {"api_key": "s3cr3t", "id": "1," * 100}, post=True)
    assert where.startswith("POST https://e/x.fcgi?") and "s3cr3t" not in where
    assert "api_key=REDACTED" in where and where.endswith("...%28200+chars%29")
