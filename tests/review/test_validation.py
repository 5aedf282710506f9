"""What a curator may submit with a decision (evidencewatch.review.validation)."""

from __future__ import annotations

import pytest

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.review.validation import (
    NOTE_LIMIT,
    check_gene_free,
    clean_text,
    reason_code,
    validate_edits,
)
from factories import make_candidate, make_paper


def test_validate_edits_normalises_each_field():
    out = validate_edits(
        {
            "gene": " ESR1 ",
            "agents": "tamoxifen, fulvestrant,, tamoxifen",
            "evidence_level": " d ",
            "direction": "",
            "therapy_class": "endocrine",
            "statement": "  ESR1 Y537S resisted tamoxifen.  ",
            "alteration": "",
        }
    )
    assert out == {
        "gene": "ESR1",
        "agents": ["tamoxifen", "fulvestrant"],
        "evidence_level": "D",
        "direction": None,
        "therapy_class": "endocrine",
        "statement": "ESR1 Y537S resisted tamoxifen.",
        "alteration": None,
    }


@pytest.mark.parametrize(
    ("edits", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"gene": "not a gene"}, "gene"),
        ({"agents": ",".join(f"a{n}" for n in range(31))}, "agents"),
        ({"effect": "magic"}, "effect"),
        ({"alteration": "x" * 201}, "alteration"),
        ({"statement": "x" * (NOTE_LIMIT + 1)}, "statement"),
    ],
)
def test_validate_edits_names_the_first_bad_field(edits, field):
    with pytest.raises(InvalidDecision, match=f"^{field}:"):
        validate_edits(edits)


def test_clean_text_strips_empties_to_none_and_enforces_the_limit():
    assert clean_text("  a note ", "note", 10) == "a note"
    assert clean_text("   ", "note", 10) is None
    assert clean_text(None, "note", 10) is None
    with pytest.raises(InvalidDecision, match="note: at most 3 characters, got 4"):
        clean_text("four", "note", 3)


def test_reason_code_accepts_only_reject_reason_codes():
    assert reason_code("duplicate") == "duplicate"
    with pytest.raises(InvalidDecision, match="reason: 'meh' is not a reject reason"):
        reason_code("meh")


def test_check_gene_free_refuses_a_gene_the_paper_already_has(session):
    paper = make_paper(session)
    cand = make_candidate(session, paper, "ESR1")
    make_candidate(session, paper, "ERBB2")
    check_gene_free(session=session, candidate=cand, gene="PGR")
    with pytest.raises(InvalidDecision, match="already has a candidate for ERBB2"):
        check_gene_free(session=session, candidate=cand, gene="ERBB2")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("cell line", "cell_line"), ("Cell lines", "cell_line"), ("cell_line", "cell_line"),
     ("PDX", "xenograft"), ("patient cohort", "patient_cohort"), ("", None)],
)  # fmt: skip
def test_model_system_is_stored_as_its_vocabulary_value(typed, stored):
    assert validate_edits({"model_system": typed}) == {"model_system": stored}


def test_a_model_system_outside_the_vocabulary_names_the_field_and_the_choices():
    with pytest.raises(InvalidDecision, match=r"model_system: 'spaceship' .*cell line"):
        validate_edits({"model_system": "spaceship"})
