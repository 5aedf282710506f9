"""Rule-score ties: a shared score is fine only between candidates of the same evidence."""

from __future__ import annotations

from evidencewatch.evaluation.ties import rule_score_ties
from factories import make_candidate, make_paper

REASONS = [
    {"feature": "gene_mentioned", "weight": 10.0, "detail": "LYN named 2x as LYN"},
    {"feature": "breast_context", "weight": 15.0, "detail": "breast cancer"},
]
OTHER = [
    {"feature": "gene_mentioned", "weight": 10.0, "detail": "LYN named 2x as LYN"},
    {"feature": "gene_in_title", "weight": 20.0, "detail": "in the title"},
]


def test_ties_of_the_same_evidence_are_told_apart_from_ties_that_hide_a_difference(session):
    papers = [make_paper(session) for _ in range(5)]
    make_candidate(session, papers[0], "LYN", score=40.0, reasons=REASONS)
    make_candidate(session, papers[1], "LYN", score=40.0, reasons=REASONS)
    make_candidate(session, papers[2], "LYN", score=60.0, reasons=REASONS)
    make_candidate(session, papers[2], "ESR1", score=60.0, reasons=OTHER)
    make_candidate(session, papers[3], "LYN", score=70.0, reasons=OTHER)
    make_candidate(session, papers[4], "LYN", score=40.0, reasons=REASONS)  # not in the set

    ties = rule_score_ties(session=session, pmids=[p.pmid for p in papers[:4]])

    assert ties["candidates"] == 5 and ties["distinct_scores"] == 3
    assert ties["tied_same_evidence"] == 2 and ties["tied_different_evidence"] == 2
    assert ties["distinct_share"] == 1 - 2 / 5
