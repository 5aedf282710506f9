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
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from evidencewatch.core.progress import Progress
from evidencewatch.core.timeutil import utcnow
from evidencewatch.ingest.store import AfterSave, SaveCounts, apply_deletions, save_records
from evidencewatch.ingest.unresolved import resolve_gone, resolve_stored
from evidencewatch.pubmed.medline import is_medline, iter_medline
from evidencewatch.pubmed.parse import PubmedItem, iter_pubmed
from evidencewatch.pubmed.raw import (
    RawRecord,
    iter_raw,
    parse_raw,
    raw_pmid,
    read_head,
    read_text,
    title_and_abstract_bytes,
)
from evidencewatch.pubmed.records import (
    DeletedCitations,
    ParseProblem,
    PubmedRecord,
    SkippedRecord,
)
from evidencewatch.storage.models import Paper, Scan

if TYPE_CHECKING:
    from evidencewatch.matching.match import Matcher
    from evidencewatch.matching.prefilter import Prefilter

__all__ = [
    "IMPORT_BATCH",
    "ImportBatch",
    "ImportFilter",
    "ImportReport",
    "batch_items",
    "finish_import",
    "iter_import",
    "keep_test",
    "open_import",
    "read_batches",
    "save_import_batch",
]

# Import problems have always been logged with the scan's lines, under its logger.
log = logging.getLogger("evidencewatch.ingest.scan")

IMPORT_BATCH = 2000
#: A batch is also stored once this many batches' worth of records have been read since
#: the last one: so a file whose records are nearly all passed over is still stored as
#: it goes (memory is bounded by the batch anyway), in a few transactions, not one per
#: 2,000 records read (each costs ~20 ms, a commit and the batch's lookups).
STORE_EVERY_BATCHES_READ = 10


@dataclass
class ImportReport:
    files: int = 0
    records: int = 0
    counts: SaveCounts = field(default_factory=SaveCounts)
    deletions_listed: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    scan_id: int | None = None
    #: Why the import stopped early (a database error: full disk, lost connection...);
    #: the counts are then those of the batches committed before it.
    failure: str | None = None

    @property
    def status(self) -> str:
        return "succeeded" if not self.errors and self.failure is None else "failed"

    def summary(self) -> str:
        files = f"{self.files} file" + ("" if self.files == 1 else "s")
        records = f"{self.records} record" + ("" if self.records == 1 else "s")
        errors = f"{len(self.errors)} error" + ("" if len(self.errors) == 1 else "s")
        return (
            f"imported {files}, {records}: {self.counts.papers_new} papers new, "
            f"{self.counts.papers_updated} updated, {self.counts.deleted} deleted, "
            f"{self.counts.candidates_new} new candidates, {errors}"
        )

    def as_json(self) -> dict[str, Any]:
        # "status" and "failure" appear only when a database error stopped the import, so
        # the object of an import that ran to its end keeps the keys it always had.
        stopped = {"status": self.status, "failure": self.failure} if self.failure else {}
        return {
            **stopped,
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


@dataclass
class ImportFilter:
    """Which citations to parse: papers we hold (they get their update), and those
    that could name a tracked gene (the prefilter on raw bytes, then the matcher)."""

    held: set[int]
    prefilter: Prefilter
    matcher: Matcher

    def keeps_raw(self, raw: RawRecord) -> bool:
        return self.keeps_raws([raw])[0]

    def keeps_raws(self, raws: Sequence[RawRecord]) -> list[bool]:
        """:meth:`keeps_raw` of each record; the prefilter tests their texts together."""
        return [kept for kept, _ in self.decide(raws)]

    def decide(self, raws: Sequence[RawRecord]) -> list[tuple[bool, int | None]]:
        """Whether to parse each record, and its PMID as read from its bytes."""
        out: list[tuple[bool, int | None]] = []
        tested: list[int] = []
        regions: list[bytes] = []
        for i, raw in enumerate(raws):
            pmid = raw_pmid(raw.data)
            out.append((True, pmid))
            if pmid is None or pmid in self.held or raw.tag != "PubmedArticle":
                continue  # unreadable PMIDs are parsed so their problem is reported; books too
            region = title_and_abstract_bytes(raw.data)
            if region is not None:
                tested.append(i)
                regions.append(region)
        for i, keep in zip(tested, self.prefilter.could_match_many(regions), strict=True):
            out[i] = (keep, out[i][1])
        return out

    def keeps_text(self, pmid: int, text: str) -> bool:
        return pmid in self.held or self.matcher.could_match(text)


def keep_test(*, session: Session, matcher: Matcher) -> ImportFilter:
    """The filter of an import: the PMIDs held now, the matcher's prefilter."""
    held = set(session.exec(select(Paper.pmid)).all())
    return ImportFilter(held, matcher.prefilter(), matcher)


def iter_import(path: Path, keep: ImportFilter | None) -> Iterator[PubmedItem | SkippedRecord]:
    """The file's items; with ``keep``, citations it refuses are skipped unparsed.

    A PubmedArticleSet is cut into raw records and only kept ones are parsed; any
    other document (an old MedlineCitationSet) is streamed by the parser, which
    then peeks at each citation's text before reading it in full.
    """
    name = str(path)
    if is_medline(read_head(path)):
        yield from _medline_items(path, name, keep)
        return
    raws = iter_raw(path, name)
    if raws is None:
        yield from iter_pubmed(path, source_name=name, keep=keep.keeps_text if keep else None)
        return
    for group in _groups(raws):
        if isinstance(group, ParseProblem):
            yield group
            continue
        if keep is None:
            for raw in group:
                yield from parse_raw(raw, name)
            continue
        for raw, (kept, pmid) in zip(group, keep.decide(group), strict=True):
            if kept or raw.tag == "DeleteCitation":
                yield from parse_raw(raw, name)
            else:
                yield SkippedRecord(pmid or 0)


#: Records whose texts the prefilter tests together (about 400 kB of title and abstract).
PREFILTER_GROUP = 256


def _groups(
    raws: Iterable[RawRecord | ParseProblem],
) -> Iterator[list[RawRecord] | ParseProblem]:
    """The records in file order, in lists of up to PREFILTER_GROUP; problems in their place."""
    group: list[RawRecord] = []
    for raw in raws:
        if isinstance(raw, ParseProblem):
            if group:
                yield group
                group = []
            yield raw
            continue
        group.append(raw)
        if len(group) >= PREFILTER_GROUP:
            yield group
            group = []
    if group:
        yield group


def _medline_items(
    path: Path, name: str, keep: ImportFilter | None
) -> Iterator[PubmedItem | SkippedRecord]:
    """A saved PubMed search in MEDLINE format: records are small, so all are read."""
    for item in iter_medline(read_text(path), name):
        if isinstance(item, PubmedRecord) and keep and not keep.keeps_text(item.pmid, item.text):
            yield SkippedRecord(item.pmid)
        else:
            yield item


def read_batches(
    path: Path,
    *,
    keep: ImportFilter | None,
    report: ImportReport,
    progress: Progress,
    batch_size: int,
) -> Generator[ImportBatch, None, None]:
    """The file's records and deletions in batches; counts and problems go to ``report``."""
    yield from batch_items(
        iter_import(path, keep), report=report, progress=progress, batch_size=batch_size
    )


def batch_items(
    items: Iterable[PubmedItem | SkippedRecord],
    *,
    report: ImportReport,
    progress: Progress,
    batch_size: int,
) -> Generator[ImportBatch, None, None]:
    """Items read from a file (in its order) in batches; counts and problems go to ``report``.

    Passed-over citations are counted in ``progress`` as they accumulate; the
    caller counts the records of each batch once it has stored them.
    """
    batch = ImportBatch()
    skipped = 0  # records passed over since progress was last advanced
    read = 0  # records read since the last batch was handed out
    for item in items:
        if isinstance(item, SkippedRecord):
            report.records += 1
            skipped += 1
            read += 1
            if skipped >= batch_size:
                progress.advance(skipped)
                skipped = 0
            if read >= batch_size * STORE_EVERY_BATCHES_READ:
                # Store what was kept so far too: at <1 % kept, waiting for a full batch
                # would hold records for hundreds of thousands of citations and let memory
                # grow with the file.
                if batch:
                    yield batch
                    batch = ImportBatch()
                read = 0
        elif isinstance(item, PubmedRecord):
            batch.records.append(item)
            report.records += 1
            read += 1
            if len(batch.records) >= batch_size:
                yield batch
                batch = ImportBatch()
                read = 0
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
    """Record the import's counts and outcome: failed when any record could not be read,
    or a database error stopped it (``report.failure``, kept as the scan's error)."""
    scan = session.get(Scan, report.scan_id)
    assert scan is not None
    scan.status = report.status
    scan.error = report.failure
    scan.papers_seen = report.records
    scan.papers_new = report.counts.papers_new
    scan.papers_updated = report.counts.papers_updated
    scan.candidates_new = report.counts.candidates_new
    scan.deleted = report.counts.deleted
    scan.problems = [f"{e['file']} {e['position']}: {e['message']}" for e in report.errors]
    scan.finished_at = utcnow()
