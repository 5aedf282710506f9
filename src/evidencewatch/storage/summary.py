"""The living evidence summary's tables: published versions and status overrides.

No ``from __future__ import annotations`` here: SQLModel reads the real
annotation objects (sqlmodel#196).
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from evidencewatch.core.timeutil import utcnow


class SummaryVersion(SQLModel, table=True):
    """One published version of the summary: frozen, never updated or deleted.

    ``document`` is the JSON form (docs/summary-schema.json); ``html`` and
    ``markdown`` are the files as written, kept so the web app shows exactly
    what was published.
    """

    __tablename__ = "summary_version"

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(sa_column=sa.Column(sa.Integer, nullable=False, unique=True))
    published_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    published_by: str = ""
    note: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    schema_version: str = ""
    document: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    html: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    markdown: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    files: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    # The document's "changes" section again, so the list of versions reads no documents.
    changes: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )


class SummaryOverride(SQLModel, table=True):
    """A curator's override of a finding's computed status: append-only, the latest one counts.

    A row whose ``status`` is empty clears the override (the computed status
    applies again); every row names who, when and why, so the table is its
    own audit trail.
    """

    __tablename__ = "summary_override"

    id: int | None = Field(default=None, primary_key=True)
    finding_id: str = Field(index=True)
    status: str = ""
    reason: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    actor: str
    at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    previous_status: str = ""
