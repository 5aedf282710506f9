"""An import's transactions: one to open it, one per batch of records, one to finish it.

A baseline file of ~30,000 citations is stored batch by batch, so the write
lock is never held for long and a crash loses at most the batch in flight.
The steps themselves are in :mod:`evidencewatch.ingest.imports`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from evidencewatch.core.logs import scan_context
from evidencewatch.core.progress import NullProgress, Progress
from evidencewatch.ingest.imports import (
    IMPORT_BATCH,
    ImportReport,
    finish_import,
    keep_test,
    open_import,
    read_batches,
    save_import_batch,
)
from evidencewatch.ingest.store import AfterSave
from evidencewatch.storage.db import session_scope

if TYPE_CHECKING:
    from evidencewatch.matching.match import Matcher

__all__ = ["run_import"]

log = logging.getLogger("evidencewatch.ingest.scan")


def run_import(
    *,
    engine: Engine,
    paths: Sequence[Path],
    matcher: Matcher,
    progress: Progress | None = None,
    store_unmatched: bool = False,
    after_save: AfterSave | None = None,
    batch_size: int = IMPORT_BATCH,
) -> ImportReport:
    """Import MEDLINE/PubMed XML files (baseline, update, saved efetch output).

    Files are applied in the order given, as NLM asks for update files; a
    record replaces the stored version of its PMID, and DeleteCitation
    withdraws it. A malformed record is reported and skipped; the rest of the
    file still loads.

    A database error (a full disk, a lost connection) stops the import: the
    batch in flight is rolled back, ``report.failure`` names the cause, the
    counts are those of the batches committed, and the import is recorded as
    failed when the database still takes that write. Nothing is raised.
    """
    progress = progress or NullProgress()
    report = ImportReport()
    with session_scope(engine) as session:
        report.scan_id = open_import(session=session, paths=paths)
    with scan_context(report.scan_id):
        try:
            for path in paths:
                progress.task(f"importing {path.name}")
                _import_file(
                    engine, path, matcher, report, progress, store_unmatched, after_save, batch_size
                )
                report.files += 1
        except SQLAlchemyError as exc:
            report.failure = f"database error while importing: {_cause(exc)}"
            log.error("%s", report.failure)
        finally:
            _finish(engine, report)
    return report


def _cause(exc: SQLAlchemyError) -> str:
    """The driver's own words (``database or disk is full``), without SQLAlchemy's SQL dump."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return f"{type(orig or exc).__name__}: {text[0] if text else ''}"


def _finish(engine: Engine, report: ImportReport) -> None:
    try:
        with session_scope(engine) as session:
            finish_import(session=session, report=report)
    except SQLAlchemyError as exc:
        if report.failure is None:
            report.failure = f"database error while importing: {_cause(exc)}"
        # The import row stays "running"; `status` shows it, and nothing else was lost.
        log.error("could not record the end of import %s: %s", report.scan_id, _cause(exc))


def _import_file(
    engine: Engine,
    path: Path,
    matcher: Matcher,
    report: ImportReport,
    progress: Progress,
    store_unmatched: bool,
    after_save: AfterSave | None,
    batch_size: int,
) -> None:
    keep = None
    if not store_unmatched:
        # Read in full only what could matter (held per file: earlier files' papers count).
        with session_scope(engine) as session:
            keep = keep_test(session=session, matcher=matcher)
    batches = read_batches(path, keep=keep, report=report, progress=progress, batch_size=batch_size)
    with closing(batches):
        for batch in batches:
            with session_scope(engine) as session:
                counts = save_import_batch(
                    session=session,
                    batch=batch,
                    matcher=matcher,
                    source=f"import:{path.name}",
                    scan_id=report.scan_id,
                    store_unmatched=store_unmatched,
                    after_save=after_save,
                )
            report.counts.add(counts)
            progress.advance(len(batch.records))
