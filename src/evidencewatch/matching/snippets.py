"""Snippets: the sentences where a gene meets a resistance or therapy cue.

A snippet is one sentence holding a valid mention of the gene and a resistance or
a therapy cue (a sensitivity word alone, as in "sensitivity of the assay", is not
enough). Snippets are ranked resistance 3 + therapy 2 + sensitivity 1 +
title/results/conclusions 1, ties in text order, and at most 5 are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from evidencewatch.matching.analysis import Analysis, Cue, Mention

MAX_SNIPPETS = 5
# Sections that report findings rather than background or methods.
FINDING_SECTIONS = frozenset({"title", "results", "result", "conclusions", "conclusion"})


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str  # one sentence, plain text
    section: str  # "title", the abstract label lower-cased ("results") or "abstract"
    genes: tuple[str, ...]  # tracked symbols mentioned in it
    cues: tuple[str, ...]  # resistance/sensitivity/therapy terms found in it (as written)
    # (start, end, kind) in `text`; kind in {"gene","resistance","sensitivity","therapy","disease"}
    spans: tuple[tuple[int, int, str], ...]


def has_kind(snippet: Snippet, kind: str) -> bool:
    return any(k == kind for _, _, k in snippet.spans)


def first_cue(snippet: Snippet, kind: str) -> str:
    """The first cue of ``kind`` in the snippet, as written ("" when none)."""
    for s, e, k in snippet.spans:
        if k == kind:
            return snippet.text[s:e]
    return ""


def supporting_sentences(
    a: Analysis, mentions: Iterable[Mention], cues_by_sent: Mapping[int, Sequence[Cue]]
) -> list[int]:
    """Sentences naming the gene with a resistance or therapy cue, best first (module doc)."""
    ranked: list[tuple[float, int]] = []
    for k in sorted({m.sent for m in mentions}):
        kinds = {c.kind for c in cues_by_sent.get(k, ())}
        if not kinds & {"resistance", "therapy"}:
            continue
        section = a.sentences[k].section
        rank = (
            3 * ("resistance" in kinds)
            + 2 * ("therapy" in kinds)
            + ("sensitivity" in kinds)
            + (section in FINDING_SECTIONS)
        )
        ranked.append((-rank, k))
    ranked.sort()
    return [k for _, k in ranked]


def build_snippet(
    a: Analysis,
    k: int,
    genes_by_sent: Mapping[int, Sequence[Mention]],
    cues_by_sent: Mapping[int, Sequence[Cue]],
) -> Snippet:
    """Sentence ``k`` with the spans of every gene mention and cue in it."""
    s = a.sentences[k]
    spans: list[tuple[int, int, str]] = []
    genes: list[str] = []
    for m in sorted(genes_by_sent.get(k, ()), key=lambda m: m.start):
        spans.append((m.start - s.start, m.end - s.start, "gene"))
        if m.gene not in genes:
            genes.append(m.gene)
    cues: list[str] = []
    for c in cues_by_sent.get(k, ()):
        spans.append((c.start - s.start, c.end - s.start, c.kind))
        if c.kind != "disease" and c.surface not in cues:
            cues.append(c.surface)
    spans.sort()
    return Snippet(a.text[s.start : s.end], s.section, tuple(genes), tuple(cues), tuple(spans))
