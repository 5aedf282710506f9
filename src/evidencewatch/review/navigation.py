"""Moving through the pending queue from a candidate page: the one before, the one after.

Both follow :data:`evidencewatch.review.queue.QUEUE_ORDER` (best score first, then
newest) and wrap around, as :func:`evidencewatch.review.queue.next_pending` does.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from evidencewatch.core.vocabulary import Status
from evidencewatch.review.queue import next_pending
from evidencewatch.storage.models import Candidate

__all__ = ["next_pending", "previous_pending"]


def previous_pending(*, session: Session, after: Candidate) -> int | None:
    """The id of the pending candidate just before ``after`` in queue order, if any."""
    pending = select(Candidate.id).where(Candidate.status == Status.pending.value)
    backwards = (col(Candidate.score).asc(), col(Candidate.id).asc())
    for query, order in (
        (pending.where(Candidate.score == after.score, col(Candidate.id) > (after.id or 0)),
         backwards),
        (pending.where(col(Candidate.score) > after.score), backwards),
        # wrap around to the bottom of the queue
        (pending.where(Candidate.id != after.id), backwards),
    ):  # fmt: skip
        found = session.exec(query.order_by(*order).limit(1)).first()
        if found is not None:
            return found
    return None
