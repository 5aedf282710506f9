"""What `evidencewatch demo` prints: the queue with a status column, and Next: lines that
set the database once, mention --password-stdin and know when 'curator' exists."""

from __future__ import annotations

from click.testing import CliRunner
from sqlmodel import Session, select

from evidencewatch.cli.main import cli
from evidencewatch.storage.db import make_engine
from evidencewatch.storage.models import Candidate
from factories import make_user


def _demo(workdir):
    return CliRunner().invoke(
        cli,
        ["demo", "--dir", str(workdir), "--port", "8124"],
        env={"EVIDENCEWATCH_EUTILS_URL": "http://127.0.0.1:9/"},
    )


def test_demo_prints_statuses_and_next_steps_that_fit_the_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    workdir = tmp_path / "demo"
    first = _demo(workdir)
    assert first.exit_code == 0, first.output
    header = next(line for line in first.output.splitlines() if "score" in line and "PMID" in line)
    assert header.split() == ["score", "gene", "PMID", "status", "therapy", "title"]
    db = f"sqlite:///{(workdir / 'evidencewatch.db').resolve()}"
    assert first.output.count(f"export EVIDENCEWATCH_DATABASE_URL={db}") == 1
    assert "--password-stdin" in first.output
    assert "user add curator --role curator" in first.output
    assert first.output.count("--db ") == 0  # set once above instead

    engine = make_engine(db)
    with Session(engine) as s:
        statuses = {c.status for c in s.exec(select(Candidate))}
        make_user(s, "curator", "curator", "curator-password")
        s.commit()
    engine.dispose()
    assert any(f" {status} " in first.output for status in statuses)
    again = _demo(workdir)
    assert again.exit_code == 0, again.output
    assert "'curator' exists already" in again.output
    assert "user add curator --role" not in again.output
