"""Matcher: gene mentions, ambiguity, acronym traps, cues, snippets, splitting.

The rule score and its reasons are tested in test_scoring.py.

Every sentence here is invented for the test; none is taken from a paper.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencewatch.matching.match import CandidateDraft, Matcher
from evidencewatch.matching.scoring import WEIGHTS
from evidencewatch.pubmed.records import AbstractSection, Author, PubmedRecord
from evidencewatch.watch.watchlist import Alias, TherapyTerms, TrackedGene, Watchlist

REPO = Path(__file__).resolve().parents[2]


def _gene(symbol: str, name: str, *aliases: Alias, context: tuple[str, ...] = ()) -> TrackedGene:
    return TrackedGene(symbol, name, "HGNC:0", aliases=aliases, context=context)


WATCHLIST = Watchlist(
    genes=(
        _gene("CYP3A4", "cytochrome P450 family 3 subfamily A member 4"),
        _gene(
            "SLC7A5",
            "solute carrier family 7 member 5",
            Alias("LAT1", ambiguous=True),
            Alias("L-type amino acid transporter 1", kind="protein"),
            context=("amino acid transporter", "leucine", "JPH203"),
        ),
        _gene("LYN", "LYN proto-oncogene, Src family tyrosine kinase", Alias("Lyn kinase")),
        _gene(
            "LY96",
            "lymphocyte antigen 96",
            Alias("MD-2", ambiguous=True),
            context=("TLR4", "lipopolysaccharide"),
        ),
        _gene("ANXA1", "annexin A1", Alias("annexin A1", kind="protein")),
        _gene(
            "RELA",
            "RELA proto-oncogene, NF-kB subunit",
            Alias("p65", ambiguous=True),
            Alias("RelA"),
            Alias("NF-κB p65", kind="protein"),
            context=("NF-κB", "IκB", "IKK"),
        ),
        _gene(
            "CHUK",
            "component of inhibitor of nuclear factor kappa B kinase complex",
            Alias("IKKα", kind="protein"),
            Alias("IKK1"),
        ),
        _gene(
            "IKBKB",
            "inhibitor of nuclear factor kappa B kinase subunit beta",
            Alias("IKKβ", kind="protein"),
            Alias("IKK2"),
        ),
        _gene(
            "ERBB2",
            "erb-b2 receptor tyrosine kinase 2",
            Alias("HER2"),
            Alias("neu", ambiguous=True),
            Alias("ErbB2"),
            Alias("c-erbB-2"),
            context=("HER2", "trastuzumab", "oncogene"),
        ),
        _gene("SRPK1", "SRSF protein kinase 1"),
        _gene(
            "PCNA",
            "proliferating cell nuclear antigen",
            Alias("proliferating cell nuclear antigen", kind="protein"),
        ),
        _gene(
            "BRIP1",
            "BRCA1 interacting helicase 1",
            Alias("BACH1", ambiguous=True),
            Alias("FANCJ"),
            context=("BRCA1", "helicase"),
        ),
    ),
    resistance_terms=(
        "resistance",
        "resistant",
        "chemoresistance",
        "refractory",
        "non-responders",
        "poor response",
        "reduced sensitivity",
    ),
    sensitivity_terms=("sensitivity", "sensitive", "sensitize", "response", "pCR"),
    therapies=(
        TherapyTerms("chemotherapy", ("chemotherapy",), ("doxorubicin", "paclitaxel", "cisplatin")),
        TherapyTerms("radiotherapy", ("radiotherapy", "irradiation"), ("ionizing radiation",)),
        TherapyTerms("endocrine", ("endocrine therapy",), ("tamoxifen", "letrozole")),
        TherapyTerms("anti-HER2", ("anti-HER2",), ("trastuzumab", "T-DM1", "lapatinib")),
    ),
    disease_terms=("breast cancer", "breast tumour", "mammary carcinoma", "TNBC"),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_watchlist(WATCHLIST)


def record(
    title: str = "",
    *sections: str | tuple[str, str],
    pmid: int = 1,
    mesh: tuple[str, ...] = (),
    keywords: tuple[str, ...] = (),
    types: tuple[str, ...] = ("Journal Article",),
    **kwargs: object,
) -> PubmedRecord:
    abstract = tuple(
        AbstractSection(s[1], label=s[0]) if isinstance(s, tuple) else AbstractSection(s)
        for s in sections
    )
    return PubmedRecord(
        pmid=pmid,
        title=title,
        abstract=abstract,
        mesh_terms=mesh,
        keywords=keywords,
        publication_types=types,
        **kwargs,  # type: ignore[arg-type]
    )


def by_gene(drafts: list[CandidateDraft]) -> dict[str, CandidateDraft]:
    return {d.gene: d for d in drafts}


BREAST = "We studied 80 patients with breast cancer."


# --- gene symbols: case and word boundaries ----------------------------------------------


def test_symbol_matches_exact_case_only(matcher):
    assert matcher.genes_mentioned("SRPK1 was high.") == {"SRPK1": ["SRPK1"]}
    assert matcher.genes_mentioned("srpk1 and Srpk1 were high.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "ERBB2IP was overexpressed.",  # a longer symbol
        "The PCNAs of yeast were compared.",  # plural is a different token: documented choice
        "Cells expressing siRELA were used.",  # glued prefix
        "XCYP3A4 and CYP3A45 were measured.",
        "The LYNX1 protein was measured.",
        "SRPK1_KO cells were used.",  # underscore glues too
    ],
)
def test_symbol_touching_letters_or_digits_is_not_a_mention(matcher, text):
    assert matcher.genes_mentioned(text) == {}


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Expression of (PCNA) rose.", "PCNA"),
        ("HER2-positive and HER2+ tumours.", "HER2"),
        ("Loss of LYN/SRC signalling.", "LYN"),
        ("p-SRPK1 levels.", "SRPK1"),
        ("SRPK1.", "SRPK1"),
    ],
)
def test_punctuation_around_a_symbol_is_a_boundary(matcher, text, surface):
    found = matcher.genes_mentioned(text)
    assert any(surface in forms for forms in found.values()), found


def test_case_insensitive_long_names_ignore_case_only_in_their_lower_case_words(matcher):
    assert matcher.genes_mentioned("Annexin A1 was lost.") == {"ANXA1": ["Annexin A1"]}
    assert matcher.genes_mentioned("ANNEXIN a1 was lost.") == {}
    assert matcher.genes_mentioned("Lyn Kinase activity rose.") == {"LYN": ["Lyn Kinase"]}


# --- spelling variants: hyphens, spaces, Greek letters -----------------------------------


@pytest.mark.parametrize(
    ("text", "gene"),
    [
        ("NF-κB p65 was nuclear.", "RELA"),
        ("NF-kappaB p65 was nuclear.", "RELA"),
        ("NF-kappa B p65 was nuclear.", "RELA"),
        ("NF-kB p65 was nuclear.", "RELA"),
        ("NFκB/p65 was nuclear.", "RELA"),
        ("IKK-α was active.", "CHUK"),
        ("IKKα was active.", "CHUK"),
        ("IKK-alpha was active.", "CHUK"),
        ("IKKalpha was active.", "CHUK"),
        ("IKK alpha was active.", "CHUK"),
        ("IKK-β was active.", "IKBKB"),
        ("IKKbeta was active.", "IKBKB"),
        ("HER-2 was amplified.", "ERBB2"),
        ("HER 2 was amplified.", "ERBB2"),
        ("ErbB-2 was amplified.", "ERBB2"),
        ("c-erbB2 was amplified.", "ERBB2"),
        ("c-erbB-2 was amplified.", "ERBB2"),
        ("CYP-3A4 activity.", "CYP3A4"),
        ("L-type amino-acid transporter 1 was high.", "SLC7A5"),
        ("NF\u2010κB p65 was nuclear.", "RELA"),  # Unicode hyphen
    ],
)
def test_hyphen_space_and_greek_variants_match(matcher, text, gene):
    assert gene in matcher.genes_mentioned(text)


def test_her2_slash_neu_counts_both_names_for_erbb2(matcher):
    assert matcher.genes_mentioned("HER-2/neu was amplified.") == {"ERBB2": ["HER-2", "neu"]}


def test_a_single_letter_before_digits_stays_glued(matcher):
    # "p 65" is not how p65 is written; the space is only allowed after longer prefixes
    assert matcher.genes_mentioned("NF-κB and p 65 kDa bands.") == {}


# --- ambiguous aliases -------------------------------------------------------------------


def test_ambiguous_alias_alone_is_not_a_mention(matcher):
    text = "The p65 capsid protein of the virus assembled into particles."
    assert matcher.genes_mentioned(text) == {}


def test_ambiguous_alias_counts_with_a_context_word_in_the_same_sentence(matcher):
    text = "Nuclear p65 marked active NF-κB signalling."
    assert matcher.genes_mentioned(text) == {"RELA": ["p65"]}


def test_ambiguous_alias_counts_with_a_context_word_in_the_next_or_previous_sentence(matcher):
    assert "RELA" in matcher.genes_mentioned("NF-κB was active. Nuclear p65 was high.")
    assert "RELA" in matcher.genes_mentioned("Nuclear p65 was high. NF-κB was active.")


def test_ambiguous_alias_does_not_count_with_context_two_sentences_away(matcher):
    text = "NF-κB was studied. Cells were grown. Nuclear p65 was high."
    assert matcher.genes_mentioned(text) == {}


def test_ambiguous_alias_counts_with_context_in_the_title(matcher):
    rec = record(
        "NF-κB signalling and tamoxifen resistance",
        "Methods were standard. We measured many proteins. Nuclear p65 predicted tamoxifen "
        "resistance in breast cancer.",
    )
    (draft,) = matcher.match(rec)
    assert draft.gene == "RELA"
    assert draft.mentions == ("p65",)


def test_ambiguous_alias_counts_when_the_symbol_is_elsewhere_in_the_record(matcher):
    rec = record(
        "RELA in breast cancer",
        "Unrelated sentence one. Another one here. Nuclear p65 predicted tamoxifen resistance.",
    )
    draft = by_gene(matcher.match(rec))["RELA"]
    assert draft.mentions == ("RELA", "p65")
    assert "ambiguous_alias_only" not in {r.feature for r in draft.reasons}


def test_candidate_from_an_ambiguous_alias_only_gets_a_negative_reason(matcher):
    rec = record(
        "Amino acid transporter LAT1 and tamoxifen resistance in breast cancer",
        "LAT1 uptake of leucine was higher in tamoxifen-resistant cells.",
    )
    draft = by_gene(matcher.match(rec))["SLC7A5"]
    reason = next(r for r in draft.reasons if r.feature == "ambiguous_alias_only")
    assert reason.weight == WEIGHTS["ambiguous_alias_only"] < 0


def test_neu_without_support_is_not_erbb2(matcher):
    assert matcher.genes_mentioned("The neu gene of the zebrafish was sequenced.") == {}


# --- acronyms defined as something else --------------------------------------------------


def test_pcna_defined_as_a_nurses_association_is_not_the_gene(matcher):
    rec = record(
        "Chemotherapy education by the Preventive Cardiovascular Nurses Association (PCNA)",
        "PCNA members reported that breast cancer patients with resistance to chemotherapy "
        "needed more support.",
    )
    assert matcher.match(rec) == []


def test_pcna_defined_after_the_acronym_is_not_the_gene(matcher):
    rec = record(
        "Survey of breast cancer nurses",
        "PCNA (Preventive Cardiovascular Nurses Association) members discussed tamoxifen "
        "resistance.",
    )
    assert matcher.match(rec) == []


def test_pcna_the_gene_still_matches_including_its_own_definition(matcher):
    rec = record(
        "PCNA and tamoxifen resistance in breast cancer",
        "Proliferating cell nuclear antigen (PCNA) was lower in tamoxifen-resistant tumours.",
    )
    draft = by_gene(matcher.match(rec))["PCNA"]
    assert draft.mentions == ("PCNA", "Proliferating cell nuclear antigen")


def test_symbol_defined_with_a_gene_like_long_form_is_kept(matcher):
    text = "HER2 (human epidermal growth factor receptor 2) was amplified."
    assert matcher.genes_mentioned(text) == {"ERBB2": ["HER2"]}


# --- where genes are looked for ----------------------------------------------------------


def test_gene_only_in_mesh_keywords_journal_or_affiliations_gives_no_candidate(matcher):
    rec = record(
        "Tamoxifen resistance in breast cancer",
        "Resistance to tamoxifen was common in the cohort.",
        mesh=("Breast Neoplasms", "ERBB2 protein, human", "Receptor, ErbB-2"),
        keywords=("SRPK1", "PCNA", "tamoxifen"),
        journal="SRPK1 Research Letters",
        authors=(Author(last_name="Li", affiliations=("CYP3A4 Laboratory, Example Univ.",)),),
    )
    assert matcher.match(rec) == []


def test_an_empty_watchlist_matches_nothing():
    empty = Matcher.from_watchlist(Watchlist((), ("resistance",), (), ()))
    rec = record("SRPK1 and tamoxifen resistance", "HER2 was high in resistant tumours.")
    assert empty.match(rec) == []
    assert not empty.could_match(rec.title)
    assert empty.genes_mentioned(rec.title) == {}


def test_record_with_no_tracked_gene_gives_nothing(matcher):
    rec = record("Tamoxifen resistance in breast cancer", "ESR1 mutations were frequent.")
    assert matcher.match(rec) == []
    assert matcher.genes_mentioned(rec.abstract_text) == {}


def test_could_match_is_the_cheap_test_and_never_rejects_a_record_that_matches(matcher):
    records = [
        _strong_record(),
        record("Tamoxifen resistance in breast cancer", "ESR1 mutations were frequent."),
        record("", "Nuclear p65 predicted tamoxifen resistance with NF-κB activity."),
        record("", "The p65 capsid band of the virus."),
    ]
    for rec in records:
        text = f"{rec.title}\n{rec.abstract_text}\nReferences: none. Affiliation: Univ."
        if matcher.match(rec):
            assert matcher.could_match(text)
    assert not matcher.could_match("Tamoxifen resistance and ESR1 mutations.")
    assert matcher.could_match("Affiliation: SRPK1 Laboratory.")  # cheap test, not exact


def test_gene_without_a_resistance_or_therapy_cue_in_its_sentence_gives_no_candidate(matcher):
    rec = record(
        "SRPK1 in breast cancer",
        "SRPK1 was expressed in most tumours. Many patients received tamoxifen.",
    )
    assert matcher.match(rec) == []


def test_paper_naming_two_genes_gives_two_candidates(matcher):
    rec = record(
        "SRPK1 and LYN in doxorubicin resistance of breast cancer",
        (
            "RESULTS",
            "High SRPK1 predicted doxorubicin resistance. LYN knockdown restored "
            "sensitivity to paclitaxel.",
        ),
    )
    drafts = by_gene(matcher.match(rec))
    assert set(drafts) == {"SRPK1", "LYN"}
    assert (
        drafts["SRPK1"].snippets[0].text
        == "SRPK1 and LYN in doxorubicin resistance of breast cancer"
    )


def test_anti_her2_therapy_is_not_an_erbb2_mention(matcher):
    rec = record(
        "SRPK1 and anti-HER2 therapy",
        "High SRPK1 predicted resistance to anti-HER2 therapy in breast cancer.",
    )
    assert set(by_gene(matcher.match(rec))) == {"SRPK1"}


def test_draft_mention_spans_are_the_valid_mentions_as_offsets_into_the_records_text(matcher):
    rec = record(
        "HER2 and trastuzumab resistance",
        ("RESULTS", "Anti-HER2 therapy failed, and ErbB2 predicted trastuzumab resistance."),
    )
    (draft,) = matcher.match(rec)
    assert [rec.text[s:e] for s, e in draft.mention_spans] == ["HER2", "ErbB2"]
    assert draft.mention_spans[0] == (0, 4)  # the "HER2" of "Anti-HER2" is not a mention


def test_her2_only_as_a_subtype_label_gets_a_negative_reason(matcher):
    rec = record(
        "Lapatinib resistance in HER2-positive breast cancer",
        "Resistance to lapatinib arose in HER2+ cell lines.",
    )
    draft = by_gene(matcher.match(rec))["ERBB2"]
    assert "status_label_only" in {r.feature for r in draft.reasons}


# --- cues and snippets -------------------------------------------------------------------


def test_snippets_are_the_sentences_where_the_gene_meets_a_resistance_or_therapy_cue(matcher):
    rec = record(
        "Kinases in breast cancer",
        ("BACKGROUND", "SRPK1 is a splicing kinase. Tamoxifen is widely used."),
        (
            "RESULTS",
            "SRPK1 was higher in tamoxifen-resistant tumours (p < 0.05). "
            "SRPK1 co-localised with SRSF1. Patients received letrozole; SRPK1 levels fell.",
        ),
    )
    (draft,) = matcher.match(rec)
    assert [s.text for s in draft.snippets] == [
        "SRPK1 was higher in tamoxifen-resistant tumours (p < 0.05).",
        "Patients received letrozole; SRPK1 levels fell.",
    ]
    assert [s.section for s in draft.snippets] == ["results", "results"]
    assert draft.snippets[0].genes == ("SRPK1",)
    assert draft.snippets[0].cues == ("tamoxifen", "resistant")


def test_snippet_spans_point_at_the_gene_and_cue_words(matcher):
    rec = record("", "High SRPK1 predicted chemoresistance to doxorubicin in breast cancer.")
    (draft,) = matcher.match(rec)
    snippet = draft.snippets[0]
    words = {(snippet.text[s:e], kind) for s, e, kind in snippet.spans}
    assert words == {
        ("SRPK1", "gene"),
        ("chemoresistance", "resistance"),
        ("doxorubicin", "therapy"),
        ("breast cancer", "disease"),
    }


def test_snippets_are_ranked_resistance_first_and_capped_at_five(matcher):
    therapy_only = " ".join(f"SRPK1 was measured after tamoxifen dose {i}." for i in range(6))
    rec = record("", therapy_only + " SRPK1 marked resistant tumours.")
    (draft,) = matcher.match(rec)
    assert len(draft.snippets) == 5
    assert draft.snippets[0].text == "SRPK1 marked resistant tumours."


@pytest.mark.parametrize(
    "cue",
    [
        "resistant",
        "resistance",
        "chemoresistance",
        "chemoresistant",
        "radioresistant",
        "refractory",
        "non-responders",
        "nonresponders",
        "poor responses",
        "Resistance",
    ],
)
def test_resistance_cue_inflections_and_compounds_count(matcher, cue):
    rec = record("", f"SRPK1 marked {cue} in breast cancer.")
    (draft,) = matcher.match(rec)
    assert draft.snippets[0].cues[0].lower() == cue.lower()


def test_sensitivity_word_alone_is_not_enough_for_a_snippet(matcher):
    rec = record("", "SRPK1 knockdown increased sensitivity of the assay in breast cancer.")
    assert matcher.match(rec) == []


def test_reduced_sensitivity_is_a_resistance_cue_not_a_sensitivity_cue(matcher):
    rec = record("", "SRPK1 caused reduced sensitivity to cisplatin in breast cancer.")
    (draft,) = matcher.match(rec)
    kinds = [k for _, _, k in draft.snippets[0].spans]
    assert "resistance" in kinds and "sensitivity" not in kinds


def test_immune_response_is_not_a_sensitivity_cue(matcher):
    rec = record("", "SRPK1 shaped the immune response to doxorubicin in breast cancer.")
    (draft,) = matcher.match(rec)
    assert "sensitivity" not in {k for _, _, k in draft.snippets[0].spans}


def test_matched_terms_list_watchlist_terms_found_in_the_record(matcher):
    rec = record(
        "HER2 and trastuzumab resistance in breast cancer",
        "Resistant tumours had high ErbB2.",
        mesh=("Breast Neoplasms",),
    )
    draft = by_gene(matcher.match(rec))["ERBB2"]
    assert draft.matched_terms["resistance"] == ["resistance", "resistant"]
    assert draft.matched_terms["therapy"] == ["trastuzumab"]
    assert draft.matched_terms["disease"] == ["breast cancer", "Breast Neoplasms"]
    assert draft.matched_terms["aliases"] == ["HER2", "ErbB2"]
    assert draft.mentions == ("HER2", "ErbB2")


def _strong_record(**kwargs: object) -> PubmedRecord:
    return record(
        "SRPK1 drives doxorubicin resistance in breast cancer",
        ("RESULTS", "High SRPK1 predicted doxorubicin resistance in 120 patients."),
        **kwargs,
    )


# --- sentences of a record -------------------------------------------------------------


def test_title_is_one_sentence_and_sections_keep_their_labels(matcher):
    rec = record(
        "SRPK1. A kinase in doxorubicin resistance",
        ("METHODS", "SRPK1 was silenced before doxorubicin."),
        "SRPK1 predicted resistance.",
    )
    (draft,) = matcher.match(rec)
    sections = {s.text: s.section for s in draft.snippets}
    assert sections == {
        "SRPK1. A kinase in doxorubicin resistance": "title",
        "SRPK1 was silenced before doxorubicin.": "methods",
        "SRPK1 predicted resistance.": "abstract",
    }


# --- the shipped watchlist ---------------------------------------------------------------


@pytest.fixture(scope="module")
def real_matcher() -> Matcher:
    seedfiles = pytest.importorskip("evidencewatch.watch.seedfiles")
    path = REPO / "seed_evidence" / "watchlist.toml"
    if not path.exists():
        pytest.skip("seed_evidence/watchlist.toml not written yet")
    return Matcher.from_watchlist(seedfiles.load_watchlist(path))


def test_every_tracked_symbol_of_the_shipped_watchlist_is_found_in_a_resistance_sentence(
    real_matcher,
):
    for gene in real_matcher.watchlist.genes:
        rec = record(
            f"{gene.symbol} and tamoxifen resistance in breast cancer",
            f"High {gene.symbol} expression predicted tamoxifen resistance in 90 patients.",
        )
        drafts = by_gene(real_matcher.match(rec))
        assert gene.symbol in drafts, gene.symbol
        assert drafts[gene.symbol].score >= 70


def test_every_unambiguous_alias_of_the_shipped_watchlist_is_a_mention(real_matcher):
    for gene in real_matcher.watchlist.genes:
        for alias in gene.aliases:
            found = real_matcher.genes_mentioned(f"We measured {alias.text} in tumours.")
            if alias.ambiguous:
                assert gene.symbol not in found, alias.text
            else:
                assert found.get(gene.symbol) == [alias.text], alias.text


def test_shipped_watchlist_traps(real_matcher):
    assert real_matcher.genes_mentioned("The p65 band of the viral capsid.") == {}
    assert "RELA" in real_matcher.genes_mentioned("NF-kappaB p65 was nuclear.")
    assert "CHUK" in real_matcher.genes_mentioned("IKK-α was active.")
    nurses = record(
        "Preventive Cardiovascular Nurses Association (PCNA) guidance on chemotherapy",
        "PCNA members described resistance to chemotherapy in breast cancer care.",
    )
    assert real_matcher.match(nurses) == []


def test_a_tracked_symbol_in_a_plant_study_is_not_the_human_gene(matcher_for_species):
    """'cytochrome P4503A4' in wheat names a plant enzyme: no CYP3A4 mention, no candidate."""
    from evidencewatch.pubmed.records import AbstractSection, PubmedRecord

    record = PubmedRecord(
        pmid=99200001,
        title="Phthalate exposure and detoxification enzymes in mature wheat grain.",
        abstract=(
            AbstractSection(
                text="Phthalates upregulated cytochrome P4503A4 and conferred resistance to "
                "oxidative stress in wheat grain."
            ),
        ),
        mesh_terms=("Triticum", "Plasticizers"),
    )
    assert matcher_for_species.record_genes(record) == {}
    assert matcher_for_species.match(record) == []
    human = PubmedRecord(
        pmid=99200002,
        title=record.title,
        abstract=record.abstract,
        mesh_terms=("Humans", "Triticum"),
    )
    assert "CYP3A4" in matcher_for_species.record_genes(human)


@pytest.fixture
def matcher_for_species():
    from pathlib import Path

    from evidencewatch.matching.match import Matcher
    from evidencewatch.watch.seedfiles import load_watchlist

    return Matcher.from_watchlist(
        load_watchlist(Path(__file__).resolve().parents[2] / "seed_evidence" / "watchlist.toml")
    )
