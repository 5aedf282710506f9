"""Titles without markup skip the XML parser, and come out exactly as the parser gives them."""

from __future__ import annotations

import pytest
from lxml import etree

from evidencewatch.reporting import markup
from evidencewatch.reporting.digest.markdown import plain_text

PLAIN = [
    "ESR1 mutations drive resistance to fulvestrant",
    "Quotes \"double\" and 'single', a > b, 5% of cells",
    "Bidi \u202econtrols\u202c are dropped",
    "Tabs\tand\nnewlines",
]


@pytest.mark.parametrize("title", PLAIN)
def test_a_title_without_markup_is_escaped_without_the_parser(title, monkeypatch):
    # The parser's reading, made to go through it by an empty tag at the end.
    parsed = str(markup.safe_markup(f"{title}<i></i>")).removesuffix("<i></i>")
    parsed_plain = plain_text(f"{title}<i></i>")
    monkeypatch.setattr(etree, "fromstring", _no_parser)
    assert str(markup.safe_markup(title)) == parsed
    assert plain_text(title) == parsed_plain


@pytest.mark.parametrize("title", ["a &amp; b", "<i>in vivo</i>", "line\r\nbreak", "x < y"])
def test_anything_that_may_be_markup_still_goes_through_the_parser(title, monkeypatch):
    calls: list[bytes] = []
    real = etree.fromstring

    def spy(text: bytes, **kw: object) -> etree._Element:
        calls.append(text)
        return real(text, **kw)

    monkeypatch.setattr(etree, "fromstring", spy)
    markup.safe_markup(title)
    assert calls


def _no_parser(*_a: object, **_k: object) -> None:
    raise AssertionError("the XML parser was called for a title without markup")
