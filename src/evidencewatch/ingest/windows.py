"""Which create dates a scan reads: the watermark, the next window, and splitting at the cap.

The watermark is derived, never stored on its own: it is the end of the
newest *succeeded* scan window. A scan is marked succeeded in the same
transaction as its last batch, so a failed or killed scan leaves the
watermark where it was and the next run re-reads the window; papers are keyed
by PMID, so the re-read stores nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, func, select

from evidencewatch.core.errors import EutilsError, EvidenceWatchError
from evidencewatch.pubmed.esearch import ESEARCH_CAP, SearchResult
from evidencewatch.storage.models import Scan

if TYPE_CHECKING:
    from evidencewatch.pubmed.client import EutilsClient

__all__ = ["ESEARCH_CAP", "SearchSlice", "Window", "plan_window", "search_window", "watermark"]

# Every line a scan logs has come from this logger; operators filter on its name.
log = logging.getLogger("evidencewatch.ingest.scan")


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    def split(self) -> tuple[Window, Window]:
        middle = self.start + timedelta(days=(self.end - self.start).days // 2)
        return Window(self.start, middle), Window(middle + timedelta(days=1), self.end)


@dataclass(frozen=True)
class SearchSlice:
    window: Window
    result: SearchResult


def watermark(*, session: Session) -> date | None:
    """The end of the newest succeeded scan window: everything before it has been read."""
    return session.exec(
        select(func.max(Scan.window_to)).where(Scan.kind == "scan", Scan.status == "succeeded")
    ).one()


def plan_window(
    *,
    session: Session,
    today: date,
    overlap_days: int,
    initial_days: int,
    since: date | None = None,
    until: date | None = None,
) -> Window:
    """The create-date window of the next scan: from the watermark less the overlap, to today."""
    if until is not None and until > today:
        # A window ending in the future would become the watermark and hide the days between.
        raise EvidenceWatchError(
            f"--until {until.isoformat()} is after today ({today.isoformat()})"
        )
    end = until or today
    if since is not None:
        start = since
    else:
        mark = watermark(session=session)
        start = (mark - timedelta(days=overlap_days)) if mark else (end - timedelta(initial_days))
    if start > end:
        raise EvidenceWatchError(
            f"scan window is empty: from {start.isoformat()} is after to {end.isoformat()}"
        )
    return Window(start, end)


def search_window(client: EutilsClient, term: str, window: Window) -> list[SearchSlice]:
    """All PMIDs for ``term`` created in ``window``, halving any window that hits the cap."""
    result = client.esearch(term, mindate=window.start, maxdate=window.end, datetype="crdt")
    if result.count < ESEARCH_CAP and result.count == len(result.ids):
        return [SearchSlice(window, result)]
    if window.start == window.end:
        raise EutilsError(
            f"{result.count} records were created on {window.start.isoformat()} for one query, "
            f"more than the {ESEARCH_CAP} PubMed returns per search; narrow the query"
        )
    log.info(
        "window %s..%s has %d records (cap %d): splitting",
        window.start,
        window.end,
        result.count,
        ESEARCH_CAP,
    )
    first, second = window.split()
    return search_window(client, term, first) + search_window(client, term, second)
