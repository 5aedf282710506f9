"""The sign-in throttle: a temporary lockout per account and per client address.

Failed sign-ins are rows of ``login_failure``, so every worker process of the
web app sees the same counts. An attempt is written *before* its password is
checked, and removed again if the password was right: parallel guesses count
against each other at once, not only after their slow hash checks finish.

Within ``login_failure_window_seconds``, the ``login_max_failures``-th failure
for one account name (or the ``login_max_failures_per_address``-th from one
address) locks it for ``login_lockout_seconds``; each further failure doubles
the lock, up to the window. While locked, sign-ins are refused unchecked, even
with the right password, and refused attempts do not extend the lock (so a
locked-out curator is let back in after the lock, however often an attacker
keeps trying). A successful sign-in clears its account's failures, never the
address's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from evidencewatch.config import Settings
from evidencewatch.core.timeutil import as_utc
from evidencewatch.storage.signins import LoginFailure

MAX_NAME = 80
MAX_ADDRESS = 64


@dataclass(frozen=True, slots=True)
class Lock:
    """A lockout in force: on what (``account`` or ``address``), how many failures, until when."""

    scope: str
    failures: int
    until: datetime

    def retry_after(self, now: datetime) -> int:
        """Whole seconds until the lock ends (at least 1), for ``Retry-After``."""
        return max(1, int((self.until - now).total_seconds() + 0.999))


def lock_in_force(
    *, session: Session, settings: Settings, username: str, address: str, now: datetime
) -> Lock | None:
    """The lock on this account name or this address that holds at ``now``, if any."""
    locks = [
        lock
        for lock in (
            _lock(session, settings, "account", username[:MAX_NAME], now),
            _lock(session, settings, "address", address[:MAX_ADDRESS], now),
        )
        if lock is not None and lock.until > now
    ]
    return max(locks, key=lambda lock: lock.until, default=None)


def record_attempt(*, session: Session, username: str, address: str, now: datetime) -> int:
    """Count an attempt as failed until its password proves right; the row's id."""
    row = LoginFailure(at=now, username=username[:MAX_NAME], address=address[:MAX_ADDRESS])
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def forget_attempt(*, session: Session, attempt_id: int) -> None:
    """An attempt refused before its password was checked: it does not count."""
    session.execute(sa.delete(LoginFailure).where(col(LoginFailure.id) == attempt_id))


def attempt_succeeded(*, session: Session, attempt_id: int, username: str) -> None:
    """The password was right: forget this attempt and the account's earlier failures."""
    session.execute(sa.delete(LoginFailure).where(col(LoginFailure.id) == attempt_id))
    session.execute(
        sa.delete(LoginFailure).where(col(LoginFailure.username) == username[:MAX_NAME])
    )


def locks_after_failure(
    *, session: Session, settings: Settings, username: str, address: str, now: datetime
) -> list[Lock]:
    """The locks a failure just recorded has started or extended; old failures are pruned."""
    cutoff = now - timedelta(seconds=settings.login_failure_window_seconds)
    session.execute(sa.delete(LoginFailure).where(col(LoginFailure.at) < cutoff))
    found = (
        _lock(session, settings, "account", username[:MAX_NAME], now),
        _lock(session, settings, "address", address[:MAX_ADDRESS], now),
    )
    return [lock for lock in found if lock is not None and lock.until > now]


def _lock(session: Session, settings: Settings, scope: str, key: str, now: datetime) -> Lock | None:
    column = col(LoginFailure.username) if scope == "account" else col(LoginFailure.address)
    limit = (
        settings.login_max_failures
        if scope == "account"
        else settings.login_max_failures_per_address
    )
    cutoff = now - timedelta(seconds=settings.login_failure_window_seconds)
    count, last = session.exec(
        select(sa.func.count(), sa.func.max(col(LoginFailure.at))).where(
            column == key, col(LoginFailure.at) >= cutoff
        )
    ).one()
    if count < limit or last is None:
        return None
    seconds = min(
        settings.login_lockout_seconds * 2 ** min(count - limit, 32),
        settings.login_failure_window_seconds,
    )
    return Lock(scope=scope, failures=count, until=as_utc(last) + timedelta(seconds=seconds))
