"""The steps of a file import (baseline, update files, saved efetch output).

Files are read in batches by :func:`read_batches`, which touches no database;
each batch is stored by :func:`save_import_batch` in the session it is given.
:func:`evidencewatch.jobs.importing.run_import` runs them with one transaction
per batch. A record replaces the stored version of its PMID, DeleteCitation
withdraws it, and a malformed record is reported and skipped. Either resolves
the PMID if a scan left it unresolved (:mod:`evidencewatch.ingest.unresolved`).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from evidencewatch.core.progress import Progress
from evidencewatch.core.timeutil import utcnow
from evidencewatch.ingest.store import AfterSave, SaveCounts, apply_deletions, save_records
from evidencewatch.ingest.unresolved import resolve_gone, resolve_stored
from evidencewatch.pubmed.parse import KeepTest, iter_pubmed
from evidencewatch.pubmed.records import (
    DeletedCitations,
    ParseProblem,
    PubmedRecord,
    SkippedRecord,
)
from evidencewatch.storage.models import Paper, Scan

if TYPE_CHECKING:
    from evidencewatch.matching.match import Matcher

__all__ = [
    "IMPORT_BATCH",
    "ImportBatch",
    "ImportReport",
    "finish_import",
    "keep_test",
    "open_import",
    "read_batches",
    "save_import_batch",
]

# Import problems have always been logged with the scan's lines, under its logger.
log = logging.getLogger("evidencewatch.ingest.scan")

IMPORT_BATCH = 2000


@dataclass
class ImportReport:
    files: int = 0
    records: int = 0
    counts: SaveCounts = field(default_factory=SaveCounts)
    deletions_listed: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    scan_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "records": self.records,
            "papers_new": self.counts.papers_new,
            "papers_updated": self.counts.papers_updated,
            "deleted": self.counts.deleted,
            "candidates_new": self.counts.candidates_new,
            "errors": self.errors,
        }


@dataclass
class ImportBatch:
    """Records and deleted PMIDs read since the last batch, to be stored together."""

    records: list[PubmedRecord] = field(default_factory=list)
    deletions: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.records or self.deletions)


def open_import(*, session: Session, paths: Sequence[Path]) -> int:
    """Record an import of ``paths`` as running; returns its id."""
    scan = Scan(
        kind="import",
        trigger="import",
        host=socket.gethostname(),
        pid=os.getpid(),
        queries=[{"file": str(p)} for p in paths],
    )
    session.add(scan)
    session.flush()
    assert scan.id is not None
    return scan.id


def keep_test(*, session: Session, matcher: Matcher) -> KeepTest:
    """Which citations to read in full: papers we hold, and those that could match.

    Papers we hold must get their update; for the rest the matcher's cheap
    prefilter decides, and the matcher decides exactly later.
    """
    held = set(session.exec(select(Paper.pmid)).all())

    def keep(pmid: int, text: str) -> bool:
        return pmid in held or matcher.could_match(text)

    return keep


def read_batches(
    path: Path,
    *,
    keep: KeepTest | None,
    report: ImportReport,
    progress: Progress,
    batch_size: int,
) -> Generator[ImportBatch, None, None]:
    """The file's records and deletions in batches; counts and problems go to ``report``.

    Passed-over citations are counted in ``progress`` as they accumulate; the
    caller counts the records of each batch once it has stored them.
    """
    batch = ImportBatch()
    skipped = 0  # records passed over since progress was last advanced
    for item in iter_pubmed(path, source_name=str(path), keep=keep):
        if isinstance(item, SkippedRecord):
            report.records += 1
            skipped += 1
            if skipped >= batch_size:
                # Store what was kept so far too: at <1 % kept, waiting for a full batch
                # would hold records for hundreds of thousands of citations and let memory
                # grow with the file.
                if batch:
                    yield batch
                    batch = ImportBatch()
                progress.advance(skipped)
                skipped = 0
        elif isinstance(item, PubmedRecord):
            batch.records.append(item)
            report.records += 1
            if len(batch.records) >= batch_size:
                yield batch
                batch = ImportBatch()
        elif isinstance(item, DeletedCitations):
            batch.deletions.extend(item.pmids)
            report.deletions_listed += len(item.pmids)
        elif isinstance(item, ParseProblem):
            report.errors.append(
                {"file": item.source, "position": item.position, "message": item.message}
            )
            log.warning("%s %s: %s", item.source, item.position, item.message)
    if batch:
        yield batch
    progress.advance(skipped)


def save_import_batch(
    *,
    session: Session,
    batch: ImportBatch,
    matcher: Matcher,
    source: str,
    scan_id: int | None,
    store_unmatched: bool,
    after_save: AfterSave | None,
) -> SaveCounts:
    """Store one batch: its records and their candidates, then its deletions.

    A PMID a scan left unresolved is resolved by its record, once stored, or
    by a DeleteCitation naming it (gone).
    """
    by = f"import:{scan_id}"
    counts = save_records(
        session=session,
        records=batch.records,
        matcher=matcher,
        source=source,
        scan_id=scan_id,
        store_unmatched=store_unmatched,
        actor=by,
    )
    resolve_stored(session=session, pmids=[r.pmid for r in batch.records], by=by)
    # Deletions follow the articles in update files: apply them after.
    counts.deleted += apply_deletions(session=session, pmids=batch.deletions, actor=by)
    resolve_gone(session=session, pmids=batch.deletions, by=f"{by} DeleteCitation")
    if after_save and counts.new_candidate_ids:
        after_save(session, counts.new_candidate_ids)
    return counts


def finish_import(*, session: Session, report: ImportReport) -> None:
    """Record the import's counts and outcome: failed when any record could not be read."""
    scan = session.get(Scan, report.scan_id)
    assert scan is not None
    scan.status = "succeeded" if not report.errors else "failed"
    scan.papers_seen = report.records
    scan.papers_new = report.counts.papers_new
    scan.papers_updated = report.counts.papers_updated
    scan.candidates_new = report.counts.candidates_new
    scan.deleted = report.counts.deleted
    scan.problems = [f"{e['file']} {e['position']}: {e['message']}" for e in report.errors]
    scan.finished_at = utcnow()
