"""What every command shares: an unusable or newer database is one line and exit 2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from evidencewatch.cli.main import cli
from evidencewatch.storage.db import head_revision, init_db, make_engine

COMMANDS = [["review", "list"], ["scan"], ["seed"], ["serve"], ["init"]]


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch, tmp_path: Path):
    for name in ("EVIDENCEWATCH_CONFIG", "EVIDENCEWATCH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EVIDENCEWATCH_EUTILS_URL", "http://127.0.0.1:9/eutils/")
    monkeypatch.setenv("NCBI_EMAIL", "tests@evidencewatch.invalid")
    monkeypatch.chdir(tmp_path)


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", url, *args])


def assert_one_line_error(result: Result, *needles: str) -> str:
    assert result.exit_code == 2, (result.output, result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_database_in_a_missing_folder_is_one_line_naming_url_and_cause(tmp_path: Path, args):
    url = f"sqlite:///{tmp_path / 'missing' / 'ew.db'}"
    assert_one_line_error(
        run(url, *args), url, "unable to open database file", "folder", "does not exist"
    )
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("args", [["review", "list"], ["scan"], ["init"]], ids=" ".join)
def test_unreachable_postgresql_is_one_line_with_the_password_masked(args):
    url = "postgresql+psycopg://ew:hunter2@127.0.0.1:1/evidencewatch"
    line = assert_one_line_error(run(url, *args), "ew:***@127.0.0.1:1", "127.0.0.1")
    assert "hunter2" not in line


@pytest.fixture
def current_db(tmp_path: Path) -> Path:
    path = tmp_path / "ew.db"
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    engine.dispose()
    return path


def test_a_scan_on_a_database_opened_read_only_is_one_line_saying_so(current_db: Path):
    url = f"sqlite:///file:{current_db}?mode=ro&uri=true"
    assert_one_line_error(run(url, "scan"), "readonly database", "read-only")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_a_scan_on_a_read_only_file_is_one_line_saying_so(current_db: Path):
    current_db.chmod(0o444)
    try:
        assert_one_line_error(run(f"sqlite:///{current_db}", "scan"), "read-only")
    finally:
        current_db.chmod(0o644)


def test_a_database_newer_than_the_code_is_refused_by_every_command_and_left_alone(
    current_db: Path,
):
    url = f"sqlite:///{current_db}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    before = list(engine.raw_connection().driver_connection.iterdump())  # type: ignore[union-attr]
    head = head_revision(engine)
    for args in COMMANDS:
        line = assert_one_line_error(
            run(url, *args),
            "this database was written by a newer evidencewatch "
            f"(schema 9999; this version knows up to {head}): upgrade evidencewatch",
        )
        assert "evidencewatch init" not in line, args
    after = list(engine.raw_connection().driver_connection.iterdump())  # type: ignore[union-attr]
    assert after == before
    engine.dispose()
