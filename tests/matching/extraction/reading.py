"""Reading invented sentences with a small watchlist: the helper of the extraction tests.

Every sentence in these tests is written for them; none is taken from a paper.
"""

from __future__ import annotations

from evidencewatch.matching.extract import Extraction, extract
from evidencewatch.matching.snippets import Snippet
from evidencewatch.pubmed.records import AbstractSection, PubmedRecord
from evidencewatch.watch.watchlist import Alias, TherapyTerms, TrackedGene, Watchlist

WATCHLIST = Watchlist(
    genes=(
        TrackedGene("SRPK1", "SRSF protein kinase 1", "HGNC:0"),
        TrackedGene("BARD1", "BRCA1 associated RING domain 1", "HGNC:0"),
        TrackedGene("ERBB2", "erb-b2 receptor tyrosine kinase 2", "HGNC:0", (Alias("HER2"),)),
    ),
    resistance_terms=("resistance", "resistant", "refractory", "non-responders"),
    sensitivity_terms=("sensitivity", "sensitive", "response", "pCR"),
    therapies=(
        TherapyTerms("chemotherapy", ("chemotherapy",), ("doxorubicin", "paclitaxel")),
        TherapyTerms("radiotherapy", ("radiotherapy",), ()),
        TherapyTerms("endocrine", ("endocrine therapy",), ("tamoxifen", "letrozole")),
        TherapyTerms("anti-HER2", ("anti-HER2",), ("trastuzumab", "lapatinib")),
    ),
    disease_terms=("breast cancer",),
)


def read(
    *sentences: str,
    gene: str = "SRPK1",
    title: str = "A study",
    abstract: str = "",
    publication_types: tuple[str, ...] = (),
) -> Extraction:
    """The extraction for ``gene`` with ``sentences`` as its snippets (results section)."""
    record = PubmedRecord(
        pmid=1,
        title=title,
        abstract=(AbstractSection(abstract or " ".join(sentences)),),
        publication_types=publication_types,
    )
    snippets = [Snippet(s, "results", (), (), ()) for s in sentences]
    return extract(gene, snippets, record, WATCHLIST)


def direction_effect(sentence: str, gene: str = "SRPK1") -> tuple[str | None, str | None]:
    result = read(sentence, gene=gene)
    return result.direction, result.effect
