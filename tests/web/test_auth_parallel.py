"""Sign-ins at once from one address, over real HTTP against uvicorn on 127.0.0.1: right
passwords never count against the address, parallel guesses at one account are still braked.

Every password check is held until all the sign-ins of a burst are either refused or
waiting on the hashing pool, so the burst really is in flight at once, however fast the
machine (a check in these tests takes about a millisecond).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from evidencewatch.review import accounts
from evidencewatch.web.app import create_app
from factories import make_user
from live import served as live_server

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
LIMITS = {
    "login_max_failures": 5,
    "login_max_failures_per_address": 20,
    "login_lockout_seconds": 30,
    "login_hash_workers": 2,
    "login_hash_queue": 60,  # room for every burst: here the throttle refuses, not the pool
}


class Clock:
    """The app's clock, moved on by the test instead of sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Events(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.fields: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock:
            self.fields.append(getattr(record, "fields", {}))

    def named(self, event: str) -> list[dict[str, Any]]:
        return [f for f in self.fields if f.get("event") == event]


@pytest.fixture
def events() -> Iterator[Events]:
    handler = Events()
    logger = logging.getLogger("evidencewatch.security")
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old)


class Server:
    """The app under uvicorn on a free loopback port, its password checks held until released."""

    def __init__(self, base: str, app: Any, release: threading.Event, clock: Clock) -> None:
        self.base, self.app, self.release, self.clock = base, app, release, clock

    def burst(self, attempts: list[tuple[str, str]]) -> list[httpx.Response]:
        """All ``(name, password)`` sign-ins at once; checks held until every one is refused or
        waiting on the pool, so all of them are in flight together."""
        self.release.clear()
        with ThreadPoolExecutor(len(attempts)) as executor:
            futures = [executor.submit(self.sign_in, *pair) for pair in attempts]
            deadline = time.monotonic() + 30
            while sum(f.done() for f in futures) + self.app.state.hashing.in_flight < len(attempts):
                assert time.monotonic() < deadline, "the burst did not reach the server"
                time.sleep(0.02)
            self.release.set()
            return [f.result(timeout=30) for f in futures]

    def sign_in(self, name: str, password: str) -> httpx.Response:
        with httpx.Client(base_url=self.base, timeout=40) as client:
            page = client.get("/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert csrf, page.text[:300]
            data = {"username": name, "password": password, "csrf_token": csrf.group(1)}
            return client.post("/login", data=data)


@pytest.fixture
def served(settings, engine, monkeypatch) -> Iterator[Callable[..., Server]]:
    release = threading.Event()
    release.set()
    real_verify = accounts.verify_password

    def held_verify(password_hash: str, password: str) -> bool:
        assert release.wait(30), "a password check was held for 30 s"
        return real_verify(password_hash, password)

    monkeypatch.setattr(accounts, "verify_password", held_verify)
    stack = ExitStack()

    def serve(**overrides: Any) -> Server:
        clock = Clock()
        app = create_app(
            settings.with_overrides(**{**LIMITS, **overrides}), engine=engine, clock=clock
        )
        url = stack.enter_context(live_server(app))
        return Server(url, app, release, clock)

    with stack:
        try:
            yield serve
        finally:
            release.set()  # before the servers stop: no check is left waiting


def test_fifty_curators_signing_in_at_once_from_one_address_all_get_in(served, session, events):
    names = [f"curator{i:02d}" for i in range(50)]
    for name in names:
        make_user(session, name, "curator", f"{name}-password")
    session.commit()
    server = served()
    responses = server.burst([(name, f"{name}-password") for name in names])
    assert [r.status_code for r in responses] == [303] * 50  # none refused: 20 is the address limit
    assert len(events.named("login_succeeded")) == 50
    assert {e["address"] for e in events.named("login_succeeded")} == {"127.0.0.1"}
    assert not events.named("login_failed") and not events.named("login_locked")
    # Right sign-ins left nothing behind that counts against the address either.
    again = server.burst([(name, f"{name}-password") for name in names[:25]])
    assert [r.status_code for r in again] == [303] * 25


def test_forty_parallel_guesses_at_one_account_get_five_checks_then_a_lock(served, session, events):
    make_user(session, "alice", "curator", "alice-password")
    session.commit()
    server = served()
    responses = server.burst([("alice", f"guess-{i}") for i in range(40)])
    codes = sorted(r.status_code for r in responses)
    assert codes == [401] * 5 + [429] * 35  # as many checks as the account has guesses left
    refused = [r for r in responses if r.status_code == 429]
    assert all(int(r.headers["retry-after"]) >= 1 for r in refused)
    assert all("Too many sign-ins for this account at once" in r.text for r in refused)
    failed = events.named("login_failed")
    assert len(failed) == 5 and {(f["user"], f["address"]) for f in failed} == {
        ("alice", "127.0.0.1")
    }
    [lock] = events.named("login_locked")
    assert (lock["scope"], lock["address"], lock["failures"]) == ("account", "127.0.0.1", 5)
    in_flight = events.named("login_refused_in_flight")
    assert len(in_flight) == 35 and {e["address"] for e in in_flight} == {"127.0.0.1"}
    assert not events.named("login_busy")  # the throttle refused these, not the hashing pool

    # Locked now, even against the right password, with the lock's own Retry-After...
    locked = server.sign_in("alice", "alice-password")
    assert locked.status_code == 429 and locked.headers["retry-after"] == "30"
    assert "Too many failed sign-ins for this account" in locked.text
    # ...and after it the right password works again.
    server.clock.now += timedelta(seconds=31)
    assert server.sign_in("alice", "alice-password").status_code == 303


def test_forty_parallel_guesses_across_names_from_one_address_lock_the_address(
    served, session, events
):
    make_user(session, "bob", "curator", "bob-password")
    session.commit()
    server = served()
    responses = server.burst([(f"nobody{i}", "guess-guess") for i in range(40)])
    # Each name has guesses left, so all were checked (the pool bounds such a wave)...
    assert [r.status_code for r in responses] == [401] * 40
    assert {f["reason"] for f in events.named("login_failed")} == {"unknown_user"}
    assert {(e["scope"], e["address"]) for e in events.named("login_locked")} == {
        ("address", "127.0.0.1")
    }
    # ...and the address is locked after them, for every name and password.
    locked = server.sign_in("bob", "bob-password")
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 30
    assert "from this address" in locked.text
    server.clock.now += timedelta(seconds=900)  # the window: the failures no longer count
    assert server.sign_in("bob", "bob-password").status_code == 303


def test_a_full_hashing_pool_is_a_429_not_a_lock_and_counts_as_no_failure(served, session, events):
    make_user(session, "bob", "curator", "bob-password")
    session.commit()
    server = served(login_hash_workers=1, login_hash_queue=1)
    responses = server.burst([(f"flood{i}", "guess-guess") for i in range(6)])
    codes = sorted(r.status_code for r in responses)
    assert codes == [401] * 2 + [429] * 4  # shedding sign-ins is not a server fault (5xx)
    busy = [r for r in responses if r.status_code == 429]
    assert all(r.headers["retry-after"] == "2" for r in busy)
    assert all("too many sign-ins at once" in r.text for r in busy)
    assert len(events.named("login_busy")) == 4 and not events.named("login_refused_locked")
    assert len(events.named("login_failed")) == 2
    assert server.sign_in("bob", "bob-password").status_code == 303
