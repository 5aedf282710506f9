"""Migration 0009: the review_vote table of dual review, added to a database holding data."""

from __future__ import annotations

from sqlmodel import Session, select

from evidencewatch.storage.db import head_revision, init_db, schema_revision
from evidencewatch.storage.votes import ReviewVote
from storage.test_migrations import (
    FIRST,
    alembic,
    column_names,
    empty_engine,  # noqa: F401 (fixture)
    insert_data_at_first_revision,
    previous_revision,
    snapshot,
)


def test_0009_adds_the_vote_table_keeping_every_row_and_downgrades_cleanly(empty_engine):  # noqa: F811
    engine = empty_engine
    init_db(engine, FIRST)
    insert_data_at_first_revision(engine)
    init_db(engine, previous_revision("0009"))
    columns = column_names(engine)
    before = snapshot(engine, columns)
    assert "review_vote" not in columns

    init_db(engine, "0009")

    assert schema_revision(engine) == "0009"
    assert snapshot(engine, columns) == before
    with Session(engine) as session:
        session.add(ReviewVote(candidate_id=2, voter="alice", decision="accept", edits={"s": 1}))
        session.commit()
    with Session(engine) as session:
        vote = session.exec(select(ReviewVote)).one()
        assert (vote.candidate_id, vote.voter, vote.withdrawn_at) == (2, "alice", None)

    alembic(engine, "downgrade", previous_revision("0009"))
    assert "review_vote" not in column_names(engine)
    assert snapshot(engine, columns) == before
    init_db(engine)
    assert schema_revision(engine) == head_revision(engine)
    assert "review_vote" in column_names(engine)
