"""Scoring a job's new candidates without loading the ranking before it is needed.

:class:`evidencewatch.ranking.scoring.BatchScorer` unpickles the latest model on a
job's first batch with candidates; importing it imports scikit-learn, SciPy and
NumPy (about 0.8 s and 100 MB). Before any model has been trained it scores
nothing, so a scan or import then pays that for nothing. :class:`BatchScorer`
here asks the database first, through the table alone, whether any model exists,
and imports the ranking only when one does; otherwise it does what the ranking's
scorer does: nothing, for the whole job (a model trained while the job runs is
used by the next job).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from evidencewatch.storage.models import RankModel

if TYPE_CHECKING:
    from evidencewatch.ranking.scoring import BatchScorer as RankingScorer

__all__ = ["BatchScorer"]


class BatchScorer:
    """The ``after_save`` callback of a scan or import: one new one per job (module doc)."""

    def __init__(self) -> None:
        self._asked = False
        self._scorer: RankingScorer | None = None

    @property
    def model_id(self) -> int | None:
        """The id of the model used (None before the first batch, or if none)."""
        return None if self._scorer is None else self._scorer.model_id

    @property
    def loaded_ranking(self) -> bool:
        """Whether this job needed the ranking (a model existed at its first batch)."""
        return self._scorer is not None

    def __call__(self, session: Session, candidate_ids: Sequence[int]) -> None:
        """Score a saved batch: the ``after_save`` callback shape."""
        self.score(session, candidate_ids)

    def score(self, session: Session, candidate_ids: Sequence[int]) -> int:
        """Score the undecided candidates among ``candidate_ids``; returns how many."""
        if not candidate_ids:
            return 0
        if not self._asked:
            self._asked = True
            if _any_model(session):
                from evidencewatch.ranking.scoring import BatchScorer as RankingScorer

                self._scorer = RankingScorer()
        return 0 if self._scorer is None else self._scorer.score(session, candidate_ids)


def _any_model(session: Session) -> bool:
    return session.exec(select(col(RankModel.id)).limit(1)).first() is not None
