"""The HTML digest: self-contained, with everything from PubMed and curators escaped."""

from __future__ import annotations

import re

from evidencewatch.reporting.digest import render_html, render_markdown
from evidencewatch.reporting.templating import make_env


def test_html_digest_has_no_external_references(html):
    assert 'src="http' not in html and "src='http" not in html
    assert "<link" not in html.lower()
    assert "<script" not in html.lower()
    assert "@import" not in html and "url(" not in html
    assert "<style>" in html  # the CSS travels inside the document


def test_a_script_in_a_title_is_escaped(html):
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; *taxane*" in html
    assert "<script>" not in html


def test_curator_statements_are_escaped_in_html(html):
    assert "CYP3A4 &amp; &lt;b&gt;drug&lt;/b&gt; *breakdown*" in html


def test_a_long_list_of_contradictions_is_cut_and_counted(data, monkeypatch):
    import evidencewatch.reporting.digest.data as digest_module

    monkeypatch.setattr(digest_module, "CONTRADICTIONS_LISTED", 1)
    env = make_env()
    html, markdown = render_html(data, env), render_markdown(data, env)
    assert len(re.findall(r'<li class="contradiction">', html)) == 1
    assert "&hellip; and 2 more not listed here: NEIL1 1, SLC7A5 1." in html
    assert "… and 2 more not listed here: NEIL1 1, SLC7A5 1" in markdown
    assert data.summary()["contradictions"] == 3
