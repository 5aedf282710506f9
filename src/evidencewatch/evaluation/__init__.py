"""Quality measurement: replay of the queue on labelled sets.

:mod:`~evidencewatch.evaluation.sets` and :mod:`~evidencewatch.evaluation.labels`
load a set, :mod:`~evidencewatch.evaluation.pool` saves it and labels its
candidates, :mod:`~evidencewatch.evaluation.replay` screens the queue in each
order (:mod:`~evidencewatch.evaluation.orders`),
:mod:`~evidencewatch.evaluation.curator` replays a curator working the top of
the queue, :mod:`~evidencewatch.evaluation.metrics`,
:mod:`~evidencewatch.evaluation.precision` and
:mod:`~evidencewatch.evaluation.ties` measure,
:mod:`~evidencewatch.evaluation.targets` judges, and
:mod:`~evidencewatch.evaluation.report` runs it all into one report. Every
function takes the session it works in; :mod:`evidencewatch.jobs.evaluate`
makes the throw-away database.
"""

from evidencewatch.evaluation.curator import BATCH, CHECKPOINTS, ap_of, curator_replay
from evidencewatch.evaluation.labels import (
    FIELDS,
    Label,
    LabelSet,
    gold_matches,
    load_labels,
    load_mention_labels,
    load_shared_labels,
)
from evidencewatch.evaluation.metrics import (
    RANDOM_RUNS,
    RECALL_AT,
    WSS_AT,
    average_time_to_discovery,
    order_metrics,
    random_metrics,
    recall_at,
    time_to_discovery,
    tnr_at,
    wss_at,
)
from evidencewatch.evaluation.orders import (
    LEARNED,
    MODEL_ONLY,
    RULE_ORDER,
    Ranked,
    by_score,
    rank_remaining,
    rule_ranked,
)
from evidencewatch.evaluation.pool import (
    BACKGROUND,
    LABELLED,
    TAIL_SEED,
    PoolItem,
    TailUnit,
    build_pool,
    save_set,
    unqueued_units,
)
from evidencewatch.evaluation.precision import extraction_precision, gene_mention_precision
from evidencewatch.evaluation.replay import (
    PRIOR_FRACTION,
    RETRAIN_EVERY,
    RETRAIN_SHARE,
    queue_with_priors,
    ranking_views,
    retrain_batch,
    rule_order,
    simulate_learned,
    split_priors,
)
from evidencewatch.evaluation.report import SEALED_NOTE, EvalReport, evaluate, withhold_records
from evidencewatch.evaluation.sets import (
    DEFAULT_BACKGROUND,
    DEFAULT_RECORDS,
    DEFAULT_SET,
    SEALED_RECORDS,
    SEALED_SET,
    Background,
    EvalSet,
    load_background,
    load_background_set,
    load_records,
    load_set,
)
from evidencewatch.evaluation.targets import TARGET_PATHS, TARGETS, judge
from evidencewatch.evaluation.ties import rule_score_ties

__all__ = [
    "BACKGROUND",
    "BATCH",
    "CHECKPOINTS",
    "DEFAULT_BACKGROUND",
    "DEFAULT_RECORDS",
    "DEFAULT_SET",
    "FIELDS",
    "LABELLED",
    "LEARNED",
    "MODEL_ONLY",
    "PRIOR_FRACTION",
    "RANDOM_RUNS",
    "RECALL_AT",
    "RETRAIN_EVERY",
    "RETRAIN_SHARE",
    "RULE_ORDER",
    "SEALED_NOTE",
    "SEALED_RECORDS",
    "SEALED_SET",
    "TAIL_SEED",
    "TARGETS",
    "TARGET_PATHS",
    "WSS_AT",
    "Background",
    "EvalReport",
    "EvalSet",
    "Label",
    "LabelSet",
    "PoolItem",
    "Ranked",
    "TailUnit",
    "ap_of",
    "average_time_to_discovery",
    "build_pool",
    "by_score",
    "curator_replay",
    "evaluate",
    "extraction_precision",
    "gene_mention_precision",
    "gold_matches",
    "judge",
    "load_background",
    "load_background_set",
    "load_labels",
    "load_mention_labels",
    "load_records",
    "load_set",
    "load_shared_labels",
    "order_metrics",
    "queue_with_priors",
    "random_metrics",
    "rank_remaining",
    "ranking_views",
    "recall_at",
    "retrain_batch",
    "rule_order",
    "rule_ranked",
    "rule_score_ties",
    "save_set",
    "simulate_learned",
    "split_priors",
    "time_to_discovery",
    "tnr_at",
    "unqueued_units",
    "withhold_records",
    "wss_at",
]
