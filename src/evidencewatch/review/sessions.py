"""Server-side web sessions: started at sign-in, checked on every request, ended at once.

The cookie holds a random token; the ``web_session`` row holds its SHA-256. A
session is live while it has not been ended, its user is still enabled, it was
used within ``session_idle_timeout_seconds`` and it began less than
``session_absolute_timeout_seconds`` ago. Signing out ends one session; a
password change, disabling the account and ``evidencewatch user sessions
revoke`` end all of a user's sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from evidencewatch.config import Settings
from evidencewatch.core.timeutil import as_utc
from evidencewatch.review.security_log import security_event
from evidencewatch.storage.models import User
from evidencewatch.storage.signins import WebSession

# last_seen_at is written at most this often per session: a write per page would make every
# read a write (and, on SQLite, serialise the readers); the idle timeout is minutes or more.
TOUCH_EVERY = timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(*, session: Session, user: User, address: str, now: datetime) -> str:
    """A new session for ``user`` (who has just signed in); its token, for the cookie."""
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(
        WebSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            address=address[:64],
        )
    )
    user.last_login_at = now
    session.add(user)
    session.flush()
    return token


def live_user(*, session: Session, token: str, settings: Settings, now: datetime) -> User | None:
    """The user of the live session with this token, or None (a session found dead is ended)."""
    row = session.exec(select(WebSession).where(WebSession.token_hash == token_hash(token))).first()
    if row is None or row.ended_at is not None:
        return None
    user = session.get(User, row.user_id)
    reason = _dead_because(row, user, settings, now)
    if reason is not None:
        _end(session, row, reason, now)
        return None
    if now - as_utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
        session.flush()
    return user


def end_session(*, session: Session, token: str, now: datetime, reason: str = "signed_out") -> None:
    """End the session with this token (signing out); nothing if there is none."""
    row = session.exec(select(WebSession).where(WebSession.token_hash == token_hash(token))).first()
    if row is not None and row.ended_at is None:
        _end(session, row, reason, now)


def end_sessions(*, session: Session, user: User, reason: str, now: datetime) -> int:
    """End every live session of ``user``; how many there were."""
    result = session.execute(
        sa.update(WebSession)
        .where(col(WebSession.user_id) == user.id, col(WebSession.ended_at).is_(None))
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    ended = int(result.rowcount)  # type: ignore[attr-defined]
    if ended:
        security_event("sessions_ended", user=user.username, reason=reason, sessions=ended)
    return ended


def live_sessions(*, session: Session, user: User) -> list[WebSession]:
    """``user``'s sessions not yet ended (some may have timed out unseen), newest first."""
    query = select(WebSession).where(
        col(WebSession.user_id) == user.id, col(WebSession.ended_at).is_(None)
    )
    return list(session.exec(query.order_by(col(WebSession.created_at).desc())).all())


def _dead_because(
    row: WebSession, user: User | None, settings: Settings, now: datetime
) -> str | None:
    if user is None or not user.active:
        return "disabled"
    if now - as_utc(row.created_at) >= timedelta(seconds=settings.session_absolute_timeout_seconds):
        return "expired"
    if now - as_utc(row.last_seen_at) >= timedelta(seconds=settings.session_idle_timeout_seconds):
        return "idle"
    return None


def _end(session: Session, row: WebSession, reason: str, now: datetime) -> None:
    row.ended_at = now
    row.end_reason = reason
    session.add(row)
    session.flush()
