"""Therapy class and agents of a candidate, read from its sentences."""

from __future__ import annotations

from collections.abc import Sequence

from evidencewatch.matching.extraction.tables import Tables


def read_therapy(
    snippet_texts: Sequence[str],
    record_sents: Sequence[str],
    tables: Tables,
    evidence: dict[str, str],
) -> tuple[str | None, tuple[str, ...]]:
    """Therapy class and agents: from the snippets first, else from the whole record.

    The most frequent class wins, ties to the one named first (the best snippet);
    the agents are those of every class found, canonical names, in order.
    """
    for source in (snippet_texts, record_sents):
        counts: dict[str, int] = {}
        first_sentence: dict[str, str] = {}
        agents: dict[str, None] = {}
        for text in source:
            for _, _, cls, term in tables.therapy.find(text):
                counts[cls] = counts.get(cls, 0) + 1
                first_sentence.setdefault(cls, text)
                agent = tables.agents.get((cls, term))
                if agent:
                    agents.setdefault(agent, None)
        if counts:
            order = list(first_sentence)
            best = max(order, key=lambda c: (counts[c], -order.index(c)))
            evidence["therapy_class"] = first_sentence[best]
            if agents:
                evidence["agents"] = first_sentence[best]
            return best, tuple(agents)
    return None, ()
