"""The per-gene sections: seed findings with their citations, and counts per therapy class."""

from __future__ import annotations

import re

from reporting.digest.known_db import BOTH_GENES, OPPOSED, html_section


def test_rejections_in_the_period_are_counted_by_reason_with_labels(data, html, markdown):
    assert data.rejections == (
        ("alias_collision", "Alias collision or wrong gene sense", 1),
        ("not_breast_cancer", "Not breast cancer", 2),
    )  # the October "duplicate" is outside the period
    rejections = html_section(html, "rejections")
    assert (
        '<td>Not breast cancer</td><td><code>not_breast_cancer</code></td><td class="n">2'
        in rejections
    )
    assert "Duplicate" not in rejections
    assert "| Not breast cancer | not\\_breast\\_cancer | 2 |" in markdown
    cyp = next(g for g in data.genes if g.gene == "CYP3A4").therapies[0]
    assert cyp.rejected == (("not_breast_cancer", "Not breast cancer", 2),)
    assert "rejected this period: 2 (Not breast cancer: 2)" in html


def test_pending_counts_per_gene_and_therapy_class(data):
    pending = {(g.gene, t.therapy_class): t.pending for g in data.genes for t in g.therapies}
    assert pending[("NEIL1", "radiotherapy")] == 1
    assert pending[("RELA", "endocrine")] == 1
    assert pending[("RELA", "anti-HER2")] == 0


def test_gene_sections_show_seed_claims_with_their_citation_links(html, markdown):
    genes = html_section(html, "genes")
    slc = re.search(r'<section class="gene-section" id="gene-SLC7A5">(.*?)</section>', genes, re.S)
    assert slc
    assert "High SLC7A5 separates non-responders" in slc.group(1)
    assert (
        '<a href="https://pubmed.ncbi.nlm.nih.gov/38256136/" class="cite cite-pmid">'
        "PMID 38256136</a>" in slc.group(1)
    )
    assert (
        '<a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC4770917/" class="cite cite-pmc">'
        "PMC4770917</a>" in genes
    )
    assert "https://pmc.ncbi.nlm.nih.gov/articles/PMC7851527/" in genes
    assert (
        '<a href="https://www.oncotarget.com/article/21872/text/" class="cite cite-url">'
        "www.oncotarget.com</a>" in genes
    )
    assert "Repair-pathway activity supports survival" in genes  # a finding with no gene
    # No PMID is shown for a seed citation that has none.
    assert set(re.findall(r"PMID (\d+)</a>", genes)) - {
        str(p) for p in range(91_000_001, 91_000_015)
    } == {"38256136"}
    assert "[PMID 38256136](https://pubmed.ncbi.nlm.nih.gov/38256136/)" in markdown
    assert "[PMC4770917](https://pmc.ncbi.nlm.nih.gov/articles/PMC4770917/)" in markdown


def test_gene_sections_are_per_gene_and_therapy_class_with_counts(data):
    sections = {(g.gene, t.therapy_class): t for g in data.genes for t in g.therapies}
    slc = sections[("SLC7A5", "chemotherapy")]
    assert [s.id for s in slc.seeds] == ["slc7a5-high"]
    assert [i.pmid for i in slc.accepted] == [BOTH_GENES, OPPOSED]
    assert slc.accepted_to_date == 3
    assert [i.pmid for i in sections[("RELA", "anti-HER2")].accepted] == [BOTH_GENES]
    assert ("EME2", "radiotherapy") in sections  # a seed-only gene still gets its section
    assert next(g for g in data.genes if g.gene == "RELA").first_evidence
