"""Ordering the review queue: the rule score's learned companion.

A model of what curators accept, retrained from their decisions:
:mod:`~evidencewatch.ranking.documents` (what the model sees of a candidate),
:mod:`~evidencewatch.ranking.tokens`, :mod:`~evidencewatch.ranking.pipeline`
(the fitted model and its persistence), :mod:`~evidencewatch.ranking.training`
(training sets and training), :mod:`~evidencewatch.ranking.blend` (the blend
with the rule score, and whether the queue uses it),
:mod:`~evidencewatch.ranking.scoring` (rescoring the queue) and
:mod:`~evidencewatch.ranking.cadence` (when to retrain).
Everything here takes a session and never commits; the jobs that retrain in
the background live in :mod:`evidencewatch.jobs.retraining`.
"""

# RankPipeline and analyze must stay importable from here: models stored before the
# stage packages were pickled as ``evidencewatch.ranking.RankPipeline``, with
# ``evidencewatch.ranking.analyze`` as the vectoriser's analyzer.
from evidencewatch.ranking.blend import (
    LEARNED,
    MIN_GAIN,
    RULE,
    W_GRID,
    OrderChoice,
    choose_order,
    rule_only,
)
from evidencewatch.ranking.cadence import (
    RetrainOutcome,
    decisions_since_last_model,
    maybe_retrain,
    retrain_due,
)
from evidencewatch.ranking.documents import (
    MODEL_PREFIX,
    OTHER_TOKEN,
    TARGET_TOKEN,
    Doc,
    candidate_doc,
    current_rule_score,
    gene_forms_by_pmid,
    make_doc,
    normalise_genes,
    paper_text,
)
from evidencewatch.ranking.pipeline import (
    C_GRID,
    CV_FOLDS,
    CV_MIN_PER_CLASS,
    DEFAULT_C,
    MAX_EXPLANATIONS,
    RULE_SCORE_FEATURE,
    RankPipeline,
    dump_pipeline,
    fit_pipeline,
    latest_model,
    load_pipeline,
)
from evidencewatch.ranking.scoring import (
    BatchScorer,
    LoadedModel,
    rerank,
    rescore_rules,
    score_new,
)
from evidencewatch.ranking.tokens import analyze
from evidencewatch.ranking.training import (
    DECIDED,
    MIN_PER_CLASS,
    MODEL_KIND,
    TrainingSet,
    decisions_count,
    train,
    training_set,
)

__all__ = [
    "CV_FOLDS",
    "CV_MIN_PER_CLASS",
    "C_GRID",
    "DECIDED",
    "DEFAULT_C",
    "LEARNED",
    "MAX_EXPLANATIONS",
    "MIN_GAIN",
    "MIN_PER_CLASS",
    "MODEL_KIND",
    "MODEL_PREFIX",
    "OTHER_TOKEN",
    "RULE",
    "RULE_SCORE_FEATURE",
    "TARGET_TOKEN",
    "W_GRID",
    "BatchScorer",
    "Doc",
    "LoadedModel",
    "OrderChoice",
    "RankPipeline",
    "RetrainOutcome",
    "TrainingSet",
    "analyze",
    "candidate_doc",
    "choose_order",
    "current_rule_score",
    "decisions_count",
    "decisions_since_last_model",
    "dump_pipeline",
    "fit_pipeline",
    "gene_forms_by_pmid",
    "latest_model",
    "load_pipeline",
    "make_doc",
    "maybe_retrain",
    "normalise_genes",
    "paper_text",
    "rerank",
    "rescore_rules",
    "retrain_due",
    "rule_only",
    "score_new",
    "train",
    "training_set",
]
