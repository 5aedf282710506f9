"""Agreement between curators in dual review: Cohen's kappa, per pair and overall, with n.

κ = (p_o − p_e) / (1 − p_e) over the candidates both curators of a pair voted
on (accept or reject): p_o is the share they agreed on, p_e the agreement
their own accept rates would give by chance. Computed from the standing votes
alone, so an editor resolving a conflict never changes it, and a withdrawn
(undone) vote no longer counts.

*Overall* pools every candidate with two standing votes, each pair's curators
in name order (the first name is rater A), so with one pair it equals that
pair's kappa. When p_e is 1 (both raters used one category only) kappa is
undefined: it is reported as None with the reason, never as a made-up number.
A kappa over fewer than :data:`KAPPA_MIN_SHARED` shared decisions carries a
warning (Covidence reports n beside it for the same reason).

Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from evidencewatch.core.vocabulary import KAPPA_MIN_SHARED, VoteDecision
from evidencewatch.storage.votes import ReviewVote

CATEGORIES = tuple(d.value for d in VoteDecision)


@dataclass(frozen=True, slots=True)
class Kappa:
    kappa: float | None
    n: int
    observed: float | None  # p_o
    warning: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kappa": None if self.kappa is None else round(self.kappa, 4),
            "n": self.n,
            "observed_agreement": None if self.observed is None else round(self.observed, 4),
        }
        if self.warning:
            out["warning"] = self.warning
        return out


@dataclass(frozen=True, slots=True)
class PairKappa:
    a: str
    b: str
    kappa: Kappa

    def as_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, **self.kappa.as_json()}


@dataclass(frozen=True, slots=True)
class Agreement:
    overall: Kappa
    pairs: list[PairKappa]

    def as_json(self) -> dict[str, Any]:
        return {"overall": self.overall.as_json(), "pairs": [p.as_json() for p in self.pairs]}


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> Kappa:
    """Cohen's kappa of (rater A, rater B) labels, with n and p_o; see the module doc."""
    n = len(pairs)
    if n == 0:
        return Kappa(None, 0, None, "no shared decisions yet")
    observed = sum(a == b for a, b in pairs) / n
    labels = sorted({label for pair in pairs for label in pair})
    expected = sum(
        (sum(a == lab for a, _ in pairs) / n) * (sum(b == lab for _, b in pairs) / n)
        for lab in labels
    )
    warning = None
    if n < KAPPA_MIN_SHARED:
        plural = "s" if n != 1 else ""
        warning = f"only {n} shared decision{plural}, under {KAPPA_MIN_SHARED}: not reliable yet"
    if expected >= 1.0:
        why = "undefined: both curators chose one category only (" + labels[0] + ")"
        return Kappa(None, n, observed, f"{why}; {warning}" if warning else why)
    return Kappa((observed - expected) / (1 - expected), n, observed, warning)


def agreement(*, session: Session) -> Agreement:
    """Kappa per pair of curators and overall, over the candidates with two standing votes."""
    rows = session.exec(
        select(ReviewVote.candidate_id, ReviewVote.voter, ReviewVote.decision)
        .where(col(ReviewVote.withdrawn_at).is_(None))
        .order_by(col(ReviewVote.candidate_id), col(ReviewVote.cast_at), col(ReviewVote.id))
    ).all()
    by_candidate: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for cid, voter, decision in rows:
        by_candidate[cid].append((voter, decision))
    per_pair: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for cast in by_candidate.values():
        if len(cast) != 2:
            continue
        (va, da), (vb, db) = sorted(cast)
        per_pair[(va, vb)].append((da, db))
    pooled = [labels for pair in per_pair.values() for labels in pair]
    pairs = [PairKappa(a, b, cohen_kappa(labels)) for (a, b), labels in sorted(per_pair.items())]
    return Agreement(overall=cohen_kappa(pooled), pairs=pairs)
