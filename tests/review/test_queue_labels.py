"""The queue's Why column reads as a sentence, not an internal code."""

from __future__ import annotations

from evidencewatch.core.vocabulary import REASON_LABELS
from evidencewatch.matching.scoring import WEIGHTS
from evidencewatch.review import queue as queueing
from factories import make_candidate


def test_the_strongest_rule_reason_is_shown_with_its_label(session):
    detail = "ESR1 and 'resistant' in one sentence (abstract)"
    make_candidate(
        session,
        None,
        reasons=[{"feature": "resistance_cue_same_sentence", "weight": 25.0, "detail": detail}],
    )
    [item] = queueing.queue(session=session).items
    assert item.top_reason == f"Resistance word in the gene's sentence: {detail}"
    assert "resistance_cue_same_sentence" not in item.top_reason


def test_every_rule_reason_has_a_label():
    assert set(WEIGHTS) <= set(REASON_LABELS)
