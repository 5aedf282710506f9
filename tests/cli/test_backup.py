"""``evidencewatch backup FILE``: SQLite's online backup API, or pg_dump for PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from evidencewatch.cli.main import cli
from evidencewatch.storage.db import init_db, make_engine

PG_URL = "postgresql+psycopg://ew:hunter2@127.0.0.1:5432/ew?options=-csearch_path%3Dt1"

FAKE_PG_DUMP = """#!/bin/sh
# Records how it was called, then writes the dump where --file says (or fails).
for arg in "$@"; do
    printf '%s\\n' "$arg" >> "{log}"
    case "$arg" in --file=*) out="${{arg#--file=}}" ;; esac
done
printf 'PGPASSWORD=%s\\n' "$PGPASSWORD" >> "{log}"
if [ -n "$FAIL_PG_DUMP" ]; then
    echo 'pg_dump: error: connection to server failed: FATAL: no such database' >&2
    exit 1
fi
printf 'PGDMP fake custom-format dump' > "$out"
"""


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch, tmp_path: Path):
    for name in ("EVIDENCEWATCH_CONFIG", "EVIDENCEWATCH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", url, "backup", *args])


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ew.db'}"
    engine = make_engine(url)
    init_db(engine)
    engine.dispose()
    return url


def test_backup_of_sqlite_writes_the_file_and_says_what_it_holds(sqlite_url, tmp_path: Path):
    result = run(sqlite_url, str(tmp_path / "b.db"))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"backup of {sqlite_url} written to {tmp_path / 'b.db'}")
    assert "sqlite online backup" in result.stdout and "0 audit events" in result.stdout
    assert (tmp_path / "b.db").read_bytes().startswith(b"SQLite format 3")


def test_backup_refuses_to_replace_a_file_unless_forced(sqlite_url, tmp_path: Path):
    target = tmp_path / "b.db"
    target.write_text("older backup")
    refused = run(sqlite_url, str(target))
    assert refused.exit_code == 2
    assert refused.stderr == f"error: {target} already exists: choose a new file, or pass --force\n"
    assert target.read_text() == "older backup"
    assert run(sqlite_url, str(target), "--force").exit_code == 0


@pytest.fixture
def fake_pg_dump(tmp_path: Path, monkeypatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "pg_dump.log"
    script = bin_dir / "pg_dump"
    script.write_text(FAKE_PG_DUMP.format(log=log))
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    return log


def test_backup_of_postgresql_runs_pg_dump_with_the_password_outside_the_command_line(
    fake_pg_dump: Path, tmp_path: Path
):
    result = run(PG_URL, "ew.dump")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ew.dump").read_text() == "PGDMP fake custom-format dump"
    called = fake_pg_dump.read_text().splitlines()
    assert "--format=custom" in called and "--no-owner" in called
    assert "--dbname=postgresql://ew@127.0.0.1:5432/ew?options=-csearch_path%3Dt1" in called
    assert called[-1] == "PGPASSWORD=hunter2"
    assert not any("hunter2" in arg for arg in called[:-1])
    assert "hunter2" not in result.output
    assert "pg_dump" in result.stdout and "ew:***@127.0.0.1" in result.stdout


def test_a_failing_pg_dump_leaves_no_file_and_says_why(
    fake_pg_dump: Path, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("FAIL_PG_DUMP", "1")
    result = run(PG_URL, "ew.dump")
    assert result.exit_code == 1
    assert "pg_dump failed with exit code 1: pg_dump: error: connection" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "pg_dump.log"]


def test_without_pg_dump_the_error_gives_the_line_to_run(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    result = run(PG_URL, "ew.dump")
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "pg_dump is not installed here" in line
    assert "run: PGPASSWORD=... pg_dump --format=custom --no-owner --file=ew.dump" in line
    assert "hunter2" not in line
