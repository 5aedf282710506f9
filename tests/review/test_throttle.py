"""The sign-in throttle's counts, locks and their growth, on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from evidencewatch.core.timeutil import as_utc
from evidencewatch.review import throttle
from evidencewatch.storage.signins import LoginFailure

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def fail(session, settings, at, name="alice", address="10.0.0.1"):
    attempt = throttle.record_attempt(session=session, username=name, address=address, now=at)
    return throttle.attempt_failed(
        session=session,
        settings=settings,
        attempt_id=attempt,
        username=name,
        address=address,
        now=at,
    )


def test_the_lock_starts_at_the_limit_doubles_after_it_and_never_outlasts_the_window(
    session, settings
):
    s = settings.with_overrides(
        login_max_failures=3, login_lockout_seconds=100, login_failure_window_seconds=900
    )
    assert fail(session, s, T0) == [] and fail(session, s, T0) == []
    [lock] = fail(session, s, T0)
    assert (lock.scope, lock.failures, lock.until) == ("account", 3, T0 + timedelta(seconds=100))
    assert lock.retry_after(T0 + timedelta(seconds=99.5)) == 1
    assert fail(session, s, T0)[0].until == T0 + timedelta(seconds=200)
    assert fail(session, s, T0)[0].until == T0 + timedelta(seconds=400)
    assert fail(session, s, T0)[0].until == T0 + timedelta(seconds=800)
    assert fail(session, s, T0)[0].until == T0 + timedelta(seconds=900)  # capped at the window


def test_failures_older_than_the_window_no_longer_count_and_are_pruned(session, settings):
    s = settings.with_overrides(login_max_failures=2, login_failure_window_seconds=60)
    fail(session, s, T0)
    later = T0 + timedelta(seconds=61)
    assert fail(session, s, later) == []
    assert [as_utc(row.at) for row in session.exec(select(LoginFailure)).all()] == [later]
    assert (
        throttle.lock_in_force(
            session=session, settings=s, username="alice", address="10.0.0.1", now=later
        )
        is None
    )


def test_success_forgets_the_accounts_failures_but_not_the_addresss(session, settings):
    s = settings.with_overrides(login_max_failures=2, login_max_failures_per_address=3)
    fail(session, s, T0, name="mallory")
    fail(session, s, T0, name="alice")
    attempt = throttle.record_attempt(session=session, username="alice", address="10.0.0.1", now=T0)
    throttle.attempt_succeeded(session=session, attempt_id=attempt, username="alice")
    names = [row.username for row in session.exec(select(LoginFailure)).all()]
    assert names == ["mallory"]


def begin(session, settings, at, name="alice", address="10.0.0.1"):
    return throttle.begin_attempt(
        session=session, settings=settings, username=name, address=address, now=at
    )


def test_attempts_in_flight_never_count_against_their_address(session, settings):
    s = settings.with_overrides(login_max_failures_per_address=3)
    for i in range(10):  # ten different curators, all still being checked
        assert isinstance(begin(session, s, T0, name=f"curator{i}"), int)
    assert (
        throttle.lock_in_force(
            session=session, settings=s, username="curator9", address="10.0.0.1", now=T0
        )
        is None
    )


def test_an_account_has_at_most_its_remaining_guesses_in_flight(session, settings):
    s = settings.with_overrides(login_max_failures=3, login_max_failures_per_address=100)
    fail(session, s, T0)
    assert [isinstance(begin(session, s, T0), int) for _ in range(2)] == [True, True]
    refused = begin(session, s, T0)
    assert isinstance(refused, throttle.Lock) and refused.scope == throttle.IN_FLIGHT
    assert refused.retry_after(T0) == throttle.IN_FLIGHT_RETRY_SECONDS
    pending = session.exec(select(LoginFailure).where(LoginFailure.pending)).all()
    assert len(pending) == 2  # the refused attempt left no row


def test_after_a_lock_ends_one_guess_at_a_time_is_checked(session, settings):
    s = settings.with_overrides(login_max_failures=2, login_lockout_seconds=10)
    fail(session, s, T0)
    fail(session, s, T0)
    assert begin(session, s, T0 + timedelta(seconds=5)).scope == throttle.ACCOUNT
    later = T0 + timedelta(seconds=11)
    assert isinstance(begin(session, s, later), int)
    assert begin(session, s, later).scope == throttle.IN_FLIGHT


def test_an_attempt_left_pending_past_its_time_counts_as_a_failure(session, settings):
    s = settings.with_overrides(
        login_max_failures=100, login_max_failures_per_address=2, login_lockout_seconds=300
    )
    begin(session, s, T0, name="mallory")
    begin(session, s, T0, name="root")
    at = T0 + timedelta(seconds=throttle.PENDING_SECONDS + 1)  # their worker died mid-check
    lock = throttle.lock_in_force(
        session=session, settings=s, username="bob", address="10.0.0.1", now=at
    )
    assert lock is not None and (lock.scope, lock.failures) == (throttle.ADDRESS, 2)
