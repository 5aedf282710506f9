"""Fetching records by PMID without losing any to a short answer.

NCBI sometimes answers EFetch with HTTP 200 and a well-formed
``PubmedArticleSet`` that silently leaves out some of the requested PMIDs
(eutils.md §1: "check that you received as many records as you asked for").
Nothing in such an answer can be told apart from a deleted PMID, so a PMID
left out is asked for again, first in smaller batches and then on its own.
One still missing after that is looked up with ESearch ``NNN[uid]``: when
PubMed knows nothing of it, it is *gone* (deleted or withdrawn); otherwise it
is *unresolved*, and the caller must keep it and ask again later.

The re-requests cost requests only when something was left out: a complete
answer is one request, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evidencewatch.core.errors import EutilsError, EutilsPhraseNotFound
from evidencewatch.pubmed.records import PubmedRecord

if TYPE_CHECKING:
    from evidencewatch.pubmed.client import EutilsClient

__all__ = ["MAX_ONE_BY_ONE", "RETRY_BATCH_SIZE", "FetchedIds", "fetch_by_ids", "pmid_exists"]

log = logging.getLogger("evidencewatch.pubmed")

#: PMIDs per re-request of those a short answer left out. Small enough that one
#: more short answer costs few records; large enough that a 500-PMID answer
#: missing 30 % is asked again in three requests.
RETRY_BATCH_SIZE = 50

#: At most this many PMIDs of one call are asked for one by one (and then looked
#: up with ESearch). The rest stay unresolved and wait for the next scan, so an
#: NCBI answering every EFetch empty cannot turn one scan into thousands of requests.
MAX_ONE_BY_ONE = 20


@dataclass
class FetchedIds:
    """What asking for some PMIDs brought: records, and what became of the rest.

    ``left_out`` are the PMIDs the first answer lacked, whether asking again
    found them or not; every PMID asked for is either in ``records``, in
    ``gone`` or in ``unresolved``.
    """

    records: list[PubmedRecord] = field(default_factory=list)
    left_out: list[int] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)
    unresolved: list[int] = field(default_factory=list)


def fetch_by_ids(
    client: EutilsClient,
    pmids: Sequence[int],
    *,
    retry_batch_size: int = RETRY_BATCH_SIZE,
    max_one_by_one: int = MAX_ONE_BY_ONE,
) -> FetchedIds:
    """The records of ``pmids``, each once, asking again for any an answer left out.

    Raises :class:`EutilsError` when NCBI keeps failing or an answer holds a
    record that cannot be read (the client has retried what is retryable).
    """
    asked = list(dict.fromkeys(int(p) for p in pmids))
    found: dict[int, PubmedRecord] = {}
    _ask(client, asked, found)
    left_out = [p for p in asked if p not in found]
    missing = left_out
    if len(missing) > 1:
        for start in range(0, len(missing), retry_batch_size):
            _ask(client, missing[start : start + retry_batch_size], found)
        missing = [p for p in missing if p not in found]
    # A PMID first asked for on its own has already had its one-by-one request.
    alone, waiting = (missing[:max_one_by_one], missing[max_one_by_one:])
    if len(asked) > 1:
        for pmid in alone:
            _ask(client, [pmid], found)
    still = [p for p in alone if p not in found]
    gone = [p for p in still if not pmid_exists(client, p)]
    unresolved = [p for p in still if p not in gone] + waiting
    if left_out:
        log.warning(
            "efetch left out %d of %d PMIDs; asked again: %d found, %d gone from PubMed, "
            "%d unresolved %s",
            len(left_out),
            len(asked),
            len(left_out) - len(gone) - len(unresolved),
            len(gone),
            len(unresolved),
            unresolved[:10],
        )
    records = [found[p] for p in asked if p in found]
    return FetchedIds(records=records, left_out=left_out, gone=gone, unresolved=unresolved)


def pmid_exists(client: EutilsClient, pmid: int) -> bool:
    """Whether PubMed still knows ``pmid``: ESearch ``NNN[uid]`` finds it."""
    try:
        result = client.esearch(f"{int(pmid)}[uid]", retmax=1, usehistory=False)
    except EutilsPhraseNotFound:
        return False  # PubMed's way of saying it has no such UID
    return int(pmid) in result.ids


def _ask(client: EutilsClient, batch: list[int], found: dict[int, PubmedRecord]) -> None:
    """One EFetch request; the records asked for are added to ``found``."""
    parsed = client.efetch(batch)
    if parsed.problems:
        raise EutilsError(
            "efetch returned records that could not be read: "
            + "; ".join(f"{p.position}: {p.message}" for p in parsed.problems[:3])
        )
    wanted = set(batch)
    for record in parsed.records:
        if record.pmid in wanted:
            found.setdefault(record.pmid, record)
