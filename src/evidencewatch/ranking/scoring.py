"""Scoring the queue: every undecided candidate, or each new batch; with a model or by the rules.

Each rescored candidate first gets today's rule score from its stored reasons
(:func:`~evidencewatch.ranking.documents.current_rule_score`), so candidates
stored under an older rule score line up with new ones. With a model,
``model_score`` is its P(accept) in 0..1, and ``score``, which orders the
queue, follows the order the model row chose
(:class:`~evidencewatch.ranking.blend.OrderChoice`): the blend of model and
rule score when held-out decisions showed it orders better, else the rule
score itself. Only undecided candidates (pending, deferred) are ever rescored;
decided candidates keep the score they were decided with.

When the learned order is in use, a rescored candidate's ``reasons`` keep
every rule-based entry and gain the model's explanations
(:meth:`RankPipeline.explain`); older ``model:`` entries are replaced, never
accumulated. When the rule order is in use, no ``model:`` entry is kept: the
rule reasons alone explain the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from evidencewatch.core.vocabulary import UNDECIDED
from evidencewatch.ranking.blend import OrderChoice
from evidencewatch.ranking.documents import (
    MODEL_PREFIX,
    candidate_doc,
    current_rule_score,
    gene_forms_by_pmid,
)
from evidencewatch.ranking.pipeline import RankPipeline, latest_model, load_pipeline
from evidencewatch.storage.models import Candidate, Paper, RankModel
from evidencewatch.storage.sql import chunked


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A stored model ready to score: its id, fitted pipeline and the order it chose."""

    model_id: int | None
    pipeline: RankPipeline
    choice: OrderChoice

    @classmethod
    def of(cls, model: RankModel) -> LoadedModel:
        choice = OrderChoice.from_metrics(model.metrics, model.id)
        return cls(model.id, load_pipeline(model), choice)


def _model_values(
    session: Session, loaded: LoadedModel, rows: Sequence[tuple[Candidate, Paper]]
) -> list[dict[str, Any]]:
    """What the model sets on each candidate: model_score, model_id, and score and reasons."""
    pmids = list({c.pmid for c, _ in rows})
    siblings = session.exec(select(Candidate).where(col(Candidate.pmid).in_(pmids))).all()
    others = gene_forms_by_pmid(siblings)
    docs = [candidate_doc(c, p, others.get(c.pmid, ())) for c, p in rows]
    probs = loaded.pipeline.predict_proba(docs)
    rules = [d.rule_score for d in docs]
    learned = loaded.choice.learned
    if learned:
        scores = loaded.choice.scores(loaded.pipeline.log_odds(docs).tolist(), rules)
        explanations = loaded.pipeline.explain(docs)
    else:
        scores, explanations = rules, [[] for _ in docs]
    return [
        {
            "model_score": round(float(prob), 6),
            "score": float(score),
            "rule_score": float(rule),
            "model_id": loaded.model_id,
            "reasons": _rule_reasons(cand) + extra,
        }
        for (cand, _), prob, score, rule, extra in zip(
            rows, probs, scores, rules, explanations, strict=True
        )
    ]


def _rule_reasons(candidate: Candidate) -> list[dict[str, Any]]:
    return [r for r in candidate.reasons if not str(r.get("feature", "")).startswith(MODEL_PREFIX)]


def _apply(
    session: Session, loaded: LoadedModel | None, rows: Sequence[tuple[Candidate, Paper]]
) -> int:
    """Write the new scores; without a model, today's rule score and no model reasons."""
    if not rows:
        return 0
    if loaded is not None:
        all_values = _model_values(session, loaded, rows)
    else:
        all_values = [
            {"score": rule, "rule_score": rule, "reasons": _rule_reasons(cand)}
            for cand, _ in rows
            for rule in (current_rule_score(cand),)
        ]
    n = 0
    for (cand, _), values in zip(rows, all_values, strict=True):
        # Guarded on status: a candidate decided meanwhile is never touched.
        result = session.execute(
            sa.update(Candidate)
            .where(col(Candidate.id) == cand.id, col(Candidate.status).in_(UNDECIDED))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            for name, value in values.items():
                # Mirror the row without marking the object dirty: the guarded UPDATE
                # above is the only write.
                set_committed_value(cand, name, value)
            n += 1
    session.flush()
    return n


def _undecided(session: Session, ids: Sequence[int] | None = None) -> list[tuple[Candidate, Paper]]:
    query = (
        select(Candidate, Paper)
        .join(Paper, col(Paper.pmid) == col(Candidate.pmid))
        .where(col(Candidate.status).in_(UNDECIDED))
    )
    if ids is not None:
        query = query.where(col(Candidate.id).in_(list(ids)))
    return list(session.exec(query).all())


def rerank(*, session: Session, model: RankModel) -> int:
    """Rescore every undecided candidate with ``model``; returns how many were rescored."""
    return _apply(session, LoadedModel.of(model), _undecided(session))


def rescore_rules(*, session: Session) -> int:
    """Give every undecided candidate today's rule score as its score (no model yet).

    Candidates stored under an older rule score (clipped at 100, ties by id)
    are brought in line with new ones; ``model_score`` is left as it is.
    """
    return _apply(session, None, _undecided(session))


class BatchScorer:
    """Scores each saved batch of a job with one model, loaded on the job's first batch.

    Pass a new one as the ``after_save`` callback of each scan or import:
    unpickling a model costs more than scoring a batch, so a job loads the
    latest model once (on the first batch with candidates) and keeps it. A
    model trained while the job runs is used by the next job. Before any model
    has been trained it scores nothing.
    """

    def __init__(self) -> None:
        self._loaded = False
        self._model: LoadedModel | None = None

    @property
    def model_id(self) -> int | None:
        """The id of the model this scorer uses (None before its first batch, or if none)."""
        return None if self._model is None else self._model.model_id

    def __call__(self, session: Session, candidate_ids: Sequence[int]) -> None:
        """Score a saved batch: the ``after_save`` callback shape."""
        self.score(session, candidate_ids)

    def score(self, session: Session, candidate_ids: Sequence[int]) -> int:
        """Score the undecided candidates among ``candidate_ids``; returns how many."""
        if not candidate_ids:
            return 0
        loaded = self._load(session)
        if loaded is None:
            return 0
        rows: list[tuple[Candidate, Paper]] = []
        for chunk in chunked(list(candidate_ids)):
            rows.extend(_undecided(session, chunk))
        return _apply(session, loaded, rows)

    def _load(self, session: Session) -> LoadedModel | None:
        if not self._loaded:
            model = latest_model(session=session)
            if model is not None:
                self._model = LoadedModel.of(model)
            self._loaded = True
        return self._model


def score_new(session: Session, candidate_ids: Sequence[int]) -> int:
    """Score freshly saved candidates with the latest model, loading it for this one call.

    Does nothing (returns 0) before any model has been trained. A job that
    saves several batches should pass one :class:`BatchScorer` instead.
    """
    return BatchScorer().score(session, candidate_ids)
