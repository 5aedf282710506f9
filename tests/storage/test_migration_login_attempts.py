"""Migration 0012 (sign-in attempts in flight) on a database holding failed sign-ins."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from databases import _backends, make_test_database
from evidencewatch.storage.db import head_revision, init_db, schema_revision
from evidencewatch.storage.signins import LoginFailure

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(params=_backends())
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path):
    _url, engine = make_test_database(request.param, tmp_path)
    yield engine
    engine.dispose()


def test_0012_keeps_every_stored_failure_a_failure(empty_engine):
    engine = empty_engine
    init_db(engine, "0011")
    with engine.begin() as conn:
        for name in ("alice", "mallory"):
            conn.execute(
                sa.text("INSERT INTO login_failure (at, username, address) VALUES (:t, :n, :a)"),
                {"t": T0, "n": name, "a": "10.0.0.1"},
            )
    init_db(engine)
    assert schema_revision(engine) == head_revision(engine)
    with Session(engine) as session:
        rows = session.exec(select(LoginFailure).order_by(LoginFailure.username)).all()
    assert [(r.username, r.address, r.pending) for r in rows] == [
        ("alice", "10.0.0.1", False),
        ("mallory", "10.0.0.1", False),
    ]


def test_every_migration_script_has_its_own_revision_and_they_form_one_chain():
    # Two branches once both added a "0011"; alembic then refused to upgrade at all.
    versions = Path(__file__).resolve().parents[2] / "src/evidencewatch/storage/migrations/versions"
    pattern = re.compile(r'^(down_revision|revision) = "?(\w+)"?$', re.MULTILINE)
    links = [dict(pattern.findall(p.read_text())) for p in sorted(versions.glob("0*.py"))]
    revisions = [link["revision"] for link in links]
    assert len(set(revisions)) == len(revisions), revisions
    assert [link["down_revision"] for link in links] == ["None", *revisions[:-1]]
