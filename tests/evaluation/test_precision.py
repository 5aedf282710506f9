"""Precision of extracted fields against the curators' gold values, and of gene mentions."""

from __future__ import annotations

import math

from evidencewatch.evaluation import labels as lb
from evidencewatch.evaluation import precision as ev
from factories import make_candidate, make_paper


def test_extraction_precision_counts_suggestions_that_match_the_gold_values(session):
    labels = lb.LabelSet()
    for pmid, direction in ((1, "up"), (2, "down"), (3, "")):
        paper = make_paper(session, pmid=pmid)
        cand = make_candidate(session, paper, "ESR1")
        cand.direction = direction or None
        session.add(cand)
        gold = {"direction": ("up",)} if pmid < 3 else {}
        labels.by_pair[(pmid, "ESR1")] = lb.Label(pmid=pmid, gene="ESR1", label=1, gold=gold)
    session.flush()

    out = ev.extraction_precision(session=session, labels=labels)

    direction = out["direction"]
    assert (direction["suggested"], direction["correct"]) == (2, 1)
    assert direction["precision"] == 0.5 and direction["coverage"] == 2 / 3
    assert direction["errors"] == ["2/ESR1: down (gold up)"]
    assert math.isnan(out["subtype"]["precision"])  # nothing suggested, nothing measured
    assert set(out) == set(lb.FIELDS)


class _Matcher:
    def __init__(self, genes: dict[int, list[str]]) -> None:
        self.genes = genes

    def record_genes(self, record: int) -> list[str]:
        return self.genes[record]


def test_gene_mention_precision_lists_false_positives_and_misses():
    matcher = _Matcher({1: ["LYN", "CD2"], 2: []})
    out = ev.gene_mention_precision(
        matcher=matcher, background={1: 1, 2: 2}, truth={(1, "LYN"), (2, "ESR1")}
    )
    assert (out["records"], out["reported"], out["true_positive"]) == (2, 2, 1)
    assert out["precision"] == 0.5 and out["recall"] == 0.5
    assert out["false_positives"] == ["1/CD2"] and out["missed"] == ["2/ESR1"]
