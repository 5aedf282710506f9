"""Sentence splitting: abbreviations, decimals and lower-case words do not break a sentence.

Every sentence here is invented for the test; none is taken from a paper.
"""

from __future__ import annotations

import pytest

from evidencewatch.matching.sentences import record_sentences, split_sentences
from evidencewatch.pubmed.records import AbstractSection, PubmedRecord


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Taxanes, e.g. paclitaxel, were used.",
        "As shown by Smith et al. (2019) resistance rose.",
        "Sensitive vs. resistant cells differed.",
        "See Fig. 2 for details.",
        "Values were 0.05 and 1.5 mg.",
        "The difference was significant (p < 0.05) in MCF-7 cells.",
        "The variant p.V600E and c.35G>A were found.",
        "Samples from the U.S. Food and Drug Administration were used.",
        "Cells, i.e. MCF-7 cells, were used.",
    ],
)
def test_splitter_does_not_break_inside_a_sentence(text):
    assert _sentences(text) == [text]


def test_splitter_breaks_between_sentences_including_before_gene_names():
    text = "Resistance rose (p < 0.05). p65 was nuclear. mRNA fell! Why? 25 patients relapsed."
    assert _sentences(text) == [
        "Resistance rose (p < 0.05).",
        "p65 was nuclear.",
        "mRNA fell!",
        "Why?",
        "25 patients relapsed.",
    ]


def test_splitter_trims_whitespace_and_ignores_empty_text():
    assert _sentences("  One.   Two.  ") == ["One.", "Two."]
    assert split_sentences("   ") == []


def test_record_sentences_are_offsets_into_the_records_one_text():
    rec = PubmedRecord(
        pmid=1,
        title=" SRPK1 in resistance ",
        abstract=(
            AbstractSection("Background words. More words.", label="BACKGROUND"),
            AbstractSection("SRPK1 was high."),
        ),
    )
    found = [(rec.text[s.start : s.end], s.section) for s in record_sentences(rec)]
    assert found == [
        ("SRPK1 in resistance", "title"),
        ("Background words.", "background"),
        ("More words.", "background"),
        ("SRPK1 was high.", "abstract"),
    ]
