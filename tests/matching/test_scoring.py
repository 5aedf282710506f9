"""The rule score: a logistic of the reasons' points, never clipped, ties broken by evidence,
and the same score again from stored reasons.

Every sentence here is invented for the test; none is taken from a paper.
"""

from __future__ import annotations

import pytest

from evidencewatch.matching import scoring
from evidencewatch.matching.match import CandidateDraft, Matcher
from evidencewatch.matching.scoring import WEIGHTS
from evidencewatch.pubmed.records import AbstractSection, CommentCorrection, PubmedRecord
from evidencewatch.watch.watchlist import TherapyTerms, TrackedGene, Watchlist

WATCHLIST = Watchlist(
    genes=(TrackedGene("SRPK1", "SRSF protein kinase 1", "HGNC:0"),),
    resistance_terms=("resistance", "resistant"),
    sensitivity_terms=("sensitivity", "sensitized", "response"),
    therapies=(
        TherapyTerms("chemotherapy", ("chemotherapy",), ("doxorubicin", "paclitaxel", "cisplatin")),
        TherapyTerms("endocrine", ("endocrine therapy",), ("tamoxifen",)),
    ),
    disease_terms=("breast cancer",),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_watchlist(WATCHLIST)


def record(
    title: str = "",
    *sections: str | tuple[str, str],
    mesh: tuple[str, ...] = (),
    types: tuple[str, ...] = ("Journal Article",),
    **kwargs: object,
) -> PubmedRecord:
    abstract = tuple(
        AbstractSection(s[1], label=s[0]) if isinstance(s, tuple) else AbstractSection(s)
        for s in sections
    )
    return PubmedRecord(
        pmid=1,
        title=title,
        abstract=abstract,
        mesh_terms=mesh,
        publication_types=types,
        **kwargs,  # type: ignore[arg-type]
    )


def _strong_record(**kwargs: object) -> PubmedRecord:
    return record(
        "SRPK1 drives doxorubicin resistance in breast cancer",
        ("RESULTS", "High SRPK1 predicted doxorubicin resistance in 120 patients."),
        **kwargs,
    )


def _points(draft: CandidateDraft) -> float:
    return sum(r.weight for r in draft.reasons)


def _stored(draft: CandidateDraft) -> list[dict[str, object]]:
    """The reasons as ingest stores them."""
    return [{"feature": r.feature, "weight": r.weight, "detail": r.detail} for r in draft.reasons]


def test_the_score_is_a_logistic_of_the_points_its_reasons_add_up_to(matcher):
    for rec in (
        _strong_record(),
        _strong_record(types=("Review",)),
        record("", "SRPK1 was measured after cisplatin."),
    ):
        for draft in matcher.match(rec):
            points = _points(draft)
            assert draft.score == pytest.approx(scoring.score_of_strength(points), abs=0.02)
            assert scoring.strength_of_score(draft.score) == pytest.approx(points, abs=0.5)
            assert 0 < draft.score < 100


def test_strong_evidence_is_never_clipped_so_more_of_it_still_scores_higher(matcher):
    strong = _strong_record(mesh=("Breast Neoplasms",))
    stronger = record(
        "SRPK1 drives doxorubicin resistance in breast cancer",
        (
            "RESULTS",
            "SRPK1 predicted doxorubicin resistance. SRPK1 predicted cisplatin "
            "resistance. SRPK1 predicted paclitaxel resistance. SRPK1 predicted response.",
        ),
    )
    (a,) = matcher.match(strong)
    (b,) = matcher.match(stronger)

    assert _points(a) >= 100 and _points(b) > _points(a)
    assert a.score < b.score < 100
    assert "score_clip" not in {r.feature for r in a.reasons + b.reasons}


def test_every_reason_weight_comes_from_the_weights_table(matcher):
    (draft,) = matcher.match(_strong_record())
    for reason in draft.reasons:
        if reason.feature == "supporting_sentences":
            assert reason.weight % WEIGHTS["supporting_sentences"] == 0
        else:
            assert reason.weight == WEIGHTS[reason.feature]
        assert reason.detail


def test_reasons_explain_gene_in_title_cues_and_breast_context(matcher):
    (draft,) = matcher.match(_strong_record(mesh=("Breast Neoplasms",)))
    features = {r.feature for r in draft.reasons}
    assert {
        "gene_mentioned",
        "gene_in_title",
        "resistance_cue_same_sentence",
        "therapy_same_sentence",
        "breast_context",
        "finding_section",
    } <= features
    detail = next(r.detail for r in draft.reasons if r.feature == "therapy_same_sentence")
    assert "doxorubicin" in detail and "chemotherapy" in detail


def test_a_review_scores_lower_than_the_same_primary_paper(matcher):
    (primary,) = matcher.match(_strong_record())
    (review,) = matcher.match(_strong_record(types=("Journal Article", "Review")))
    assert review.score < primary.score
    assert "review_article" in {r.feature for r in review.reasons}


def test_no_breast_context_lowers_the_score_strongly(matcher):
    breast = record("", "High SRPK1 predicted doxorubicin resistance in breast cancer.")
    other = record("", "High SRPK1 predicted doxorubicin resistance in gastric cancer.")
    (b,) = matcher.match(breast)
    (o,) = matcher.match(other)
    assert b.score - o.score >= 40
    assert "no_breast_context" in {r.feature for r in o.reasons}


def test_breast_mesh_heading_alone_counts_as_breast_context(matcher):
    rec = record("", "High SRPK1 predicted doxorubicin resistance.", mesh=("Breast Neoplasms",))
    (draft,) = matcher.match(rec)
    assert "breast_context" in {r.feature for r in draft.reasons}


def test_breast_cell_line_without_breast_words_is_weak_context(matcher):
    rec = record("", "SRPK1 knockdown restored cisplatin sensitivity in MDA-MB-231 cells.")
    (draft,) = matcher.match(rec)
    assert "breast_cell_line_only" in {r.feature for r in draft.reasons}


def test_a_retracted_paper_gets_a_retraction_reason(matcher):
    rec = _strong_record(comments_corrections=(CommentCorrection("RetractionIn", pmid=9),))
    (draft,) = matcher.match(rec)
    (primary,) = matcher.match(_strong_record())
    reason = next(r for r in draft.reasons if r.feature == "retracted")
    assert reason.weight < 0 and draft.score < primary.score


def test_supporting_sentences_add_points_up_to_a_cap_and_break_ties_beyond_it(matcher):
    def draft_for(n: int) -> CandidateDraft:
        body = " ".join(f"SRPK1 was high in resistant line {i}." for i in range(n))
        (d,) = matcher.match(record("", body, mesh=("Breast Neoplasms",)))
        return d

    drafts = [draft_for(n) for n in (1, 2, 4, 6)]
    points = [_points(d) for d in drafts]
    assert points[0] < points[1] < points[2] == points[3]  # the cap
    scores = [d.score for d in drafts]
    assert scores == sorted(scores) and len(set(scores)) == 4  # beyond it, a tie-break


def test_equal_points_are_ordered_by_supporting_sentences_then_mentions_then_reasons():
    strength = scoring.evidence_strength
    base = {"gene_mentioned", "breast_context"}
    assert strength(60, 3, 1, base) > strength(60, 2, 9, base)  # sentences before mentions
    assert strength(60, 2, 3, base) > strength(60, 2, 2, base)
    # Same points and counts: the heavier positive reason wins, a heavier penalty loses.
    assert strength(60, 2, 2, base | {"resistance_cue_same_sentence"}) > strength(
        60, 2, 2, base | {"therapy_same_sentence"}
    )
    assert strength(60, 2, 2, base | {"status_label_only"}) > strength(
        60, 2, 2, base | {"retracted"}
    )
    # The tie-break never outweighs a single point, so different points keep their order.
    assert strength(61, 1, 1, {"gene_mentioned"}) > strength(60, 99, 99, base)


def test_every_set_of_reasons_gets_its_own_tie_break():
    features = scoring.TIE_PRECEDENCE
    seen = set()
    for mask in range(1 << len(features)):
        present = {f for i, f in enumerate(features) if mask >> i & 1}
        seen.add(scoring.evidence_strength(0, 1, 1, present))
    assert len(seen) == 1 << len(features)


def test_stored_reasons_give_the_same_score_again(matcher):
    rec = record(
        "SRPK1 drives doxorubicin resistance in breast cancer",
        "SRPK1 predicted doxorubicin resistance. SRPK1 was high. SRPK1 predicted response.",
    )
    for draft in [*matcher.match(rec), *matcher.match(_strong_record())]:
        assert scoring.rescore_reasons(_stored(draft)) == draft.score


def test_reasons_stored_with_a_clipped_score_are_rescored_unclipped():
    """Candidates stored before the logistic carry a score_clip entry and a score of 100."""
    stored = [
        {"feature": "gene_mentioned", "weight": 10.0, "detail": "SRPK1 named 4x as SRPK1"},
        {"feature": "gene_in_title", "weight": 20.0, "detail": "SRPK1 in the title"},
        {"feature": "resistance_cue_same_sentence", "weight": 25.0, "detail": "resistance"},
        {"feature": "therapy_same_sentence", "weight": 20.0, "detail": "doxorubicin"},
        {"feature": "supporting_sentences", "weight": 15.0, "detail": "5 supporting sentences"},
        {"feature": "finding_section", "weight": 5.0, "detail": "results"},
        {"feature": "breast_context", "weight": 15.0, "detail": "breast cancer"},
        {"feature": "score_clip", "weight": -10.0, "detail": "sum 110 clipped to 100"},
        {"feature": "model:+resistance", "weight": 0.4, "detail": "the previous model"},
    ]
    evidence = scoring.evidence_from_reasons(stored)

    assert evidence is not None
    assert (evidence.points, evidence.supporting, evidence.mentions) == (110.0, 5, 4)
    assert "score_clip" not in evidence.features
    assert scoring.rescore_reasons(stored) == evidence.score < 100
    assert evidence.score > scoring.rescore_reasons([r for r in stored if r["weight"] != 15.0])


def test_reasons_the_matcher_did_not_write_cannot_be_rescored():
    assert scoring.rescore_reasons([]) is None
    assert scoring.rescore_reasons([{"feature": "resistance_cue", "weight": 1.0}]) is None
    only_model = [{"feature": "model:+x", "weight": 1.0, "detail": ""}]
    assert scoring.rescore_reasons(only_model) is None
