"""The seed directory: what ships in seed_evidence/, where it is found, and checking it whole."""

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
    load_seed_dir,
    validate_seed_dir,
)
from watch.seed_samples import assert_names, line_of

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
# SRPK1's partners in the four-gene signature: named by the paper the signature finding
# cites (Oncotarget 2017;8:103327, PMC5732731), not by the document.
CITED_PAPER_GENES = {"PCCA": "HGNC:8653", "PRLR": "HGNC:9446", "FBP1": "HGNC:3606"}

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
    assert len(watchlist.document_genes) == len(DOCUMENT_GENES)
    assert len(watchlist.genes) == len(DOCUMENT_GENES) + len(CITED_PAPER_GENES)
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


def test_every_gene_named_in_the_document_is_tracked_as_the_documents_and_nothing_else(
    watchlist,
):
    assert {g.symbol for g in watchlist.document_genes} == set(DOCUMENT_GENES)
    assert "NFKB1" not in watchlist.symbols


def test_the_signature_partners_are_tracked_as_named_by_the_cited_paper(watchlist, findings):
    others = {g.symbol: g for g in watchlist.genes if g.named_by != "document"}
    assert {s: g.hgnc_id for s, g in others.items()} == CITED_PAPER_GENES
    signature = by_id(findings, "srpk1-four-gene-signature-prognosis")
    for gene in others.values():
        assert gene.named_by == "cited_paper"
        assert gene.cited_paper is not None
        assert gene.cited_paper.pmcid == "PMC5732731"
        assert gene.cited_paper.citation == "Oncotarget 2017;8:103327"
        assert gene.cited_paper.finding == signature.id
    assert signature.genes == ("SRPK1",)  # the finding still says what the document says


def test_the_signature_partners_have_aliases_and_ambiguous_ones_are_marked(watchlist):
    fbp1 = {a.text: a.ambiguous for a in watchlist.gene("FBP1").aliases}
    assert fbp1["FBP"] is True
    assert "FBP" not in watchlist.gene("FBP1").query_names
    assert watchlist.gene("FBP1").context
    assert "prolactin receptor" in watchlist.gene("PRLR").query_names
    assert "propionyl-CoA carboxylase alpha subunit" in watchlist.gene("PCCA").query_names


def test_every_gene_of_the_document_is_used_by_a_finding(watchlist, findings):
    used = {g for f in findings for g in f.genes}
    assert used == {g.symbol for g in watchlist.document_genes}


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
