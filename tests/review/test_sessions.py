"""Server-side web sessions: what is stored, and when a session is no longer live."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from evidencewatch.core.timeutil import as_utc
from evidencewatch.review.sessions import TOUCH_EVERY, end_session, live_user, start_session
from evidencewatch.storage.signins import WebSession
from factories import make_user

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_only_a_hash_of_the_token_is_stored(session, settings):
    user = make_user(session, "alice")
    token = start_session(session=session, user=user, address="10.0.0.1", now=T0)
    row = session.exec(select(WebSession)).one()
    assert token not in row.token_hash and len(row.token_hash) == 64
    assert live_user(session=session, token=token, settings=settings, now=T0).username == "alice"
    assert live_user(session=session, token=row.token_hash, settings=settings, now=T0) is None


def test_last_use_is_written_at_most_once_a_minute(session, settings):
    user = make_user(session, "alice")
    token = start_session(session=session, user=user, address="10.0.0.1", now=T0)
    live_user(session=session, token=token, settings=settings, now=T0 + TOUCH_EVERY / 2)
    row = session.exec(select(WebSession)).one()
    assert as_utc(row.last_seen_at) == T0
    live_user(session=session, token=token, settings=settings, now=T0 + TOUCH_EVERY)
    assert as_utc(row.last_seen_at) == T0 + TOUCH_EVERY


def test_an_ended_session_stays_ended(session, settings):
    user = make_user(session, "alice")
    token = start_session(session=session, user=user, address="10.0.0.1", now=T0)
    end_session(session=session, token=token, now=T0 + timedelta(seconds=5))
    assert live_user(session=session, token=token, settings=settings, now=T0) is None
    row = session.exec(select(WebSession)).one()
    assert row.end_reason == "signed_out"
