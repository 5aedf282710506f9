"""Which raw records could name a tracked gene: a loose multi-pattern search, before parsing.

A bulk import reads a baseline file of ~30,000 citations of which a few hundred name
a tracked gene. Parsing every one costs more than all else together, so each record's
raw title and abstract bytes (:func:`evidencewatch.pubmed.raw.title_and_abstract_bytes`)
are first searched, with one Aho-Corasick automaton (pyahocorasick), for every surface
form the matcher knows. The search may say yes too often, never no too often:

* The text is normalised by a map that sends each character to a string, so that a
  mention the matcher finds in the parsed text is still a substring afterwards: inline
  markup (``<i>``, ``<sup>``, MathML) is deleted, character and entity references are
  decoded, everything is lower-cased, and every character the matcher's regex can take
  for a separator (all Unicode white space, ``-``, ``/``, U+2010, U+2011, U+2013) is
  deleted. ``<i>ERBB</i>-2`` becomes ``erbb2``; ``NF-&#954;B`` becomes ``nfκb``.
* The patterns are each surface form's literal parts, lower-cased and joined without
  separators, once per spelling of its Greek letters (``α``, ``alpha``, ``a``).
  Lower-casing, dropped word boundaries and joined separators only add hits
  ("other 2" holds "her2", "neutrophil" holds "neu").
* A record the automaton lets through is then tried with the matcher's own cheap test
  (:meth:`Matcher.could_match <evidencewatch.matching.match.Matcher.could_match>`) on
  its plain text, made from the raw bytes as the parser makes ``PubmedRecord.text``:
  inline markup deleted, structural tags (abstract sections) a line break, references
  decoded, XML white space squashed. That drops "neutrophil" before any XML is parsed.

``tests/matching/test_prefilter.py`` checks with hypothesis that no record the full
matcher matches is ever refused: over the shared corpus of real records, and over
generated records carrying every surface form of every watchlist gene, in the title
and the abstract, in inline markup, with entities and separators.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable, Iterable, Sequence

import ahocorasick

from evidencewatch.matching.forms import SurfaceForm, _anchor_candidates, _atoms

__all__ = ["SEPARATORS", "Prefilter", "normalise", "pattern_keys", "plain_text"]

#: Every character ``str.isspace`` (and so the regex ``\s``) accepts, and the hyphens and
#: slash the matcher's separators allow (matching.forms.SEP_EXPLICIT).
SEPARATORS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000-/\u2010\u2011\u2013"
)
_DELETE = str.maketrans("", "", SEPARATORS)
_TAG = re.compile(r"<[^>]*>")
_ANY_TAG = re.compile(r"<(/?)([A-Za-z]?)[^>]*>")
_XML_SPACE = re.compile(r"[ \t\n\r]+")


def _tag_as_text(m: re.Match[str]) -> str:
    # PubMed's structural elements are CamelCase, its inline markup (i, sup, mml:...) is not.
    return "" if m.group(2).islower() else "\n"


def plain_text(raw: str) -> str:
    """Raw title+abstract XML as the parser's text of it, for the matcher's regex."""
    text = _ANY_TAG.sub(_tag_as_text, raw) if "<" in raw else raw
    if "&" in text:
        text = html.unescape(text)
    return _XML_SPACE.sub(" ", text)


def normalise(text: str) -> str:
    """Raw XML text (markup, references) as the automaton reads it (module doc)."""
    if "<" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text.lower().translate(_DELETE)


def pattern_keys(form: SurfaceForm) -> set[str]:
    """The strings one of which any mention of ``form`` contains once normalised."""
    atoms = _atoms(form.text, form.ci)
    if not _anchor_candidates(atoms):
        return set()  # no letter or digit to anchor on: the matcher never finds it
    options: list[Sequence[str]] = []
    for atom in atoms:
        if atom.kind == "lit":
            options.append(sorted({atom.text.lower().translate(_DELETE)}))
        elif atom.kind == "greek":
            options.append(sorted({a.lower() for a in atom.alts}))
    return {"".join(parts) for parts in itertools.product(*options)} - {""}


class Prefilter:
    """One automaton over every surface form, then the matcher's test (module doc)."""

    def __init__(
        self, forms: Iterable[SurfaceForm], exact: Callable[[str], bool] | None = None
    ) -> None:
        self._exact = exact
        self._automaton = ahocorasick.Automaton()
        self.keys: set[str] = set()
        for form in forms:
            self.keys |= pattern_keys(form)
        for key in self.keys:
            self._automaton.add_word(key, key)
        self._empty = not self.keys
        if not self._empty:
            self._automaton.make_automaton()

    def could_match(self, raw: bytes | str) -> bool:
        """Whether raw title+abstract XML (bytes or str) could hold a tracked gene's mention."""
        if self._empty:
            return False
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        for _hit in self._automaton.iter(normalise(text)):
            return self._exact is None or self._exact(plain_text(text))
        return False
