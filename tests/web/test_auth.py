"""Signing in and out: the throttle, server-side sessions and their timeouts, security events."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from evidencewatch.core.timeutil import as_utc
from evidencewatch.review import accounts
from evidencewatch.review.sessions import end_sessions
from evidencewatch.storage.models import User
from evidencewatch.storage.signins import WebSession
from evidencewatch.web.app import create_app
from evidencewatch.web.deps import SESSION_COOKIE
from factories import make_user
from web.webtools import TestClient, token

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


class Clock:
    """The app's clock, moved on by the test instead of sleeping."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Events(logging.Handler):
    """The security events logged while the test runs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.fields: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.fields.append(getattr(record, "fields", {}))

    def named(self, event: str) -> list[dict]:
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


@pytest.fixture
def clock() -> Clock:
    return Clock()


def app_client(settings, engine, clock: Clock, **overrides) -> TestClient:
    return TestClient(create_app(settings.with_overrides(**overrides), engine=engine, clock=clock))


def attempt(client: TestClient, name: str, password: str):
    data = {"username": name, "password": password, "csrf_token": token(client)}
    return client.post("/login", data=data, follow_redirects=False)


def signed_in(client: TestClient) -> bool:
    return client.get("/queue", follow_redirects=False).status_code == 200


@pytest.fixture
def alice(session) -> User:
    user = make_user(session, "alice", "curator", "alice-password")
    make_user(session, "bob", "curator", "bob-password")
    session.commit()
    return user


# --- the throttle ---------------------------------------------------------------------------


def test_an_account_is_locked_after_its_failures_even_against_the_right_password(
    settings, engine, clock, alice, events
):
    limits = {"login_max_failures": 3, "login_max_failures_per_address": 100}
    with app_client(settings, engine, clock, login_lockout_seconds=30, **limits) as client:
        for _ in range(3):
            assert attempt(client, "alice", "wrong-guess").status_code == 401
        locked = attempt(client, "alice", "alice-password")
        assert locked.status_code == 429
        assert locked.headers["retry-after"] == "30"
        assert "Too many failed sign-ins for this account" in locked.text
        assert not signed_in(client)
        assert attempt(client, "bob", "bob-password").status_code == 303  # other accounts sign in
        clock.advance(31)
        assert attempt(client, "alice", "alice-password").status_code == 303
        assert signed_in(client)
    failed = events.named("login_failed")
    assert len(failed) == 3 and {f["address"] for f in failed} == {"testclient"}
    assert {f["user"] for f in failed} == {"alice"} and failed[0]["reason"] == "wrong_password"
    [lock] = events.named("login_locked")
    assert (lock["scope"], lock["user"], lock["address"], lock["failures"]) == (
        "account",
        "alice",
        "testclient",
        3,
    )
    assert events.named("login_refused_locked")[0]["address"] == "testclient"


def test_each_further_failure_doubles_the_lockout(settings, engine, clock, alice):
    limits = {"login_max_failures": 2, "login_max_failures_per_address": 100}
    with app_client(settings, engine, clock, login_lockout_seconds=10, **limits) as client:
        attempt(client, "alice", "wrong-1")
        assert attempt(client, "alice", "wrong-2").status_code == 401
        assert attempt(client, "alice", "wrong-3").headers["retry-after"] == "10"
        clock.advance(11)
        assert attempt(client, "alice", "wrong-4").status_code == 401  # checked: lock ended
        assert attempt(client, "alice", "alice-password").headers["retry-after"] == "20"


def test_an_address_is_locked_after_failures_across_many_names(
    settings, engine, clock, alice, events
):
    limits = {"login_max_failures": 100, "login_max_failures_per_address": 4}
    with app_client(settings, engine, clock, login_lockout_seconds=60, **limits) as client:
        for name in ("mallory", "alice", "root", "admin"):
            assert attempt(client, name, "guess-guess").status_code == 401
        locked = attempt(client, "bob", "bob-password")
        assert locked.status_code == 429 and locked.headers["retry-after"] == "60"
        assert "from this address" in locked.text
    assert events.named("login_failed")[0]["reason"] == "unknown_user"
    scopes = {(e["scope"], e["address"]) for e in events.named("login_locked")}
    assert scopes == {("address", "testclient")}


def test_a_successful_sign_in_clears_the_accounts_failures(settings, engine, clock, alice):
    limits = {"login_max_failures": 3, "login_max_failures_per_address": 100}
    with app_client(settings, engine, clock, **limits) as client:
        attempt(client, "alice", "typo-1")
        attempt(client, "alice", "typo-2")
        assert attempt(client, "alice", "alice-password").status_code == 303
    with app_client(settings, engine, clock, **limits) as client:
        attempt(client, "alice", "typo-3")
        attempt(client, "alice", "typo-4")
        assert attempt(client, "alice", "alice-password").status_code == 303


def test_a_disabled_account_cannot_sign_in(settings, engine, clock, alice, session, events):
    accounts.set_active(session=session, username="alice", active=False)
    session.commit()
    with app_client(settings, engine, clock) as client:
        r = attempt(client, "alice", "alice-password")
        assert r.status_code == 401 and "Wrong user name or password." in r.text
    assert events.named("login_failed")[-1]["reason"] == "disabled"


def test_sign_in_records_the_last_sign_in(settings, engine, clock, alice, session):
    with app_client(settings, engine, clock) as client:
        attempt(client, "alice", "alice-password")
    session.expire_all()
    assert as_utc(accounts.get_user(session=session, username="alice").last_login_at) == T0


# --- sessions end on the server -------------------------------------------------------------


def saved_cookie(client: TestClient) -> str:
    value = client.cookies.get(SESSION_COOKIE)
    assert value
    return value


def replay(settings, engine, clock, cookie: str) -> bool:
    """Whether a copy of a saved cookie still opens the queue, from another client."""
    with app_client(settings, engine, clock) as other:
        other.cookies.set(SESSION_COOKIE, cookie)
        return signed_in(other)


def test_a_cookie_saved_before_sign_out_stops_working(settings, engine, clock, alice):
    with app_client(settings, engine, clock) as client:
        attempt(client, "alice", "alice-password")
        cookie = saved_cookie(client)
        assert replay(settings, engine, clock, cookie)
        client.post("/logout", data={"csrf_token": token(client, "/queue")})
    assert not replay(settings, engine, clock, cookie)


@pytest.mark.parametrize("ending", ["password", "disable", "revoke"])
def test_a_saved_cookie_stops_working_when_the_account_changes(
    settings, engine, clock, alice, session, ending
):
    with app_client(settings, engine, clock) as client:
        attempt(client, "alice", "alice-password")
        cookie = saved_cookie(client)
    assert replay(settings, engine, clock, cookie)
    if ending == "password":
        accounts.set_password(session=session, username="alice", password="new-password-1")
    elif ending == "disable":
        accounts.set_active(session=session, username="alice", active=False)
    else:
        end_sessions(session=session, user=alice, reason="revoked", now=T0)
    session.commit()
    assert not replay(settings, engine, clock, cookie)
    session.expire_all()
    row = session.exec(select(WebSession)).one()
    assert row.ended_at is not None
    assert row.end_reason == {"password": "password_changed", "disable": "disabled"}.get(
        ending, "revoked"
    )


def test_an_unused_session_ends_after_the_idle_timeout(settings, engine, clock, alice, session):
    timeouts = {"session_idle_timeout_seconds": 600, "session_absolute_timeout_seconds": 7200}
    with app_client(settings, engine, clock, **timeouts) as client:
        attempt(client, "alice", "alice-password")
        clock.advance(590)
        assert signed_in(client)  # in use: the idle clock starts again
        clock.advance(590)
        assert signed_in(client)
        clock.advance(601)
        assert not signed_in(client)
    session.expire_all()
    assert session.exec(select(WebSession)).one().end_reason == "idle"


def test_a_session_ends_after_the_absolute_timeout_however_busy(
    settings, engine, clock, alice, session
):
    timeouts = {"session_idle_timeout_seconds": 600, "session_absolute_timeout_seconds": 1800}
    with app_client(settings, engine, clock, **timeouts) as client:
        attempt(client, "alice", "alice-password")
        for _ in range(3):
            clock.advance(500)
            assert signed_in(client)
        clock.advance(301)
        assert not signed_in(client)
    session.expire_all()
    assert session.exec(select(WebSession)).one().end_reason == "expired"


def test_the_session_cookie_lasts_no_longer_than_the_absolute_timeout(settings, engine, clock):
    with app_client(settings, engine, clock, session_absolute_timeout_seconds=3600) as client:
        assert "Max-Age=3600;" in client.get("/login").headers["set-cookie"]
