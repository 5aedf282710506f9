"""Migration 0007: the candidate_route table joins a database that already holds data."""

from __future__ import annotations

from sqlmodel import Session, select

from evidencewatch.core.vocabulary import RouteKind
from evidencewatch.storage.db import head_revision, init_db, schema_revision
from evidencewatch.storage.routes import CandidateRoute, add_routes, route_texts
from storage.test_migrations import (
    FIRST,
    column_names,
    empty_engine,  # noqa: F401  (the fixture)
    insert_data_at_first_revision,
    previous_revision,
    snapshot,
)


def test_0007_adds_candidate_routes_and_keeps_every_row(empty_engine):  # noqa: F811
    engine = empty_engine
    init_db(engine, FIRST)
    insert_data_at_first_revision(engine)
    init_db(engine, previous_revision("0007"))
    columns = column_names(engine)
    before = snapshot(engine, columns)
    assert "candidate_route" not in columns

    init_db(engine, "0007")

    assert schema_revision(engine) == "0007"
    assert snapshot(engine, columns) == before
    with Session(engine) as session:
        add_routes(
            session=session,
            routes=[(31000001, RouteKind.cites, 38256136, "seed finding x")],
            scan_id=None,
        )
        session.commit()
    with Session(engine) as session:
        assert session.exec(select(CandidateRoute)).one().source_pmid == 38256136
        assert route_texts(session=session, pmids=[31000001]) == {
            31000001: ["cites PMID 38256136 (seed finding x)"]
        }
    init_db(engine)  # on to the head, whatever it is after the merge
    assert schema_revision(engine) == head_revision(engine)
