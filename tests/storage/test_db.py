"""Engine and schema checks: a database that cannot be used, and one newer than the code."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from evidencewatch.core.errors import ConfigError
from evidencewatch.storage.db import (
    DatabaseUnavailable,
    ensure_current,
    head_revision,
    init_db,
    known_revisions,
    make_engine,
    masked_url,
    schema_revision,
)
from evidencewatch.storage.models import Paper

MIGRATIONS = Path(__file__).resolve().parents[2] / "src/evidencewatch/storage/migrations/versions"


def stamp(engine: sa.Engine, revision: str) -> None:
    """Pretend another evidencewatch version wrote this database."""
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def dump(engine: sa.Engine) -> list[str]:
    raw = engine.raw_connection()
    try:
        return list(raw.driver_connection.iterdump())  # type: ignore[union-attr]
    finally:
        raw.close()


def test_the_known_head_is_the_newest_migration_script_not_a_constant(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    scripts = sorted(p.name.split("_", 1)[0] for p in MIGRATIONS.glob("[0-9]*_*.py"))
    assert known_revisions(engine) == set(scripts)
    assert head_revision(engine) == scripts[-1]


def test_a_database_in_a_missing_folder_names_the_url_the_cause_and_the_folder(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'no-such-dir' / 'ew.db'}"
    with pytest.raises(DatabaseUnavailable) as info:
        ensure_current(make_engine(url))
    message = str(info.value)
    assert info.value.exit_code == 2
    assert url in message
    assert "unable to open database file" in message
    assert f"the folder {tmp_path / 'no-such-dir'} does not exist" in message
    assert "\n" not in message


def test_init_on_a_missing_folder_is_the_same_one_line_error(tmp_path: Path):
    with pytest.raises(DatabaseUnavailable, match="does not exist"):
        init_db(make_engine(f"sqlite:///{tmp_path / 'gone' / 'ew.db'}"))


def test_an_unreachable_postgresql_masks_the_password_in_the_message():
    url = "postgresql+psycopg://ew:hunter2@127.0.0.1:1/evidencewatch"
    with pytest.raises(DatabaseUnavailable) as info:
        ensure_current(make_engine(url))
    message = str(info.value)
    assert "hunter2" not in message
    assert "postgresql+psycopg://ew:***@127.0.0.1:1/evidencewatch" in message
    assert "Connection refused" in message or "connection" in message.lower()
    assert "\n" not in message


def test_masked_url_hides_only_the_password():
    assert masked_url("postgresql+psycopg://u:pw@h/db") == "postgresql+psycopg://u:***@h/db"
    assert masked_url("sqlite:///file:ew.db?mode=ro&uri=true") == (
        "sqlite:///file:ew.db?mode=ro&uri=true"
    )


def test_a_database_from_a_newer_version_is_refused_naming_both_revisions(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'future.db'}")
    init_db(engine)
    stamp(engine, "9999")
    head = head_revision(engine)
    with pytest.raises(ConfigError) as info:
        ensure_current(engine)
    message = str(info.value)
    assert info.value.exit_code == 2
    assert (
        f"this database was written by a newer evidencewatch (schema 9999; this version "
        f"knows up to {head}): upgrade evidencewatch"
    ) in message
    assert "evidencewatch init" not in message


def test_init_on_a_newer_database_refuses_and_changes_nothing(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'future.db'}")
    init_db(engine)
    with Session(engine) as session:
        session.add(Paper(pmid=1, title="kept"))
        session.commit()
    stamp(engine, "9999")
    before = dump(engine)
    with pytest.raises(ConfigError, match="upgrade evidencewatch"):
        init_db(engine)
    assert dump(engine) == before
    assert schema_revision(engine) == "9999"


def test_an_older_database_is_still_told_to_run_init(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    init_db(engine, "0001")
    with pytest.raises(ConfigError, match="run `evidencewatch init` to upgrade it"):
        ensure_current(engine)
