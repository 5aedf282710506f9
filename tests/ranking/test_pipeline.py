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


def test_with_too_few_examples_per_class_the_default_c_is_kept_without_cross_validation():
    _, metrics = ranking.fit_pipeline(DOCS, LABELS)
    assert metrics == {"c": ranking.DEFAULT_C}
