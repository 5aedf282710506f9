"""The change in what was measured: the alteration says what, the change how it moved.

Every sentence here is invented for the test; none is taken from a paper.
"""

from __future__ import annotations

import pytest

from evidencewatch.core.vocabulary import ALTERATION_CHANGES, ALTERATIONS
from evidencewatch.matching.extraction import change as change_module
from evidencewatch.matching.extraction.change import agree_with_change, read_change
from matching.extraction.reading import read


@pytest.mark.parametrize(
    ("sentence", "alteration", "change", "direction"),
    [
        ("SRPK1 mRNA was higher in tamoxifen-resistant tumours.", "mRNA", "over-expression", "up"),
        ("Loss of SRPK1 protein predicted tamoxifen resistance.", "protein", "loss", "down"),
        (
            "Low SRPK1 protein by IHC predicted tamoxifen resistance.",
            "protein",
            "under-expression",
            "down",
        ),
        (
            "SRPK1 amplification predicted tamoxifen resistance.",
            "copy_number",
            "amplification",
            "up",
        ),
        (
            "High SRPK1 copy number predicted tamoxifen resistance.",
            "copy_number",
            "amplification",
            "up",
        ),
        (
            "Homozygous deletion of SRPK1 predicted tamoxifen resistance.",
            "copy_number",
            "deletion",
            "down",
        ),
        (
            "Activating SRPK1 mutations predicted tamoxifen resistance.",
            "mutation",
            "activation",
            "up",
        ),
        (
            "Truncating SRPK1 mutations predicted tamoxifen resistance.",
            "mutation",
            "inactivation",
            "down",
        ),
        (
            "SRPK1 promoter hypermethylation predicted tamoxifen resistance.",
            "methylation",
            "loss",
            "down",
        ),
    ],
)
def test_the_measurement_and_the_change_are_read_apart(sentence, alteration, change, direction):
    result = read(sentence)
    assert (result.alteration, result.evidence["alteration_change"]) == (alteration, change)
    assert result.evidence["alteration"] == f"{change}: {sentence}"
    assert result.direction == direction == ALTERATION_CHANGES[change]


def test_a_knockdown_is_not_a_change_of_the_gene():
    result = read("SRPK1 mRNA knockdown restored tamoxifen sensitivity.")
    assert result.alteration == "mRNA"
    assert "alteration_change" not in result.evidence
    assert result.evidence["alteration"] == "SRPK1 mRNA knockdown restored tamoxifen sensitivity."


def test_a_mutation_without_its_kind_has_no_change():
    result = read("SRPK1 mutations were more frequent in tamoxifen-resistant tumours.")
    assert result.alteration == "mutation"
    assert "alteration_change" not in result.evidence


def test_the_change_gives_a_direction_to_a_candidate_that_has_none():
    result = read(
        "Tamoxifen resistance and SRPK1.",
        abstract="Tamoxifen resistance and SRPK1. SRPK1 protein was overexpressed in 120 tumours.",
    )
    assert result.direction == "up"
    assert result.evidence["direction"].startswith("over-expression: ")


def test_a_change_that_contradicts_the_effects_direction_is_dropped():
    evidence = {"alteration": "loss: Loss of X was seen.", "alteration_change": "loss"}
    assert agree_with_change("up", "resistance", evidence) == "up"
    assert evidence == {"alteration": "Loss of X was seen."}


def test_no_association_takes_no_direction_from_the_change():
    evidence = {"alteration": "amplification: X.", "alteration_change": "amplification"}
    assert agree_with_change(None, "no_association", evidence) is None


def test_every_change_read_is_in_the_vocabulary():
    changes = {c for _, c in change_module._WORD_CHANGES}
    changes |= {c for c in change_module._REFINED.values() if c is not None}
    assert changes <= set(ALTERATION_CHANGES)
    assert {a for a, _ in change_module._REFINED} <= set(ALTERATIONS)


def test_read_change_names_the_word_it_read():
    sentence = "We found SRPK1 amplified in resistant tumours."
    start = sentence.index("SRPK1")
    assert read_change(sentence, [(start, start + 5)], "copy_number") == (
        "amplification",
        "amplified",
    )
