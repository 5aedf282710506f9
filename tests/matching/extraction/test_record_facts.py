"""Record facts: the subtypes read are the vocabulary's."""

from __future__ import annotations

from evidencewatch.core.vocabulary import SUBTYPES
from evidencewatch.matching.extraction import record_facts


def test_subtypes_read_are_the_vocabularys_subtypes():
    assert set(record_facts._SUBTYPE_NAMES.values()) == set(SUBTYPES)
