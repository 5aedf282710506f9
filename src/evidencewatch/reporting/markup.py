"""Rendering text from PubMed safely.

Nothing from PubMed is trusted as HTML. Titles and abstracts carry a little
inline markup (``<i>``, ``<sup>``, ``<sub>``, ``<b>``, ``<u>``, MathML); we
keep exactly those tags, with no attributes, and escape everything else, so a
``<script>`` in a title is shown as text and never runs.

Unicode bidirectional embedding, override and isolate controls (U+202A–U+202E,
U+2066–U+2069) can make text display in an order other than the one stored, so
a title or a curator's note could read as something it does not say. Display
removes them (:func:`neutralise_bidi`); the stored text keeps them exactly.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from html import escape

from lxml import etree
from markupsafe import Markup

# Inline tags PubMed's DTD allows in %text, and the presentation MathML it uses.
ALLOWED_TAGS = frozenset(
    {
        "i",
        "b",
        "u",
        "sup",
        "sub",
        "math",
        "mi",
        "mn",
        "mo",
        "mrow",
        "msub",
        "msup",
        "msubsup",
        "mfrac",
        "msqrt",
        "mroot",
        "mtext",
        "mspace",
        "mover",
        "munder",
        "munderover",
        "mstyle",
        "mtable",
        "mtr",
        "mtd",
        "semantics",
        "mfenced",
    }
)
_MATHML_NS = "http://www.w3.org/1998/Math/MathML"

# LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI: the controls that re-order what follows them.
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_NO_BIDI = str.maketrans(dict.fromkeys(BIDI_CONTROLS))
# What makes the XML parser's reading of a fragment differ from the fragment itself.
_MAY_HOLD_MARKUP = re.compile(r"[<&\r]")
# lxml parsers may not be shared between threads (the web app renders in several), and
# building one per fragment cost more than parsing the fragment.
_PARSERS = threading.local()


def parse_fragment(fragment: str) -> etree._Element:
    """PubMed inline markup under one root (MathML's prefix declared); XMLSyntaxError if not
    well-formed. No entity is resolved and nothing is fetched."""
    parser: etree.XMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
        _PARSERS.parser = parser
    return etree.fromstring(
        f'<root xmlns:mml="{_MATHML_NS}">{fragment}</root>'.encode(), parser=parser
    )


def neutralise_bidi(text: str) -> str:
    """``text`` without bidirectional embedding/override/isolate controls, for display.

    A :class:`~markupsafe.Markup` stays Markup: the controls are plain characters,
    never part of a tag, so removing them cannot change what the markup means.
    """
    if text.isascii():  # every control is outside ASCII; the check is far cheaper than translate
        return text
    if isinstance(text, Markup):
        return Markup(str.translate(text, _NO_BIDI))
    return text.translate(_NO_BIDI)


def safe_markup(fragment: str | None) -> Markup:
    """PubMed inline markup as HTML: allowed tags kept bare, all else escaped."""
    if not fragment:
        return Markup("")
    fragment = neutralise_bidi(fragment)
    if not _MAY_HOLD_MARKUP.search(fragment):
        # No tag, entity or CR: the parser would give back exactly this text (most titles;
        # parsing each one was most of a large digest's rendering time).
        return Markup(escape(fragment))
    try:
        root = parse_fragment(fragment)
    except etree.XMLSyntaxError:
        # Not well-formed: show it exactly as text.
        return Markup(escape(fragment))
    return Markup(_render_children(root))


def _render_children(element: etree._Element) -> str:
    parts = [escape(element.text or "")]
    for child in element:
        parts.append(_render_element(child))
        parts.append(escape(child.tail or ""))
    return "".join(parts)


def _render_element(element: etree._Element) -> str:
    if not isinstance(element.tag, str):  # comments, processing instructions
        return ""
    tag = etree.QName(element).localname
    inner = _render_children(element)
    if tag in ALLOWED_TAGS:
        return f"<{tag}>{inner}</{tag}>"
    return inner  # unknown tag: drop the tag, keep (escaped) text


def highlight(text: str, spans: Sequence[Sequence[object]]) -> Markup:
    """``text`` with each (start, end, kind) span wrapped in ``<mark class="kind">``.

    Spans come from the matcher and may overlap; the earliest wins. Their offsets
    are into the stored ``text``, so bidi controls are removed only from the output.
    """
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: (int(s[0]), -int(s[1]))):  # type: ignore[call-overload]
        start, end, kind = int(span[0]), int(span[1]), str(span[2])  # type: ignore[call-overload]
        if start < pos or end <= start or end > len(text):
            continue
        out.append(escape(text[pos:start]))
        css = re.sub(r"[^a-z-]", "", kind.lower())
        out.append(f'<mark class="hl-{css}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return Markup(neutralise_bidi("".join(out)))


def highlight_terms(text: str, terms: dict[str, Sequence[str]]) -> Markup:
    """``text`` with every occurrence of the given terms marked by kind (for whole abstracts)."""
    spans: list[tuple[int, int, str]] = []
    for kind, words in terms.items():
        for word in sorted(set(words), key=len, reverse=True):
            if not word:
                continue
            for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
                spans.append((m.start(), m.end(), kind))
    return highlight(text, spans)
