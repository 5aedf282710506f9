"""The status rules: each status is reached, in the written order, by the pure rule function."""

from __future__ import annotations

import pytest

from evidencewatch.core.vocabulary import SummaryStatus
from evidencewatch.reporting.summary.rules import RULES, Tally, finding_status, names_new_subtype


@pytest.mark.parametrize(
    ("tally", "expected"),
    [
        (Tally(), "unchanged"),
        (Tally(supporting=1), "supported"),
        (Tally(supporting=3, new_subtype=True), "extended"),
        (Tally(supporting=2, opposing=1), "contested"),
        (Tally(supporting=1, no_association=1), "contested"),
        (Tally(opposing=1), "contested"),  # one opposing study alone does not contradict
        (Tally(supporting=1, opposing=2), "contradicted"),
        (Tally(opposing=2), "contradicted"),
        (Tally(supporting=2, opposing=2), "contested"),  # a tie is contested, not contradicted
        (Tally(retracted_supporting=1), "support retracted"),
        (Tally(cited_retracted=True, supporting=4), "support retracted"),
        (Tally(supporting=1, retracted_supporting=1), "supported"),  # live support remains
    ],
)
def test_each_status_follows_from_the_tally(tally: Tally, expected: str):
    assert finding_status(tally).value == expected


def test_a_retracted_citation_outranks_opposition_and_opposition_outranks_a_new_subtype():
    assert finding_status(Tally(cited_retracted=True, opposing=3)) == "support retracted"
    assert finding_status(Tally(supporting=2, opposing=1, new_subtype=True)) == "contested"


def test_the_written_rules_name_every_status_once_in_the_order_tried():
    assert [status for status, _rule in RULES] == [
        "support retracted",
        "contradicted",
        "contested",
        "extended",
        "supported",
        "unchanged",
    ]
    assert {status for status, _rule in RULES} == {s.value for s in SummaryStatus}


@pytest.mark.parametrize(
    ("finding_subtype", "line_subtype", "new"),
    [
        ("not specified", "triple-negative", True),
        ("HER2-positive luminal B", "luminal B", False),
        ("HER2-negative; basal-like", "basal-like", False),
        ("HER2-negative; basal-like", "luminal A", True),
        ("not specified", None, False),
        ("not specified", "", False),
    ],
)
def test_a_new_subtype_is_one_the_finding_does_not_state(finding_subtype, line_subtype, new):
    assert names_new_subtype(finding_subtype, line_subtype) is new
