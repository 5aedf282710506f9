"""The sign-in throttle: a temporary lockout per account and per client address.

Sign-in attempts are rows of ``login_failure``, so every worker process of the
web app sees the same counts. A row is written, ``pending``, before its
password is checked; a right password removes it, a wrong one (or an unknown
name) makes it a failure. The two scopes count differently:

* an **address** counts failures only. Curators signing in at once from one
  address (a proxy, a lab's NAT, loopback) never count against each other
  while their passwords are checked, nor after they proved right;
* an **account** counts failures, and also caps the attempts in flight on it
  at the guesses it has left before its lock (at least one): parallel guesses
  at one account get no more checks than the same guesses one after another.
  An attempt over the cap is refused unchecked (:data:`IN_FLIGHT`, 429).

Within ``login_failure_window_seconds``, the ``login_max_failures``-th failure
for one account name (or the ``login_max_failures_per_address``-th from one
address) locks it for ``login_lockout_seconds``; each further failure doubles
the lock, up to the window. While locked, sign-ins are refused unchecked, even
with the right password, and refused attempts do not extend the lock (so a
locked-out curator is let back in after the lock, however often an attacker
keeps trying). A successful sign-in clears its account's failures, never the
address's. A row left pending for :data:`PENDING_SECONDS` (its worker died
mid-check) counts as a failure: it never proved right.
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
ACCOUNT = "account"
ADDRESS = "address"
IN_FLIGHT = "in_flight"  # refused: the account's remaining guesses are all being checked
# A check takes well under a second on a quiet host; behind a full hashing pool under load
# it can wait tens of seconds, and the pool sheds one that waited longer than its limit
# (web.hashing) before an attempt pending this long would count as a failure.
PENDING_SECONDS = 60.0
IN_FLIGHT_RETRY_SECONDS = 2


@dataclass(frozen=True, slots=True)
class Lock:
    """A refusal in force: on what (:data:`ACCOUNT`, :data:`ADDRESS` or :data:`IN_FLIGHT`),
    after how many failures (or attempts in flight), until when."""

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
            _lock(session, settings, ACCOUNT, username[:MAX_NAME], now),
            _lock(session, settings, ADDRESS, address[:MAX_ADDRESS], now),
        )
        if lock is not None and lock.until > now
    ]
    return max(locks, key=lambda lock: lock.until, default=None)


def record_attempt(*, session: Session, username: str, address: str, now: datetime) -> int:
    """An attempt in flight (pending), not yet admitted (see :func:`begin_attempt`); its id."""
    row = LoginFailure(
        at=now, username=username[:MAX_NAME], address=address[:MAX_ADDRESS], pending=True
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def begin_attempt(
    *, session: Session, settings: Settings, username: str, address: str, now: datetime
) -> int | Lock:
    """The id of this attempt, now in flight, or the lock or cap that refuses it (not counted).

    Attempts at one account name are admitted one at a time: on PostgreSQL
    under a transaction-scoped advisory lock on the name, on SQLite under the
    database's write lock, which the attempt's INSERT takes before any count.
    So of a burst of parallel guesses exactly the cap is checked.
    """
    key = username[:MAX_NAME]
    _serialize(session, key)
    attempt_id = record_attempt(session=session, username=username, address=address, now=now)
    lock = lock_in_force(
        session=session, settings=settings, username=username, address=address, now=now
    )
    if lock is None:
        failures = _tally(session, ACCOUNT, key, settings, now, pending=False)[0]
        in_flight = _tally(session, ACCOUNT, key, settings, now, pending=True)[0]
        if in_flight <= max(1, settings.login_max_failures - failures):
            return attempt_id
        until = now + timedelta(seconds=IN_FLIGHT_RETRY_SECONDS)
        lock = Lock(scope=IN_FLIGHT, failures=in_flight - 1, until=until)
    forget_attempt(session=session, attempt_id=attempt_id)
    return lock


def forget_attempt(*, session: Session, attempt_id: int) -> None:
    """An attempt refused before its password was checked: it does not count."""
    session.execute(sa.delete(LoginFailure).where(col(LoginFailure.id) == attempt_id))


def attempt_succeeded(*, session: Session, attempt_id: int, username: str) -> None:
    """The password was right: forget this attempt and the account's earlier failures."""
    session.execute(sa.delete(LoginFailure).where(col(LoginFailure.id) == attempt_id))
    session.execute(
        sa.delete(LoginFailure).where(
            col(LoginFailure.username) == username[:MAX_NAME], ~col(LoginFailure.pending)
        )
    )


def attempt_failed(
    *,
    session: Session,
    settings: Settings,
    attempt_id: int,
    username: str,
    address: str,
    now: datetime,
) -> list[Lock]:
    """The password was wrong: the attempt becomes a failure; the locks it started or extended.

    Failures older than the window are pruned.
    """
    # Failures at one name (and from one address) are counted one at a time, or two
    # concurrent last failures would each see the other uncommitted and neither lock.
    _serialize(session, username[:MAX_NAME], address[:MAX_ADDRESS])
    row = session.get(LoginFailure, attempt_id)
    if row is None:  # pruned meanwhile (a check held past the window): count it anew
        row = LoginFailure(username=username[:MAX_NAME], address=address[:MAX_ADDRESS])
        session.add(row)
    row.pending, row.at = False, now
    session.flush()
    cutoff = now - timedelta(seconds=settings.login_failure_window_seconds)
    session.execute(sa.delete(LoginFailure).where(col(LoginFailure.at) < cutoff))
    found = (
        _lock(session, settings, ACCOUNT, username[:MAX_NAME], now),
        _lock(session, settings, ADDRESS, address[:MAX_ADDRESS], now),
    )
    return [lock for lock in found if lock is not None and lock.until > now]


def _serialize(session: Session, name: str, address: str | None = None) -> None:
    """On PostgreSQL, hold this name's (and address's) advisory lock to the transaction's end;
    SQLite's write lock, taken by the first write, serializes these transactions already."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": name})
    if address is not None:  # the two-key space: an address never shares a name's lock
        sql = "SELECT pg_advisory_xact_lock(1, hashtext(:key))"
        session.execute(sa.text(sql), {"key": address})


def _tally(
    session: Session, scope: str, key: str, settings: Settings, now: datetime, *, pending: bool
) -> tuple[int, datetime | None]:
    """Failures (``pending=False``, with stale pending rows) or attempts in flight, and the
    latest one's time, for one account name or address within the window."""
    column = col(LoginFailure.username) if scope == ACCOUNT else col(LoginFailure.address)
    cutoff = now - timedelta(seconds=settings.login_failure_window_seconds)
    stale = now - timedelta(seconds=PENDING_SECONDS)
    in_flight = sa.and_(col(LoginFailure.pending), col(LoginFailure.at) >= stale)
    count, last = session.exec(
        select(sa.func.count(), sa.func.max(col(LoginFailure.at))).where(
            column == key, col(LoginFailure.at) >= cutoff, in_flight if pending else ~in_flight
        )
    ).one()
    return int(count), last


def _lock(session: Session, settings: Settings, scope: str, key: str, now: datetime) -> Lock | None:
    limit = (
        settings.login_max_failures if scope == ACCOUNT else settings.login_max_failures_per_address
    )
    count, last = _tally(session, scope, key, settings, now, pending=False)
    if count < limit or last is None:
        return None
    seconds = min(
        settings.login_lockout_seconds * 2 ** min(count - limit, 32),
        settings.login_failure_window_seconds,
    )
    return Lock(scope=scope, failures=count, until=as_utc(last) + timedelta(seconds=seconds))
