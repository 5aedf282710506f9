"""An import's transactions: one to open it, one per batch of records, one to finish it.

A baseline file of ~30,000 citations is stored batch by batch, so the write
lock is never held for long and a crash loses at most the batch in flight.
The steps themselves are in :mod:`evidencewatch.ingest.imports`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from evidencewatch.core.logs import scan_context
from evidencewatch.core.progress import NullProgress, Progress
from evidencewatch.ingest.imports import (
    IMPORT_BATCH,
    ImportBatch,
    ImportFilter,
    ImportReport,
    batch_items,
    finish_import,
    iter_import,
    keep_test,
    open_import,
    save_import_batch,
)
from evidencewatch.ingest.store import AfterSave
from evidencewatch.pubmed.parse import PubmedItem
from evidencewatch.pubmed.records import SkippedRecord
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
    jobs: int = 1,
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

    ``jobs`` > 1 reads up to that many files at once in reader processes
    (:mod:`evidencewatch.jobs.import_readers`); they are stored in the order given.
    """
    progress = progress or NullProgress()
    report = ImportReport()
    with session_scope(engine) as session:
        report.scan_id = open_import(session=session, paths=paths)
    with scan_context(report.scan_id):
        try:
            store = _Store(
                engine, matcher, report, progress, store_unmatched, after_save, batch_size
            )
            if jobs > 1 and len(paths) > 1:
                _import_parallel(store, paths, jobs)
            else:
                for path in paths:
                    progress.task(f"importing {path.name}")
                    _import_file(store, path)
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


@dataclass
class _Store:
    """The writer's side of an import: where and how each batch is stored."""

    engine: Engine
    matcher: Matcher
    report: ImportReport
    progress: Progress
    store_unmatched: bool
    after_save: AfterSave | None
    batch_size: int
    brought_in: set[int] = field(default_factory=set)  # PMIDs of records stored by this run

    def held(self) -> ImportFilter:
        with session_scope(self.engine) as session:
            return keep_test(session=session, matcher=self.matcher)

    def save(self, path: Path, batch: ImportBatch) -> None:
        with session_scope(self.engine) as session:
            counts = save_import_batch(
                session=session,
                batch=batch,
                matcher=self.matcher,
                source=f"import:{path.name}",
                scan_id=self.report.scan_id,
                store_unmatched=self.store_unmatched,
                after_save=self.after_save,
            )
        self.report.counts.add(counts)
        self.brought_in.update(r.pmid for r in batch.records)
        self.progress.advance(len(batch.records))

    def store_items(self, path: Path, items: Iterable[PubmedItem | SkippedRecord]) -> None:
        batches = batch_items(
            items, report=self.report, progress=self.progress, batch_size=self.batch_size
        )
        with closing(batches):
            for batch in batches:
                self.save(path, batch)


def _import_file(store: _Store, path: Path) -> None:
    # Read in full only what could matter (held per file: earlier files' papers count).
    keep = None if store.store_unmatched else store.held()
    store.store_items(path, iter_import(path, keep))


def _import_parallel(store: _Store, paths: Sequence[Path], jobs: int) -> None:
    # Here, not at the top: multiprocessing and the pool are for `--jobs N` only.
    from evidencewatch.jobs.import_readers import needs_rereading, read_in_pool

    held = store.held().held
    results = read_in_pool(
        paths, jobs=jobs, held=held, matcher=store.matcher, keep_all=store.store_unmatched
    )
    with closing(results):
        for result in results:
            store.progress.task(f"importing {result.path.name}")
            if needs_rereading(result, store.brought_in - held):
                _import_file(store, result.path)  # see import_readers: rare, and exact
            else:
                store.store_items(result.path, result.items)
            store.report.files += 1
