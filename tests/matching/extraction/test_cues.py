"""Effect cues: which words of a clause say resistance and which sensitivity.

Every phrase here is invented for the test; none is taken from a paper.
"""

from __future__ import annotations

import pytest

from evidencewatch.matching.extraction.cues import effect_spans, restores
from evidencewatch.matching.extraction.tables import tables
from matching.extraction.reading import WATCHLIST

COMPILED = tables(WATCHLIST)


def kinds(clause: str) -> list[str]:
    return [kind for _, _, kind, _ in effect_spans(clause, COMPILED)]


@pytest.mark.parametrize(
    "clause",
    [
        "cells were less sensitive to paclitaxel",
        "cells were less responsive to doxorubicin",
        "a lower pCR rate after chemotherapy",
        "a lower likelihood of pCR",
        "fewer complete responses to chemotherapy",
        "a decreased response to tamoxifen",
        "less likely to respond to letrozole",
        "tumours without a pathological complete response",
        "knockdown increased the IC50 of paclitaxel",
        "a higher IC50 for doxorubicin",
        "it attenuated paclitaxel-induced apoptosis",
        "tamoxifen sensitivity was markedly reduced",
        "sensitivity to paclitaxel was reduced",
        "patients unlikely to benefit from tamoxifen",
        "a shorter time to progression on letrozole",
        "it protected cells from paclitaxel-induced apoptosis",
        "tumours with no pCR after chemotherapy",
    ],
)
def test_phrases_of_fewer_responses_are_resistance_cues(clause):
    assert kinds(clause) == ["R"]


@pytest.mark.parametrize(
    "clause",
    [
        "knockdown decreased the IC50 of paclitaxel",
        "a lower IC50 for doxorubicin",
        "it enhanced paclitaxel-induced apoptosis",
        "tamoxifen resistance was reversed",
        "trastuzumab resistance could be overcome",
        "cells regained sensitivity to tamoxifen",
        "cells were less resistant to tamoxifen",
        "it reduced growth of tamoxifen-resistant cells",
        "resistance to tamoxifen was reduced",
        "it restored the antiproliferative effect of tamoxifen",
        "it enhanced the cytotoxicity of paclitaxel",
        "it increased apoptosis induced by doxorubicin",
    ],
)
def test_phrases_of_drugs_working_again_are_sensitivity_cues(clause):
    assert kinds(clause) == ["S"]


def test_an_inverse_correlation_turns_the_effect_word_over():
    assert kinds("levels correlated inversely with sensitivity to paclitaxel") == ["R"]
    assert kinds("levels were negatively associated with tamoxifen resistance") == ["S"]


def test_a_lower_pcr_rate_is_one_resistance_cue_not_a_pcr_as_well():
    spans = effect_spans("a lower pCR rate", COMPILED)
    assert [(kind, descriptor) for _, _, kind, descriptor in spans] == [("R", False)]


@pytest.mark.parametrize(
    ("clause", "restoring"),
    [
        ("it restored sensitivity to tamoxifen", True),
        ("tamoxifen resistance was reversed", True),
        ("cells were sensitive again to tamoxifen", True),
        ("it sensitized cells to paclitaxel", False),
        ("it enhanced the response to tamoxifen", False),
    ],
)
def test_restores_tells_a_cue_that_gives_back_lost_sensitivity(clause, restoring):
    cues = [c for c in effect_spans(clause, COMPILED) if c[2] == "S"]
    assert cues
    assert any(restores(clause, c) for c in cues) is restoring


@pytest.mark.parametrize(
    "clause",
    [
        "it enhanced the effects of estrogen on proliferation",
        "it protected cells from TNF-induced apoptosis",
        "it increased apoptosis induced by serum starvation",
    ],
)
def test_a_drug_effect_phrase_without_a_treatment_is_no_cue(clause):
    assert kinds(clause) == []


def test_no_response_difference_is_not_a_resistance_cue():
    assert kinds("there was no response difference between groups") == ["S"]
