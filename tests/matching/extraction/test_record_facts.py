"""Record facts: subtype and model system, in the vocabulary's values.

Every sentence here is invented for the test; none is taken from a paper.
"""

from __future__ import annotations

import pytest

from evidencewatch.core.vocabulary import MODEL_SYSTEMS, SUBTYPES
from evidencewatch.matching.extraction import record_facts
from matching.extraction.reading import read


def test_subtypes_read_are_the_vocabularys_subtypes():
    assert set(record_facts._SUBTYPE_NAMES.values()) == set(SUBTYPES)


# --- model system -------------------------------------------------------------------------


def test_model_systems_read_are_the_vocabularys():
    assert set(record_facts._MODEL_GROUPS) == set(MODEL_SYSTEMS)


@pytest.mark.parametrize(
    ("abstract", "model"),
    [
        ("Patient-derived organoids were grown from resistant tumours.", "organoid"),
        ("SRPK1 was silenced in tamoxifen-resistant organoids and MCF-7 cells.", "organoid"),
        ("PDOs resistant to paclitaxel were studied.", "organoid"),
        ("Patient-derived xenografts were treated with paclitaxel.", "xenograft"),
        ("Organoids and xenografts were both treated with paclitaxel.", "xenograft"),
        ("In this review, we discuss SRPK1 in tamoxifen resistance.", "review"),
        ("We review SRPK1 in 40 cohorts and many cell lines.", "review"),
    ],
)
def test_organoids_and_reviews_are_model_systems_of_their_own(abstract, model):
    result = read("SRPK1 predicted tamoxifen resistance.", abstract=abstract)
    assert result.model_system == model
    assert result.evidence["model_system"] == abstract


def test_a_review_by_publication_type_is_a_review_whatever_models_it_names():
    result = read(
        "SRPK1 predicted tamoxifen resistance.",
        title="SRPK1 and endocrine resistance",
        abstract="SRPK1 was silenced in MCF-7 cells and studied in 300 patients.",
        publication_types=("Journal Article", "Review"),
    )
    assert result.model_system == "review"
    assert result.cell_lines == ("MCF-7",)
    assert result.evidence["model_system"] == "SRPK1 and endocrine resistance"
