"""The votes of dual review: one row per curator's vote on a candidate, never deleted.

No ``from __future__ import annotations`` here: SQLModel reads the real
annotation objects (sqlmodel#196).

A vote is *active* until its curator undoes it (``withdrawn_at`` set); the
row stays as the record of what was voted and when. Agreement (Cohen's kappa)
is computed from the active votes alone, so an editor's resolution of a
conflict, which is an audit event on the candidate, never changes it.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from evidencewatch.core.timeutil import utcnow


class ReviewVote(SQLModel, table=True):
    """One curator's accept or reject of a candidate in dual review."""

    __tablename__ = "review_vote"
    __table_args__ = (sa.Index("ix_review_vote_voter_withdrawn", "voter", "withdrawn_at"),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    voter: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    decision: str  # VoteDecision: accept | reject
    reason: str | None = None  # the reject reason code
    note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    # The accept form's fields as this curator confirmed them (statement included).
    edits: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
    candidate_version: int = 1  # the version of the candidate the vote was cast on
    cast_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    withdrawn_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=True)
    )
