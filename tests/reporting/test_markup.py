"""The display sanitiser for PubMed text (evidencewatch.reporting.markup), called directly."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from evidencewatch.reporting.markup import (
    BIDI_CONTROLS,
    highlight,
    highlight_terms,
    neutralise_bidi,
    safe_markup,
)

MATHML = "http://www.w3.org/1998/Math/MathML"
# Every embedding, override and isolate control the sanitiser must drop.
BIDI = "".join(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def test_allowed_inline_tags_are_kept_bare():
    assert safe_markup("ESR1<sup>Y537S</sup> in <i>vivo</i>, <b>b</b><u>u</u>H<sub>2</sub>O") == (
        "ESR1<sup>Y537S</sup> in <i>vivo</i>, <b>b</b><u>u</u>H<sub>2</sub>O"
    )


def test_attributes_on_allowed_tags_are_dropped():
    out = safe_markup('<i onmouseover="alert(1)" style="x" class="y">tamoxifen</i> resistance')
    assert out == "<i>tamoxifen</i> resistance"


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        ("<script>alert(1)</script> ESR1", "alert(1) ESR1"),
        ('<img src="x" onerror="alert(1)"/>ESR1', "ESR1"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ('<svg onload="alert(1)"><script>alert(2)</script></svg>x', "alert(2)x"),
        ('<iframe src="https://evil.example/"/>y', "y"),
        ("<style>body{display:none}</style>z", "body{display:none}z"),
        ("<I>upper-case is not PubMed's</I>", "upper-case is not PubMed&#x27;s"),
    ],
)
def test_tags_outside_the_allowed_set_are_dropped_and_their_text_escaped(hostile, shown):
    out = safe_markup(hostile)
    assert isinstance(out, Markup)
    assert out == shown


def test_mathml_keeps_its_elements_without_attributes_or_namespaces():
    fragment = (
        f'<mml:math xmlns:mml="{MATHML}" display="block" href="javascript:alert(1)">'
        '<mml:msup><mml:mi mathvariant="bold" onclick="alert(2)">Ca</mml:mi>'
        "<mml:mn>2+</mml:mn></mml:msup>"
        '<mml:maction actiontype="statusline" xlink:href="javascript:alert(3)" '
        'xmlns:xlink="http://www.w3.org/1999/xlink">x</mml:maction>'
        "</mml:math>"
    )
    assert safe_markup(fragment) == "<math><msup><mi>Ca</mi><mn>2+</mn></msup>x</math>"


def test_text_that_looks_like_markup_stays_text():
    # What the parser stores for "a &lt;b&gt; c" in the XML: escaped characters, never a tag.
    assert safe_markup("IC&lt;sub&gt;50&lt;/sub&gt; &amp; &quot;more&quot;") == (
        "IC&lt;sub&gt;50&lt;/sub&gt; &amp; &quot;more&quot;"
    )


@pytest.mark.parametrize(
    "broken",
    [
        "<i>unclosed ESR1",
        "a < b and <script>alert(1)</script",
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
        "&undefined; entity",
    ],
)
def test_fragments_that_are_not_well_formed_are_shown_exactly_as_text(broken):
    out = safe_markup(broken)
    assert "<" not in out.replace("&lt;", "")  # no tag of any kind comes out
    assert Markup(out).unescape() == broken


def test_comments_and_processing_instructions_are_dropped_but_their_tail_is_kept():
    assert safe_markup("a<!-- <script>alert(1)</script> -->b<?php echo 1 ?>c") == "abc"


def test_empty_and_missing_fragments_are_empty_markup():
    assert safe_markup("") == Markup("") and safe_markup(None) == Markup("")


def test_the_bidi_control_set_is_exactly_embeddings_overrides_and_isolates():
    assert set(BIDI) == BIDI_CONTROLS
    assert "\u200e" not in BIDI_CONTROLS and "\u200f" not in BIDI_CONTROLS  # marks stay


def test_bidi_controls_are_removed_from_sanitised_markup():
    out = safe_markup(f"ESR1 \u202e<i>tnatsiser</i>\u202c and \u2067x\u2069{BIDI}")
    assert out == "ESR1 <i>tnatsiser</i> and x"
    assert BIDI_CONTROLS.isdisjoint(safe_markup(f"<i>unclosed \u202e{BIDI}"))


def test_neutralise_bidi_keeps_markup_as_markup_and_text_as_text():
    kept = neutralise_bidi(Markup("<i>a\u202eb</i>"))
    assert isinstance(kept, Markup) and kept == Markup("<i>ab</i>")
    plain = neutralise_bidi("<i>a\u2066b</i>")
    assert type(plain) is str and plain == "<i>ab</i>"


def test_highlight_marks_spans_on_the_stored_offsets_and_drops_bidi_controls():
    text = "\u202eESR1 <b> resistance"
    out = highlight(text, [(1, 5, "gene"), (10, 20, "cue<script>")])
    assert out == (
        '<mark class="hl-gene">ESR1</mark> &lt;b&gt; <mark class="hl-cuescript">resistance</mark>'
    )


def test_highlight_terms_escapes_the_text_around_the_terms():
    out = highlight_terms("ESR1 <script>alert(1)</script> \u202dESR1", {"gene": ["ESR1"]})
    assert out.count('<mark class="hl-gene">ESR1</mark>') == 2
    assert "<script>" not in out and "&lt;script&gt;" in out and "\u202d" not in out
