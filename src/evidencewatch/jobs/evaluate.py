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
from evidencewatch.evaluation.sets import (
    DEFAULT_BACKGROUND,
    DEFAULT_RECORDS,
    DEFAULT_SET,
    SEALED_RECORDS,
    SEALED_SET,
)
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.watch.watchlist import Watchlist


def evaluate_job(
    *,
    watchlist: Watchlist,
    eval_dir: Path = DEFAULT_SET,
    background_dir: Path | None = DEFAULT_BACKGROUND,
    every: int = RETRAIN_EVERY,
    records_name: str = DEFAULT_RECORDS,
    withhold: bool = False,
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
                    records_name=records_name,
                    withhold=withhold,
                )
                # Nothing of the replay is kept, even in the scratch database.
                session.rollback()
        finally:
            engine.dispose()
    return report


def sealed_evaluation_job(*, watchlist: Watchlist, sealed_dir: Path = SEALED_SET) -> EvalReport:
    """The sealed set's evaluation: its own records only, no background, aggregate figures.

    Nobody reads the sealed set's records or labels to fix a failure, so the
    report withholds everything that names a record (PMIDs, per-record errors,
    the model's strongest words).
    """
    if not (sealed_dir / SEALED_RECORDS).is_file() or not (sealed_dir / "labels.tsv").is_file():
        raise FileNotFoundError(
            f"{sealed_dir}: the sealed set needs {SEALED_RECORDS} and labels.tsv there"
        )
    return evaluate_job(
        watchlist=watchlist,
        eval_dir=sealed_dir,
        background_dir=None,
        records_name=SEALED_RECORDS,
        withhold=True,
    )
