"""Tokens: word 1-2-grams that keep negations and directions."""

from __future__ import annotations

from evidencewatch.ranking.tokens import analyze


def test_tokens_are_words_and_word_pairs_without_stop_words():
    assert analyze("The GENE_TARGET knockdown") == (
        "gene_target",
        "knockdown",
        "gene_target knockdown",
    )


def test_negations_and_directions_are_kept():
    tokens = analyze("not associated with up-regulation")
    assert "not" in tokens and "not associated" in tokens and "up-regulation" in tokens
