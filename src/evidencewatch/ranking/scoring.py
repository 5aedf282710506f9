"""Scoring the queue with a stored model: every undecided candidate, or each new batch.

``model_score`` is P(accept) in 0..1; ``score``, which orders the queue, becomes
``round(100 * model_score, 1)``, on the same 0..100 scale as the rule-based
score (kept in ``rule_score``). Only undecided candidates (pending, deferred)
are ever rescored; decided candidates keep the score they were decided with.

A rescored candidate's ``reasons`` keep every rule-based entry and gain the
model's explanations (:meth:`RankPipeline.explain`); older ``model:`` entries
are replaced, never accumulated.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from evidencewatch.core.vocabulary import UNDECIDED
from evidencewatch.ranking.documents import MODEL_PREFIX, candidate_doc, gene_forms_by_pmid
from evidencewatch.ranking.pipeline import RankPipeline, latest_model, load_pipeline
from evidencewatch.storage.models import Candidate, Paper, RankModel
from evidencewatch.storage.sql import chunked


def _apply(
    session: Session,
    model_id: int | None,
    pipeline: RankPipeline,
    rows: Sequence[tuple[Candidate, Paper]],
) -> int:
    if not rows:
        return 0
    pmids = list({c.pmid for c, _ in rows})
    siblings = session.exec(select(Candidate).where(col(Candidate.pmid).in_(pmids))).all()
    others = gene_forms_by_pmid(siblings)
    docs = [candidate_doc(c, p, others.get(c.pmid, ())) for c, p in rows]
    probs = pipeline.predict_proba(docs)
    explanations = pipeline.explain(docs)
    n = 0
    for (cand, _), prob, extra in zip(rows, probs, explanations, strict=True):
        kept = [r for r in cand.reasons if not str(r.get("feature", "")).startswith(MODEL_PREFIX)]
        values = {
            "model_score": round(float(prob), 6),
            "score": round(100.0 * float(prob), 1),
            "model_id": model_id,
            "reasons": kept + extra,
        }
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
    pipeline = load_pipeline(model)
    return _apply(session, model.id, pipeline, _undecided(session))


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
        self._model_id: int | None = None
        self._pipeline: RankPipeline | None = None

    @property
    def model_id(self) -> int | None:
        """The id of the model this scorer uses (None before its first batch, or if none)."""
        return self._model_id

    def __call__(self, session: Session, candidate_ids: Sequence[int]) -> None:
        """Score a saved batch: the ``after_save`` callback shape."""
        self.score(session, candidate_ids)

    def score(self, session: Session, candidate_ids: Sequence[int]) -> int:
        """Score the undecided candidates among ``candidate_ids``; returns how many."""
        if not candidate_ids:
            return 0
        pipeline = self._load(session)
        if pipeline is None:
            return 0
        rows: list[tuple[Candidate, Paper]] = []
        for chunk in chunked(list(candidate_ids)):
            rows.extend(_undecided(session, chunk))
        return _apply(session, self._model_id, pipeline, rows)

    def _load(self, session: Session) -> RankPipeline | None:
        if not self._loaded:
            model = latest_model(session=session)
            if model is not None:
                self._model_id = model.id
                self._pipeline = load_pipeline(model)
            self._loaded = True
        return self._pipeline


def score_new(session: Session, candidate_ids: Sequence[int]) -> int:
    """Score freshly saved candidates with the latest model, loading it for this one call.

    Does nothing (returns 0) before any model has been trained. A job that
    saves several batches should pass one :class:`BatchScorer` instead.
    """
    return BatchScorer().score(session, candidate_ids)
