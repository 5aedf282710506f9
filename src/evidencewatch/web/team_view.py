"""What the candidate page shows of team review: votes, conflicts, undo, the whole paper.

In dual review a curator sees only their own vote until both are in
(:func:`evidencewatch.review.votes.visible_votes`); a candidate they voted on,
or one in conflict, offers no decision forms, and editors get the resolve form.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from evidencewatch.config import Settings
from evidencewatch.core.vocabulary import UNDECIDED, ReviewMode
from evidencewatch.review.conflicts import EDITOR_ROLES
from evidencewatch.review.detail import CandidateDetail
from evidencewatch.review.undo import undoable
from evidencewatch.review.votes import active_votes, visible_votes
from evidencewatch.storage.models import User


def team_context(
    session: Session,
    detail: CandidateDetail,
    user: User | None,
    settings: Settings,
    may_decide: bool,
) -> dict[str, Any]:
    """The candidate page's team review values (``may_decide`` overrides the page's)."""
    cand = detail.candidate
    name = user.username if user is not None else None
    dual = settings.review_mode == ReviewMode.dual
    standing = active_votes(session=session, candidate_id=cand.id)  # type: ignore[arg-type]
    undecided = cand.status in UNDECIDED
    in_conflict = undecided and len({v.decision for v in standing}) >= 2
    mine = next((v for v in standing if v.voter == name), None)
    blocked = dual and undecided and (mine is not None or len(standing) >= 2)
    open_genes = [c for c in [cand, *detail.siblings] if c.status in UNDECIDED]
    return {
        "dual": dual,
        "votes_shown": visible_votes(standing, name),
        "votes_total": len(standing),
        "my_vote": mine,
        "in_conflict": in_conflict,
        "may_decide": may_decide and not blocked,
        "may_resolve": in_conflict and user is not None and user.role in EDITOR_ROLES,
        "can_undo": name is not None
        and undoable(
            session=session,
            candidate_id=cand.id,  # type: ignore[arg-type]
            actor=name,
            minutes=settings.undo_minutes,
        ),
        "paper_genes": open_genes if len(open_genes) > 1 and user is not None else [],
    }
