"""``import --jobs N``: files read by a pool of processes, stored by one writer in file order.

Reading a file (cutting raw records, the prefilter, parsing the kept ones) is most of
an import's time and needs no database, so N reader processes read N files at once.
The writer (this process) stores each file's items in the order the files were given,
as NLM requires for update files, whatever order the readers finish in: a file's
result waits until every file before it is stored. At most N + 1 results are held.

A reader decides which citations to parse from the PMIDs held when the import
started. A citation it passed over whose PMID an earlier file of the same import
has since brought in must be read in full after all (it updates that paper): the
writer then reads that one file again itself, with the PMIDs held at that point,
exactly as a one-process import would have.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from evidencewatch.ingest.imports import ImportFilter, iter_import
from evidencewatch.pubmed.parse import PubmedItem
from evidencewatch.pubmed.records import SkippedRecord

if TYPE_CHECKING:
    from evidencewatch.matching.match import Matcher

__all__ = ["FileItems", "read_in_pool"]

# What each reader process needs, set before the pool forks so it is inherited, not pickled.
_READER_FILTER: ImportFilter | None = None
_READER_KEEP_ALL = False


@dataclass
class FileItems:
    """One file's items in file order, and the PMIDs of the citations passed over."""

    path: Path
    items: list[PubmedItem | SkippedRecord] = field(default_factory=list)
    skipped: set[int] = field(default_factory=set)


def _read(path: Path) -> FileItems:
    out = FileItems(path)
    for item in iter_import(path, None if _READER_KEEP_ALL else _READER_FILTER):
        out.items.append(item)
        if isinstance(item, SkippedRecord):
            out.skipped.add(item.pmid)
    return out


def read_in_pool(
    paths: Sequence[Path],
    *,
    jobs: int,
    held: set[int],
    matcher: Matcher,
    keep_all: bool,
) -> Generator[FileItems, None, None]:
    """Each file's items, in the order of ``paths``, read by ``jobs`` processes."""
    global _READER_FILTER, _READER_KEEP_ALL
    _READER_FILTER = ImportFilter(set(held), matcher.prefilter(), matcher)
    _READER_KEEP_ALL = keep_all
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        pending: list[Future[FileItems]] = []
        queue = list(paths)
        while queue or pending:
            while queue and len(pending) <= jobs:
                pending.append(pool.submit(_read, queue.pop(0)))
            yield pending.pop(0).result()


def needs_rereading(result: FileItems, brought_in: set[int]) -> bool:
    """Whether a reader passed over a citation an earlier file of this import brought in."""
    return not result.skipped.isdisjoint(brought_in)
