"""Migration 0010: the full-text index is filled from the data already stored, kept by
triggers, and removed again by the downgrade; the presence table comes and goes with it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from databases import _backends, make_test_database
from evidencewatch.review.search import search_ids
from evidencewatch.storage.db import downgrade_db, head_revision, init_db, schema_revision

T0 = datetime(2026, 10, 1, tzinfo=UTC)


@pytest.fixture(params=_backends())
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path):
    _url, engine = make_test_database(request.param, tmp_path)
    yield engine
    engine.dispose()


def _insert_rows_at_0005(engine: sa.Engine) -> None:
    """One paper with two candidates and one more paper, written with raw SQL at 0005."""
    with engine.begin() as conn:
        meta = sa.MetaData()
        paper = sa.Table("paper", meta, autoload_with=conn)
        candidate = sa.Table("candidate", meta, autoload_with=conn)
        for pmid, title, abstract in (
            (32000001, "Giredestrant in ESR1-mutant cancer", [{"text": "Camizestrant too."}]),
            (32000002, "Unrelated title", "an old record whose abstract is a string: imlunestrant"),
        ):
            conn.execute(
                paper.insert().values(
                    pmid=pmid, version=1, kind="article", title=title, journal="J",
                    pub_date="2026", record={"pmid": pmid, "abstract": abstract},
                    source="test", first_seen_at=T0, updated_at=T0, is_retracted=False,
                    is_review=False,
                )
            )  # fmt: skip
        for cid, pmid, gene, snippets in (
            (1, 32000001, "ESR1", [{"text": "Lasofoxifene shrank tumours."}]),
            (2, 32000001, "PIK3CA", []),
            (3, 32000002, "ERBB2", None),
        ):
            conn.execute(
                candidate.insert().values(
                    id=cid, pmid=pmid, gene=gene, status="pending", score=1.0, rule_score=1.0,
                    reasons=[], snippets=snippets, matched_terms={}, mentions=[], agents=[],
                    cell_lines=[], provenance={}, extraction_evidence={}, created_at=T0,
                    updated_at=T0, version=1, note="note about elacestrant" if cid == 3 else None,
                )
            )  # fmt: skip


def test_0010_indexes_the_candidates_already_stored_and_keeps_new_ones(empty_engine):
    engine = empty_engine
    init_db(engine, "0005")
    _insert_rows_at_0005(engine)

    init_db(engine, "0010")

    assert schema_revision(engine) == "0010"
    with Session(engine) as session:
        assert sorted(search_ids(session=session, text="giredestrant")) == [1, 2]
        assert sorted(search_ids(session=session, text="camizestrant mutant")) == [1, 2]
        assert search_ids(session=session, text="lasofoxifene") == [1]
        assert search_ids(session=session, text="imlunestrant") == [3]
        assert search_ids(session=session, text="elacestrant") == [3]
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO candidate_presence (candidate_id, username, opened_at) "
                "VALUES (1, 'alice', :at)"
            ),
            {"at": T0},
        )
        conn.execute(
            sa.text("UPDATE candidate SET statement = 'Vepdegestrant worked.' WHERE id = 2")
        )
    with Session(engine) as session:
        assert search_ids(session=session, text="vepdegestrant") == [2]


def test_0010_downgrades_to_0005_keeping_every_candidate_and_upgrades_again(empty_engine):
    engine = empty_engine
    init_db(engine, "0005")
    _insert_rows_at_0005(engine)
    init_db(engine)
    assert schema_revision(engine) == head_revision(engine)

    downgrade_db(engine, "0005")

    names = set(sa.inspect(engine).get_table_names())
    assert "candidate_presence" not in names
    assert not {"candidate_fts", "candidate_search"} & names
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM candidate")).scalar() == 3
    init_db(engine)
    with Session(engine) as session:
        assert search_ids(session=session, text="lasofoxifene") == [1]
