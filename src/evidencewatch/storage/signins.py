"""Tables of signing in: the server-side record of web sessions, and failed sign-ins.

No ``from __future__ import annotations`` here: SQLModel reads the real
annotation objects (sqlmodel#196).

A session's cookie carries a random token; only its SHA-256 is stored, so a
copy of the database signs nobody in. Sign-in attempts are kept for the
throttle's window (``login_failure_window_seconds``) and pruned after it: a
row is ``pending`` while its password is being checked, then a failure (a
right password removes it).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from evidencewatch.core.timeutil import utcnow


def _tz_column(nullable: bool = True, index: bool = False) -> sa.Column[datetime]:
    return sa.Column(sa.DateTime(timezone=True), nullable=nullable, index=index)


class WebSession(SQLModel, table=True):
    """One sign-in to the web app, live until it is ended or times out."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), unique=True, nullable=False))
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))
    ended_at: datetime | None = Field(default=None, sa_column=_tz_column())
    # signed_out | password_changed | disabled | revoked | idle | expired
    end_reason: str | None = None
    address: str = ""


class LoginFailure(SQLModel, table=True):
    """A sign-in attempt by account name and client address: in flight, or failed."""

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False, index=True))
    username: str = Field(sa_column=sa.Column(sa.String(80), nullable=False, index=True))
    address: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, index=True))
    # True while the password is checked: counts only against the account, never the address
    pending: bool = Field(
        default=False,
        sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false()),
    )
