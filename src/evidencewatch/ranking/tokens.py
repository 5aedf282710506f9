"""The model's tokens: word 1-2-grams of gene-normalised text."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Stop words that carry meaning here ("not associated", "no longer", "less sensitive").
_KEPT_WORDS = frozenset({"not", "no", "nor", "less", "more", "without", "against", "down", "up"})
_TOKEN = re.compile(r"(?u)\b\w[\w\-]*\w\b|\b\w\b")


@functools.lru_cache(maxsize=8192)
def _analyze_cached(text: str) -> tuple[str, ...]:
    words = _TOKEN.findall(unicodedata.normalize("NFKD", text).lower())
    words = [w for w in words if w not in ENGLISH_STOP_WORDS or w in _KEPT_WORDS]
    return (*words, *(f"{a} {b}" for a, b in itertools.pairwise(words)))


def analyze(text: str) -> tuple[str, ...]:
    """Word 1-2-grams, lower-cased, stop words out except negations and directions."""
    return _analyze_cached(text)
