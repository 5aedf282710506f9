"""The fitted pipeline: explanations, persistence, and models stored under former module paths."""

from __future__ import annotations

import pickle

import pytest

from evidencewatch import ranking
from evidencewatch.storage.models import RankModel

DOCS = [
    ranking.Doc(text="GENE_TARGET knockdown restored tamoxifen sensitivity", rule_score=60.0),
    ranking.Doc(text="GENE_TARGET loss confers tamoxifen resistance", rule_score=55.0),
    ranking.Doc(text="GENE_TARGET structure in yeast", rule_score=20.0),
    ranking.Doc(text="GENE_TARGET splicing in podocytes of mice", rule_score=15.0),
]
LABELS = [1, 1, 0, 0]


def _fitted() -> ranking.RankPipeline:
    return ranking.RankPipeline().fit(DOCS, LABELS)


def test_a_stored_pipeline_loads_back_and_predicts_the_same():
    pipeline = _fitted()
    model = RankModel(id=1, kind=ranking.MODEL_KIND, blob=ranking.dump_pipeline(pipeline))

    loaded = ranking.load_pipeline(model)

    assert list(loaded.predict_proba(DOCS)) == list(pipeline.predict_proba(DOCS))


def test_a_blob_that_is_not_a_pipeline_is_refused():
    with pytest.raises(TypeError, match="rank model 7"):
        ranking.load_pipeline(RankModel(id=7, blob=pickle.dumps({"not": "a pipeline"})))


def test_models_pickled_when_the_ranking_was_one_module_still_load():
    former = "evidencewatch.ranking"
    pipeline = _fitted()
    # Protocol 2 names classes and functions as text lines, so the paths can be rewritten.
    blob = pickle.dumps(pipeline, protocol=2)
    for current in (b"evidencewatch.ranking.pipeline\n", b"evidencewatch.ranking.tokens\n"):
        assert current in blob
        blob = blob.replace(current, former.encode() + b"\n")

    loaded = ranking.load_pipeline(RankModel(id=3, blob=blob))

    assert list(loaded.predict_proba(DOCS)) == list(pipeline.predict_proba(DOCS))


def test_explanations_are_signed_and_at_most_k_per_document():
    explanations = _fitted().explain(DOCS, k=3)

    assert len(explanations) == len(DOCS)
    for entries in explanations:
        assert 1 <= len(entries) <= 3
        weights = [abs(e["weight"]) for e in entries]
        assert weights == sorted(weights, reverse=True)
        for entry in entries:
            assert entry["feature"].startswith(("model:+", "model:-"))
            assert ("raised" in entry["detail"]) == (entry["weight"] > 0)


def test_top_features_split_positive_and_negative_coefficients():
    top = _fitted().top_features(2)
    assert all(w > 0 for _, w in top["positive"]) and all(w < 0 for _, w in top["negative"])
    assert len(top["positive"]) <= 2 and len(top["negative"]) <= 2


def test_with_too_few_examples_per_class_the_default_c_and_the_rule_order_are_kept():
    _, metrics = ranking.fit_pipeline(DOCS, LABELS)

    assert metrics["c"] == ranking.DEFAULT_C and "cv_auc" not in metrics
    assert metrics["order"]["in_use"] == ranking.RULE
    assert f"fewer than {ranking.CV_MIN_PER_CLASS}" in metrics["order"]["why"]


def _many(n: int) -> tuple[list[ranking.Doc], list[int]]:
    """``n`` learnable accepted and rejected docs whose rule scores say nothing."""
    docs = [
        ranking.Doc(text=f"GENE_TARGET knockdown restored tamoxifen sensitivity {i}", rule_score=50)
        for i in range(n)
    ] + [ranking.Doc(text=f"GENE_TARGET structure in yeast {i}", rule_score=50) for i in range(n)]
    return docs, [1] * n + [0] * n


def test_with_enough_decisions_c_and_the_order_come_from_out_of_fold_predictions():
    docs, labels = _many(6)

    pipeline, metrics = ranking.fit_pipeline(docs, labels)

    assert metrics["c"] in ranking.C_GRID and metrics["cv_folds"] == ranking.CV_FOLDS
    order = metrics["order"]
    assert order["held_out"] == 12 and order["ap_rule"] == pytest.approx(0.5)
    assert order["in_use"] == ranking.LEARNED and order["w"] > 0 and order["ap_learned"] > 0.9
    assert pipeline.rule_features is False  # the rule score enters through the blend only
    assert not any(name.startswith("rule:") for name in pipeline.feature_names)


def test_docs_without_a_rule_score_take_no_part_in_choosing_the_order():
    docs, labels = _many(6)
    seed_only = [ranking.Doc(text="GENE_TARGET seed paper", rule_score=0.0)]

    _, metrics = ranking.fit_pipeline(
        [*docs, *seed_only], [*labels, 1], rule_scored=[True] * 12 + [False]
    )

    assert metrics["order"]["held_out"] == 12


def test_log_odds_order_candidates_as_the_probabilities_do():
    pipeline = _fitted()
    probs = pipeline.predict_proba(DOCS)
    odds = pipeline.log_odds(DOCS)
    assert sorted(range(4), key=lambda i: probs[i]) == sorted(range(4), key=lambda i: odds[i])
    assert list(pipeline.log_odds([])) == []


def test_models_pickled_before_text_only_models_keep_their_rule_features():
    pipeline = _fitted()
    state = pickle.dumps(pipeline)
    old = pickle.loads(state)
    del old.__dict__["rule_features"]  # as a model pickled before the field existed

    loaded = ranking.load_pipeline(RankModel(id=4, blob=pickle.dumps(old)))

    assert loaded.rule_features is True
    assert list(loaded.predict_proba(DOCS)) == list(pipeline.predict_proba(DOCS))
