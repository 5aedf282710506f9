"""Independent studies: papers, not candidates; shared authors plus a shared cohort flag a pair."""

from __future__ import annotations

from evidencewatch.reporting.summary.document import side
from evidencewatch.reporting.summary.independence import (
    StudyFacts,
    author_keys,
    cohort_names,
    possibly_dependent,
    study_facts,
)
from evidencewatch.reporting.summary.lines import Line


def line(candidate_id: int, pmid: int, gene: str = "SLC7A5", **kw) -> Line:
    values = dict(
        therapy_class="chemotherapy",
        direction="up",
        effect="resistance",
        alteration="mRNA",
        subtype=None,
        model_system=None,
        evidence_level=None,
        statement="s",
        title="t",
        year=2026,
        text_source="abstract",
        retracted=False,
    )
    values.update(kw)
    return Line(candidate_id=candidate_id, pmid=pmid, gene=gene, **values)


def facts(pmid: int, authors: set[str], cohorts: set[str]) -> StudyFacts:
    return StudyFacts(pmid, frozenset(authors), frozenset(cohorts))


def test_several_candidates_from_one_paper_count_as_one_study():
    lines = [line(1, 100, "CYP3A4"), line(2, 100, "CYP2A6"), line(3, 101, "CYP3A4")]
    counted = side(lines, {})
    assert (counted["studies"], counted["candidates"]) == (2, 3)


def test_retracted_papers_are_counted_apart_and_do_not_set_the_highest_level():
    lines = [
        line(1, 100, evidence_level="C"),
        line(2, 101, evidence_level="A", retracted=True),
    ]
    counted = side(lines, {})
    assert (counted["studies"], counted["retracted_studies"]) == (1, 1)
    assert counted["highest_level"] == "C"


def test_the_highest_level_is_the_strongest_letter():
    counted = side([line(1, 1, evidence_level="D"), line(2, 2, evidence_level="B")], {})
    assert counted["highest_level"] == "B"


def test_papers_sharing_an_author_and_a_cohort_are_flagged_not_merged():
    studies = [
        facts(1, {"smith j", "lee k"}, {"METABRIC"}),
        facts(2, {"smith j"}, {"METABRIC", "TCGA"}),
        facts(3, {"smith j"}, {"GSE25066"}),  # same author, other cohort: independent
        facts(4, {"ng a"}, {"METABRIC"}),  # same cohort, other authors: independent
    ]
    assert possibly_dependent(studies) == [[1, 2]]
    counted = side([line(i, i) for i in (1, 2, 3, 4)], {s.pmid: s for s in studies})
    assert counted["studies"] == 4
    assert counted["possibly_dependent"] == [[1, 2]]


def test_flagged_groups_are_linked_transitively():
    studies = [
        facts(1, {"a x"}, {"TCGA"}),
        facts(2, {"a x", "b y"}, {"TCGA", "SCAN-B"}),
        facts(3, {"b y"}, {"SCAN-B"}),
    ]
    assert possibly_dependent(studies) == [[1, 2, 3]]


def test_cohort_and_trial_names_are_read_from_title_and_abstract():
    text = (
        "In the GeparTrio trial and the METABRIC cohort (GSE25066; NCT00544765) we saw it; "
        "the NSABP B-27 study agreed, while the DNA study and an RT-PCR cohort name nothing."
    )
    assert cohort_names(text) == {"GEPARTRIO", "METABRIC", "GSE25066", "NCT00544765", "NSABPB27"}


def test_spellings_of_one_cohort_name_give_one_key():
    assert cohort_names("the I-SPY 2 trial") == cohort_names("I-SPY2") == {"ISPY2"}


def test_author_keys_are_surname_and_first_initial():
    keys = author_keys(
        [
            {"last_name": "Smith", "initials": "JA"},
            {"last_name": "Smith", "fore_name": "John"},
            {"collective_name": "The  TCGA Network"},
        ]
    )
    assert keys == {"smith j", "the tcga network"}


def test_study_facts_read_a_stored_record():
    record = {
        "title": "SLC7A5 in the I-SPY2 trial",
        "abstract": [{"text": "Patients of the METABRIC cohort."}],
        "authors": [{"last_name": "Doe", "initials": "J"}],
    }
    got = study_facts(5, record)
    assert got.authors == {"doe j"}
    assert got.cohort_names() == {"ISPY2", "METABRIC"}


def test_a_paper_without_authors_is_never_searched_for_names():
    got = study_facts(6, {"title": "the METABRIC cohort", "authors": []})
    assert got.cohort_names() == frozenset()
