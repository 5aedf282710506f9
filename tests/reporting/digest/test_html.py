"""The HTML digest: self-contained, with everything from PubMed and curators escaped."""

from __future__ import annotations

import re

from evidencewatch.reporting.digest import build_digest, render_html, render_markdown
from evidencewatch.reporting.templating import make_env
from factories import make_paper
from reporting.digest.known_db import IN_PERIOD, NOW, PERIOD, add_accepted


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


def test_bidi_controls_from_pubmed_and_curators_are_removed_from_both_digests(known):
    rlo, pdf, lri, pdi = "\u202e", "\u202c", "\u2066", "\u2069"
    paper = make_paper(known, 91_000_099, f"ABCB1 {rlo}ecnatsiser{pdf} in tumours")
    add_accepted(known, paper, "ABCB1", IN_PERIOD, statement=f"ABCB1 {lri}up{pdi} {rlo}yltaerg")
    data = build_digest(session=known, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW)
    env = make_env()
    for text in (render_html(data, env), render_markdown(data, env)):
        assert "ecnatsiser in tumours" in text and "ABCB1 up yltaerg" in text
        assert not {rlo, pdf, lri, pdi} & set(text)
