"""How a clause states its effect: negation, hedging, questions, exclusions, clauses.

Every phrase here is invented for the test; none is taken from a paper.
"""

from __future__ import annotations

import pytest

from evidencewatch.matching.extraction.modality import (
    clauses,
    exclusions,
    hedge,
    negation,
    unresolved,
)


@pytest.mark.parametrize(
    ("clause", "word"),
    [
        ("SRPK1 was not associated with response", "not"),
        ("SRPK1 remained unchanged in resistant cells", "unchanged"),
        ("sensitivity was unaffected by SRPK1 loss", "unaffected"),
        ("levels were similar in resistant and sensitive cells", "similar in"),
        ("SRPK1 was independent of response", "was independent of"),
        ("SRPK1 knockdown failed to sensitize cells", "failed to"),
    ],
)
def test_negation_names_the_word_that_negates(clause, word):
    assert negation(clause) == word


@pytest.mark.parametrize(
    "clause",
    [
        "SRPK1 predicted not only relapse but also resistance",
        "SRPK1 was an independent predictor of resistance",
        "we tested whether or not SRPK1 predicted resistance",
    ],
)
def test_not_only_and_an_independent_predictor_are_not_negations(clause):
    assert negation(clause) is None


@pytest.mark.parametrize(
    ("clause", "word"),
    [
        ("SRPK1 may confer resistance", "may"),
        ("SRPK1 could be a target", "could"),
        ("suggesting that SRPK1 drives resistance", "suggesting"),
        ("SRPK1 appears to drive resistance", "appears to"),
        ("SRPK1 is a potential marker of resistance", "potential"),
    ],
)
def test_hedge_names_the_hedging_word(clause, word):
    assert hedge(clause) == word


def test_a_plain_statement_has_no_hedge():
    assert hedge("SRPK1 knockdown restored sensitivity to tamoxifen") is None


@pytest.mark.parametrize(
    ("clause", "asked"),
    [
        ("we asked whether SRPK1 loss confers resistance", True),
        ("its role in resistance remains poorly understood", True),
        ("we examined if SRPK1 predicts response", True),
        ("its role in resistance is well understood", False),
        ("SRPK1 predicted resistance regardless of whether HER2 was amplified", False),
        ("SRPK1 predicted resistance", False),
    ],
)
def test_unresolved_tells_a_question_from_a_statement(clause, asked):
    assert unresolved(clause) is asked


@pytest.mark.parametrize(
    ("sentence", "excluded"),
    [
        ("SRPK1, but not BARD1, conferred resistance.", "BARD1"),
        ("SRPK1 (but not BARD1) conferred resistance.", "BARD1"),
        ("Resistance was conferred by SRPK1 but not BARD1.", "BARD1"),
    ],
)
def test_exclusions_find_the_excluded_name(sentence, excluded):
    ((_, _, start, end),) = exclusions(sentence)
    assert sentence[start:end] == excluded


def test_clauses_split_at_contrast_words_and_semicolons_but_not_inside_a_masked_span():
    sentence = "SRPK1 rose; BARD1 fell, whereas ERBB2 stayed"
    assert [sentence[a:b] for a, b in clauses(sentence)] == [
        "SRPK1 rose",
        "BARD1 fell",
        "ERBB2 stayed",
    ]
    semicolon = sentence.index(";")
    assert len(clauses(sentence, [(semicolon, semicolon + 1)])) == 2


def test_but_not_before_a_phrase_without_a_name_is_no_exclusion():
    assert (
        exclusions("SRPK1 rose in resistant cells, but not in sensitive cells, on tamoxifen.") == []
    )


def test_a_question_answered_in_the_clause_is_resolved():
    assert unresolved("we asked whether SRPK1 matters and found that it does") is False
