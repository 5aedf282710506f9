"""The controlled vocabularies of model systems and alteration changes."""

from __future__ import annotations

import pytest

from evidencewatch.core.vocabulary import (
    ALTERATION_CHANGES,
    DIRECTIONS,
    MODEL_SYSTEM_LABELS,
    MODEL_SYSTEMS,
    model_system_value,
)


def test_model_systems_are_the_six_kinds_in_snake_case():
    assert set(MODEL_SYSTEMS) == {
        "cell_line",
        "xenograft",
        "organoid",
        "patient_cohort",
        "clinical_trial",
        "review",
    }
    assert set(MODEL_SYSTEM_LABELS) == set(MODEL_SYSTEMS)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("cell line", "cell_line"),
        ("Cell lines", "cell_line"),
        ("cell-line", "cell_line"),
        ("cell_line", "cell_line"),
        ("in vitro", "cell_line"),
        ("PDX", "xenograft"),
        ("xenografts", "xenograft"),
        ("patient-derived xenograft", "xenograft"),
        ("organoids", "organoid"),
        ("patients", "patient_cohort"),
        ("patient cohort", "patient_cohort"),
        ("Clinical trial", "clinical_trial"),
        ("trial", "clinical_trial"),
        ("systematic review", "review"),
        ("Review", "review"),
    ],
)
def test_what_curators_type_maps_to_the_vocabulary(typed, value):
    assert model_system_value(typed) == value


def test_an_empty_model_system_is_none():
    assert model_system_value("  ") is None


def test_an_unknown_model_system_names_the_choices():
    with pytest.raises(ValueError, match=r"'zebrafish' is not a model system.*cell line"):
        model_system_value("zebrafish")


def test_every_alteration_change_has_a_direction():
    assert set(ALTERATION_CHANGES.values()) <= set(DIRECTIONS)
    assert {"over-expression", "loss", "amplification", "activation"} <= set(ALTERATION_CHANGES)
