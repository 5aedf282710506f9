"""Migration 0006 (web sessions, failed sign-ins, last sign-in) on a database holding data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from databases import _backends, make_test_database
from evidencewatch.storage.db import head_revision, init_db, schema_revision
from evidencewatch.storage.models import User
from evidencewatch.storage.signins import LoginFailure, WebSession

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(params=_backends())
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path):
    _url, engine = make_test_database(request.param, tmp_path)
    yield engine
    engine.dispose()


def test_0006_adds_sessions_and_failures_and_keeps_every_user(empty_engine):
    engine = empty_engine
    init_db(engine, "0005")
    with engine.begin() as conn:
        for name, role, active in (("alice", "curator", True), ("erin", "editor", False)):
            conn.execute(
                sa.text(
                    'INSERT INTO "user" (username, password_hash, role, active, created_at) '
                    "VALUES (:n, :h, :r, :a, :c)"
                ),
                {"n": name, "h": f"hash-of-{name}", "r": role, "a": active, "c": T0},
            )
    assert "web_session" not in sa.inspect(engine).get_table_names()

    init_db(engine)

    assert schema_revision(engine) == head_revision(engine)
    tables = set(sa.inspect(engine).get_table_names())
    assert {"web_session", "login_failure"} <= tables
    with Session(engine) as session:
        users = session.exec(select(User).order_by(User.username)).all()
        kept = [(u.username, u.password_hash, u.role, u.active, u.last_login_at) for u in users]
        assert kept == [
            ("alice", "hash-of-alice", "curator", True, None),
            ("erin", "hash-of-erin", "editor", False, None),
        ]
        session.add(WebSession(token_hash="a" * 64, user_id=users[0].id, address="127.0.0.1"))
        session.add(LoginFailure(at=T0, username="alice", address="127.0.0.1"))
        session.commit()
        assert session.exec(select(WebSession)).one().ended_at is None
        assert session.exec(select(LoginFailure)).one().username == "alice"
