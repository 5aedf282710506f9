"""Quality measurement: replay of the queue on labelled sets.

:mod:`~evidencewatch.evaluation.sets` and :mod:`~evidencewatch.evaluation.labels`
load a set, :mod:`~evidencewatch.evaluation.pool` saves it and labels its
candidates, :mod:`~evidencewatch.evaluation.replay` screens the queue in each
order, :mod:`~evidencewatch.evaluation.metrics` and
:mod:`~evidencewatch.evaluation.precision` measure, and
:mod:`~evidencewatch.evaluation.report` runs it all into one report. Every
function takes the session it works in; :mod:`evidencewatch.jobs.evaluate`
makes the throw-away database.
"""

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
from evidencewatch.evaluation.report import TARGETS, EvalReport, evaluate
from evidencewatch.evaluation.sets import (
    DEFAULT_BACKGROUND,
    DEFAULT_SET,
    Background,
    EvalSet,
    load_background,
    load_background_set,
    load_records,
    load_set,
)

__all__ = [
    "BACKGROUND",
    "DEFAULT_BACKGROUND",
    "DEFAULT_SET",
    "FIELDS",
    "LABELLED",
    "PRIOR_FRACTION",
    "RANDOM_RUNS",
    "RECALL_AT",
    "RETRAIN_EVERY",
    "RETRAIN_SHARE",
    "TAIL_SEED",
    "TARGETS",
    "WSS_AT",
    "Background",
    "EvalReport",
    "EvalSet",
    "Label",
    "LabelSet",
    "PoolItem",
    "TailUnit",
    "average_time_to_discovery",
    "build_pool",
    "evaluate",
    "extraction_precision",
    "gene_mention_precision",
    "gold_matches",
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
    "ranking_views",
    "recall_at",
    "retrain_batch",
    "rule_order",
    "save_set",
    "simulate_learned",
    "split_priors",
    "time_to_discovery",
    "tnr_at",
    "unqueued_units",
    "wss_at",
]
