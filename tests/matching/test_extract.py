"""Extraction: therapy, direction, effect, alteration, subtype and model system.

Every sentence here is invented for the test; none is taken from a paper.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencewatch.matching.extract import Extraction, extract
from evidencewatch.matching.match import Matcher
from evidencewatch.matching.snippets import Snippet
from evidencewatch.pubmed.records import AbstractSection, PubmedRecord
from evidencewatch.watch.watchlist import Alias, TherapyTerms, TrackedGene, Watchlist

WATCHLIST = Watchlist(
    genes=(
        TrackedGene("SRPK1", "SRSF protein kinase 1", "HGNC:0"),
        TrackedGene(
            "RELA",
            "RELA proto-oncogene, NF-kB subunit",
            "HGNC:0",
            aliases=(Alias("p65", ambiguous=True), Alias("NF-κB p65")),
            context=("NF-κB",),
        ),
        TrackedGene("ERBB2", "erb-b2 receptor tyrosine kinase 2", "HGNC:0", (Alias("HER2"),)),
        TrackedGene("BARD1", "BRCA1 associated RING domain 1", "HGNC:0"),
    ),
    resistance_terms=("resistance", "resistant", "refractory", "non-responders"),
    sensitivity_terms=("sensitivity", "sensitive", "response", "pCR"),
    therapies=(
        TherapyTerms("chemotherapy", ("chemotherapy",), ("doxorubicin", "paclitaxel")),
        TherapyTerms("radiotherapy", ("radiotherapy",), ()),
        TherapyTerms("endocrine", ("endocrine therapy",), ("tamoxifen", "letrozole")),
        TherapyTerms("anti-HER2", ("anti-HER2",), ("trastuzumab", "T-DM1")),
    ),
    disease_terms=("breast cancer",),
)


def snip(text: str, section: str = "results") -> Snippet:
    return Snippet(text, section, (), (), ())


def run(
    *sentences: str,
    gene: str = "SRPK1",
    title: str = "A study",
    abstract: str = "",
) -> Extraction:
    rec = PubmedRecord(
        pmid=1,
        title=title,
        abstract=(AbstractSection(abstract or " ".join(sentences)),),
    )
    return extract(gene, [snip(s) for s in sentences], rec, WATCHLIST)


# --- therapy -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "therapy_class", "agents"),
    [
        ("High SRPK1 predicted resistance to tamoxifen.", "endocrine", ("tamoxifen",)),
        ("SRPK1 predicted a poor outcome after letrozole.", "endocrine", ("letrozole",)),
        ("SRPK1 marked resistance to fulvestrant.", "endocrine", ("fulvestrant",)),
        (
            "SRPK1 marked doxorubicin and paclitaxel resistance.",
            "chemotherapy",
            ("doxorubicin", "paclitaxel"),
        ),
        ("SRPK1 marked Adriamycin resistance.", "chemotherapy", ("doxorubicin",)),
        ("SRPK1 marked docetaxel-refractory disease.", "chemotherapy", ("docetaxel",)),
        ("SRPK1 predicted local failure after radiotherapy.", "radiotherapy", ()),
        ("SRPK1 loss increased radiosensitivity.", "radiotherapy", ()),
        ("SRPK1 was high in T-DM1-resistant cells.", "anti-HER2", ("trastuzumab emtansine",)),
        ("SRPK1 limited the effect of T-DXd.", "anti-HER2", ("trastuzumab deruxtecan",)),
        ("SRPK1 marked lapatinib resistance.", "anti-HER2", ("lapatinib",)),
    ],
)
def test_therapy_class_and_agents_come_from_the_snippet(sentence, therapy_class, agents):
    result = run(sentence)
    assert (result.therapy_class, result.agents) == (therapy_class, agents)
    assert result.evidence["therapy_class"] == sentence


def test_therapy_class_from_snippets_wins_over_the_rest_of_the_record():
    result = run(
        "SRPK1 predicted tamoxifen resistance.",
        abstract="Patients also received doxorubicin, paclitaxel and radiotherapy.",
    )
    assert result.therapy_class == "endocrine"


def test_therapy_class_falls_back_to_the_whole_record_when_snippets_name_none():
    result = run(
        "SRPK1 was higher in resistant tumours.",
        title="Chemoresistance in breast cancer",
        abstract="SRPK1 was higher in resistant tumours.",
    )
    assert result.therapy_class == "chemotherapy"
    assert result.evidence["therapy_class"] == "Chemoresistance in breast cancer"


def test_most_frequent_therapy_class_in_the_snippets_wins():
    result = run(
        "SRPK1 predicted resistance to trastuzumab after tamoxifen.",
        "SRPK1 blocked trastuzumab binding.",
    )
    assert result.therapy_class == "anti-HER2"


# --- direction and effect ----------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Overexpression of SRPK1 conferred resistance to paclitaxel.",
        "SRPK1 overexpression conferred resistance to paclitaxel.",
        "Upregulation of SRPK1 was seen in paclitaxel-resistant tumours.",
        "High SRPK1 expression predicted paclitaxel resistance.",
        "Elevated SRPK1 levels marked paclitaxel-refractory disease.",
        "SRPK1 was significantly upregulated in resistant tumours after paclitaxel.",
        "SRPK1 amplification was associated with resistance to paclitaxel.",
        "SRPK1-high tumours were resistant to paclitaxel.",
    ],
)
def test_up_words_next_to_the_gene_give_direction_up_with_resistance(sentence):
    result = run(sentence)
    assert (result.direction, result.effect) == ("up", "resistance")
    assert result.evidence["direction"] == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Loss of SRPK1 conferred resistance to tamoxifen.",
        "SRPK1 downregulation was found in tamoxifen-resistant tumours.",
        "Low SRPK1 expression predicted tamoxifen resistance.",
        "Reduced SRPK1 levels marked tamoxifen-resistant disease.",
        "SRPK1 expression was decreased in tamoxifen-resistant cells.",
        "Knockdown of SRPK1 conferred resistance to tamoxifen.",
    ],
)
def test_down_words_next_to_the_gene_give_direction_down_with_resistance(sentence):
    result = run(sentence)
    assert (result.direction, result.effect) == ("down", "resistance")


@pytest.mark.parametrize(
    "sentence",
    [
        "Knockdown of SRPK1 sensitized MDA-MB-231 cells to paclitaxel.",
        "SRPK1 knockdown re-sensitised resistant cells to paclitaxel.",
        "Silencing SRPK1 restored sensitivity to tamoxifen in MCF-7/TamR cells.",
        "Silencing of SRPK1 in tamoxifen-resistant cells restored sensitivity.",
        "Inhibition of SRPK1 reversed trastuzumab resistance.",
        "The SRPK1 inhibitor SRPIN340 overcame doxorubicin resistance.",
        "SRPK1-depleted cells were more sensitive to doxorubicin.",
        "siRNA against SRPK1 enhanced the response to doxorubicin.",
    ],
)
def test_knockdown_sensitizes_pattern_reads_as_high_gene_gives_resistance(sentence):
    result = run(sentence)
    assert (result.direction, result.effect) == ("up", "resistance")
    assert "knockdown-sensitizes" in result.evidence["direction"]
    assert result.evidence["effect"] == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "We deleted SRPK1 with CRISPR-Cas9 in resistant cells, which restored sensitivity to "
        "paclitaxel.",
        "SRPK1 was deleted using CRISPR/Cas9, and the edited cells were more sensitive to "
        "doxorubicin.",
        "Genetic deletion of SRPK1 sensitized xenografts to paclitaxel.",
        "SRPK1 knockout re-sensitised docetaxel-resistant organoids.",
        "Pharmacological inhibition of SRPK1 enhanced the response to tamoxifen.",
        "SRPK1 deletion restored sensitivity to doxorubicin.",
        "Loss of SRPK1 reversed tamoxifen resistance in MCF-7/TamR cells.",
    ],
)
def test_experimental_deletion_or_knockout_that_sensitizes_reads_as_knockdown(sentence):
    result = run(sentence)
    assert (result.direction, result.effect) == ("up", "resistance")
    assert "knockdown-sensitizes" in result.evidence["direction"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Deletion of SRPK1 was observed in tumours that later proved sensitive to paclitaxel.",
        "Loss of SRPK1 predicted sensitivity to platinum in patients.",
        "Patients whose tumours carried an SRPK1 deletion achieved a pCR after chemotherapy.",
    ],
)
def test_observed_deletion_with_sensitivity_stays_down_with_sensitivity(sentence):
    result = run(sentence)
    assert (result.direction, result.effect) == ("down", "sensitivity")


@pytest.mark.parametrize(
    "sentence",
    [
        "SRPK1 knockdown restored paclitaxel-induced apoptosis in both resistant lines.",
        "Silencing of SRPK1 restored trastuzumab-induced growth arrest in resistant sublines.",
        "SRPK1 siRNA restored doxorubicin-induced cell death in resistant organoids.",
        "SRPK1 inhibition restores the response to tamoxifen in resistant breast cancer.",
        "Knockdown of SRPK1 restored lapatinib-induced growth inhibition in all resistant models.",
    ],
)
def test_knockdown_restoring_drug_induced_killing_in_resistant_material_is_resensitization(
    sentence,
):
    result = run(sentence)
    assert (result.direction, result.effect) == ("up", "resistance")
    assert "knockdown-sensitizes" in result.evidence["direction"]


def test_knockdown_that_results_in_a_resistant_phenotype_is_still_resistance_down():
    result = run("SRPK1 knockdown resulted in resistant cells after tamoxifen.")
    assert (result.direction, result.effect) == ("down", "resistance")


def test_a_methods_sentence_ranks_after_the_findings():
    rec = PubmedRecord(pmid=1, title="A study", abstract=(AbstractSection("x"),))
    methods = Snippet(
        "We compared organoids that were sensitive or resistant to paclitaxel, then deleted "
        "SRPK1 with CRISPR-Cas9 in resistant organoids.",
        "methods",
        (),
        (),
        (),
    )
    results = snip("SRPK1 deletion restored sensitivity to paclitaxel.")
    for order in ([methods, results], [results, methods]):
        result = extract("SRPK1", order, rec, WATCHLIST)
        assert (result.direction, result.effect) == ("up", "resistance")
        assert result.evidence["direction"].endswith(results.text)


@pytest.mark.parametrize(
    ("sentence", "direction"),
    [
        ("Low rather than high SRPK1 expression was associated with tamoxifen resistance.", "down"),
        ("High instead of low SRPK1 levels marked paclitaxel-refractory disease.", "up"),
        ("Reduced instead of elevated SRPK1 predicted relapse on tamoxifen.", "down"),
    ],
)
def test_the_rejected_alternative_in_a_contrast_is_not_the_direction(sentence, direction):
    result = run(sentence)
    assert (result.direction, result.effect) == (direction, "resistance")


def test_a_suggesting_clause_about_something_else_does_not_state_the_genes_effect():
    result = run(
        "Tamoxifen resistance persisted while SRPK1 overexpression was retained, suggesting "
        "that BARD1 blockade could restore sensitivity."
    )
    assert (result.direction, result.effect) == ("up", "resistance")


def test_overexpression_that_sensitizes_stays_up_with_sensitivity():
    result = run("Overexpression of SRPK1 sensitized cells to doxorubicin.")
    assert (result.direction, result.effect) == ("up", "sensitivity")


def test_low_gene_with_a_better_response_stays_down_with_sensitivity():
    result = run("Patients with low SRPK1 expression had a higher pCR rate after chemotherapy.")
    assert (result.direction, result.effect) == ("down", "sensitivity")


@pytest.mark.parametrize(
    "sentence",
    [
        "SRPK1 expression was lower in tamoxifen-sensitive than in tamoxifen-resistant cells.",
        "SRPK1 was reduced in sensitive compared with resistant tumours after tamoxifen.",
        "SRPK1 was higher in responders than in non-responders to tamoxifen.",
    ],
)
def test_comparison_listing_the_sensitive_group_first_flips_the_direction(sentence):
    result = run(sentence)
    expected = "down" if "higher" in sentence else "up"
    assert (result.direction, result.effect) == (expected, "resistance")


def test_comparison_listing_the_resistant_group_first_keeps_the_direction():
    result = run("SRPK1 was higher in tamoxifen-resistant compared with sensitive cells.")
    assert (result.direction, result.effect) == ("up", "resistance")


@pytest.mark.parametrize(
    "sentence",
    [
        "SRPK1 expression was not associated with response to tamoxifen.",
        "There was no significant difference in SRPK1 levels between resistant and sensitive "
        "tumours after tamoxifen.",
        "SRPK1 knockdown did not alter sensitivity to paclitaxel.",
        "SRPK1 status was unrelated to tamoxifen resistance.",
        "SRPK1 showed no association with radiotherapy response.",
    ],
)
def test_negated_statement_gives_no_association_and_no_direction(sentence):
    result = run(sentence)
    assert (result.effect, result.direction) == ("no_association", None)
    assert "negated" in result.evidence["effect"]


def test_did_not_respond_is_resistance_not_negation():
    result = run("Patients with high SRPK1 did not respond to tamoxifen.")
    assert (result.direction, result.effect) == ("up", "resistance")


def test_not_only_is_not_a_negation():
    result = run("High SRPK1 predicted not only relapse but also tamoxifen resistance.")
    assert result.effect == "resistance"


def test_negation_in_another_clause_does_not_negate_the_finding():
    result = run(
        "SRPK1 knockdown had no effect on proliferation but sensitized cells to paclitaxel."
    )
    assert (result.direction, result.effect) == ("up", "resistance")


def test_gene_that_inhibits_something_is_not_a_down_direction():
    result = run("SRPK1 inhibited apoptosis and promoted tamoxifen resistance.")
    assert result.direction != "down"
    assert result.effect == "resistance"


@pytest.mark.parametrize(
    "sentence",
    [
        "SRPK1 contributes to tamoxifen resistance in breast cancer cells.",
        "SRPK1 expression predicts resistance to tamoxifen.",
        "SRPK1 may mark tamoxifen-resistant breast tumours.",
        "SRPK1-expressing cells were more resistant to tamoxifen.",
    ],
)
def test_the_gene_as_the_agent_of_the_effect_is_up(sentence):
    result = run(sentence)
    assert (result.direction, result.effect) == ("up", "resistance")


def test_snippet_with_effect_and_direction_is_preferred_over_one_with_effect_only():
    result = run(
        "SRPK1 and tamoxifen resistance in breast cancer.",
        "High SRPK1 predicted tamoxifen resistance.",
    )
    assert (result.direction, result.effect) == ("up", "resistance")
    assert result.evidence["direction"] == "High SRPK1 predicted tamoxifen resistance."


def test_ambiguous_alias_in_the_snippet_is_read_as_the_gene():
    result = run("Nuclear p65 was higher in trastuzumab-resistant tumours.", gene="RELA")
    assert (result.direction, result.effect) == ("up", "resistance")
    assert result.alteration == "nuclear_localisation"


def test_no_snippet_means_no_direction_or_effect():
    result = run()
    assert (result.direction, result.effect) == (None, None)


def test_passive_participle_after_the_gene_needs_no_copula():
    result = run("We found SRPK1 upregulated in tamoxifen-resistant MCF-7 cells.")
    assert (result.direction, result.effect) == ("up", "resistance")


def test_loss_of_the_gene_amplification_is_down():
    result = run("Loss of SRPK1 amplification may mark acquired resistance to tamoxifen.")
    assert result.direction == "down"


def test_knockdown_of_a_list_of_genes_applies_to_each_of_them():
    result = run(
        "Knockdown of RELA, SRPK1 or BARD1 restored trastuzumab-induced growth arrest in "
        "resistant cells."
    )
    assert (result.direction, result.effect) == ("up", "resistance")


def test_reduced_clonogenic_survival_after_irradiation_is_sensitization():
    result = run("Genetic depletion of SRPK1 reduced clonogenic survival after radiotherapy.")
    assert (result.direction, result.effect) == ("up", "resistance")
    assert result.therapy_class == "radiotherapy"


@pytest.mark.parametrize(
    "sentence",
    [
        "Reduced SRPK1 function was associated with inferior benefit from tamoxifen.",
        "Low SRPK1 identified tumours with poor benefit from chemotherapy.",
        "Low SRPK1 expression and failure to achieve pathological complete response after "
        "chemotherapy.",
    ],
)
def test_poor_benefit_and_failure_to_respond_are_resistance(sentence):
    result = run(sentence)
    assert (result.direction, result.effect) == ("down", "resistance")


def test_a_loss_of_function_phrase_is_not_loss_of_sensitivity():
    result = run("SRPK1 loss of function predicts platinum sensitivity in patients.")
    assert (result.direction, result.effect) == ("down", "sensitivity")


def test_an_observed_direction_beats_one_read_from_a_knockout():
    result = run(
        "In MDA-MB-231 cells, SRPK1 knockout increased sensitivity to carboplatin.",
        "SRPK1 loss of function predicts platinum sensitivity in patients.",
    )
    assert (result.direction, result.effect) == ("down", "sensitivity")
    assert result.evidence["direction"].startswith("SRPK1 loss of function")


# --- alteration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "alteration", "change"),
    [
        ("SRPK1 mRNA was higher in resistant tumours after tamoxifen.", "mRNA", "over-expression"),
        ("SRPK1 transcript levels by RT-qPCR predicted tamoxifen resistance.", "mRNA", None),
        ("SRPK1 protein by immunohistochemistry predicted tamoxifen resistance.", "protein", None),
        (
            "High SRPK1 IHC staining marked tamoxifen-resistant tumours.",
            "protein",
            "over-expression",
        ),
        ("SRPK1 mutations were enriched in tamoxifen-resistant tumours.", "mutation", None),
        ("Germline SRPK1 variants predicted tamoxifen resistance.", "mutation", None),
        ("SRPK1 amplification predicted tamoxifen resistance.", "copy_number", "amplification"),
        ("SRPK1 copy number gain marked tamoxifen resistance.", "copy_number", "amplification"),
        ("SRPK1 promoter hypermethylation predicted tamoxifen resistance.", "methylation", "loss"),
        (
            "A four-gene signature including SRPK1 predicted tamoxifen resistance.",
            "signature",
            None,
        ),
        (
            "Nuclear translocation of SRPK1 marked tamoxifen resistance.",
            "nuclear_localisation",
            None,
        ),
        (
            "SRPK1 nuclear accumulation marked tamoxifen resistance.",
            "nuclear_localisation",
            "activation",
        ),
    ],
)
def test_alteration_kind_is_read_from_the_sentence(sentence, alteration, change):
    result = run(sentence)
    assert result.alteration == alteration
    assert result.evidence["alteration"] == (f"{change}: {sentence}" if change else sentence)
    assert result.evidence.get("alteration_change") == change


@pytest.mark.parametrize(
    ("sentence", "alteration"),
    [
        ("Low SRPK1 (SR protein kinase 1) protein predicted tamoxifen resistance.", "protein"),
        (
            "SRPK1 was measured by RNA in situ hybridisation and predicted relapse on tamoxifen.",
            "mRNA",
        ),
        (
            "A five-gene score including SRPK1 and BARD1 predicted relapse on tamoxifen.",
            "signature",
        ),
        ("Carriers of the SRPK1*3 allele relapsed early on tamoxifen.", "mutation"),
        ("We genotyped SRPK1 in 300 women treated with letrozole.", "mutation"),
        ("High SRPK1 labelling index predicted tamoxifen resistance.", "protein"),
    ],
)
def test_alteration_from_methods_aliases_and_alleles(sentence, alteration):
    assert run(sentence).alteration == alteration


@pytest.mark.parametrize(
    "sentence",
    [
        "SRPK1 supports trastuzumab resistance in HER2-amplified cells.",
        "SRPK1 knockdown reduced the ERalpha36 splice variant and restored tamoxifen sensitivity.",
        "High SRPK1 was found with constitutive IkappaBalpha phosphorylation after paclitaxel.",
    ],
)
def test_alteration_words_about_another_molecule_do_not_count(sentence):
    assert run(sentence).alteration is None


def test_the_more_specific_alteration_wins_in_one_sentence():
    result = run("Nuclear localisation of SRPK1 protein predicted tamoxifen resistance.")
    assert result.alteration == "nuclear_localisation"


@pytest.mark.parametrize(
    "sentence",
    [
        "Phosphorylated SRPK1 predicted tamoxifen resistance.",
        "SRPK1 phosphorylation at Ser51 protein sites rose in tamoxifen-resistant cells.",
        "Phospho-SRPK1 marked tamoxifen resistance.",
        "Phosphorylation of SRPK1 was increased in tamoxifen-resistant cells.",
    ],
)
def test_a_phospho_form_is_read_as_phosphorylation_not_as_the_total_protein(sentence):
    result = run(sentence)
    assert result.alteration == "phosphorylation"


@pytest.mark.parametrize(
    "sentence",
    [
        "SRPK1 knockdown reduced AKT phosphorylation and restored tamoxifen sensitivity.",
        "SRPK1 phosphorylates SR proteins in tamoxifen-resistant cells.",
    ],
)
def test_phosphorylation_of_another_protein_or_by_the_gene_is_not_the_genes(sentence):
    assert run(sentence).alteration != "phosphorylation"


def test_an_engineered_mutant_is_not_a_mutation_found_in_the_cells():
    result = run("A constitutively active SRPK1 mutant conferred tamoxifen resistance.")
    assert result.alteration != "mutation"


def test_alteration_falls_back_to_other_sentences_naming_the_gene_only():
    result = run(
        "SRPK1 predicted tamoxifen resistance.",
        abstract="HER2 amplification was frequent. SRPK1 protein was scored by IHC. "
        "SRPK1 predicted tamoxifen resistance.",
    )
    assert result.alteration == "protein"


def test_the_name_proliferating_cell_nuclear_antigen_is_not_nuclear_localisation():
    wl = Watchlist(
        genes=(
            TrackedGene(
                "PCNA",
                "proliferating cell nuclear antigen",
                "HGNC:0",
                (Alias("proliferating cell nuclear antigen"),),
            ),
        ),
        resistance_terms=("resistance",),
        therapies=(),
        disease_terms=(),
    )
    text = "Proliferating cell nuclear antigen predicted tamoxifen resistance."
    rec = PubmedRecord(pmid=1, title="", abstract=(AbstractSection(text),))
    assert extract("PCNA", [snip(text)], rec, wl).alteration is None


# --- subtype -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "subtype"),
    [
        ("luminal A", "luminal A"),
        ("Luminal B", "luminal B"),
        ("HER2-positive", "HER2-positive"),
        ("HER2+", "HER2-positive"),
        ("HER2-amplified", "HER2-positive"),
        ("triple-negative", "triple-negative"),
        ("TNBC", "triple-negative"),
        ("ER-positive", "ER-positive"),
        ("ER+", "ER-positive"),
        ("oestrogen receptor-positive", "ER-positive"),
        ("hormone receptor-positive", "ER-positive"),
        ("basal-like", "basal-like"),
    ],
)
def test_subtype_is_read_in_its_usual_spellings(phrase, subtype):
    assert run(f"SRPK1 predicted resistance in {phrase} tumours.").subtype == subtype


def test_her2_negative_is_not_her2_positive():
    result = run("SRPK1 predicted tamoxifen resistance in ER-positive, HER2-negative tumours.")
    assert result.subtype == "ER-positive"


def test_subtype_falls_back_to_the_title_then_the_abstract():
    result = run(
        "SRPK1 predicted resistance.",
        title="SRPK1 in triple-negative breast cancer",
        abstract="SRPK1 predicted resistance. Some ER+ tumours were included.",
    )
    assert result.subtype == "triple-negative"
    assert result.evidence["subtype"] == "SRPK1 in triple-negative breast cancer"


def test_no_subtype_named_gives_none():
    assert run("SRPK1 predicted tamoxifen resistance.").subtype is None


# --- model system ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("abstract", "model"),
    [
        ("SRPK1 was silenced in MCF-7 and T47D cells.", "cell_line"),
        ("SRPK1 was studied in three breast cancer cell lines.", "cell_line"),
        ("SRPK1-high xenografts grew despite tamoxifen.", "xenograft"),
        ("Nude mice bearing MCF-7 tumours received tamoxifen.", "xenograft"),
        ("Patient-derived xenograft (PDX) models were treated.", "xenograft"),
        ("SRPK1 was scored in tumours from 212 patients.", "patient_cohort"),
        ("In a retrospective cohort, SRPK1 predicted relapse.", "patient_cohort"),
        ("We analysed SRPK1 in the METABRIC data set.", "patient_cohort"),
        ("Samples came from a phase III randomized trial of letrozole.", "clinical_trial"),
        ("Tumours were collected in the BIG 1-98 trial.", "clinical_trial"),
        ("Patients were enrolled in NCT01234567.", "clinical_trial"),
    ],
)
def test_model_system_is_read_from_the_record(abstract, model):
    result = run("SRPK1 predicted tamoxifen resistance.", abstract=abstract)
    assert result.model_system == model
    assert result.evidence["model_system"] == abstract


def test_the_strongest_model_system_wins():
    abstract = (
        "SRPK1 was silenced in MCF-7 cells. SRPK1-high xenografts in mice resisted tamoxifen. "
        "High SRPK1 predicted relapse in tumours from 150 patients."
    )
    result = run("SRPK1 predicted tamoxifen resistance.", abstract=abstract)
    assert result.model_system == "patient_cohort"
    assert result.cell_lines == ("MCF-7",)


def test_phase_one_metabolism_is_not_a_clinical_trial():
    result = run(
        "SRPK1 predicted tamoxifen resistance.",
        abstract="Phase I enzymes metabolise tamoxifen in the liver of 30 patients.",
    )
    assert result.model_system == "patient_cohort"


def test_matcher_attaches_the_extraction_to_each_candidate():
    matcher = Matcher.from_watchlist(WATCHLIST)
    rec = PubmedRecord(
        pmid=7,
        title="SRPK1 in tamoxifen resistance of ER-positive breast cancer",
        abstract=(
            AbstractSection(
                "Knockdown of SRPK1 restored tamoxifen sensitivity in MCF-7/TamR cells.",
                label="RESULTS",
            ),
        ),
    )
    (draft,) = matcher.match(rec)
    ex = draft.extraction
    assert (ex.therapy_class, ex.direction, ex.effect) == ("endocrine", "up", "resistance")
    assert (ex.subtype, ex.model_system, ex.cell_lines) == ("ER-positive", "cell_line", ("MCF-7",))
    assert set(ex.evidence) >= {"therapy_class", "direction", "effect", "subtype", "model_system"}


def test_matcher_hands_its_mentions_to_extraction_with_the_result_of_a_standalone_run():
    matcher = Matcher.from_watchlist(WATCHLIST)
    rec = PubmedRecord(
        pmid=8,
        title="RELA and SRPK1 in breast cancer",
        abstract=(
            AbstractSection("NF-κB was active in 40 patients.", label="BACKGROUND"),
            AbstractSection(
                "Nuclear p65 was higher in tamoxifen-resistant tumours. Loss of SRPK1 "
                "restored sensitivity to paclitaxel. SRPK1 mRNA was measured by RT-qPCR.",
                label="RESULTS",
            ),
        ),
    )
    drafts = matcher.match(rec)
    assert {d.gene for d in drafts} == {"RELA", "SRPK1"}
    for draft in drafts:
        alone = extract(draft.gene, list(draft.snippets), rec, WATCHLIST)
        assert draft.extraction == alone, draft.gene


def test_matcher_does_not_search_the_genes_forms_again_for_extraction(monkeypatch):
    import evidencewatch.matching.extract as extract_module

    def refuse(*args, **kwargs):
        raise AssertionError("extraction compiled the gene's forms again")

    matcher = Matcher.from_watchlist(WATCHLIST)
    monkeypatch.setattr(extract_module, "compile_gene", refuse)
    monkeypatch.setattr(extract_module, "_GENE_CACHE", {})
    rec = PubmedRecord(
        pmid=9,
        title="SRPK1 in tamoxifen resistance",
        abstract=(AbstractSection("High SRPK1 predicted tamoxifen resistance."),),
    )
    (draft,) = matcher.match(rec)
    assert (draft.extraction.direction, draft.extraction.effect) == ("up", "resistance")


# --- the shipped watchlist ---------------------------------------------------------------


def test_extraction_with_the_shipped_watchlist():
    seedfiles = pytest.importorskip("evidencewatch.watch.seedfiles")
    path = Path(__file__).resolve().parents[2] / "seed_evidence" / "watchlist.toml"
    if not path.exists():
        pytest.skip("seed_evidence/watchlist.toml not written yet")
    watchlist = seedfiles.load_watchlist(path)
    cases = [
        ("Knockdown of SRPK1 sensitized MDA-MB-231 cells to docetaxel.", "SRPK1",
         ("chemotherapy", ("docetaxel",), "up", "resistance")),
        ("High LY96 expression predicted early relapse on adjuvant tamoxifen.", "LY96",
         ("endocrine", ("tamoxifen",), "up", "resistance")),
        ("Nuclear NF-kappaB p65 was higher in T-DM1-resistant tumours.", "RELA",
         ("anti-HER2", ("trastuzumab emtansine",), "up", "resistance")),
        ("Low BARD1 protein was not associated with response to radiotherapy.", "BARD1",
         ("radiotherapy", (), None, "no_association")),
        ("Low prolactin receptor expression predicted relapse on tamoxifen.", "PRLR",
         ("endocrine", ("tamoxifen",), "down", "resistance")),
        ("Re-expression of FBP1 restored sensitivity to paclitaxel.", "FBP1",
         ("chemotherapy", ("paclitaxel",), "down", "resistance")),
        ("Silencing PCCA sensitized resistant cells to docetaxel.", "PCCA",
         ("chemotherapy", ("docetaxel",), "up", "resistance")),
    ]  # fmt: skip
    for sentence, gene, expected in cases:
        rec = PubmedRecord(pmid=1, title="", abstract=(AbstractSection(sentence),))
        ex = extract(gene, [snip(sentence)], rec, watchlist)
        assert (ex.therapy_class, ex.agents, ex.direction, ex.effect) == expected, sentence


@pytest.mark.parametrize(
    ("abstract", "model"),
    [
        (
            "SRPK1 knockdown restored tamoxifen sensitivity in MCF-7 cells. "
            "Confirmation in patient cohorts is required.",
            "cell_line",
        ),
        (
            "SRPK1 knockdown restored tamoxifen sensitivity in MCF-7 cells. "
            "The effect was not tested in vivo.",
            "cell_line",
        ),
        (
            "SRPK1 knockdown restored tamoxifen sensitivity in patient-derived "
            "breast cancer organoids.",
            "organoid",
        ),
    ],
)
def test_model_system_counts_only_models_used_and_organoids_stay_organoids(abstract, model):
    result = run("SRPK1 in tamoxifen resistance.", abstract=abstract)
    assert result.model_system == model


def test_a_sentence_naming_several_subtypes_together_gives_no_subtype():
    result = run(
        "SRPK1 predicted tamoxifen resistance.",
        abstract="SRPK1 predicted tamoxifen resistance in both ER-positive and "
        "triple-negative tumours.",
    )
    assert result.subtype is None
