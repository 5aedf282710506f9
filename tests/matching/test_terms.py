"""TermFinder: watchlist terms in one pass, case rules and inflections."""

from __future__ import annotations

from evidencewatch.matching.terms import TermFinder


def test_term_finder_finds_exact_case_terms_only_in_their_case():
    finder = TermFinder({"disease": ("TNBC", "breast cancer")})
    assert finder.find("TNBC and Breast Cancer") == [
        (0, 4, "disease", "TNBC"),
        (9, 22, "disease", "breast cancer"),
    ]
    assert finder.find("tnbc cells") == []
