"""The scan lock: one row per lock name, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from evidencewatch.core.errors import NotFound, ScanLockedError
from evidencewatch.core.timeutil import as_utc, utcnow
from evidencewatch.jobs.locks import (
    clear_lock,
    held_locks,
    holder_is_gone,
    make_holder,
    scan_lock,
)
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.storage.models import Scan, ScanLock


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int = logging.DEBUG) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]


@pytest.fixture
def lock_log() -> Iterator[ListHandler]:
    """The lock module's log records (the CLI may have set propagate=False on its parent)."""
    handler = ListHandler()
    logger = logging.getLogger("evidencewatch.jobs.locks")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def lock_row(engine) -> ScanLock | None:
    with Session(engine) as session:
        return session.get(ScanLock, "scan")


def plant_lock(engine, *, holder: str, heartbeat_age: float) -> None:
    """A lock row as a process that stopped heart-beating ``heartbeat_age`` s ago left it."""
    then = utcnow() - timedelta(seconds=heartbeat_age)
    with Session(engine) as session:
        session.add(ScanLock(name="scan", holder=holder, acquired_at=then, heartbeat_at=then))
        session.commit()


def test_lock_row_exists_while_held_and_is_deleted_on_exit(engine):
    with scan_lock(engine, holder="h1:1:scan-a", wait_seconds=0, stale_seconds=60) as held:
        row = lock_row(engine)
        assert row is not None and row.holder == "h1:1:scan-a"
        assert held.took_over_from is None
    assert lock_row(engine) is None


def test_lock_is_released_when_the_block_raises(engine):
    with (
        pytest.raises(RuntimeError),
        scan_lock(engine, holder="h1:1:scan-a", wait_seconds=0, stale_seconds=60),
    ):
        raise RuntimeError("scan blew up")
    assert lock_row(engine) is None


def test_second_holder_gives_up_after_waiting_with_holder_since_and_how_to_clear(engine):
    with scan_lock(engine, holder="hostA:4242:scan-a", wait_seconds=0, stale_seconds=60):
        started = time.monotonic()
        with pytest.raises(ScanLockedError) as info:
            with scan_lock(engine, holder="hostB:7:scan-b", wait_seconds=0.3, stale_seconds=60):
                pytest.fail("a second holder got the lock")
        waited = time.monotonic() - started
    message = str(info.value)
    assert info.value.exit_code == 75
    assert 0.25 <= waited < 3
    assert "another scan is running" in message
    assert "hostA:4242:scan-a" in message
    assert " since 20" in message
    assert "evidencewatch unlock scan" in message
    assert "process 4242 on hostA" in message


def test_waiting_contender_gets_the_lock_once_the_holder_releases_it(engine):
    got: list[str] = []
    holding = threading.Event()

    def first() -> None:
        with scan_lock(engine, holder="h:1:first", wait_seconds=0, stale_seconds=60):
            holding.set()
            time.sleep(0.4)

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(5)
    with scan_lock(
        engine, holder="h:2:second", wait_seconds=5, stale_seconds=60, poll_every=0.05
    ) as held:
        got.append(held.holder)
    thread.join()
    assert got == ["h:2:second"]


def test_threads_racing_for_a_free_lock_let_exactly_one_in(engine):
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    inside = threading.Event()
    release = threading.Event()

    def contender(i: int) -> None:
        barrier.wait()
        try:
            with scan_lock(engine, holder=f"h:{i}:t", wait_seconds=0, stale_seconds=60):
                outcomes.append("won")
                inside.set()
                release.wait(5)
        except ScanLockedError:
            outcomes.append("locked")

    threads = [threading.Thread(target=contender, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    assert inside.wait(10)
    deadline = time.monotonic() + 10
    while len(outcomes) < 6 and time.monotonic() < deadline:
        time.sleep(0.02)
    release.set()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["locked"] * 5 + ["won"]


def test_heartbeat_moves_forward_while_the_lock_is_held(engine):
    with scan_lock(
        engine, holder="h:1:beat", wait_seconds=0, stale_seconds=60, heartbeat_every=0.05
    ) as held:
        time.sleep(0.4)
        row = lock_row(engine)
        assert row is not None
        assert as_utc(row.heartbeat_at) > as_utc(row.acquired_at)
        assert not held.lost.is_set()


def test_stale_lock_is_taken_over_with_a_warning_naming_the_dead_holder(engine, lock_log):
    plant_lock(engine, holder="deadhost:999:scan-x", heartbeat_age=3600)
    with scan_lock(engine, holder="h:1:new", wait_seconds=0, stale_seconds=900) as held:
        assert held.took_over_from == "deadhost:999:scan-x"
        row = lock_row(engine)
        assert row is not None and row.holder == "h:1:new"
    warnings = lock_log.messages(logging.WARNING)
    assert any("deadhost:999:scan-x" in m and "took over" in m for m in warnings)
    assert lock_row(engine) is None


def test_lock_with_a_fresh_heartbeat_is_not_taken_over(engine):
    plant_lock(engine, holder="busy:1:scan-x", heartbeat_age=5)
    with pytest.raises(ScanLockedError, match="busy:1:scan-x"):
        with scan_lock(engine, holder="h:1:new", wait_seconds=0, stale_seconds=900):
            pass
    row = lock_row(engine)
    assert row is not None and row.holder == "busy:1:scan-x"


def test_two_contenders_for_one_stale_lock_cannot_both_win(engine):
    from evidencewatch.jobs.locks import _table, _take_over

    plant_lock(engine, holder="dead:1:scan-x", heartbeat_age=3600)
    with engine.connect() as conn:
        stale_row = conn.execute(sa.select(_table)).one()
    # Both read the same stale row; each runs the conditional UPDATE in turn.
    first = _take_over(engine, "scan", "h:1:a", stale_row)
    second = _take_over(engine, "scan", "h:2:b", stale_row)
    assert first is not None and first.took_over_from == "dead:1:scan-x"
    assert second is None
    row = lock_row(engine)
    assert row is not None and row.holder == "h:1:a"


def test_holder_whose_lock_was_taken_over_sees_it_lost_and_leaves_the_new_row(engine, lock_log):
    with scan_lock(
        engine, holder="h:1:slow", wait_seconds=0, stale_seconds=60, heartbeat_every=0.05
    ) as held:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE scan_lock SET holder = 'h:2:usurper'"))
        assert held.lost.wait(3)
    row = lock_row(engine)
    assert row is not None and row.holder == "h:2:usurper"
    assert any("no longer held" in m for m in lock_log.messages(logging.ERROR))


def test_held_locks_lists_the_current_holder(engine, session):
    assert held_locks(session=session) == []
    with scan_lock(engine, holder="h:1:listed", wait_seconds=0, stale_seconds=60):
        locks = held_locks(session=session)
        assert [(lock.name, lock.holder) for lock in locks] == [("scan", "h:1:listed")]


def test_clearing_refuses_a_live_lock_without_force_and_clears_a_stale_one(engine):
    with pytest.raises(NotFound):
        clear_lock(engine, name="scan", stale_seconds=900)
    plant_lock(engine, holder="alive:1:scan-x", heartbeat_age=5)
    with pytest.raises(ScanLockedError, match="looks alive"):
        clear_lock(engine, name="scan", stale_seconds=900)
    cleared = clear_lock(engine, name="scan", stale_seconds=900, force=True)
    assert cleared.holder == "alive:1:scan-x"
    assert lock_row(engine) is None
    plant_lock(engine, holder="dead:1:scan-x", heartbeat_age=3600)
    assert clear_lock(engine, name="scan", stale_seconds=900).holder == "dead:1:scan-x"


# Across processes only SQLite behaves differently from across threads (file locks,
# busy timeouts): to PostgreSQL two processes are two connections, as two threads are,
# and the thread tests above run on both. PostgreSQL meets killed and racing *scan*
# processes in test_scan_kill.py.


@pytest.fixture
def sqlite_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'locks.db'}"
    engine = make_engine(url)
    init_db(engine)
    yield url, engine
    engine.dispose()


HOLD_SCRIPT = """
import sys, time
from evidencewatch.storage.db import make_engine
from evidencewatch.jobs.locks import scan_lock
engine = make_engine(sys.argv[1])
with scan_lock(engine, holder=sys.argv[2], wait_seconds=0, stale_seconds=60,
               heartbeat_every=0.1):
    print("held", flush=True)
    time.sleep(60)
"""


def test_lock_of_a_sigkilled_process_is_recovered_once_stale(sqlite_db, lock_log):
    url, engine = sqlite_db
    dead_holder = f"victim:{os.getpid()}:scan-k"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, url, dead_holder],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "held"
        # Alive: the heartbeat is fresh, so nobody may take it.
        with pytest.raises(ScanLockedError, match=dead_holder):
            with scan_lock(engine, holder="h:1:early", wait_seconds=0, stale_seconds=0.8):
                pass
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    row = lock_row(engine)
    assert row is not None and row.holder == dead_holder  # nobody cleaned up after SIGKILL
    with scan_lock(
        engine, holder="h:1:heir", wait_seconds=5, stale_seconds=0.8, poll_every=0.1
    ) as held:
        assert held.took_over_from == dead_holder
    assert any(dead_holder in m for m in lock_log.messages(logging.WARNING))


def test_two_scan_processes_at_once_one_scans_and_the_other_exits_75_naming_the_holder(
    sqlite_db, watchlist, tmp_path
):
    from processes import cli_env, fake_pubmed, recent_records, slow_first_batches, start_cli

    url, engine = sqlite_db
    with fake_pubmed(recent_records(36), watchlist) as fake:
        # Three batches of 12, each answered after 0.5 s: the winner holds the lock
        # for about 2 s, far longer than the two processes' start-up times differ.
        slow_first_batches(fake, n=3, seconds=0.5)
        env = cli_env(url, fake)
        procs = [start_cli(["scan", "--json"], env, tmp_path) for _ in range(2)]
        outputs = [proc.communicate(timeout=60) for proc in procs]
    codes = [proc.returncode for proc in procs]
    assert sorted(codes) == [0, 75], outputs
    winner, loser = (0, 1) if codes[0] == 0 else (1, 0)
    stderr = outputs[loser][1]
    assert "error: another scan is running: lock 'scan' is held by" in stderr
    assert f":{procs[winner].pid}:" in stderr and " since 20" in stderr
    assert "evidencewatch unlock scan" in stderr
    with Session(engine) as session:
        scans = session.exec(sa.select(Scan.status, Scan.pid)).all()
    assert [tuple(s) for s in scans] == [("succeeded", procs[winner].pid)]
    assert lock_row(engine) is None


def test_unlock_command_clears_a_dead_holders_lock_and_refuses_a_live_one(sqlite_db):
    from click.testing import CliRunner

    from evidencewatch.cli.main import AppContext
    from evidencewatch.cli.ops import unlock
    from evidencewatch.config import load_settings

    url, engine = sqlite_db
    app = AppContext(load_settings(env={}, database_url=url))
    plant_lock(engine, holder="alive:1:scan-x", heartbeat_age=5)
    refused = CliRunner().invoke(unlock, ["scan"], obj=app)
    assert refused.exit_code == 75
    assert "looks alive" in refused.output and "--force" in refused.output
    forced = CliRunner().invoke(unlock, ["scan", "--force"], obj=app)
    assert forced.exit_code == 0, forced.output
    assert "cleared lock 'scan', held by alive:1:scan-x" in forced.output
    assert lock_row(engine) is None
    nothing = CliRunner().invoke(unlock, ["scan"], obj=app)
    assert nothing.exit_code == 4 and "no lock named 'scan'" in nothing.output


# A holder on this host whose process is gone is taken over at once: its name says
# host and PID. Other hosts cannot see the process, so they still wait for staleness.

HOLD_AS_ITSELF = """
import sys, time
from evidencewatch.storage.db import make_engine
from evidencewatch.jobs.locks import make_holder, scan_lock
engine = make_engine(sys.argv[1])
with scan_lock(engine, holder=make_holder("scan"), wait_seconds=0, stale_seconds=900,
               heartbeat_every=0.1) as held:
    print(held.holder, flush=True)
    time.sleep(60)
"""


def sigkilled_holder(url: str, *, reap: bool = True) -> tuple[subprocess.Popen[str], str]:
    """A process that took the lock under its own ``host:pid:role-token`` name, then SIGKILL."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_AS_ITSELF, url], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    holder = proc.stdout.readline().strip()
    proc.send_signal(signal.SIGKILL)
    if reap:
        proc.wait(10)
    else:
        wait_until_zombie(proc.pid)
    return proc, holder


def wait_until_zombie(pid: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        stat = open(f"/proc/{pid}/stat").read()
        if stat.rpartition(")")[2].split()[0] == "Z":
            return
        time.sleep(0.01)
    raise AssertionError(f"process {pid} did not die")


def test_lock_of_a_killed_process_on_this_host_is_taken_over_at_once(sqlite_db, lock_log):
    url, engine = sqlite_db
    proc, dead_holder = sigkilled_holder(url)
    assert dead_holder.startswith(f"{socket.gethostname()}:{proc.pid}:scan-")
    started = time.monotonic()
    with scan_lock(engine, holder=make_holder("scan"), wait_seconds=0, stale_seconds=900) as held:
        assert held.took_over_from == dead_holder
    assert time.monotonic() - started < 5  # not the 900 s of scan_lock_stale_seconds
    assert any(
        dead_holder in m and "its process is gone from this host" in m
        for m in lock_log.messages(logging.WARNING)
    )


def test_a_killed_holder_that_is_still_a_zombie_counts_as_gone(sqlite_db):
    url, engine = sqlite_db
    proc, dead_holder = sigkilled_holder(url, reap=False)
    try:
        assert holder_is_gone(dead_holder)
        with scan_lock(engine, holder="h:1:heir", wait_seconds=0, stale_seconds=900) as held:
            assert held.took_over_from == dead_holder
    finally:
        proc.wait(10)


def test_a_dead_pid_on_another_host_still_waits_for_a_stale_heartbeat(sqlite_db):
    url, engine = sqlite_db
    proc, _ = sigkilled_holder(url)
    with engine.begin() as conn:
        conn.execute(sa.delete(ScanLock))
    elsewhere = f"{socket.gethostname()}-other:{proc.pid}:scan-x"
    plant_lock(engine, holder=elsewhere, heartbeat_age=5)
    assert not holder_is_gone(elsewhere)
    with pytest.raises(ScanLockedError, match="takes the lock over at once"):
        with scan_lock(engine, holder="h:1:new", wait_seconds=0, stale_seconds=900):
            pass
    row = lock_row(engine)
    assert row is not None and row.holder == elsewhere


def test_a_live_process_on_this_host_keeps_its_lock(engine):
    alive = f"{socket.gethostname()}:{os.getppid()}:scan-x"  # our parent: surely running
    ours = f"{socket.gethostname()}:{os.getpid()}:scan-y"  # another thread of this process
    for holder in (alive, ours, "not-a-holder-name", f"{socket.gethostname()}:abc:scan"):
        assert not holder_is_gone(holder), holder
    plant_lock(engine, holder=alive, heartbeat_age=5)
    with pytest.raises(ScanLockedError, match=alive):
        with scan_lock(engine, holder="h:1:new", wait_seconds=0, stale_seconds=900):
            pass


def test_unlock_clears_a_gone_holders_lock_on_this_host_without_force(sqlite_db):
    url, engine = sqlite_db
    _, dead_holder = sigkilled_holder(url)
    assert clear_lock(engine, name="scan", stale_seconds=900).holder == dead_holder
    assert lock_row(engine) is None


def test_a_scan_after_kill_9_of_a_scan_on_this_host_runs_at_once(sqlite_db, watchlist, tmp_path):
    from processes import (
        captured_warnings,
        cli_env,
        fake_pubmed,
        paper_count,
        recent_records,
        scan_in_process,
        slow_first_batches,
        start_cli,
        wait_while_running,
    )

    url, engine = sqlite_db
    with fake_pubmed(recent_records(36), watchlist) as fake:
        slow_first_batches(fake, n=3, seconds=0.5)
        victim = start_cli(["scan", "--json"], cli_env(url, fake), tmp_path)
        try:
            wait_while_running(victim, lambda: paper_count(engine) > 0)
        finally:
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
        assert lock_row(engine) is not None  # the dead scan's lock, heartbeat seconds old
        with captured_warnings("evidencewatch.jobs.locks") as warnings:
            # The defaults: no waiting, and 900 s before a heartbeat counts as stale.
            rerun = scan_in_process(url, engine, fake)
    assert rerun.status == "succeeded", rerun.error
    assert any(f":{victim.pid}:" in w and "gone from this host" in w for w in warnings)
    assert paper_count(engine) == 36
