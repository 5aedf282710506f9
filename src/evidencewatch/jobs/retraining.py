"""Retraining the ranking after curators' decisions: the check the scheduler and worker run.

Active learning happens outside the web app. A web request or web worker
never trains: the review app passes no ``on_decided`` hook, so a decision
costs only its own writes. Instead a long-running process that is not the web
server checks every minute whether ``retrain_after_decisions`` decisions came
after the last model, and retrains and re-ranks the queue when they did:

* ``evidencewatch scheduler`` runs :func:`run_scheduled_retrain` on ``retrain_cron``
  (every minute by default);
* ``evidencewatch worker`` runs :func:`retrain_loop` (for deployments that
  schedule scans with cron or systemd timers instead of the scheduler).

Both go through :func:`retrain_if_due`, which holds the database lock named
``retrain`` (:mod:`evidencewatch.jobs.locks`) while it trains, so a scheduler
and a worker on the same database never train at once. New scores are written
to the candidate rows, which the web app reads on every request: its next
queue page shows the new order without a restart.

``evidencewatch review`` (the CLI) keeps retraining in its own process, in the
decision's transaction (:func:`retrain_hook`): it is a one-off command, not a
server, and a curator at the terminal sees the new order at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from evidencewatch.config import Settings, load_settings
from evidencewatch.core.errors import EvidenceWatchError, ScanLockedError
from evidencewatch.jobs.locks import make_holder, scan_lock
from evidencewatch.storage.db import ensure_current, make_engine, session_scope
from evidencewatch.storage.models import Candidate

if TYPE_CHECKING:
    from evidencewatch.ranking.cadence import RetrainOutcome

log = logging.getLogger(__name__)

RETRAIN_LOCK = "retrain"


def retrain_hook(settings: Settings) -> Callable[[Session, Candidate], None]:
    """An ``on_decided`` callback that retrains in the decision's own transaction (CLI only).

    Never pass it to the web app: it trains in the calling process, which is
    what the web must not do.
    """

    def hook(session: Session, candidate: Candidate) -> None:
        # The ranking (scikit-learn) loads on the first decision, not with every command
        # that merely builds the hook (`review list`).
        from evidencewatch.ranking.cadence import maybe_retrain
        from evidencewatch.ranking.training import DECIDED

        if candidate.status in DECIDED:
            maybe_retrain(session=session, settings=settings)

    hook.__name__ = "ranking_retrain_hook"
    return hook


def retrain_if_due(settings: Settings, *, engine: Engine) -> RetrainOutcome | None:
    """Retrain and re-rank if enough decisions came in; None when not due or already running.

    The due check is one cheap read, so calling this every minute costs
    nothing while curators are idle. Training holds the ``retrain`` lock; a
    second process that finds it held skips this round (the holder covers it).
    """
    from evidencewatch.ranking.cadence import maybe_retrain, retrain_due

    with session_scope(engine) as session:
        if not retrain_due(session=session, settings=settings):
            return None
    try:
        with scan_lock(
            engine,
            name=RETRAIN_LOCK,
            holder=make_holder("retrain"),
            wait_seconds=0,
            stale_seconds=settings.scan_lock_stale_seconds,
        ):
            started = time.monotonic()
            with session_scope(engine) as session:
                outcome = maybe_retrain(session=session, settings=settings)
    except ScanLockedError:
        log.info("retraining skipped: another process is retraining the ranking")
        return None
    if outcome.model is not None:
        log.info(
            "retrained ranking model %s after %d new decisions; re-ranked %d candidates in %.1f s",
            outcome.model.id,
            outcome.decisions_since,
            outcome.rescored,
            time.monotonic() - started,
        )
    else:
        log.info("retraining not done: %s", outcome.reason)
    return outcome


def retrain_loop(
    settings: Settings,
    *,
    engine: Engine,
    every: float = 60.0,
    stop: threading.Event,
    max_checks: int | None = None,
) -> int:
    """Check every ``every`` seconds until ``stop`` is set; returns how many models it trained.

    A failed check (database down, training error) is logged and the loop
    goes on: the previous model stays in use and the next check tries again.
    """
    trained = checks = 0
    log.info("retrain worker: checking every %g s (retrain_after_decisions = %d)",
             every, settings.retrain_after_decisions)  # fmt: skip
    while not stop.is_set():
        try:
            outcome = retrain_if_due(settings, engine=engine)
            trained += int(outcome is not None and outcome.model is not None)
        except Exception:
            log.exception("retrain check failed; the previous model stays in use")
        checks += 1
        if max_checks is not None and checks >= max_checks:
            break
        stop.wait(every)
    return trained


def run_scheduled_retrain(config_file: str = "") -> None:
    """The scheduler's retrain check (a stored job: one plain string argument, never raises).

    Like the scan and digest jobs it loads its own settings and engine; the
    previous model stays in use when it fails.
    """
    try:
        settings = load_settings(config_file=config_file or None)
        engine = make_engine(settings.database_url)
    except EvidenceWatchError as exc:
        log.error("scheduled retrain check not started: %s", exc)
        return
    try:
        ensure_current(engine)
        retrain_if_due(settings, engine=engine)
    except (EvidenceWatchError, SQLAlchemyError) as exc:
        log.error("scheduled retrain check failed (the previous model stays in use): %s", exc)
    finally:
        engine.dispose()
