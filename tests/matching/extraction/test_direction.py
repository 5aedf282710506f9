"""Direction triggers: which words about the gene say up or down, and which are experiments.

Every phrase here is invented for the test; none is taken from a paper.
"""

from __future__ import annotations

import pytest

from evidencewatch.matching.extraction.direction import find_triggers


def first(sentence: str, gene: str = "SRPK1"):
    start = sentence.index(gene)
    triggers = find_triggers(sentence, [(start, start + len(gene))], [])
    assert triggers, sentence
    return triggers[0]


@pytest.mark.parametrize(
    ("sentence", "restores"),
    [
        ("Ectopic expression of SRPK1 in MCF-7 cells", False),
        ("Forced SRPK1 expression in MCF-7 cells", False),
        ("cells transfected with SRPK1", False),
        ("Re-expression of SRPK1 in resistant cells", True),
        ("SRPK1 re-expression in resistant cells", True),
        ("Restoration of SRPK1 in resistant cells", True),
        ("Restoring SRPK1 in resistant cells", True),
        ("cells in which SRPK1 was re-expressed", True),
    ],
)
def test_gain_experiments_are_up_from_an_experiment(sentence, restores):
    trigger = first(sentence)
    assert (trigger.direction, trigger.gain, trigger.perturb) == ("up", True, False)
    assert trigger.restores is restores


def test_a_knockdown_is_a_down_perturbation_not_a_gain():
    trigger = first("Knockdown of SRPK1 in resistant cells")
    assert (trigger.direction, trigger.perturb, trigger.gain) == ("down", True, False)


@pytest.mark.parametrize(
    ("sentence", "direction"),
    [
        ("resistant cells expressed more SRPK1", "up"),
        ("resistant cells expressed less SRPK1", "down"),
    ],
)
def test_more_and_less_before_the_gene_give_its_direction(sentence, direction):
    assert first(sentence).direction == direction


def test_more_after_the_gene_says_nothing():
    sentence = "SRPK1 made cells more invasive"
    start = sentence.index("SRPK1")
    assert find_triggers(sentence, [(start, start + 5)], []) == []
