"""A named lock held as a row in the database, so two processes never scan at once.

Why a row and not PostgreSQL advisory locks (``pg_advisory_lock``) or a lock
file: the row works the same on SQLite and PostgreSQL, across hosts that
share the database, and it can be *seen* — ``evidencewatch status`` shows who
holds it and since when. Advisory locks exist only on PostgreSQL, vanish
silently with their connection (so one pooled-connection hiccup would drop
the lock mid-scan), and are invisible to status; lock files only work on
one host.

The primary key on ``scan_lock.name`` is the whole mutual exclusion: the
first INSERT wins and every other INSERT gets an IntegrityError, on either
database. The holder refreshes ``heartbeat_at`` from a background thread; a
row whose heartbeat is older than the stale limit belonged to a process that
was killed (SIGKILL, OOM, power loss) and may be taken over — by a
conditional UPDATE that names the old holder *and* its old heartbeat, so when
two processes find the same stale row only one UPDATE matches.

Staleness compares the holder's clock (it wrote the heartbeat) with ours:
hosts that share a database must keep their clocks within a small fraction
of ``scan_lock_stale_seconds`` (900 s by default) of each other.

A holder on *this* host need not be waited for: its name says its PID
(``host:pid:role-token``), and when no such process exists any more (it was
killed, or is a zombie nobody reaped) the lock is taken over at once, by the
same conditional UPDATE. A PID that was reused by another process merely
looks alive, so the lock then waits for its heartbeat to go stale as before.
Hosts must therefore have distinct host names (containers sharing a database
and a host name but not a PID namespace would each see the others as gone).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

from evidencewatch.core.errors import NotFound, ScanLockedError
from evidencewatch.core.timeutil import as_utc, utcnow
from evidencewatch.storage.models import ScanLock

log = logging.getLogger("evidencewatch.jobs.locks")

_table = ScanLock.__table__  # type: ignore[attr-defined]


def make_holder(role: str = "scan") -> str:
    """A holder name that says where the lock is held: ``host:pid:role-token``."""
    return f"{socket.gethostname()}:{os.getpid()}:{role}-{uuid.uuid4().hex[:8]}"


@dataclass
class HeldLock:
    """The lock while we hold it; ``lost`` is set if another process took it over."""

    name: str
    holder: str
    acquired_at: datetime
    took_over_from: str | None = None
    lost: threading.Event = field(default_factory=threading.Event)


@contextmanager
def scan_lock(
    engine: Engine,
    *,
    name: str = "scan",
    holder: str,
    wait_seconds: float,
    stale_seconds: float,
    heartbeat_every: float | None = None,
    poll_every: float = 0.5,
) -> Iterator[HeldLock]:
    """Hold the lock ``name`` for the block, or raise ScanLockedError.

    Waits up to ``wait_seconds`` for a live holder to finish; takes over a
    lock whose heartbeat is older than ``stale_seconds``. While held, a
    background thread refreshes the heartbeat every ``heartbeat_every``
    seconds (default: a fifth of the stale limit). The row is deleted on the
    way out only if it is still ours.
    """
    if heartbeat_every is None:
        heartbeat_every = max(0.05, min(60.0, stale_seconds / 5))
    held = _acquire(engine, name, holder, wait_seconds, stale_seconds, poll_every)
    stop = threading.Event()
    beat = threading.Thread(
        target=_heartbeat,
        args=(engine, held, heartbeat_every, stop),
        name=f"evidencewatch-lock-{name}",
        daemon=True,
    )
    beat.start()
    try:
        yield held
    finally:
        stop.set()
        beat.join()
        _release(engine, held)


def _acquire(
    engine: Engine,
    name: str,
    holder: str,
    wait_seconds: float,
    stale_seconds: float,
    poll_every: float,
) -> HeldLock:
    deadline = time.monotonic() + wait_seconds
    while True:
        now = utcnow()
        try:
            # Its own short transaction: the INSERT either commits at once or
            # collides with the primary key of the holder's committed row.
            with engine.begin() as conn:
                conn.execute(
                    sa.insert(_table).values(
                        name=name, holder=holder, acquired_at=now, heartbeat_at=now
                    )
                )
            log.info("lock %r acquired by %s", name, holder)
            return HeldLock(name, holder, now)
        except IntegrityError:
            pass
        with engine.connect() as conn:
            row = conn.execute(sa.select(_table).where(_table.c.name == name)).first()
        if row is None:
            continue  # released between our INSERT and our read: try again at once
        age = (utcnow() - as_utc(row.heartbeat_at)).total_seconds()
        gone = holder_is_gone(row.holder)
        if age > stale_seconds or gone:
            why = "its process is gone from this host" if gone else "its heartbeat went stale"
            taken = _take_over(engine, name, holder, row, why=why)
            if taken is not None:
                return taken
            continue  # another contender won the takeover, or the holder woke up
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ScanLockedError(
                locked_message(
                    name,
                    holder=row.holder,
                    acquired_at=as_utc(row.acquired_at),
                    heartbeat_age=age,
                    waited=wait_seconds,
                    stale_seconds=stale_seconds,
                )
            )
        time.sleep(min(poll_every, remaining))


def holder_is_gone(holder: str) -> bool:
    """Whether ``holder`` names a process on this host that no longer runs.

    False whenever that cannot be known for sure: another host, a name not in
    ``host:pid:...`` form, this very process (another thread holds it), or a
    PID that exists (perhaps reused: the heartbeat then decides, as elsewhere).
    """
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid in (0, os.getpid()):
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:
        return False  # PermissionError: it exists, under another user
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A killed process whose parent has not reaped it still answers signal 0 (Linux only)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def _take_over(
    engine: Engine,
    name: str,
    holder: str,
    row: sa.Row[Any],
    *,
    why: str = "its heartbeat went stale",
) -> HeldLock | None:
    now = utcnow()
    with engine.begin() as conn:
        result = conn.execute(
            sa.update(_table)
            .where(
                _table.c.name == name,
                _table.c.holder == row.holder,
                _table.c.heartbeat_at == row.heartbeat_at,
            )
            .values(holder=holder, acquired_at=now, heartbeat_at=now)
        )
    if result.rowcount != 1:
        return None
    log.warning(
        "lock %r: took over from %s, which held it since %s and last showed a sign of life "
        "at %s (%s); that process is presumed dead (killed or crashed); its scan is left "
        "'running'",
        name,
        row.holder,
        as_utc(row.acquired_at).isoformat(timespec="seconds"),
        as_utc(row.heartbeat_at).isoformat(timespec="seconds"),
        why,
    )
    return HeldLock(name, holder, now, took_over_from=row.holder)


def _heartbeat(engine: Engine, held: HeldLock, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            with engine.begin() as conn:
                result = conn.execute(
                    sa.update(_table)
                    .where(_table.c.name == held.name, _table.c.holder == held.holder)
                    .values(heartbeat_at=utcnow())
                )
        except SQLAlchemyError as exc:
            # A database blip: keep trying; the lock only goes stale after stale_seconds.
            log.warning("lock %r: heartbeat failed: %s", held.name, exc)
            continue
        if result.rowcount != 1:
            log.error(
                "lock %r: no longer held by %s (another process took it over after our "
                "heartbeat went stale); stopping at the next batch",
                held.name,
                held.holder,
            )
            held.lost.set()
            return


def _release(engine: Engine, held: HeldLock) -> None:
    try:
        with engine.begin() as conn:
            result = conn.execute(
                sa.delete(_table).where(_table.c.name == held.name, _table.c.holder == held.holder)
            )
    except SQLAlchemyError as exc:
        log.error("lock %r: could not release (it goes stale on its own): %s", held.name, exc)
        return
    if result.rowcount == 1:
        log.info("lock %r released by %s", held.name, held.holder)
    else:
        log.warning("lock %r was no longer held by %s at release", held.name, held.holder)


def locked_message(
    name: str,
    *,
    holder: str,
    acquired_at: datetime,
    heartbeat_age: float,
    waited: float,
    stale_seconds: float,
) -> str:
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    return (
        f"another scan is running: lock {name!r} is held by {holder} "
        f"since {acquired_at.isoformat(timespec='seconds')} "
        f"(last heartbeat {heartbeat_age:.0f} s ago; waited {waited:g} s). "
        f"Try again later. If process {pid} on {host} is gone, a scan on {host} takes the "
        f"lock over at once, and one elsewhere once its heartbeat is older than "
        f"{stale_seconds:g} s (scan_lock_stale_seconds); or clear it now with "
        f"`evidencewatch unlock {name}`"
    )


def held_locks(*, session: Session) -> list[ScanLock]:
    """Every lock currently held, oldest first."""
    return list(session.exec(select(ScanLock).order_by(col(ScanLock.acquired_at))).all())


def clear_lock(engine: Engine, *, name: str, stale_seconds: float, force: bool = False) -> ScanLock:
    """Delete the row of lock ``name`` (for `evidencewatch unlock`); returns what was cleared.

    Refuses a lock whose heartbeat is fresh unless ``force`` or its holder is
    a process of this host that is gone: a live holder would carry on
    scanning beside the next scan (with ``force`` it notices at its next
    heartbeat and stops after its current batch).
    """
    with engine.begin() as conn:
        row = conn.execute(sa.select(_table).where(_table.c.name == name)).first()
        if row is None:
            raise NotFound(f"no lock named {name!r} is held")
        age = (utcnow() - as_utc(row.heartbeat_at)).total_seconds()
        if age <= stale_seconds and not force and not holder_is_gone(row.holder):
            raise ScanLockedError(
                f"lock {name!r} is held by {row.holder}, whose last heartbeat was {age:.0f} s "
                "ago: that process looks alive. Stop it first, or pass --force if you are "
                "sure it is gone"
            )
        result = conn.execute(
            sa.delete(_table).where(_table.c.name == name, _table.c.holder == row.holder)
        )
        if result.rowcount != 1:
            raise ScanLockedError(f"lock {name!r} changed hands while clearing it; look again")
    log.warning("lock %r held by %s cleared by hand", name, row.holder)
    return ScanLock(
        name=row.name,
        holder=row.holder,
        acquired_at=as_utc(row.acquired_at),
        heartbeat_at=as_utc(row.heartbeat_at),
    )
