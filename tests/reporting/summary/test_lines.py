"""Which side of a seed finding an accepted line falls on, or none (a new row)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from evidencewatch.reporting.summary.lines import Line, row_key, side_of

RESISTANCE = SimpleNamespace(
    id="f", genes=["SLC7A5"], therapy_class="chemotherapy", direction="up",
    effect="resistance", alteration="mRNA",
)  # fmt: skip
NO_ASSOCIATION = SimpleNamespace(
    id="n", genes=["NEIL1", "EME2"], therapy_class="radiotherapy", direction="none",
    effect="no_association", alteration="mRNA",
)  # fmt: skip


def line(**kw) -> Line:
    values = dict(
        candidate_id=1, pmid=1, gene="SLC7A5", therapy_class="chemotherapy", direction="up",
        effect="resistance", alteration="mRNA", subtype=None, model_system=None,
        evidence_level=None, statement=None, title="", year=None, text_source="abstract",
        retracted=False,
    )  # fmt: skip
    values.update(kw)
    return Line(**values)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "supporting"),
        ({"alteration": None}, "supporting"),  # no alteration given: any alteration
        ({"direction": "down"}, "opposing"),
        ({"effect": "sensitivity"}, "opposing"),
        ({"effect": "no_association", "direction": "none"}, "no_association"),
        ({"therapy_class": "endocrine"}, None),  # another therapy class: a new row
        ({"alteration": "mutation"}, None),  # another alteration: a new row
        ({"direction": "down", "effect": "sensitivity"}, None),  # says the same, not "same"
        ({"gene": "CYP3A4"}, None),
        ({"direction": "mixed"}, None),
    ],
)
def test_a_line_is_supporting_opposing_no_association_or_not_covered(fields, expected):
    assert side_of(RESISTANCE, line(**fields)) == expected


def test_a_no_association_finding_is_supported_by_no_association_and_opposed_by_an_effect():
    base = {"gene": "EME2", "therapy_class": "radiotherapy"}
    assert side_of(NO_ASSOCIATION, line(**base, direction="none", effect="no_association")) == (
        "supporting"
    )
    assert side_of(NO_ASSOCIATION, line(**base, direction="up")) == "opposing"


def test_new_row_keys_name_gene_therapy_alteration_direction_and_effect():
    assert row_key(line(therapy_class=None, alteration="mutation")) == (
        "SLC7A5|unspecified|mutation|up|resistance"
    )
