"""``evidencewatch status`` on databases that cannot be opened or are newer than the code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from evidencewatch.cli.main import cli
from evidencewatch.storage.db import head_revision, init_db, make_engine


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch, tmp_path: Path):
    for name in ("EVIDENCEWATCH_CONFIG", "EVIDENCEWATCH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def status(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", url, "status", *args])


def test_status_of_an_unopenable_database_says_unreachable_first_and_exits_2(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'missing' / 'ew.db'}"
    result = status(url)
    assert result.exit_code == 2, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("database unreachable: ")
    assert url in lines[0] and "unable to open database file" in lines[0]
    # Nothing that reads as an empty database.
    assert "schema:" not in result.stdout
    assert "no scan has succeeded" not in result.stdout
    assert "none held" not in result.stdout


def test_status_json_of_an_unreachable_postgresql_names_it_with_the_password_masked():
    result = status("postgresql+psycopg://ew:hunter2@127.0.0.1:1/ew", "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert "ew:***@127.0.0.1:1/ew" in data["unreachable"]
    assert "hunter2" not in result.stdout
    assert data["problems"][0].startswith("database unreachable: ")
    assert data["scans"] == [] and data["watermark"] is None


def test_status_of_a_newer_database_says_upgrade_evidencewatch_not_init(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'ew.db'}"
    engine = make_engine(url)
    init_db(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    head = head_revision(engine)
    engine.dispose()
    result = status(url)
    assert result.exit_code == 1
    assert f"schema:   9999, NEWER than head {head}" in result.stdout
    assert "upgrade evidencewatch" in result.stdout
    assert "evidencewatch init" not in result.stdout
    data = json.loads(status(url, "--json").stdout)
    assert data["schema"] == {"current": "9999", "head": head, "ok": False, "newer": True}
