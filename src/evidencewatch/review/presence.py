"""Who has a candidate open: written when a curator opens its page, read by the queue.

A mark lasts :data:`PRESENCE_MINUTES` after the page was last opened; older rows are
ignored, and pruned by the next writer. It is a courtesy, not a lock: two curators can
still open the same candidate, they just see that the other has it open.

Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from evidencewatch.core.timeutil import as_utc, utcnow
from evidencewatch.storage.models import CandidatePresence

PRESENCE_MINUTES = 5


def mark_open(
    *, session: Session, candidate_id: int, username: str, now: datetime | None = None
) -> None:
    """Record that ``username`` has ``candidate_id`` open now; prune expired marks."""
    now = now or utcnow()
    session.exec(
        delete(CandidatePresence).where(
            col(CandidatePresence.opened_at) < now - timedelta(minutes=PRESENCE_MINUTES)
        )
    )
    row = session.get(CandidatePresence, (candidate_id, username))
    if row is None:
        session.add(CandidatePresence(candidate_id=candidate_id, username=username, opened_at=now))
    else:
        row.opened_at = now
        session.add(row)
    session.flush()


def open_by(
    *,
    session: Session,
    candidate_ids: Iterable[int | None],
    exclude: str | None = None,
    now: datetime | None = None,
) -> dict[int, list[str]]:
    """Who (other than ``exclude``) opened each of ``candidate_ids`` in the last minutes."""
    wanted = [cid for cid in candidate_ids if cid is not None]
    if not wanted:
        return {}
    since = (now or utcnow()) - timedelta(minutes=PRESENCE_MINUTES)
    rows = session.exec(
        select(CandidatePresence)
        .where(col(CandidatePresence.candidate_id).in_(wanted))
        .order_by(col(CandidatePresence.opened_at).desc())
    ).all()
    found: dict[int, list[str]] = {}
    for row in rows:
        if as_utc(row.opened_at) >= since and row.username != exclude:
            found.setdefault(row.candidate_id, []).append(row.username)
    return found
