"""The compiled extraction tables: the built-in therapy table uses the vocabulary's classes."""

from __future__ import annotations

from evidencewatch.core.vocabulary import THERAPY_CLASSES
from evidencewatch.matching.extraction.tables import DEFAULT_THERAPY


def test_default_therapy_table_has_exactly_the_vocabularys_therapy_classes():
    assert set(DEFAULT_THERAPY) == set(THERAPY_CLASSES)
