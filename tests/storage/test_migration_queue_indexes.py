"""Migration 0011: the queue's order indexes gain the candidate id, and the downgrade puts
the old ones back; the candidates stored meanwhile are untouched."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from databases import _backends, make_test_database
from evidencewatch.storage.db import downgrade_db, init_db, schema_revision

OLD = {"ix_candidate_status_score": ["status", "score"],
       "ix_candidate_status_pmid_score": ["status", "pmid", "score"]}  # fmt: skip
NEW = {"ix_candidate_status_score_id": ["status", "score", "id"],
       "ix_candidate_status_pmid_score_id": ["status", "pmid", "score", "id"]}  # fmt: skip


T0 = datetime(2026, 10, 1, tzinfo=UTC)


def _insert_rows_at_0005(engine: sa.Engine) -> None:
    """One paper with three pending candidates, written with raw SQL at 0005."""
    with engine.begin() as conn:
        meta = sa.MetaData()
        paper = sa.Table("paper", meta, autoload_with=conn)
        candidate = sa.Table("candidate", meta, autoload_with=conn)
        conn.execute(
            paper.insert().values(
                pmid=32000001, version=1, kind="article", title="T", journal="J",
                pub_date="2026", record={"pmid": 32000001}, source="test", first_seen_at=T0,
                updated_at=T0, is_retracted=False, is_review=False,
            )
        )  # fmt: skip
        for cid, gene, score in ((1, "ESR1", 1.0), (2, "PIK3CA", 2.0), (3, "ERBB2", 2.0)):
            conn.execute(
                candidate.insert().values(
                    id=cid, pmid=32000001, gene=gene, status="pending", score=score,
                    rule_score=score, reasons=[], snippets=[], matched_terms={}, mentions=[],
                    agents=[], cell_lines=[], provenance={}, extraction_evidence={},
                    created_at=T0, updated_at=T0, version=1,
                )
            )  # fmt: skip


@pytest.fixture(params=_backends())
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path):
    _url, engine = make_test_database(request.param, tmp_path)
    yield engine
    engine.dispose()


def _indexes(engine: sa.Engine) -> dict[str, list[str]]:
    return {
        str(ix["name"]): [str(c) for c in ix["column_names"]]
        for ix in sa.inspect(engine).get_indexes("candidate")
        if str(ix["name"]).startswith("ix_candidate_status_")
        and ("pmid" in ix["column_names"] or len(ix["column_names"]) <= 3)
    }


def _ids_in_queue_order(engine: sa.Engine) -> list[int]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT id FROM candidate WHERE status = 'pending' ORDER BY score DESC, id DESC"
            )
        )
        return [int(r[0]) for r in rows]


def test_0011_replaces_the_queue_indexes_with_ones_ending_in_the_id(empty_engine):
    engine = empty_engine
    init_db(engine, "0005")
    _insert_rows_at_0005(engine)
    init_db(engine, "0010")
    before = _indexes(engine)
    assert {k: before[k] for k in OLD} == OLD

    init_db(engine, "0011")

    after = _indexes(engine)
    assert schema_revision(engine) == "0011"
    assert {k: after[k] for k in NEW} == NEW
    assert not set(OLD) & set(after)
    assert _ids_in_queue_order(engine) == [3, 2, 1]


def test_0011_downgrades_to_the_old_indexes_and_upgrades_again(empty_engine):
    engine = empty_engine
    init_db(engine, "0005")
    _insert_rows_at_0005(engine)
    init_db(engine, "0011")

    downgrade_db(engine, "0010")

    back = _indexes(engine)
    assert {k: back[k] for k in OLD} == OLD
    assert not set(NEW) & set(back)
    assert _ids_in_queue_order(engine) == [3, 2, 1]
    init_db(engine, "0011")
    assert {k: _indexes(engine)[k] for k in NEW} == NEW
