"""Sentences of a record: the title is one, each abstract section is split.

Each abstract section keeps its label (lower-cased, "abstract" when unlabelled)
and is split after . ! ? + space, except after abbreviations ("e.g.", "i.e.",
"et al.", "vs.", "Fig.", "U.S.") or before a plain lower-case word; decimals,
"p < 0.05" and "p.V600E" never split. Offsets are into the record's one text,
:attr:`PubmedRecord.text <evidencewatch.pubmed.records.PubmedRecord.text>`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evidencewatch.pubmed.records import PubmedRecord


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence as offsets into the text it was split from."""

    start: int
    end: int
    section: str  # "title", the abstract label lower-cased ("results") or "abstract"
    seg: int  # which segment (title, abstract section) it belongs to


# A segment of the text: (section label, start, end).
Segment = tuple[str, int, int]


def record_segments(record: PubmedRecord) -> list[Segment]:
    """The title and each abstract section as spans of ``record.text``."""
    segments: list[Segment] = [("title", 0, len(record.title))]
    pos = len(record.title) + 1  # title_and_abstract puts one newline between parts
    for s in record.abstract:
        label = (s.label or "").strip().lower() or "abstract"
        segments.append((label, pos, pos + len(s.text)))
        pos += len(s.text) + 1
    return segments


def record_sentences(record: PubmedRecord) -> list[Sentence]:
    """The sentences of ``record.text``: the title whole, each abstract section split."""
    return split_segments(record.text, record_segments(record), has_title=True)


def split_segments(text: str, segments: Sequence[Segment], *, has_title: bool) -> list[Sentence]:
    """Sentences of each segment; with ``has_title`` the first segment is one sentence."""
    sentences: list[Sentence] = []
    for seg, (label, start, end) in enumerate(segments):
        if has_title and seg == 0:
            s, e = start, end
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                sentences.append(Sentence(s, e, "title", 0))
            continue
        for s, e in split_sentences(text[start:end]):
            sentences.append(Sentence(start + s, start + e, label, seg))
    return sentences


_BREAK_RE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+")
_ABBREVIATIONS = frozenset(
    """e.g i.e al vs v fig figs approx ca cf resp no nos ref refs dr prof mr mrs ms st vol
    eq eqs suppl inc ltd co jr sr viz sp spp var tab chap sect ed eds incl dept univ ext
    est nat chr""".split()
)
_DOTTED_ABBREV_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_PLAIN_LOWER_RE = re.compile(r"[a-z]+[,;:]?")
_WORD_RE = re.compile(r"\S+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, whitespace trimmed.

    Breaks after . ! ? followed by whitespace, except after abbreviations ("e.g.",
    "et al.", "vs.", "Fig.", "U.S."), and when the next word is a plain lower-case
    word ("e.g. paclitaxel"). Decimals ("0.05", "p < .05") and dotted names
    ("p.V600E") have no space after the dot and never break. A next word that starts
    lower-case but is a gene or molecule name ("p65", "mRNA", "siRNA") does break.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n and text[start].isspace():
        start += 1
    for m in _BREAK_RE.finditer(text):
        nxt = m.end()
        if nxt >= n or not _is_break(text, m.start(), nxt):
            continue
        end = m.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
        start = nxt
    end = n
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
    return spans


def _is_break(text: str, dot: int, nxt: int) -> bool:
    if text[dot] == ".":
        k = max(text.rfind(" ", 0, dot), text.rfind("\n", 0, dot), text.rfind("\t", 0, dot)) + 1
        token = text[k:dot].lstrip("([{\"'\u201c").lower()
        if token in _ABBREVIATIONS or _DOTTED_ABBREV_RE.fullmatch(token):
            return False
    if not text[nxt].islower():
        return True
    word = _WORD_RE.match(text, nxt)
    return not (word and _PLAIN_LOWER_RE.fullmatch(word.group()))
