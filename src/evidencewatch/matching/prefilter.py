"""Which raw records could name a tracked gene: a loose multi-pattern search, before parsing.

A bulk import reads a baseline file of ~30,000 citations of which a few hundred name
a tracked gene. Parsing every one costs more than all else together, so each record's
raw title and abstract bytes (:func:`evidencewatch.pubmed.raw.title_and_abstract_bytes`)
are first searched, with Aho-Corasick automata (ahocorasick-rs, built as DFAs, over
the bytes), for every surface form the matcher knows. The search may say yes too
often, never no too often:

* The raw XML is normalised the way the parser makes ``PubmedRecord.text`` of it,
  loosened: inline markup (``<i>``, ``<sup>``, MathML) is deleted and structural tags
  (abstract sections) are a separator, as in the parser's text; character references
  and the XML entities are decoded (other named references are dropped, as lxml drops
  an undeclared entity); then every character the matcher's regex can take for a
  separator (all Unicode white space, ``-``, ``/``, U+2010, U+2011, U+2013) becomes
  one space, and runs of them one space. The matcher's separators are one character
  each, so a mention it finds is still there afterwards, its separators a space.
  ``<i>ERBB</i>-2`` becomes ``ERBB 2``; ``NF-&#954;B`` becomes ``NF κB``.
* The patterns are each surface form's spellings: its literal parts, each separator
  a space or (where the regex makes it optional) nothing, each Greek letter every way
  the regex spells it (``α``, ``alpha``, ``a``). Forms whose every part is
  case-sensitive are searched in the text as written; the others in the text with
  A-Z lower-cased, and the four other letters Python's case-insensitive regex matches
  to an ASCII letter (``ſ``, ``ı``, ``İ``, the Kelvin sign) folded to it; keys and text
  are folded alike, and the regex ignores case only in ASCII words. (Those four are
  folded in the case-kept text too: no key has them, and they stay word characters.)
* A hit counts only at word boundaries, as the matcher's own: no ASCII letter, digit
  or ``_`` right before or after it in the normalised bytes (a byte of a multi-byte
  character counts as a boundary, so "éneu" is kept: too often, never too little).
  The normalisation keeps every character the matcher sees beside a mention, or turns
  it into a space, so this drops "neutrophil" for "neu" but never a mention.
* A record with a hit is then tried with the matcher's own cheap test
  (:meth:`Matcher.could_match <evidencewatch.matching.match.Matcher.could_match>`) on
  its plain text (:func:`plain_text`, as the parser makes ``PubmedRecord.text``).

Records are tested in batches (:meth:`Prefilter.could_match_many`): their texts are
joined with NUL (no XML text holds one; it is not a separator and not a word
character, so each record's edges are text edges) and normalised and searched at
once, so the per-record work left in Python is the bookkeeping of the hits.

``tests/matching/test_prefilter.py`` checks with hypothesis that no record the full
matcher matches is ever refused: over the shared corpus of real records, and over
generated records carrying every surface form of every watchlist gene, in the title
and the abstract, in inline markup, with entities and separators, at the start and end
of the text and beside punctuation.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from collections.abc import Callable, Iterable, Sequence

import ahocorasick_rs

from evidencewatch.matching.forms import SurfaceForm, _anchor_candidates, _atoms

__all__ = ["SEPARATORS", "Prefilter", "normalise", "pattern_keys", "plain_text"]

#: Every character ``str.isspace`` (and so the regex ``\s``) accepts, and the hyphens and
#: slash the matcher's separators allow (matching.forms.SEP_EXPLICIT).
SEPARATORS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000-/\u2010\u2011\u2013"
)
_NUL = b"\x00"
_SEPARATOR_SET = frozenset(SEPARATORS)
_XML_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))

# --- the normalisation, on UTF-8 bytes (module doc) -------------------------------------
# (Never across a NUL, which divides the records of a batch: a stray "<" stays in its own.)
_INLINE_TAG = re.compile(rb"</?[a-z][^>\x00]*>")  # PubMed's inline markup is lower-case
_OTHER_TAG = re.compile(rb"<[^>\x00]*>")  # its structural elements CamelCase: a separator
_REFERENCE = re.compile(rb"&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z][A-Za-z0-9]*));")
_XML_NAMED = {b"lt": b"<", b"gt": b">", b"amp": b"&", b"quot": b'"', b"apos": b"'"}
_ASCII_SEPARATORS = bytes.maketrans(
    bytes(c for c in map(ord, SEPARATORS) if c < 128),
    b" " * sum(ord(c) < 128 for c in SEPARATORS),
)
_OTHER_SEPARATORS = re.compile(
    b"|".join(re.escape(c.encode()) for c in SEPARATORS if ord(c) >= 128)
)
_SPACES = re.compile(rb"   *")  # (two literal spaces first: sre then skips faster)
_REPLACEMENT = "\ufffd".encode()
# Letters other than A-Z that Python's case-insensitive regex matches to an ASCII letter
# (checked over all of Unicode in the tests): folded with it.
_FOLD_TO_ASCII = {"\u0130": b"i", "\u0131": b"i", "\u017f": b"s", "\u212a": b"k"}


def _reference(m: re.Match[bytes]) -> bytes:
    hexa, dec, name = m.groups()
    if name is not None:
        return _XML_NAMED.get(name, b"")  # another entity: dropped, as lxml drops it
    code = int(hexa, 16) if hexa else int(dec)
    if code == 0 or 0xD800 <= code < 0xE000 or code > 0x10FFFF:
        return _REPLACEMENT  # never NUL: it divides the records of a batch
    char = chr(code)
    if char in _SEPARATOR_SET:
        return b" "  # "&#8211;" is a separator
    return _FOLD_TO_ASCII.get(char) or char.encode()


def _normalise_bytes(data: bytes) -> bytes:
    if b"<" in data:
        data = _OTHER_TAG.sub(b" ", _INLINE_TAG.sub(b"", data))
    # References decode to a space for a separator and fold the four letters themselves,
    # so text written in ASCII needs neither the separator nor the fold search below.
    written_ascii = data.isascii()
    if b"&" in data:
        data = _REFERENCE.sub(_reference, data)  # one pass: "&amp;lt;" is the text "&lt;"
    data = data.translate(_ASCII_SEPARATORS)
    if not written_ascii:
        data = _OTHER_SEPARATORS.sub(b" ", data)
        for char, ascii_char in _FOLD_TO_ASCII.items():
            encoded = char.encode()
            if encoded in data:
                data = data.replace(encoded, ascii_char)
    return _SPACES.sub(b" ", data) if b"  " in data else data


def _fold(data: bytes) -> bytes:
    """Normalised ``data`` with A-Z lower-cased (the four other letters are folded already)."""
    return data.lower()  # bytes.lower: ASCII only, as the regex's case-insensitive parts


def normalise(text: str, *, lower: bool = True) -> str:
    """Raw XML text (markup, references) as the automaton reads it (module doc)."""
    out = _normalise_bytes(text.encode("utf-8"))
    return (_fold(out) if lower else out).decode("utf-8", "replace")


# --- the parser's text, for the matcher's regex -----------------------------------------
_ANY_TAG = re.compile(r"<(/?)([A-Za-z]?)[^>]*>")
_XML_SPACE = re.compile(r"[ \t\n\r]+")


def _tag_as_text(m: re.Match[str]) -> str:
    # PubMed's structural elements are CamelCase, its inline markup (i, sup, mml:...) is not.
    return "" if m.group(2).islower() else "\n"


def _unescape(text: str) -> str:
    if "&#" in text:
        return html.unescape(text)
    for entity, char in _XML_ENTITIES:  # the only named entities PubMed XML uses
        if entity in text:
            text = text.replace(entity, char)
    return text


def plain_text(raw: str) -> str:
    """Raw title+abstract XML as the parser's text of it, for the matcher's regex."""
    text = _ANY_TAG.sub(_tag_as_text, raw) if "<" in raw else raw
    if "&" in text:
        text = _unescape(text)
    return _XML_SPACE.sub(" ", text)


# --- the patterns ----------------------------------------------------------------------
def pattern_keys(form: SurfaceForm, *, lower: bool = True) -> set[str]:
    """Every spelling of ``form`` as it looks in normalised text (module doc).

    ``lower=False`` (for forms with no case-insensitive part, searched in text that
    keeps its case): the literal parts as written, the Greek spellings as the regex has them.
    """
    atoms = _atoms(form.text, form.ci)
    if not _anchor_candidates(atoms):
        return set()  # no letter or digit to anchor on: the matcher never finds it
    options: list[Sequence[str]] = []
    for atom in atoms:
        if atom.kind == "lit":
            options.append([_fold_text(atom.text) if lower else atom.text])
        elif atom.kind == "greek":
            options.append(sorted({_fold_text(a) if lower else a for a in atom.alts}))
        else:
            options.append([" "] if atom.required else [" ", ""])
    return {"".join(parts) for parts in itertools.product(*options)} - {""}


def _fold_text(text: str) -> str:
    return _fold(text.encode()).decode()


def _has_case_insensitive_part(form: SurfaceForm) -> bool:
    return any(a.kind == "lit" and a.ci for a in _atoms(form.text, form.ci))


# Bytes that are a letter, digit or "_" whatever surrounds them: ASCII ones. A byte of a
# multi-byte character may be part of a letter (é) or not (’): taken as not, so that a
# hit beside one is kept.
_WORD_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")


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
        return self.could_match_many([raw.encode("utf-8") if isinstance(raw, str) else raw])[0]

    def could_match_many(self, raws: Sequence[bytes]) -> list[bool]:
        """:meth:`could_match` of each raw title+abstract, tested together (module doc)."""
        if any(_NUL in raw for raw in raws):  # not XML text; tested alone, never merged
            return [self._one(raw) for raw in raws]
        hits = self._hits(raws)
        out = [False] * len(raws)
        for i in sorted(hits):
            out[i] = self._exact is None or self._exact(
                plain_text(raws[i].decode("utf-8", "replace"))
            )
        return out

    def _one(self, raw: bytes) -> bool:
        if not self._hits([raw.replace(_NUL, b" ")]):
            return False
        return self._exact is None or self._exact(plain_text(raw.decode("utf-8", "replace")))

    def _hits(self, raws: Sequence[bytes]) -> set[int]:
        """Indexes of the texts with a pattern at word boundaries."""
        text = _normalise_bytes(_NUL.join(raws))
        found: set[int] = set()
        if self._exact_case is not None:
            found |= _bounded_hits(self._exact_case, text)
        if self._any_case is not None:
            found |= _bounded_hits(self._any_case, _fold(text))
        return found


def _bounded_hits(automaton: ahocorasick_rs.BytesAhoCorasick, text: bytes) -> set[int]:
    """Which NUL-separated parts of ``text`` hold a key with no word byte beside it."""
    matches = automaton.find_matches_as_indexes(text, overlapping=True)
    if not matches:
        return set()
    starts = [0]
    pos = text.find(_NUL)
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find(_NUL, pos + 1)
    size = len(text)
    found: set[int] = set()
    for _, begin, end in matches:
        if (begin == 0 or text[begin - 1] not in _WORD_BYTES) and (
            end == size or text[end] not in _WORD_BYTES
        ):
            found.add(bisect.bisect_right(starts, begin) - 1)
    return found


def _automaton(keys: set[str]) -> ahocorasick_rs.BytesAhoCorasick | None:
    if not keys:
        return None
    # A DFA: several times faster to search than the NFAs here, and built in milliseconds.
    return ahocorasick_rs.BytesAhoCorasick(
        sorted(k.encode() for k in keys), implementation=ahocorasick_rs.Implementation.DFA
    )
