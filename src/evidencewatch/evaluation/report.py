"""The whole evaluation: replay a labelled set through the real pipeline and report on it.

The set (:mod:`~evidencewatch.evaluation.sets`) is saved into a database
(:mod:`~evidencewatch.evaluation.pool`), the queue is replayed in each order
(:mod:`~evidencewatch.evaluation.replay`) and measured
(:mod:`~evidencewatch.evaluation.metrics`,
:mod:`~evidencewatch.evaluation.precision`); the report holds every number
and the issue's targets. :func:`evaluate` writes into the session it is given
and never commits: :func:`evidencewatch.jobs.evaluate.evaluate_job` gives it
a throw-away database.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from evidencewatch.core.vocabulary import Status
from evidencewatch.evaluation.curator import curator_replay
from evidencewatch.evaluation.labels import LabelSet
from evidencewatch.evaluation.pool import (
    BACKGROUND,
    LABELLED,
    PoolItem,
    TailUnit,
    build_pool,
    save_set,
    unqueued_units,
)
from evidencewatch.evaluation.precision import extraction_precision, gene_mention_precision
from evidencewatch.evaluation.replay import RETRAIN_EVERY, ranking_views
from evidencewatch.evaluation.sets import (
    DEFAULT_BACKGROUND,
    DEFAULT_RECORDS,
    DEFAULT_SET,
    Background,
    EvalSet,
    load_set,
)
from evidencewatch.evaluation.targets import TARGETS, judge
from evidencewatch.evaluation.ties import rule_score_ties
from evidencewatch.matching.match import Matcher
from evidencewatch.ranking.pipeline import load_pipeline
from evidencewatch.ranking.training import train
from evidencewatch.storage.models import Candidate
from evidencewatch.watch.watchlist import Watchlist

__all__ = ["SEALED_NOTE", "TARGETS", "EvalReport", "evaluate", "withhold_records"]


@dataclass
class EvalReport:
    data: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        """The data with NaN as null and floats rounded to 4 digits."""
        finite: dict[str, Any] = _finite(self.data)
        return finite

    def targets(self) -> dict[str, dict[str, Any]]:
        return judge(self.data)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def evaluate(
    *,
    session: Session,
    watchlist: Watchlist,
    eval_dir: Path = DEFAULT_SET,
    background_dir: Path | None = DEFAULT_BACKGROUND,
    every: int = RETRAIN_EVERY,
    started: float | None = None,
    records_name: str = DEFAULT_RECORDS,
    withhold: bool = False,
) -> EvalReport:
    """Run the labelled set and the real background (when present); measure everything.

    ``session`` must be on an empty database that is thrown away afterwards:
    the set is saved there and every candidate decided as labelled. Nothing is
    committed. ``started`` (a ``time.perf_counter()``) is when the run began,
    so that the report's ``seconds`` can include setting up that database.
    ``records_name`` is the set's PubMed XML in ``eval_dir``; ``withhold``
    keeps only aggregate figures (:func:`withhold_records`), for the sealed set.
    """
    started = time.perf_counter() if started is None else started
    matcher = Matcher.from_watchlist(watchlist)
    loaded = load_set(eval_dir, background_dir, records_name)
    bg = loaded.background
    data: dict[str, Any] = {
        "set": str(eval_dir),
        "records": len(loaded.records),
        "background": {"dir": str(background_dir), "records": len(loaded.background_records)}
        if bg.skipped is None
        else {"dir": str(background_dir), "skipped": bg.skipped},
    }
    _replay(session=session, data=data, matcher=matcher, loaded=loaded, every=every)
    if bg.skipped is None:
        data["gene_mentions"] = gene_mention_precision(
            matcher=matcher, background=bg.records, truth=bg.mentions
        )
    else:
        data["gene_mentions"] = {"skipped": bg.skipped}
    if withhold:
        data = {**withhold_records(data), "withheld": SEALED_NOTE}
    data["seconds"] = round(time.perf_counter() - started, 2)
    report = EvalReport(data)
    data["targets"] = report.targets()
    return report


SEALED_NOTE = "withheld: the sealed set is reported in aggregate only"
# Report entries that name records (PMIDs, genes, their errors) or their words.
_PER_RECORD = frozenset(
    {
        "matcher_missed",
        "missed_positives",
        "errors",
        "background_positions",
        "candidate_pairs",
        "candidates_without_hand_label",
        "false_positives",
        "missed",
        "top_features",
    }
)


def withhold_records(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with every per-record entry replaced by how many entries it held.

    The sealed set's records and labels must never be read to fix failures, so
    its report carries no PMID, no per-record error and no word of its text.
    """
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in _PER_RECORD:
            count = len(value) if isinstance(value, list) else None
            out[key] = {"withheld": SEALED_NOTE, "count": count}
        elif isinstance(value, dict):
            out[key] = withhold_records(value)
        else:
            out[key] = value
    return out


def _replay(
    *, session: Session, data: dict[str, Any], matcher: Matcher, loaded: EvalSet, every: int
) -> None:
    """Save the set, replay its queue and train the production model: the parts in ``session``."""
    bg = loaded.background
    set_labels = loaded.all_labels
    save_set(
        session=session,
        records=loaded.records,
        matcher=matcher,
        background=loaded.background_records,
    )
    pool = build_pool(
        session=session,
        labels=set_labels,
        background_pmids=(r.pmid for r in loaded.background_records),
    )
    data["candidates"] = _pool_summary(pool, loaded.labels)
    tail: list[TailUnit] | None = None
    queued = [(p.pmid, p.gene) for p in pool]
    if bg.skipped is None:
        data["background"].update(_background_summary(pool, bg))
        sources = {r.pmid: BACKGROUND for r in loaded.background_records}
        sources.update({r.pmid: LABELLED for r in loaded.records})
        tail = unqueued_units(records=sources, queued=queued, labels=set_labels)
    labelled_tail = unqueued_units(
        records={r.pmid: LABELLED for r in loaded.records}, queued=queued, labels=loaded.labels
    )
    data["ranking"] = ranking_views(
        pool, tail, skipped=bg.skipped, every=every, labelled_tail=labelled_tail
    )
    data["replay"] = curator_replay([p for p in pool if p.source == LABELLED])
    data["rule_scores"] = rule_score_ties(session=session, pmids=(r.pmid for r in loaded.records))
    data["extraction"] = extraction_precision(session=session, labels=loaded.labels)
    data["production_model"] = _production_model(session, pool)


def _pool_summary(pool: Sequence[PoolItem], labels: LabelSet) -> dict[str, Any]:
    """The labelled set's candidates (background candidates are summarised apart)."""
    own = [p for p in pool if p.source == LABELLED]
    in_pool = {(p.pmid, p.gene) for p in own}
    missed = sorted(
        f"{r.pmid}/{r.gene}" for r in labels.positives if (r.pmid, r.gene) not in in_pool
    )
    reasons = Counter(p.reject_reason for p in own if p.label == 0)
    return {
        "n": len(own),
        "positive": sum(p.label for p in own),
        "negative": sum(1 - p.label for p in own),
        "negative_by_reason": dict(sorted(reasons.items())),
        "labelled_positives": len(labels.positives),
        "matcher_recall": (len(labels.positives) - len(missed)) / len(labels.positives)
        if labels.positives
        else float("nan"),
        "matcher_missed": missed,
    }


def _background_summary(pool: Sequence[PoolItem], bg: Background) -> dict[str, Any]:
    """What the matcher queued from the background, and whether a human labelled each one."""
    queued = [p for p in pool if p.source == BACKGROUND]
    labelled = set(bg.labels.by_pair)
    return {
        "hand_labelled_pairs": len(bg.labels.by_pair),
        "hand_labelled_positive": len(bg.labels.positives),
        "candidates": len(queued),
        "candidates_positive": sum(p.label for p in queued),
        "candidates_without_hand_label": sorted(
            f"{p.pmid}/{p.gene}" for p in queued if (p.pmid, p.gene) not in labelled
        ),
        "candidate_pairs": sorted(f"{p.pmid}/{p.gene}" for p in queued),
    }


def _production_model(session: Session, pool: Sequence[PoolItem]) -> dict[str, Any]:
    """Decide every candidate as labelled and run ``ranking.train``: the CLI's code path."""
    by_id = {p.candidate_id: p for p in pool}
    for cand in session.exec(select(Candidate)).all():
        item = by_id.get(cand.id or -1)
        if item is None:
            continue
        cand.status = Status.accepted.value if item.label else Status.rejected.value
        cand.reject_reason = None if item.label else item.reject_reason
        session.add(cand)
    session.flush()
    model = train(session=session)
    if model is None:
        return {"trained": False}
    metrics = dict(model.metrics)
    metrics.pop("top_features", None)
    return {
        "trained": True,
        **metrics,
        "top_features": load_pipeline(model).top_features(8),
    }
