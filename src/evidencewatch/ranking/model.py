"""The ranking's former single module, kept only so that old references still resolve.

``evidencewatch.jobs.scans`` imports :func:`score_new` from here until it passes
a :class:`~evidencewatch.ranking.scoring.BatchScorer` instead; models trained
while the ranking lived in this module were pickled with ``RankPipeline`` and
``analyze`` under this path. New code imports from :mod:`evidencewatch.ranking`.
"""

from evidencewatch.ranking.pipeline import RankPipeline
from evidencewatch.ranking.scoring import score_new
from evidencewatch.ranking.tokens import analyze

__all__ = ["RankPipeline", "analyze", "score_new"]
