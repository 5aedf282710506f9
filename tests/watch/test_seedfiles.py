"""The seed files: what ships in seed_evidence/, and how bad edits are reported."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from evidencewatch.core.errors import SeedFileError
from evidencewatch.core.vocabulary import THERAPY_CLASSES
from evidencewatch.watch.seedfiles import (
    FINDINGS_FILE,
    WATCHLIST_FILE,
    default_seed_dir,
    load_findings,
    load_seed_dir,
    load_watchlist,
    validate_seed_dir,
)

REPO = Path(__file__).resolve().parents[2]
SEED_DOCUMENT = REPO.parent / "shared" / "seed" / "000_271b0be0869992fa.txt"

# Every gene the seed document names (NF-kB components as named: IKK-alpha, IKK-beta, RELA/p65;
# HER2 as ERBB2). NFKB1 is deliberately absent: the document never names p50/p105.
DOCUMENT_GENES = (
    "CYP3A4",
    "CYP2A6",
    "SLC7A5",
    "LYN",
    "LY96",
    "ANXA1",
    "RELA",
    "CHUK",
    "IKBKB",
    "ERBB2",
    "SRPK1",
    "NEIL1",
    "EME2",
    "PCNA",
    "BRIP1",
    "BARD1",
)

# The footnotes exactly as the document gives them: (url, pmid, pmcid, doi, bookshelf_id).
DOCUMENT_FOOTNOTES = {
    "[^1]": ("https://pubmed.ncbi.nlm.nih.gov/38256136/", 38256136, None, None, None),
    "[^2]": ("https://pmc.ncbi.nlm.nih.gov/articles/PMC12384436/", None, "PMC12384436", None, None),
    "[^3]": ("https://www.ncbi.nlm.nih.gov/books/NBK583808/", None, None, None, "NBK583808"),
    "[^4]": (
        "https://aacrjournals.org/cancerres/article/84/9_Supplement/PO3-16-04/743861/"
        "Abstract-PO3-16-04-Distribution-of-intrinsic",
        None,
        None,
        None,
        None,
    ),
    "[^5]": ("https://pmc.ncbi.nlm.nih.gov/articles/PMC4770917/", None, "PMC4770917", None, None),
    "[^6]": ("https://www.oncotarget.com/article/21872/text/", None, None, None, None),
    "[^7]": (
        "https://www.frontiersin.org/journals/oncology/articles/10.3389/fonc.2025.1439516/full",
        None,
        None,
        "10.3389/fonc.2025.1439516",
        None,
    ),
    "[^8]": ("https://pmc.ncbi.nlm.nih.gov/articles/PMC7851527/", None, "PMC7851527", None, None),
    "[^9]": ("https://jamanetwork.com/journals/jama/fullarticle/899864", None, None, None, None),
}


@pytest.fixture(scope="module")
def seed():
    return load_seed_dir(default_seed_dir())


@pytest.fixture(scope="module")
def watchlist(seed):
    return seed[0]


@pytest.fixture(scope="module")
def findings(seed):
    return seed[1]


def by_id(findings, finding_id):
    return next(f for f in findings if f.id == finding_id)


# --------------------------------------------------------------------------- shipped files


def test_default_seed_dir_is_the_checkouts_seed_evidence():
    assert default_seed_dir() == REPO / "seed_evidence"


def test_default_seed_dir_falls_back_to_the_installed_package_copy(tmp_path, monkeypatch):
    import evidencewatch.core.paths as paths

    site = tmp_path / "site-packages" / "evidencewatch"
    (site / "seed_evidence").mkdir(parents=True)
    shutil.copy(REPO / "seed_evidence" / WATCHLIST_FILE, site / "seed_evidence" / WATCHLIST_FILE)
    monkeypatch.setattr(paths, "CHECKOUT", tmp_path / "no-checkout")
    monkeypatch.setattr(paths.resources, "files", lambda package: site)
    assert default_seed_dir() == site / "seed_evidence"


def test_shipped_seed_files_load_and_validate(watchlist, findings):
    assert len(watchlist.genes) == len(DOCUMENT_GENES)
    assert len(findings) >= 15
    validate_seed_dir(default_seed_dir())


def test_every_finding_has_at_least_one_citation(findings):
    for finding in findings:
        assert finding.citations, finding.id


def test_only_footnote_1_carries_a_pmid_and_it_is_38256136(findings):
    pmids = {(c.label, c.pmid) for f in findings for c in f.citations if c.pmid is not None}
    assert pmids == {("[^1]", 38256136)}


def test_no_other_pmid_appears_anywhere_in_the_seed_files():
    findings_text = (default_seed_dir() / FINDINGS_FILE).read_text(encoding="utf-8")
    assignments = re.findall(r"^[^#\n]*\bpmid\s*=\s*(\S+?)\s*[,}]", findings_text, re.MULTILINE)
    assert assignments and set(assignments) == {"38256136"}
    watchlist_text = (default_seed_dir() / WATCHLIST_FILE).read_text(encoding="utf-8")
    assert "pmid" not in watchlist_text.lower()


def test_citations_reproduce_the_document_footnotes_exactly(findings):
    for finding in findings:
        for c in finding.citations:
            got = (c.url, c.pmid, c.pmcid, c.doi, c.bookshelf_id)
            assert got == DOCUMENT_FOOTNOTES[c.label], (finding.id, c.label)


def test_every_cited_footnote_is_used_and_uncited_footnote_10_is_not(findings):
    labels = {c.label for f in findings for c in f.citations}
    assert labels == set(DOCUMENT_FOOTNOTES)
    assert "[^10]" not in labels


def test_every_gene_named_in_the_document_is_tracked_and_nothing_else(watchlist):
    assert set(watchlist.symbols) == set(DOCUMENT_GENES)
    assert "NFKB1" not in watchlist.symbols


def test_every_tracked_gene_is_used_by_a_finding(watchlist, findings):
    used = {g for f in findings for g in f.genes}
    assert used == set(watchlist.symbols)


def test_hgnc_ids_are_the_known_ones(watchlist):
    known = {
        "ERBB2": "HGNC:3430",
        "CYP3A4": "HGNC:2637",
        "CYP2A6": "HGNC:2610",
        "SLC7A5": "HGNC:11063",
        "LYN": "HGNC:6735",
        "ANXA1": "HGNC:533",
        "RELA": "HGNC:9955",
        "CHUK": "HGNC:1974",
        "IKBKB": "HGNC:5960",
        "SRPK1": "HGNC:11305",
        "NEIL1": "HGNC:18448",
        "PCNA": "HGNC:8729",
        "BRIP1": "HGNC:20473",
        "BARD1": "HGNC:952",
    }
    for symbol, hgnc_id in known.items():
        assert watchlist.gene(symbol).hgnc_id == hgnc_id, symbol


def test_erbb2_has_her2_and_neu_marked_ambiguous(watchlist):
    aliases = {a.text: a for a in watchlist.gene("ERBB2").aliases}
    assert aliases["HER2"].ambiguous is False
    assert aliases["neu"].ambiguous is True
    assert "HER2" in watchlist.gene("ERBB2").query_names
    assert "neu" not in watchlist.gene("ERBB2").query_names


def test_rela_p65_is_ambiguous_and_confirmed_by_nfkb_context(watchlist):
    rela = watchlist.gene("RELA")
    assert {a.text: a.ambiguous for a in rela.aliases}["p65"] is True
    assert {"NF-κB", "NF-kB", "IKK"} <= set(rela.context)


def test_every_gene_with_an_ambiguous_alias_has_context_words(watchlist):
    for gene in watchlist.genes:
        if any(a.ambiguous for a in gene.aliases):
            assert gene.context, gene.symbol


def test_srpk1_signature_records_only_srpk1_and_says_partners_are_unnamed(findings):
    signature = by_id(findings, "srpk1-four-gene-signature-prognosis")
    assert signature.genes == ("SRPK1",)
    assert signature.alteration == "signature"
    assert "unnamed" in signature.pattern


def test_unnamed_gene_panels_get_no_invented_symbols(findings):
    for finding_id in (
        "radiosensitivity-index-10-gene-signature",
        "genomic-predictor-taxane-then-anthracycline",
        "dna-repair-pathway-activity-radiation-survival",
    ):
        assert by_id(findings, finding_id).genes == ()


def test_repair_genes_have_no_association_with_radiotherapy_outcome(findings):
    finding = by_id(findings, "tamoxifen-resistance-repair-genes-no-radiotherapy-association")
    assert finding.effect == "no_association"
    assert finding.therapy_class == "radiotherapy"
    assert set(finding.genes) == {"NEIL1", "EME2", "PCNA", "BRIP1", "BARD1"}


def test_findings_cover_all_four_therapy_classes(findings):
    classes = {f.therapy_class for f in findings}
    assert classes == set(THERAPY_CLASSES)


def test_every_therapy_class_has_terms_in_the_watchlist(watchlist):
    assert {t.therapy_class for t in watchlist.therapies} == set(THERAPY_CLASSES)
    for therapy in watchlist.therapies:
        assert therapy.class_terms


@pytest.mark.skipif(not SEED_DOCUMENT.is_file(), reason="shared/ seed document not beside repo")
def test_claims_are_in_our_own_words_not_copied_from_the_document(findings):
    def words(text):
        return re.findall(r"[a-z0-9]+", text.lower())

    doc = words(SEED_DOCUMENT.read_text(encoding="utf-8"))
    doc_runs = {tuple(doc[i : i + 6]) for i in range(len(doc) - 5)}
    for finding in findings:
        claim = words(finding.claim)
        copied = [
            claim[i : i + 6] for i in range(len(claim) - 5) if tuple(claim[i : i + 6]) in doc_runs
        ]
        assert not copied, (finding.id, copied)


# --------------------------------------------------------------------------- bad files

MINI_WATCHLIST = """\
# a small valid watchlist for the error tests
[[gene]]
symbol = "ERBB2"
name = "erb-b2 receptor tyrosine kinase 2"
hgnc_id = "HGNC:3430"
aliases = [
    { text = "HER2" },
    { text = "neu", ambiguous = true },
]
context = ["HER2"]
why = "test"

[[gene]]
symbol = "RELA"
name = "RELA proto-oncogene, NF-kB subunit"
hgnc_id = "HGNC:9955"
aliases = [{ text = "RelA", kind = "alias" }]
why = "test"

[terms]
resistance = ["resistance"]

[[therapy]]
class = "chemotherapy"
class_terms = ["chemotherapy"]
agents = ["taxane"]

[[therapy]]
class = "radiotherapy"
class_terms = ["radiotherapy"]
agents = []

[[therapy]]
class = "endocrine"
class_terms = ["endocrine therapy"]
agents = ["tamoxifen"]

[[therapy]]
class = "anti-HER2"
class_terms = ["anti-HER2"]
agents = ["trastuzumab"]

[disease]
mesh = "Breast Neoplasms"
terms = ["breast cancer"]
"""

MINI_FINDINGS = '''\
# two valid findings for the error tests
[[finding]]
id = "first"
group = "g"
genes = ["ERBB2"]
alteration = "protein"
pattern = "p"
direction = "up"
effect = "resistance"
therapy_class = "anti-HER2"
agents = ["trastuzumab"]
resistance_kind = "acquired"
subtype = "HER2-positive"
model_system = "cells"
claim = "c"
citations = [{ label = "[^1]", url = "https://pubmed.ncbi.nlm.nih.gov/38256136/", pmid = 38256136 }]

[[finding]]
id = "second"
genes = []
alteration = "signature"
pattern = "p"
direction = "mixed"
effect = "prognosis"
therapy_class = "chemotherapy"
agents = ["taxane"]
resistance_kind = "unspecified"
subtype = "not specified"
claim = """
A claim over
two lines.
"""
citations = [
    { label = "[^2]", url = "https://pmc.ncbi.nlm.nih.gov/PMC12384436/", pmcid = "PMC12384436" },
    { label = "[^9]", url = "https://jamanetwork.com/journals/jama/fullarticle/899864" },
]
'''


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, needle
    return hits[occurrence - 1]


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def findings_error(tmp_path: Path, text: str) -> tuple[Path, SeedFileError]:
    watchlist = load_watchlist(write(tmp_path, WATCHLIST_FILE, MINI_WATCHLIST))
    path = write(tmp_path, FINDINGS_FILE, text)
    with pytest.raises(SeedFileError) as info:
        load_findings(path, watchlist=watchlist)
    return path, info.value


def watchlist_error(tmp_path: Path, text: str) -> tuple[Path, SeedFileError]:
    path = write(tmp_path, WATCHLIST_FILE, text)
    with pytest.raises(SeedFileError) as info:
        load_watchlist(path)
    return path, info.value


def assert_names(err: SeedFileError, path: Path, line: int | None, field: str | None) -> None:
    assert err.path == str(path)
    assert err.line == line
    assert err.field == field
    message = str(err)
    assert str(path) in message
    if line is not None:
        assert f"line {line}:" in message
    if field is not None:
        assert f"field '{field}'" in message


def test_the_mini_files_used_below_are_valid(tmp_path):
    watchlist = load_watchlist(write(tmp_path, WATCHLIST_FILE, MINI_WATCHLIST))
    findings = load_findings(write(tmp_path, FINDINGS_FILE, MINI_FINDINGS), watchlist=watchlist)
    assert [f.id for f in findings] == ["first", "second"]
    assert findings[1].claim == "A claim over two lines."
    assert findings[1].citations[1].url.startswith("https://jamanetwork.com/")


def test_toml_syntax_error_names_file_line_and_key(tmp_path):
    text = edit(MINI_FINDINGS, 'direction = "mixed"', "direction = mixed")
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, "direction = mixed"), "direction")
    assert "TOML syntax error" in err.message
    assert "column" in err.message


def test_toml_syntax_error_at_end_of_file_points_at_the_last_line(tmp_path):
    text = MINI_FINDINGS.rstrip("\n").removesuffix("]")
    path, err = findings_error(tmp_path, text)
    assert err.path == str(path)
    assert err.line == len(text.splitlines())
    assert "end of file" in err.message


def test_unknown_key_is_rejected_at_its_line(tmp_path):
    text = edit(
        MINI_FINDINGS, 'subtype = "not specified"\n', 'subtype = "not specified"\ncolour = "red"\n'
    )
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'colour = "red"'), "colour")
    assert "unknown key 'colour'" in err.message


def test_wrong_type_is_rejected_at_its_line(tmp_path):
    text = edit(MINI_FINDINGS, "genes = []", 'genes = "ERBB2"')
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'genes = "ERBB2"'), "genes")
    assert "must be an array of strings" in err.message


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


def test_duplicate_gene_symbol_is_rejected(tmp_path):
    text = edit(MINI_WATCHLIST, 'symbol = "RELA"', 'symbol = "ERBB2"')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'symbol = "ERBB2"', 2), "symbol")
    assert "duplicate symbol" in err.message


def test_malformed_hgnc_id_is_rejected(tmp_path):
    text = edit(MINI_WATCHLIST, 'hgnc_id = "HGNC:9955"', 'hgnc_id = "9955"')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'hgnc_id = "9955"'), "hgnc_id")


def test_ambiguous_alias_without_context_words_is_rejected(tmp_path):
    text = edit(MINI_WATCHLIST, 'context = ["HER2"]\n', "")
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, '"neu"'), "context")


def test_unknown_alias_kind_is_rejected_at_its_line(tmp_path):
    text = edit(MINI_WATCHLIST, 'kind = "alias"', 'kind = "nickname"')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, '"nickname"'), "aliases.kind")


def test_unambiguous_name_shared_by_two_genes_is_rejected(tmp_path):
    text = edit(MINI_WATCHLIST, '{ text = "RelA", kind = "alias" }', '{ text = "HER2" }')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, '[{ text = "HER2" }]'), "aliases.text")
    assert "also a name of ERBB2" in err.message


def test_watchlist_missing_a_therapy_class_is_rejected(tmp_path):
    text = edit(
        MINI_WATCHLIST,
        '[[therapy]]\nclass = "endocrine"\nclass_terms = ["endocrine therapy"]\n'
        'agents = ["tamoxifen"]\n\n',
        "",
    )
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, "[[therapy]]", 1), "therapy.class")
    assert "missing: endocrine" in err.message


def test_unknown_top_level_table_is_rejected_at_its_header(tmp_path):
    text = edit(MINI_WATCHLIST, '[[gene]]\nsymbol = "RELA"', '[gene2]\nsymbol = "RELA"')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, "[gene2]"), "gene2")


def test_missing_file_is_a_seed_file_error(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(SeedFileError) as info:
        load_watchlist(path)
    assert_names(info.value, path, None, None)


def test_validate_seed_dir_reports_the_first_broken_file(tmp_path):
    for name in (WATCHLIST_FILE, FINDINGS_FILE):
        shutil.copy(default_seed_dir() / name, tmp_path / name)
    validate_seed_dir(tmp_path)
    findings = tmp_path / FINDINGS_FILE
    text = findings.read_text(encoding="utf-8")
    text = text.replace('pmcid = "PMC7851527"', 'pmcid = "PMC785152X"', 1)
    findings.write_text(text, encoding="utf-8")
    with pytest.raises(SeedFileError) as info:
        validate_seed_dir(tmp_path)
    assert_names(info.value, findings, line_of(text, "PMC785152X"), "citations.pmcid")
