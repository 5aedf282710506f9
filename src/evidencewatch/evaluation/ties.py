"""Rule-score ties: which labelled candidates share a score with different evidence.

Issue #10's target: no two labelled candidates share a rule score unless their
evidence is the same. Evidence is what the score is a function of
(:class:`~evidencewatch.matching.scoring.Evidence`: the points, supporting
sentences, mentions and the reasons present).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, select

from evidencewatch.matching.scoring import Evidence, evidence_from_reasons
from evidencewatch.storage.models import Candidate


def rule_score_ties(*, session: Session, pmids: Iterable[int]) -> dict[str, Any]:
    """How the labelled candidates' rule scores tie, and whether any tie hides a difference."""
    wanted = set(pmids)
    groups: dict[float, list[Evidence | None]] = defaultdict(list)
    for cand in session.exec(select(Candidate)).all():
        if cand.pmid in wanted:
            groups[cand.rule_score].append(evidence_from_reasons(cand.reasons))
    n = sum(len(g) for g in groups.values())
    mixed = [g for g in groups.values() if len(set(g)) > 1]
    tied = sum(len(g) for g in groups.values() if len(g) > 1)
    return {
        "candidates": n,
        "distinct_scores": len(groups),
        # Candidates whose score another candidate has, all of them with the same evidence.
        "tied_same_evidence": tied - sum(len(g) for g in mixed),
        "tied_different_evidence": sum(len(g) for g in mixed),
        "distinct_share": 1 - sum(len(g) for g in mixed) / n if n else float("nan"),
    }
