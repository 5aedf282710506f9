"""Therapy class and agents of a candidate, read from its sentences.

An agent a sentence names only as a way out is not the therapy the gene resists:
a vulnerability ("may create a vulnerability to platinum", "synthetic lethal
with cisplatin"), a rescue ("resistance was overcome by adding lapatinib",
"switching to capecitabine") or an alternative ("candidates for platinum"). Such
mentions count only when the candidate names no other therapy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evidencewatch.matching.extraction.tables import Tables

# Where a sentence starts naming a way out; it runs to the end of the clause.
_WAY_OUT_RE = re.compile(
    r"(?i)\b(?:vulnerab\w*|synthetic(?:al)?(?:ly)?[\s-]+lethal\w*|"
    r"exploit\w*\s+(?:by|with|using|through)|"
    r"(?:rescued|reversed|overcome|overcame|circumvented|bypassed)\s+by|"
    r"rescue\w*\s+with|switch\w*\s+to|salvage|candidates?\s+for|"
    r"alternatives?\s+(?:such\s+as|like|including|to)|"
    r"alternative\s+(?:treatments?|therap(?:y|ies)|options?|strateg(?:y|ies)|regimens?)|"
    r"(?:may|might|could)\s+(?:instead\s+|still\s+|rather\s+)?(?:benefit|respond)\w*\s+"
    r"(?:from|to))"
)
_CLAUSE_END_RE = re.compile(r"[;.]|,\s+(?:but|whereas|while|and\s+(?:that|this))\b|\bwhereas\b")


def way_out_spans(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` that name a vulnerability, a rescue or an alternative."""
    spans = []
    for m in _WAY_OUT_RE.finditer(text):
        end = _CLAUSE_END_RE.search(text, m.end())
        spans.append((m.start(), end.start() if end else len(text)))
    return spans


def read_therapy(
    snippet_texts: Sequence[str],
    record_sents: Sequence[str],
    tables: Tables,
    evidence: dict[str, str],
) -> tuple[str | None, tuple[str, ...]]:
    """Therapy class and agents: from the snippets first, else from the whole record.

    The most frequent class wins, ties to the one named first (the best snippet);
    the agents are those of every class found, canonical names, in order. Agents named
    only as a vulnerability or a rescue are used only when nothing else is named.
    """
    for way_out in (False, True):
        for source in (snippet_texts, record_sents):
            found = _read(source, tables, evidence, way_out)
            if found is not None:
                return found
    return None, ()


def _read(
    source: Sequence[str], tables: Tables, evidence: dict[str, str], way_out: bool
) -> tuple[str, tuple[str, ...]] | None:
    """The class and agents of ``source``, counting way-out mentions only if ``way_out``."""
    counts: dict[str, int] = {}
    first_sentence: dict[str, str] = {}
    agents: dict[str, None] = {}
    for text in source:
        excluded = [] if way_out else way_out_spans(text)
        for s, _, cls, term in tables.therapy.find(text):
            if any(a <= s < b for a, b in excluded):
                continue
            counts[cls] = counts.get(cls, 0) + 1
            first_sentence.setdefault(cls, text)
            agent = tables.agents.get((cls, term))
            if agent:
                agents.setdefault(agent, None)
    if not counts:
        return None
    order = list(first_sentence)
    best = max(order, key=lambda c: (counts[c], -order.index(c)))
    evidence["therapy_class"] = first_sentence[best]
    if agents:
        note = "named only as a vulnerability or a rescue: " if way_out else ""
        evidence["agents"] = note + first_sentence[best]
    return best, tuple(agents)
