"""watchlist.toml: genes named by a cited paper rather than the seed document."""

from __future__ import annotations

import pytest

from evidencewatch.core.errors import SeedFileError
from evidencewatch.watch.seedfiles import (
    FINDINGS_FILE,
    WATCHLIST_FILE,
    load_findings,
    load_watchlist,
)
from evidencewatch.watch.watchlist import CitedPaper
from watch.seed_samples import (
    MINI_FINDINGS,
    MINI_WATCHLIST,
    assert_names,
    edit,
    line_of,
    watchlist_error,
    write,
)

CITED_GENE = """\
[[gene]]
symbol = "PRLR"
name = "prolactin receptor"
hgnc_id = "HGNC:9446"
named_by = "cited_paper"
cited_paper = { citation = "Oncotarget 2017;8:103327", pmcid = "PMC5732731", finding = "second" }
why = "partner in the signature of finding second"

"""
WITH_CITED = edit(MINI_WATCHLIST, "[terms]", CITED_GENE + "[terms]")


def test_a_gene_named_by_a_cited_paper_loads_with_the_paper_and_the_citing_finding(tmp_path):
    watchlist = load_watchlist(write(tmp_path, WATCHLIST_FILE, WITH_CITED))
    gene = watchlist.gene("PRLR")
    assert gene.named_by == "cited_paper"
    assert gene.cited_paper == CitedPaper("Oncotarget 2017;8:103327", "PMC5732731", "second")
    assert [g.symbol for g in watchlist.document_genes] == ["ERBB2", "RELA"]
    assert watchlist.gene("ERBB2").named_by == "document"
    assert watchlist.gene("ERBB2").cited_paper is None
    findings = load_findings(write(tmp_path, FINDINGS_FILE, MINI_FINDINGS), watchlist=watchlist)
    assert [f.id for f in findings] == ["first", "second"]


def test_named_by_outside_the_allowed_values_is_rejected(tmp_path):
    text = edit(WITH_CITED, 'named_by = "cited_paper"', 'named_by = "review"')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'named_by = "review"'), "named_by")
    assert "document, cited_paper" in err.message


def test_a_cited_paper_gene_without_its_paper_is_rejected(tmp_path):
    text = edit(WITH_CITED, line_of_text(WITH_CITED, "cited_paper = {"), "")
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, "[[gene]]", 3), "cited_paper")
    assert "needs cited_paper" in err.message


def test_a_cited_paper_on_a_document_gene_is_rejected(tmp_path):
    text = edit(WITH_CITED, 'named_by = "cited_paper"\n', "")
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, "cited_paper = {"), "cited_paper")
    assert 'only for a gene with named_by = "cited_paper"' in err.message


def test_a_malformed_pmc_id_of_the_cited_paper_is_rejected(tmp_path):
    text = edit(WITH_CITED, '"PMC5732731"', '"5732731"')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, "cited_paper = {"), "cited_paper.pmcid")


def test_an_unknown_key_in_the_cited_paper_is_rejected(tmp_path):
    text = edit(WITH_CITED, 'finding = "second" }', 'finding = "second", pmid = 1 }')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, "cited_paper = {"), "cited_paper.pmid")


def test_a_citing_finding_missing_from_the_findings_is_reported_at_the_watchlist_line(tmp_path):
    text = edit(WITH_CITED, 'finding = "second"', 'finding = "third"')
    watchlist_path = write(tmp_path, WATCHLIST_FILE, text)
    watchlist = load_watchlist(watchlist_path)
    findings_path = write(tmp_path, FINDINGS_FILE, MINI_FINDINGS)
    with pytest.raises(SeedFileError) as info:
        load_findings(findings_path, watchlist=watchlist)
    assert_names(
        info.value, watchlist_path, line_of(text, "cited_paper = {"), "cited_paper.finding"
    )
    assert "'third' is not a finding" in info.value.message


def line_of_text(text: str, needle: str) -> str:
    """The whole line of ``text`` holding ``needle``, with its newline."""
    return next(line + "\n" for line in text.splitlines() if needle in line)
