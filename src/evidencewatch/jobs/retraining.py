"""Retraining the ranking after curators' decisions: the decision hook and its background job.

The hook runs inside a decision's transaction. In the web app it must not make
the curator wait for training (seconds on a large queue), so it hands the work
to a thread that opens a session of its own and commits when done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from evidencewatch.config import Settings
from evidencewatch.storage.db import session_scope
from evidencewatch.storage.models import Candidate

log = logging.getLogger(__name__)

_RETRAINING = threading.Lock()


def retrain_hook(
    settings: Settings, *, background: bool = False
) -> Callable[[Session, Candidate], None]:
    """An ``on_decided`` callback for the review decision functions, passed in by an edge.

    ``background=True`` (the web app) trains in a thread of its own, with its
    own session, once retraining is due: training and re-ranking take seconds
    on a large queue, and a curator's decision must not wait for them. One
    retrain runs at a time; a decision that comes due while one runs is
    covered by the next.
    """

    def hook(session: Session, candidate: Candidate) -> None:
        # The ranking (scikit-learn) loads on the first decision, not with every command
        # that merely builds the hook (`review list`).
        from evidencewatch.ranking.cadence import maybe_retrain, retrain_due
        from evidencewatch.ranking.training import DECIDED

        if candidate.status not in DECIDED:
            return
        if not background:
            maybe_retrain(session=session, settings=settings)
            return
        if not retrain_due(session=session, settings=settings):
            return
        if not _RETRAINING.acquire(blocking=False):
            return
        engine = session.get_bind()
        threading.Thread(
            target=_retrain_in_background, args=(engine,), daemon=True, name="ew-retrain"
        ).start()

    hook.__name__ = "ranking_retrain_hook"
    return hook


def _retrain_in_background(engine: Any) -> None:
    from evidencewatch.ranking.scoring import rerank
    from evidencewatch.ranking.training import train

    try:
        with session_scope(engine) as session:
            model = train(session=session)
            if model is not None:
                n = rerank(session=session, model=model)
                log.info("retrained ranking model %s; re-ranked %d candidates", model.id, n)
    except Exception:
        log.exception("background retraining failed; the previous model stays in use")
    finally:
        _RETRAINING.release()
