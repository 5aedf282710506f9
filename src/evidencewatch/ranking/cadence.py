"""When to retrain: after ``retrain_after_decisions`` new decisions, then rerank the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from evidencewatch.config import Settings
from evidencewatch.ranking.pipeline import latest_model
from evidencewatch.ranking.scoring import rerank
from evidencewatch.ranking.training import decisions_count, train, training_set
from evidencewatch.storage.models import RankModel


@dataclass(frozen=True, slots=True)
class RetrainOutcome:
    model: RankModel | None
    rescored: int
    decisions_since: int
    reason: str


def decisions_since_last_model(*, session: Session) -> int:
    """Decisions (accepted + rejected) beyond those the latest model was trained on."""
    latest = latest_model(session=session)
    seen = latest.decisions_seen if latest is not None else 0
    return decisions_count(session=session) - seen


def retrain_due(*, session: Session, settings: Settings) -> bool:
    """Whether enough decisions came after the last model to train a new one."""
    every = settings.retrain_after_decisions
    return every > 0 and decisions_since_last_model(session=session) >= every


def maybe_retrain(
    *, session: Session, settings: Settings, now: datetime | None = None
) -> RetrainOutcome:
    """Retrain and rerank once ``retrain_after_decisions`` decisions came after the last model."""
    every = settings.retrain_after_decisions
    since = decisions_since_last_model(session=session)
    if every <= 0:
        return RetrainOutcome(None, 0, since, "retraining is off (retrain_after_decisions = 0)")
    if since < every:
        return RetrainOutcome(None, 0, since, f"{since} of {every} decisions since the last model")
    model = train(session=session, now=now)
    if model is None:
        return RetrainOutcome(None, 0, since, training_set(session=session).problem or "")
    return RetrainOutcome(model, rerank(session=session, model=model), since, "retrained")
