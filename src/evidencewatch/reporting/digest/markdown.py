"""The Markdown digest, and the Markdown escaping that keeps PubMed text literal in it."""

from __future__ import annotations

import re
import weakref
from typing import Any

from jinja2 import Environment, StrictUndefined
from lxml import etree

from evidencewatch.reporting import charts
from evidencewatch.reporting.digest.data import DigestData
from evidencewatch.reporting.markup import BIDI_CONTROLS, parse_fragment


class MdSafe(str):
    """Text already fit for Markdown: the Markdown environment leaves it as it is."""

    __slots__ = ()


# Markdown's specials backslashed; bidi controls dropped, as on every page (see markup.py).
_MD_TABLE = str.maketrans(
    {**{char: "\\" + char for char in "\\`*_[]<>|~&"}, **dict.fromkeys(BIDI_CONTROLS)}
)
# What the table changes: a value holding none of these (most do) skips the translation.
_MD_CHANGES = re.compile("[" + re.escape("\\`*_[]<>|~&" + "".join(sorted(BIDI_CONTROLS))) + "]")
_MD_LINE_START = re.compile(r"^(?:([#+=>-])|(\d+)([.)]))")


def md_escape(value: Any) -> MdSafe:
    """``value`` as Markdown text that renders literally: one line, specials backslashed.

    Newlines are folded (a value never starts a block), ``\\ ` * _ [ ] < > | ~ &``
    are backslash-escaped (so no emphasis, link, raw HTML, table cell or entity
    can come out of PubMed text), and a leading ``#``, ``-``, ``+``, ``=``, ``>``
    or ``1.`` is escaped too. Bidi controls are removed, as on the web pages.
    """
    if isinstance(value, MdSafe):
        return value
    text = " ".join(str(value).split())
    if _MD_CHANGES.search(text):
        text = text.translate(_MD_TABLE)
    if text and (text[0] in "#+=>-" or text[0].isdigit()):
        text = _MD_LINE_START.sub(
            lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), text
        )
    return MdSafe(text)


def plain_text(fragment: str | None) -> str:
    """PubMed inline markup (``<i>``, ``<sup>``, MathML) reduced to its text."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())  # no tag or entity: what the parser would give
    try:
        root = parse_fragment(fragment)
    except etree.XMLSyntaxError:
        return " ".join(fragment.split())
    for sup in root.iter("sup"):
        sup.text = "^" + (sup.text or "")
    return " ".join("".join(root.itertext()).split())


def md_title(fragment: str | None) -> MdSafe:
    return md_escape(plain_text(fragment))


def md_link(text: Any, url: str | None) -> MdSafe:
    """``[text](url)``; the URL's spaces, brackets and parentheses are percent-encoded."""
    label = md_escape(text)
    if not url:
        return label
    safe_url = url
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        safe_url = safe_url.replace(char, code)
    return MdSafe(f"[{label}]({safe_url})")


def _md_finalize(value: Any) -> Any:
    if isinstance(value, str):
        return md_escape(value)
    return value


_MD_ENVS: weakref.WeakKeyDictionary[Environment, Environment] = weakref.WeakKeyDictionary()


def markdown_env(env: Environment) -> Environment:
    """A second Environment, over the same templates, for the Markdown digest.

    The shared env autoescapes for HTML, which would put ``&amp;`` and ``&lt;``
    into Markdown. This one does not HTML-escape; instead ``finalize`` passes
    every ``{{ … }}`` string through ``md_escape`` (Markdown's own escaping),
    so a value is safe unless a helper (``md_link``, ``md_title``) has already
    escaped it and marked it ``MdSafe``. Escaping by default, not by a filter
    one must remember on each PubMed-derived value. Made once per shared env.
    """
    cached = _MD_ENVS.get(env)
    if cached is not None:
        return cached
    md = Environment(
        loader=env.loader,
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_md_finalize,
    )
    # The shared env's helpers (pubmed_url, doi_url, reject_reasons, date), then the
    # Markdown-only ones; nothing is set up twice.
    md.globals.update(env.globals)
    md.filters["date"] = env.filters["date"]
    md.filters["md"] = md_escape
    md.filters["md_title"] = md_title
    # For macro output, which is built from values already escaped above.
    md.filters["md_done"] = MdSafe
    md.globals["md_link"] = md_link
    md.globals["sparkline"] = charts.sparkline
    _MD_ENVS[env] = md
    return md


def render_markdown(data: DigestData, env: Environment) -> str:
    """The Markdown digest: the same content as the HTML one, with Markdown escaping."""
    text = markdown_env(env).get_template("digest/digest.md").render(d=data)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
