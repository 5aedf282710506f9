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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# RankPipeline and analyze must stay importable from here: models stored before the
# stage packages were pickled as ``evidencewatch.ranking.RankPipeline``, with
# ``evidencewatch.ranking.analyze`` as the vectoriser's analyzer (pickle looks them up
# with getattr, which reaches __getattr__ below).
#
# The names are loaded on first use (PEP 562), not when the package is imported:
# importing any ranking module imports this package first, and scikit-learn, SciPy
# and joblib cost about 0.8 s and 100 MB of RSS here (more under load). A job that
# never scores with a trained model (an import or a scan before the first training,
# an import that finds no candidate) then never loads them; see jobs.scoring.
if TYPE_CHECKING:
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

#: Public name -> the module of this package that defines it.
_WHERE: dict[str, str] = {
    "BatchScorer": "scoring",
    "CV_FOLDS": "pipeline",
    "CV_MIN_PER_CLASS": "pipeline",
    "C_GRID": "pipeline",
    "DECIDED": "training",
    "DEFAULT_C": "pipeline",
    "Doc": "documents",
    "LEARNED": "blend",
    "LoadedModel": "scoring",
    "MAX_EXPLANATIONS": "pipeline",
    "MIN_GAIN": "blend",
    "MIN_PER_CLASS": "training",
    "MODEL_KIND": "training",
    "MODEL_PREFIX": "documents",
    "OTHER_TOKEN": "documents",
    "OrderChoice": "blend",
    "RULE": "blend",
    "RULE_SCORE_FEATURE": "pipeline",
    "RankPipeline": "pipeline",
    "RetrainOutcome": "cadence",
    "TARGET_TOKEN": "documents",
    "TrainingSet": "training",
    "W_GRID": "blend",
    "analyze": "tokens",
    "candidate_doc": "documents",
    "choose_order": "blend",
    "current_rule_score": "documents",
    "decisions_count": "training",
    "decisions_since_last_model": "cadence",
    "dump_pipeline": "pipeline",
    "fit_pipeline": "pipeline",
    "gene_forms_by_pmid": "documents",
    "latest_model": "pipeline",
    "load_pipeline": "pipeline",
    "make_doc": "documents",
    "maybe_retrain": "cadence",
    "normalise_genes": "documents",
    "paper_text": "documents",
    "rerank": "scoring",
    "rescore_rules": "scoring",
    "retrain_due": "cadence",
    "rule_only": "blend",
    "score_new": "scoring",
    "train": "training",
    "training_set": "training",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found once; later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


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
