"""Effect and direction read through the experiment: knockdown, re-expression, loss.

Every sentence here is invented for the test; none is taken from a paper.
"""

from __future__ import annotations

import pytest

from evidencewatch.matching.extraction.effect import effect_direction
from evidencewatch.matching.extraction.tables import tables
from matching.extraction.reading import WATCHLIST, direction_effect, read

# --- the three readings the issue names ---------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Silencing SRPK1 restores sensitivity to tamoxifen.",
        "SRPK1 silencing restored the response of resistant cells to letrozole.",
        "Knockdown of SRPK1 abolished tamoxifen resistance.",
        "Tamoxifen resistance was reversed by SRPK1 knockdown.",
        "SRPK1-silenced cells regained sensitivity to tamoxifen.",
        "SRPK1 inhibitors made resistant cells sensitive again to tamoxifen.",
        "SRPK1 knockdown decreased the IC50 of paclitaxel.",
        "Depletion of SRPK1 enhanced paclitaxel-induced apoptosis.",
        "Depleting SRPK1, but not BARD1, reduced growth of resistant cells on tamoxifen.",
        "Depleting SRPK1, but not BARD1, restored the antiproliferative effect of tamoxifen.",
        "Resistance to tamoxifen was reduced by SRPK1 knockdown.",
        "shRNA-mediated depletion of SRPK1 enhanced the cytotoxicity of paclitaxel.",
        "Silencing SRPK1 by siRNA increased apoptosis induced by doxorubicin.",
        "Transfection of SRPK1 siRNA sensitized resistant cells to paclitaxel.",
    ],
)
def test_silencing_that_restores_sensitivity_means_high_gene_gives_resistance(sentence):
    assert direction_effect(sentence) == ("up", "resistance")


@pytest.mark.parametrize(
    "sentence",
    [
        "Loss of SRPK1 confers resistance to tamoxifen.",
        "SRPK1 knockdown reduced sensitivity to paclitaxel.",
        "SRPK1-deficient cells were less responsive to doxorubicin.",
        "Tamoxifen resistance was induced by SRPK1 knockdown.",
        "Resistant tumours lost SRPK1 expression after tamoxifen.",
        "SRPK1 loss led to reduced tamoxifen sensitivity.",
    ],
)
def test_loss_that_confers_resistance_means_low_gene_gives_resistance(sentence):
    assert direction_effect(sentence) == ("down", "resistance")


@pytest.mark.parametrize(
    "sentence",
    [
        "SRPK1 did not alter sensitivity to tamoxifen.",
        "SRPK1 knockdown had no effect on tamoxifen sensitivity.",
        "Knockdown of SRPK1 failed to sensitize cells to paclitaxel.",
        "Neither overexpression nor knockdown of SRPK1 altered sensitivity to doxorubicin.",
        "SRPK1 expression was unchanged in tamoxifen-resistant cells.",
        "SRPK1 levels were similar in resistant and sensitive cells after tamoxifen.",
        "SRPK1 expression was independent of tamoxifen response.",
        "Sensitivity to paclitaxel was unaffected by SRPK1 depletion.",
    ],
)
def test_a_gene_that_did_not_alter_sensitivity_has_no_association(sentence):
    assert direction_effect(sentence) == (None, "no_association")
    assert "negated" in read(sentence).evidence["effect"]


# --- re-expression, restoration and other gain experiments --------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Re-expression of SRPK1 in resistant cells restored sensitivity to doxorubicin.",
        "Restoring SRPK1 expression re-sensitized tamoxifen-resistant cells.",
        "Restoration of SRPK1 reversed paclitaxel resistance.",
        "SRPK1 re-expression sensitized resistant cells to tamoxifen.",
        "Restored SRPK1 expression made resistant cells sensitive again to tamoxifen.",
        "Overexpression of SRPK1 in resistant cells restored sensitivity to tamoxifen.",
        "Forced SRPK1 expression overcame letrozole resistance.",
    ],
)
def test_re_expression_that_restores_sensitivity_means_low_gene_gives_resistance(sentence):
    result = read(sentence)
    assert (result.direction, result.effect) == ("down", "resistance")
    assert "re-expression-restores" in result.evidence["direction"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Ectopic expression of SRPK1 conferred resistance to paclitaxel.",
        "Forced SRPK1 expression rendered MCF-7 cells resistant to tamoxifen.",
        "SRPK1 overexpression increased the IC50 of doxorubicin.",
        "SRPK1 overexpression attenuated paclitaxel-induced apoptosis.",
        "SRPK1 overexpression protected cells from paclitaxel-induced apoptosis.",
        "Sensitivity to paclitaxel was reduced by SRPK1 overexpression.",
    ],
)
def test_a_gain_experiment_that_confers_resistance_stays_up(sentence):
    assert direction_effect(sentence) == ("up", "resistance")


def test_a_gain_experiment_that_sensitizes_without_restoring_stays_up_with_sensitivity():
    assert direction_effect("Ectopic SRPK1 expression sensitized cells to paclitaxel.") == (
        "up",
        "sensitivity",
    )


def test_an_observed_direction_beats_a_re_expression_experiment():
    result = read(
        "Re-expression of SRPK1 restored sensitivity to tamoxifen.",
        "Low SRPK1 predicted a better response to tamoxifen in 200 patients.",
    )
    assert (result.direction, result.effect) == ("down", "sensitivity")


# --- comparisons and correlations ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "direction"),
    [
        (
            "Compared with resistant cells, sensitive cells had higher SRPK1 after tamoxifen.",
            "down",
        ),
        ("Compared with sensitive cells, resistant cells had higher SRPK1 after tamoxifen.", "up"),
        ("Relative to parental cells, tamoxifen-resistant cells had lower SRPK1.", "down"),
        ("Tamoxifen-resistant cells expressed more SRPK1 than parental cells.", "up"),
        ("Tamoxifen-resistant cells expressed less SRPK1 than parental cells.", "down"),
    ],
)
def test_a_comparison_gives_the_direction_in_the_resistant_group(sentence, direction):
    assert direction_effect(sentence) == (direction, "resistance")


@pytest.mark.parametrize(
    "sentence",
    [
        "SRPK1 expression correlated inversely with sensitivity to paclitaxel.",
        "SRPK1 expression was negatively correlated with tamoxifen response.",
        "SRPK1 expression was positively correlated with paclitaxel resistance.",
    ],
)
def test_a_signed_correlation_of_the_genes_level_is_up_with_the_signed_effect(sentence):
    assert direction_effect(sentence) == ("up", "resistance")


def test_negative_correlation_with_resistance_is_sensitivity():
    assert direction_effect("SRPK1 levels correlated negatively with tamoxifen resistance.") == (
        "up",
        "sensitivity",
    )


# --- outcome words that hide their sign ---------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Cells with high SRPK1 were less sensitive to paclitaxel.",
        "Patients with SRPK1-high tumours had a lower pCR rate after chemotherapy.",
        "High SRPK1 expression was associated with a lower likelihood of pCR after chemotherapy.",
        "High SRPK1 was associated with decreased response to tamoxifen.",
        "SRPK1 was higher in tumours without a pathological complete response to paclitaxel.",
        "Patients with high SRPK1 were less likely to respond to tamoxifen.",
    ],
)
def test_fewer_responses_with_high_gene_is_resistance_not_sensitivity(sentence):
    assert direction_effect(sentence) == ("up", "resistance")


def test_a_resistance_driven_by_the_gene_stays_resistance_when_a_drug_overcomes_it():
    result = read("SRPK1-driven trastuzumab resistance was overcome by adding lapatinib.")
    assert result.effect == "resistance"


# --- negation, exclusion, hedging and questions -------------------------------------------


def test_the_gene_before_but_not_keeps_the_effect_and_the_excluded_gene_has_none():
    sentence = "SRPK1, but not BARD1, conferred resistance to tamoxifen."
    assert read(sentence).effect == "resistance"
    excluded = read(sentence, gene="BARD1")
    assert (excluded.direction, excluded.effect) == (None, "no_association")
    assert "but not" in excluded.evidence["effect"]


def test_a_hedged_statement_keeps_its_effect_and_says_it_is_hedged():
    result = read("SRPK1 may confer resistance to tamoxifen.")
    assert result.effect == "resistance"
    assert result.evidence["effect"].startswith("hedged ('may')")


def test_a_plain_statement_beats_a_hedged_one_even_from_an_experiment():
    result = read(
        "Low SRPK1 might predict a better response to tamoxifen.",
        "Knockdown of SRPK1 sensitized resistant cells to tamoxifen.",
    )
    assert (result.direction, result.effect) == ("up", "resistance")
    assert "knockdown-sensitizes" in result.evidence["direction"]


def test_the_plain_clause_of_a_sentence_states_the_effect_before_a_hedged_one():
    sentence = (
        "SRPK1 knockdown restored tamoxifen sensitivity; SRPK1 loss could also confer "
        "resistance to paclitaxel."
    )
    assert direction_effect(sentence) == ("up", "resistance")


@pytest.mark.parametrize(
    "sentence",
    [
        "We asked whether loss of SRPK1 confers resistance to tamoxifen.",
        "Whether high SRPK1 predicts resistance to paclitaxel remains unclear.",
        "We sought to determine if SRPK1 loss drives tamoxifen resistance.",
    ],
)
def test_a_question_states_no_effect_and_no_direction(sentence):
    assert direction_effect(sentence) == (None, None)


def test_a_question_answered_in_the_same_sentence_states_the_answer():
    sentence = (
        "We asked whether SRPK1 is involved in tamoxifen resistance and found that high "
        "SRPK1 predicted relapse."
    )
    assert direction_effect(sentence) == ("up", "resistance")


def test_no_response_difference_is_no_association():
    sentence = "There was no response difference between SRPK1-high and SRPK1-low tumours."
    assert direction_effect(sentence) == (None, "no_association")


def test_a_question_gives_way_to_the_answer():
    result = read(
        "We asked whether loss of SRPK1 confers resistance to tamoxifen.",
        "SRPK1 knockdown sensitized resistant cells to tamoxifen.",
    )
    assert (result.direction, result.effect) == ("up", "resistance")


def test_irrespective_of_whether_is_a_condition_not_a_question():
    sentence = (
        "High SRPK1 predicted tamoxifen resistance irrespective of whether HER2 was amplified."
    )
    assert direction_effect(sentence) == ("up", "resistance")


def test_effect_direction_ranks_plain_before_hedged_before_inferred():
    compiled = tables(WATCHLIST)
    evidence: dict[str, str] = {}
    hedged = "High SRPK1 may predict tamoxifen resistance."
    plain = "Low SRPK1 predicted a better response to tamoxifen."
    result = effect_direction([(hedged, [(5, 10)]), (plain, [(4, 9)])], compiled, evidence)
    assert result == ("sensitivity", "down")
    assert evidence["direction"] == plain
