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
_ASCII_SEPS = bytes(c for c in map(ord, SEPARATORS) if c < 128)
_OTHER_SEPS = tuple(c for c in SEPARATORS if ord(c) >= 128)
_XML_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


def _untag(text: str) -> str:
    """``text`` without its tags (split, not a regex: a record has a handful)."""
    parts = text.split("<")
    return parts[0] + "".join(part.partition(">")[2] for part in parts[1:])


def _unescape(text: str) -> str:
    if "&#" in text:
        return html.unescape(text)
    for entity, char in _XML_ENTITIES:  # the only named entities PubMed XML uses
        if entity in text:
            text = text.replace(entity, char)
    return text


def _delete_separators(text: str) -> str:
    # str.translate with deletions runs per character in Python's slow path (~1 ms an
    # abstract); bytes.translate deletes the ASCII ones at memory speed.
    if not text.isascii():
        for sep in _OTHER_SEPS:
            if sep in text:
                text = text.replace(sep, "")
    return text.encode("utf-8").translate(None, _ASCII_SEPS).decode("utf-8")


_ANY_TAG = re.compile(r"<(/?)([A-Za-z]?)[^>]*>")
_XML_SPACE = re.compile(r"[ \t\n\r]+")


def _tag_as_text(m: re.Match[str]) -> str:
    # PubMed's structural elements are CamelCase, its inline markup (i, sup, mml:...) is not.
    return "" if m.group(2).islower() else "\n"


def plain_text(raw: str) -> str:
    """Raw title+abstract XML as the parser's text of it, for the matcher's regex."""
    text = _ANY_TAG.sub(_tag_as_text, raw) if "<" in raw else raw
    if "&" in text:
        text = _unescape(text)
    return _XML_SPACE.sub(" ", text)


def normalise(text: str, *, lower: bool = True) -> str:
    """Raw XML text (markup, references) as the automaton reads it (module doc)."""
    if "<" in text:
        text = _untag(text)
    if "&" in text:
        text = _unescape(text)
    return _delete_separators(text.lower() if lower else text)


def pattern_keys(form: SurfaceForm, *, lower: bool = True) -> set[str]:
    """The strings one of which any mention of ``form`` contains once normalised.

    ``lower=False`` (for forms with no case-insensitive part, searched in text that
    keeps its case): the literal parts as written, the Greek spellings as the regex has them.
    """
    atoms = _atoms(form.text, form.ci)
    if not _anchor_candidates(atoms):
        return set()  # no letter or digit to anchor on: the matcher never finds it
    options: list[Sequence[str]] = []
    for atom in atoms:
        if atom.kind == "lit":
            text = atom.text.translate(_DELETE)
            options.append([text.lower() if lower else text])
        elif atom.kind == "greek":
            options.append(sorted({a.lower() if lower else a for a in atom.alts}))
    return {"".join(parts) for parts in itertools.product(*options)} - {""}


def _has_case_insensitive_part(form: SurfaceForm) -> bool:
    return any(a.kind == "lit" and a.ci for a in _atoms(form.text, form.ci))


class Prefilter:
    """One automaton over every surface form, then the matcher's test (module doc)."""

    def __init__(
        self, forms: Iterable[SurfaceForm], exact: Callable[[str], bool] | None = None
    ) -> None:
        self._exact = exact
        # Forms whose every part is case-sensitive ("RELA", "HER2") are searched in text
        # that keeps its case: lower-cased, "RELA" would be found in every "related".
        # Forms with a case-insensitive word ("Annexin A1") are searched lower-cased.
        forms = list(forms)
        self.keys = set().union(
            *(pattern_keys(f, lower=False) for f in forms if not _has_case_insensitive_part(f))
        )
        self.lower_keys = set().union(
            *(pattern_keys(f) for f in forms if _has_case_insensitive_part(f))
        )
        self._exact_case = _automaton(self.keys)
        self._any_case = _automaton(self.lower_keys)

    def could_match(self, raw: bytes | str) -> bool:
        """Whether raw title+abstract XML (bytes or str) could hold a tracked gene's mention."""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        if not self._hit(text):
            return False
        return self._exact is None or self._exact(plain_text(text))

    def _hit(self, text: str) -> bool:
        if "<" in text:
            text = _untag(text)
        if "&" in text:
            text = _unescape(text)
        for automaton, folded in ((self._exact_case, text), (self._any_case, text.lower())):
            if automaton is not None:
                for _hit in automaton.iter(_delete_separators(folded)):
                    return True
        return False


def _automaton(keys: set[str]) -> ahocorasick.Automaton | None:
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, key)
    automaton.make_automaton()
    return automaton
