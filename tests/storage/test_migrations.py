"""Schema migrations on databases that already hold data, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from databases import _backends, make_test_database
from evidencewatch.storage.db import ensure_current, head_revision, init_db, schema_revision
from evidencewatch.storage.models import (
    AuditEvent,
    Candidate,
    IntegrityNotice,
    Paper,
    Scan,
    UnresolvedPmid,
)

FIRST = "0001"
T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(params=_backends())
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path):
    """A database with no schema at all (unlike conftest's ``engine``, which is at head)."""
    _url, engine = make_test_database(request.param, tmp_path)
    yield engine
    engine.dispose()


def alembic(engine: Engine, verb: str, revision: str) -> None:
    """Run an Alembic command on ``engine`` in one transaction, in either direction.

    On SQLite, batch migrations rebuild a table (copy, drop, rename); with
    foreign keys enforced, dropping ``candidate`` while ``auditevent`` rows
    point at it fails. So, as Alembic's docs advise, foreign keys are off
    while the migration runs (the pragma is ignored inside a transaction,
    hence before it) and checked afterwards.
    """
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("evidencewatch.storage") / "migrations")
    )
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        with connection.begin():
            config.attributes["connection"] = connection
            getattr(command, verb)(config, revision)
            if sqlite:
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def previous_revision(revision: str) -> str:
    """The revision ``revision`` upgrades from: migration tests start there, whatever came later."""
    script = ScriptDirectory(str(resources.files("evidencewatch.storage") / "migrations"))
    down = script.get_revision(revision).down_revision
    assert isinstance(down, str), f"revision {revision} has no single predecessor: {down!r}"
    return down


def table(conn: sa.Connection, name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=conn)


def insert_data_at_first_revision(engine: Engine) -> None:
    """Papers, a scan, candidates and audit events, written with only the 0001 columns."""
    with engine.begin() as conn:
        scan, paper, candidate, audit = (
            table(conn, n) for n in ("scan", "paper", "candidate", "auditevent")
        )
        conn.execute(
            scan.insert().values(
                id=1,
                kind="scan",
                status="succeeded",
                started_at=T0,
                finished_at=T0,
                window_from=date(2026, 10, 1),
                window_to=date(2026, 11, 1),
                query_version="q1",
                queries=[{"term": "ESR1"}],
                requests=4,
                papers_seen=2,
                papers_new=2,
                papers_updated=0,
                candidates_new=3,
                deleted=0,
                missing_pmids=[],
                problems=[],
                error=None,
                trigger="cron",
                host="old-host",
                pid=11,
            )
        )
        for pmid, title in ((31000001, "ESR1 Y537S and fulvestrant"), (31000002, "PIK3CA")):
            conn.execute(
                paper.insert().values(
                    pmid=pmid,
                    version=1,
                    kind="article",
                    title=title,
                    journal="J Test",
                    pub_date="2026 Oct",
                    pub_year=2026,
                    crdt=date(2026, 10, 5),
                    doi=None,
                    pmcid=None,
                    is_retracted=False,
                    is_review=False,
                    record={"pmid": pmid, "abstract": "ünïcode ✓"},
                    source="scan:1",
                    first_seen_at=T0,
                    updated_at=T0,
                    deleted_at=None,
                )
            )
        for cid, (pmid, gene, status) in enumerate(
            (
                (31000001, "ESR1", "accepted"),
                (31000001, "PIK3CA", "pending"),
                (31000002, "PIK3CA", "rejected"),
            ),
            start=1,
        ):
            conn.execute(
                candidate.insert().values(
                    id=cid,
                    pmid=pmid,
                    gene=gene,
                    status=status,
                    score=0.5 + cid / 10,
                    rule_score=0.5,
                    model_score=None,
                    reasons=[{"code": "gene"}],
                    snippets=[{"text": "…resistance…"}],
                    matched_terms={"gene": [gene]},
                    mentions=[gene],
                    therapy_class="endocrine",
                    agents=["fulvestrant"],
                    direction=None,
                    effect=None,
                    alteration=None,
                    subtype=None,
                    model_system=None,
                    cell_lines=[],
                    evidence_level=None,
                    statement=None,
                    provenance={},
                    extraction_evidence={},
                    reject_reason=None,
                    note="kept",
                    scan_id=1,
                    created_at=T0,
                    updated_at=T0,
                    decided_at=None,
                    decided_by="curator1" if status != "pending" else None,
                    version=2,
                )
            )
            conn.execute(
                audit.insert().values(
                    candidate_id=cid,
                    at=T0,
                    actor="scan:1",
                    action="created",
                    from_status=None,
                    to_status="pending",
                    changes={},
                    reason=None,
                    note=None,
                )
            )


def snapshot(engine: Engine, columns: dict[str, list[str]]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of each table, restricted to the given columns, in primary-key order."""
    out = {}
    with engine.connect() as conn:
        for name, cols in columns.items():
            t = table(conn, name)
            key = list(t.primary_key.columns)
            rows = conn.execute(sa.select(*(t.c[c] for c in cols)).order_by(*key)).all()
            out[name] = [tuple(_normalise(v) for v in row) for row in rows]
    return out


def _normalise(value: Any) -> Any:
    # SQLite returns timestamps naive; both are UTC.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def column_names(engine: Engine) -> dict[str, list[str]]:
    inspector = sa.inspect(engine)
    return {
        name: [c["name"] for c in inspector.get_columns(name)]
        for name in inspector.get_table_names()
        if name != "alembic_version"
    }


def schema_shape(engine: Engine) -> dict[str, Any]:
    inspector = sa.inspect(engine)
    return {
        name: (
            sorted((c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(name)),
            sorted(i["name"] or "" for i in inspector.get_indexes(name)),
        )
        for name in sorted(inspector.get_table_names())
    }


def test_upgrading_a_database_with_data_from_the_first_revision_keeps_every_row(empty_engine):
    engine = empty_engine
    init_db(engine, FIRST)
    assert schema_revision(engine) == FIRST
    insert_data_at_first_revision(engine)
    old_columns = column_names(engine)
    before = snapshot(engine, old_columns)

    init_db(engine)

    assert schema_revision(engine) == head_revision(engine)
    ensure_current(engine)
    assert snapshot(engine, old_columns) == before
    # Columns added since 0001 are NULL or their default on the old rows, never missing.
    new_columns = column_names(engine)
    with engine.connect() as conn:
        for name, cols in old_columns.items():
            added = [c for c in new_columns[name] if c not in cols]
            t = table(conn, name)
            for column in added:
                values = conn.execute(sa.select(t.c[column])).scalars().all()
                if not t.c[column].nullable:
                    assert None not in values, f"{name}.{column} has no default for old rows"
    # The ORM reads the upgraded rows.
    with Session(engine) as session:
        candidates = session.exec(select(Candidate).order_by(Candidate.id)).all()
        assert [(c.pmid, c.gene, c.status) for c in candidates] == [
            (31000001, "ESR1", "accepted"),
            (31000001, "PIK3CA", "pending"),
            (31000002, "PIK3CA", "rejected"),
        ]
        assert candidates[0].model_id is None
        assert candidates[0].agents == ["fulvestrant"]
        paper = session.get(Paper, 31000001)
        assert paper is not None and paper.record["abstract"] == "ünïcode ✓"
        assert len(session.exec(select(AuditEvent)).all()) == 3
        assert session.get(Scan, 1).trigger == "cron"  # type: ignore[union-attr]


def test_0004_adds_the_unresolved_pmid_table_to_a_database_with_data(empty_engine):
    engine = empty_engine
    init_db(engine, FIRST)
    insert_data_at_first_revision(engine)
    init_db(engine, "0003")
    columns = column_names(engine)
    before = snapshot(engine, columns)
    assert "unresolved_pmid" not in columns

    init_db(engine, "0004")

    assert schema_revision(engine) == "0004"
    assert snapshot(engine, columns) == before
    with Session(engine) as session:
        assert session.exec(select(UnresolvedPmid)).all() == []
        # The old scan can be the one that first missed a PMID.
        session.add(UnresolvedPmid(pmid=31000003, first_scan_id=1, last_scan_id=1))
        session.commit()
    with Session(engine) as session:
        row = session.get(UnresolvedPmid, 31000003)
        assert row is not None and row.resolved_at is None and row.attempts == 1


def test_0005_adds_the_integrity_notice_table_to_a_database_with_data(empty_engine):
    engine = empty_engine
    init_db(engine, FIRST)
    insert_data_at_first_revision(engine)
    init_db(engine, "0004")
    columns = column_names(engine)
    before = snapshot(engine, columns)
    assert "integrity_notice" not in columns

    init_db(engine, "0005")

    assert schema_revision(engine) == "0005"
    assert snapshot(engine, columns) == before
    with Session(engine) as session:
        session.add(IntegrityNotice(pmid=31000001, kind="retracted", notice_pmid=31999999))
        session.commit()
    with Session(engine) as session:
        notice = session.exec(select(IntegrityNotice)).one()
        assert (notice.pmid, notice.kind, notice.state) == (31000001, "retracted", "open")


def test_running_init_on_a_current_database_changes_nothing(empty_engine):
    engine = empty_engine
    init_db(engine)
    insert_data_at_first_revision(engine)
    shape, rows = schema_shape(engine), snapshot(engine, column_names(engine))
    init_db(engine)
    init_db(engine)
    assert schema_revision(engine) == head_revision(engine)
    assert schema_shape(engine) == shape
    assert snapshot(engine, column_names(engine)) == rows


def test_each_revision_downgrades_and_upgrades_again_keeping_the_data(empty_engine):
    engine = empty_engine
    init_db(engine, FIRST)
    insert_data_at_first_revision(engine)
    first_columns = column_names(engine)
    before = snapshot(engine, first_columns)
    init_db(engine)
    head_shape = schema_shape(engine)
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("evidencewatch.storage") / "migrations")
    )
    newest_first = [s.revision for s in ScriptDirectory.from_config(config).walk_revisions()]
    assert newest_first[-1] == FIRST

    for revision, below in itertools.pairwise(newest_first):
        alembic(engine, "downgrade", below)
        assert schema_revision(engine) == below, f"downgrade of {revision}"
        assert snapshot(engine, first_columns) == before, (
            f"data lost by the downgrade of {revision}"
        )
    assert column_names(engine) == first_columns

    init_db(engine)
    assert schema_revision(engine) == head_revision(engine)
    assert schema_shape(engine) == head_shape
    assert snapshot(engine, first_columns) == before
