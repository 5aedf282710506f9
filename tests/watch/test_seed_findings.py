"""findings.toml: bad findings and citations are rejected at their line, checked against
the watchlist when one is given."""

from __future__ import annotations

from evidencewatch.watch.seedfiles import (
    FINDINGS_FILE,
    WATCHLIST_FILE,
    load_findings,
    load_watchlist,
)
from watch.seed_samples import (
    MINI_FINDINGS,
    MINI_WATCHLIST,
    assert_names,
    edit,
    findings_error,
    line_of,
    write,
)


def test_the_mini_files_used_below_are_valid(tmp_path):
    watchlist = load_watchlist(write(tmp_path, WATCHLIST_FILE, MINI_WATCHLIST))
    findings = load_findings(write(tmp_path, FINDINGS_FILE, MINI_FINDINGS), watchlist=watchlist)
    assert [f.id for f in findings] == ["first", "second"]
    assert findings[1].claim == "A claim over two lines."
    assert findings[1].citations[1].url.startswith("https://jamanetwork.com/")


def test_quoted_pmid_is_a_wrong_type_inside_the_inline_table(tmp_path):
    text = edit(MINI_FINDINGS, "pmid = 38256136", 'pmid = "38256136"')
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'pmid = "38256136"'), "citations.pmid")
    assert "integer" in err.message


def test_direction_outside_the_allowed_values_is_rejected(tmp_path):
    text = edit(MINI_FINDINGS, 'direction = "mixed"', 'direction = "sideways"')
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'direction = "sideways"'), "direction")
    assert "up, down, mixed, none" in err.message
    assert "[[finding]] 'second'" in err.message


def test_duplicate_finding_id_is_reported_at_the_second_use(tmp_path):
    text = edit(MINI_FINDINGS, 'id = "second"', 'id = "first"')
    path, err = findings_error(tmp_path, text)
    first, second = line_of(text, 'id = "first"', 1), line_of(text, 'id = "first"', 2)
    assert_names(err, path, second, "id")
    assert f"first used at line {first - 1}" in err.message  # the first [[finding]] header


def test_bad_pmc_id_is_reported_at_the_line_of_its_citation(tmp_path):
    text = edit(MINI_FINDINGS, 'pmcid = "PMC12384436"', 'pmcid = "12384436"')
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'pmcid = "12384436"'), "citations.pmcid")
    assert "PMC" in err.message


def test_pmc_id_that_contradicts_its_url_is_rejected(tmp_path):
    text = edit(MINI_FINDINGS, 'pmcid = "PMC12384436"', 'pmcid = "PMC1"')
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'pmcid = "PMC1"'), "citations.pmcid")
    assert "does not match the URL" in err.message


def test_pmid_must_be_a_positive_integer(tmp_path):
    text = edit(MINI_FINDINGS, "pmid = 38256136", "pmid = 0")
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, "pmid = 0"), "citations.pmid")


def test_malformed_doi_is_rejected(tmp_path):
    text = edit(
        MINI_FINDINGS,
        '{ label = "[^9]", url = "https://jamanetwork.com/journals/jama/fullarticle/899864" }',
        '{ label = "[^9]", doi = "doi:10.1001/jama.2011.593" }',
    )
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, "doi:10.1001"), "citations.doi")


def test_citation_without_any_identifier_or_url_is_rejected(tmp_path):
    text = edit(
        MINI_FINDINGS,
        '{ label = "[^9]", url = "https://jamanetwork.com/journals/jama/fullarticle/899864" }',
        '{ label = "[^9]" }',
    )
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, '{ label = "[^9]" }'), "citations")
    assert "at least one of pmid, pmcid, doi, bookshelf_id, url" in err.message


def test_a_footnote_cited_differently_in_two_findings_is_rejected(tmp_path):
    text = edit(
        MINI_FINDINGS,
        '{ label = "[^9]", url = "https://jamanetwork.com/journals/jama/fullarticle/899864" }',
        '{ label = "[^1]", url = "https://example.org/other" }',
    )
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, "https://example.org/other"), "citations")
    assert f"line {line_of(text, 'pmid = 38256136')}" in err.message


def test_finding_naming_an_untracked_gene_is_rejected_at_that_gene(tmp_path):
    text = edit(MINI_FINDINGS, 'genes = ["ERBB2"]', 'genes = [\n    "ERBB2",\n    "FOO1",\n]')
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, '"FOO1"'), "genes")
    assert "'FOO1' is not tracked" in err.message


def test_finding_using_an_alias_instead_of_the_symbol_is_told_the_symbol(tmp_path):
    text = edit(MINI_FINDINGS, 'genes = ["ERBB2"]', 'genes = ["HER2"]')
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'genes = ["HER2"]'), "genes")
    assert "name of ERBB2: use the HGNC symbol" in err.message


def test_agent_not_listed_under_its_therapy_class_is_rejected(tmp_path):
    text = edit(MINI_FINDINGS, 'agents = ["taxane"]', 'agents = ["trastuzumab"]')
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'agents = ["trastuzumab"]', 2), "agents")


def test_missing_required_key_points_at_the_finding_header(tmp_path):
    text = edit(MINI_FINDINGS, 'claim = "c"\n', "")
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, "[[finding]]", 1), "claim")
    assert "required key 'claim' is missing" in err.message


def test_findings_without_a_watchlist_skip_the_gene_check(tmp_path):
    text = edit(MINI_FINDINGS, 'genes = ["ERBB2"]', 'genes = ["FOO1"]')
    findings = load_findings(write(tmp_path, FINDINGS_FILE, text))
    assert findings[0].genes == ("FOO1",)


def test_citations_may_also_be_written_as_an_array_of_tables(tmp_path):
    text = edit(
        MINI_FINDINGS,
        'citations = [{ label = "[^1]", url = "https://pubmed.ncbi.nlm.nih.gov/38256136/", '
        "pmid = 38256136 }]\n",
        '[[finding.citations]]\nlabel = "[^1]"\nurl = "https://pubmed.ncbi.nlm.nih.gov/38256136/"'
        "\npmid = -5\n",
    )
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, "pmid = -5"), "citations.pmid")


def test_model_system_outside_the_vocabulary_is_rejected_at_its_line(tmp_path):
    text = edit(MINI_FINDINGS, 'model_system = "cell_line"', 'model_system = "cell lines"')
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'model_system = "cell lines"'), "model_system")
    assert "cell_line" in err.message and "patient_cohort" in err.message


def test_the_shipped_findings_use_the_model_system_vocabulary():
    from evidencewatch.core.vocabulary import MODEL_SYSTEMS
    from evidencewatch.watch.seedfiles import default_seed_dir

    findings = load_findings(default_seed_dir() / FINDINGS_FILE)
    systems = {f.model_system for f in findings if f.model_system}
    assert systems and systems <= set(MODEL_SYSTEMS)
