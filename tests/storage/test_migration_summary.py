"""Migration 0008 adds the summary's tables to a database that already holds data."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from evidencewatch.storage.db import head_revision, init_db, schema_revision
from evidencewatch.storage.summary import SummaryOverride, SummaryVersion
from storage.test_migrations import (  # noqa: F401  (empty_engine is a fixture)
    FIRST,
    alembic,
    column_names,
    empty_engine,
    insert_data_at_first_revision,
    previous_revision,
    snapshot,
)


def test_0008_adds_the_summary_tables_keeping_every_row(empty_engine):  # noqa: F811
    engine = empty_engine
    init_db(engine, FIRST)
    insert_data_at_first_revision(engine)
    init_db(engine, previous_revision("0008"))
    columns = column_names(engine)
    before = snapshot(engine, columns)
    assert "summary_version" not in columns and "summary_override" not in columns

    init_db(engine, "0008")

    assert schema_revision(engine) == "0008"
    assert snapshot(engine, columns) == before
    with Session(engine) as session:
        session.add(
            SummaryVersion(number=1, document={"schema_version": "1.0"}, html="<p>", markdown="#")
        )
        session.add(SummaryOverride(finding_id="f", status="contested", reason="why", actor="erin"))
        session.commit()
    with Session(engine) as session:
        version = session.exec(select(SummaryVersion)).one()
        assert (version.number, version.document, version.files) == (
            1,
            {"schema_version": "1.0"},
            [],
        )
        with session.begin_nested(), pytest.raises(sa.exc.IntegrityError):
            session.add(SummaryVersion(number=1))  # a version number is published once
            session.flush()
    init_db(engine)
    assert schema_revision(engine) == head_revision(engine)


def test_0008_downgrades_to_its_predecessor_and_keeps_the_older_data(empty_engine):  # noqa: F811
    engine = empty_engine
    init_db(engine, FIRST)
    insert_data_at_first_revision(engine)
    init_db(engine, "0008")
    columns = column_names(engine)
    kept = {t: c for t, c in columns.items() if not t.startswith("summary_")}
    before = snapshot(engine, kept)
    alembic(engine, "downgrade", previous_revision("0008"))
    assert "summary_version" not in column_names(engine)
    assert snapshot(engine, kept) == before
