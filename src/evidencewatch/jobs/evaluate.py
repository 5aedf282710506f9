"""The evaluation job: the whole evaluation in a throw-away SQLite database of its own.

The evaluation saves the set as an import would and decides every candidate as
labelled; none of that may reach the configured database, so the job makes a
scratch one in a temporary folder and drops it afterwards.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sqlmodel import Session

from evidencewatch.evaluation.replay import RETRAIN_EVERY
from evidencewatch.evaluation.report import EvalReport, evaluate
from evidencewatch.evaluation.sets import DEFAULT_BACKGROUND, DEFAULT_SET
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.watch.watchlist import Watchlist


def evaluate_job(
    *,
    watchlist: Watchlist,
    eval_dir: Path = DEFAULT_SET,
    background_dir: Path | None = DEFAULT_BACKGROUND,
    every: int = RETRAIN_EVERY,
) -> EvalReport:
    """Run :func:`~evidencewatch.evaluation.report.evaluate` on a scratch database."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="evidencewatch-eval-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'eval.db'}")
        try:
            init_db(engine)
            with Session(engine, expire_on_commit=False) as session:
                report = evaluate(
                    session=session,
                    watchlist=watchlist,
                    eval_dir=eval_dir,
                    background_dir=background_dir,
                    every=every,
                    started=started,
                )
                # Nothing of the replay is kept, even in the scratch database.
                session.rollback()
        finally:
            engine.dispose()
    return report
