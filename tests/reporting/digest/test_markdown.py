"""The Markdown digest: Markdown's own escaping, never HTML entities."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from evidencewatch.reporting.digest import md_escape, md_link, md_title, plain_text


def test_markdown_has_no_html_entities_and_escapes_markdown(markdown):
    assert not re.search(r"&(amp|lt|gt|quot|#\d+|#x[0-9a-f]+);", markdown)
    assert (
        "CYP3A4 \\<script\\>alert(1)\\</script\\> \\& \\*taxane\\* \\[resistance\\](x)" in markdown
    )
    assert "CYP3A4 \\& \\<b\\>drug\\</b\\> \\*breakdown\\*" in markdown
    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<script" not in rendered and "<b>drug" not in rendered
    assert "<em>taxane</em>" not in rendered and "<em>breakdown</em>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; *taxane* [resistance](x)" in rendered
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/38256136/">PMID 38256136</a>' in rendered
    assert "<table>" in rendered  # backlog, chart and rejection tables survive


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a_b*c", "a\\_b\\*c"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("# not a heading", "\\# not a heading"),
        ("x | y", "x \\| y"),
        ("line\nbreak", "line break"),
        ("AT&T <i>", "AT\\&T \\<i\\>"),
    ],
)
def test_md_escape(raw, escaped):
    assert md_escape(raw) == escaped
    assert md_escape(md_escape(raw)) == escaped  # escaping twice changes nothing


def test_md_link_percent_encodes_what_would_end_the_url_and_escapes_the_text():
    assert md_link("a_b", "https://x.org/a b(c)<d>") == "[a\\_b](https://x.org/a%20b%28c%29%3Cd%3E)"
    assert md_link("no *link*", None) == "no \\*link\\*"


def test_plain_text_keeps_the_words_of_pubmed_markup_and_marks_superscripts():
    assert plain_text("HER2<sup>+</sup> and <i>ESR1</i>\n mutations") == "HER2^+ and ESR1 mutations"
    assert plain_text("a < b & not xml") == "a < b & not xml"  # not well-formed: as it is
    assert plain_text(None) == ""
    assert md_title("<i>TP53</i>_x") == "TP53\\_x"
