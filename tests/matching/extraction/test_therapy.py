"""Therapy class and agents: the therapy the gene resists, not a way out of it.

Every sentence here is invented for the test; none is taken from a paper.
"""

from __future__ import annotations

import pytest

from evidencewatch.matching.extraction.therapy import way_out_spans
from matching.extraction.reading import read


@pytest.mark.parametrize(
    ("sentence", "therapy_class", "agents"),
    [
        (
            "Loss of SRPK1 confers resistance to tamoxifen and may create a vulnerability to "
            "platinum.",
            "endocrine",
            ("tamoxifen",),
        ),
        (
            "SRPK1 loss drives letrozole resistance; SRPK1-deficient tumours are synthetically "
            "lethal with cisplatin.",
            "endocrine",
            ("letrozole",),
        ),
        (
            "SRPK1-driven trastuzumab resistance was overcome by adding paclitaxel.",
            "anti-HER2",
            ("trastuzumab",),
        ),
        (
            "High SRPK1 marked letrozole resistance, and such patients could benefit from "
            "doxorubicin.",
            "endocrine",
            ("letrozole",),
        ),
        (
            "High SRPK1 predicted relapse on tamoxifen; switching to paclitaxel rescued them.",
            "endocrine",
            ("tamoxifen",),
        ),
    ],
)
def test_an_agent_named_only_as_a_vulnerability_or_a_rescue_is_not_the_therapy(
    sentence, therapy_class, agents
):
    result = read(sentence)
    assert (result.therapy_class, result.agents) == (therapy_class, agents)


def test_the_vulnerability_is_the_therapy_when_the_paper_names_no_other():
    result = read("SRPK1 loss may create a vulnerability to cisplatin.")
    assert (result.therapy_class, result.agents) == ("chemotherapy", ("cisplatin",))
    assert result.evidence["agents"].startswith("named only as a vulnerability or a rescue")


def test_an_agent_also_named_as_the_resisted_therapy_stays():
    result = read(
        "SRPK1 marked paclitaxel resistance, and paclitaxel resistance was overcome by adding "
        "doxorubicin."
    )
    assert result.agents == ("paclitaxel",)


def test_the_resisted_therapy_may_come_from_the_rest_of_the_record():
    result = read(
        "SRPK1-low tumours may be exploited with cisplatin.",
        abstract="SRPK1 loss predicted tamoxifen resistance in 200 patients. "
        "SRPK1-low tumours may be exploited with cisplatin.",
    )
    assert (result.therapy_class, result.agents) == ("endocrine", ("tamoxifen",))


def test_alternative_splicing_is_not_an_alternative_therapy():
    result = read("Alternative splicing by SRPK1 drives tamoxifen resistance.")
    assert result.agents == ("tamoxifen",)
    assert way_out_spans("Alternative splicing by SRPK1 drives tamoxifen resistance.") == []


def test_a_way_out_runs_to_the_end_of_its_clause():
    text = "X may create a vulnerability to platinum; tamoxifen resistance persisted."
    ((start, end),) = way_out_spans(text)
    assert text[start:end] == "vulnerability to platinum"
