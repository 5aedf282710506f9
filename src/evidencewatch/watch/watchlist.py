"""What evidencewatch watches: tracked genes with their aliases, and the terms around them.

These shapes are loaded and validated from the human-edited files in
``seed_evidence/`` by :mod:`evidencewatch.watch.seedfiles`; the query builder and the
matcher read them, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TherapyClass = Literal["chemotherapy", "radiotherapy", "endocrine", "anti-HER2"]
# Who named a tracked gene: the seed document itself, or a paper one of its findings cites.
GeneSource = Literal["document", "cited_paper"]


@dataclass(frozen=True, slots=True)
class Alias:
    """Another name for a gene or its protein.

    An ambiguous alias (``p65``, ``MD-2``, ``neu``) also means other things in
    the literature; it counts as a mention only with supporting context, and it
    is never put in a PubMed query on its own.
    """

    text: str
    ambiguous: bool = False
    kind: Literal["alias", "protein", "previous_symbol"] = "alias"


@dataclass(frozen=True, slots=True)
class CitedPaper:
    """The paper, cited by a seed finding, that names a gene the seed document does not."""

    citation: str  # as a reader looks it up: "Oncotarget 2017;8:103327"
    pmcid: str  # "PMC5732731"
    finding: str  # the id of the finding (findings.toml) that cites the paper


@dataclass(frozen=True, slots=True)
class TrackedGene:
    """An HGNC-approved gene symbol and everything it is called in abstracts."""

    symbol: str
    name: str
    hgnc_id: str
    aliases: tuple[Alias, ...] = ()
    # Words that, near an ambiguous alias, show the gene sense is meant
    # (e.g. "NF-kB" near "p65").
    context: tuple[str, ...] = ()
    why: str = ""  # which seed finding(s) made this gene tracked
    named_by: GeneSource = "document"
    cited_paper: CitedPaper | None = None  # set when named_by is "cited_paper"

    @property
    def query_names(self) -> tuple[str, ...]:
        """The symbol and its unambiguous aliases: what may go into a PubMed query."""
        names = [self.symbol]
        names.extend(a.text for a in self.aliases if not a.ambiguous)
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class TherapyTerms:
    """One therapy class with its agents and the words that name the class itself."""

    therapy_class: str
    class_terms: tuple[str, ...]
    agents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Watchlist:
    genes: tuple[TrackedGene, ...]
    resistance_terms: tuple[str, ...]
    therapies: tuple[TherapyTerms, ...]
    disease_terms: tuple[str, ...]
    disease_mesh: str = "Breast Neoplasms"
    sensitivity_terms: tuple[str, ...] = field(default=())
    source: str = ""  # the file it was loaded from, so that checks can point into it

    def gene(self, symbol: str) -> TrackedGene:
        for gene in self.genes:
            if gene.symbol == symbol:
                return gene
        raise KeyError(symbol)

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(g.symbol for g in self.genes)

    @property
    def document_genes(self) -> tuple[TrackedGene, ...]:
        """The genes the seed document itself names (not those only a cited paper names)."""
        return tuple(g for g in self.genes if g.named_by == "document")
