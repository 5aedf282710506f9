"""The query language: PubMed's left-to-right operators, syntax errors and a term's phrases."""

from __future__ import annotations

import pytest

from evidencewatch.testing.fake import FakeEutils, QuerySyntaxError, parse_query, query_phrases
from testing.fake.samples import esearch, sample_records


def test_boolean_operators_evaluate_left_to_right_like_pubmed():
    tree = parse_query("a OR b AND c")
    assert tree.op == "AND" and tree.left.op == "OR"  # (a OR b) AND c: no precedence


def test_query_phrases_lists_a_terms_vocabulary_for_known_phrases():
    term = '("GENEZZZ"[tiab] OR GENEY) AND resist*[tiab] AND 2026/01/01:2026/02/01[crdt] NOT 5[uid]'
    assert query_phrases(term) == ["GENEZZZ", "GENEY", "resist*"]
    with FakeEutils(sample_records(), known_phrases=query_phrases(term)) as fake:
        assert esearch(fake, term).find("ErrorList") is None


@pytest.mark.parametrize(
    "term", ['"unterminated', "(GENEA OR GENEC", "GENEA AND", "GENEA )", "AND x"]
)
def test_syntax_errors_are_an_ERROR_element(fake, term):
    root = esearch(fake, term)
    assert root.findtext("ERROR").startswith("Invalid query syntax")
    with pytest.raises(QuerySyntaxError):
        parse_query(term)
