"""A database that fails mid-import (a full disk): the cause, the committed counts, one line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner
from sqlmodel import Session, select

from evidencewatch.cli.main import cli
from evidencewatch.jobs.importing import run_import
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.storage.models import Candidate, Paper, Scan

FIXTURE = Path(__file__).parents[1] / "fixtures" / "import" / "baseline.xml"
FILLER = "Tumour cells were profiled in detail across many cohorts and conditions. " * 30


def many_matching_records(path: Path, n: int) -> Path:
    template = re.search(rb"<PubmedArticle>.*?</PubmedArticle>", FIXTURE.read_bytes(), re.S)
    assert template is not None
    body = template.group(0).decode()
    records = []
    for k in range(n):
        pmid = str(98_000_001 + k)
        records.append(
            body.replace("99100001", pmid).replace(
                "Knockdown of SLC7A5", f"{FILLER} Knockdown of SLC7A5"
            )
        )
    path.write_text(
        '<?xml version="1.0" ?>\n<PubmedArticleSet>\n'
        + "\n".join(records)
        + "\n</PubmedArticleSet>\n"
    )
    return path


def filling_engine(url: str, extra_pages: int) -> sa.Engine:
    """An engine whose SQLite file may grow only ``extra_pages`` pages past its size now."""
    with make_engine(url).connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
    engine = make_engine(url)

    @sa.event.listens_for(engine, "connect")
    def _cap(dbapi_conn, _record) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + extra_pages}")

    return engine


def stored(url: str) -> tuple[int, int]:
    with Session(make_engine(url)) as s:
        return len(s.exec(select(Paper)).all()), len(s.exec(select(Candidate)).all())


def test_a_full_database_mid_import_records_the_cause_and_only_committed_counts(tmp_path, matcher):
    url = f"sqlite:///{tmp_path / 'ew.db'}"
    init_db(make_engine(url))
    data = many_matching_records(tmp_path / "many.xml", 400)
    engine = filling_engine(url, extra_pages=400)
    report = run_import(engine=engine, paths=[data], matcher=matcher, batch_size=25)
    assert report.failure is not None and "full" in report.failure
    papers, candidates = stored(url)
    assert 0 < papers < 400  # some batches were committed before the disk filled
    assert report.counts.papers_new == papers
    assert report.counts.candidates_new == candidates
    assert report.as_json()["status"] == "failed"
    assert report.as_json()["failure"] == report.failure
    with Session(make_engine(url)) as s:
        scan = s.exec(select(Scan).where(Scan.kind == "import")).one()
    assert scan.status == "failed" and scan.papers_new == papers
    assert scan.error is not None and "full" in scan.error


def test_cli_import_on_a_full_database_ends_json_with_the_failure_and_prints_one_line(
    tmp_path, monkeypatch, matcher
):
    url = f"sqlite:///{tmp_path / 'ew.db'}"
    init_db(make_engine(url))
    data = many_matching_records(tmp_path / "many.xml", 600)
    engine = filling_engine(url, extra_pages=400)
    monkeypatch.setattr("evidencewatch.storage.db.make_engine", lambda *_a, **_k: engine)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--db", url, "import", str(data), "--json"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert last["status"] == "failed" and "full" in last["failure"]
    assert last["papers_new"] == stored(url)[0]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "full" in errors[0]


def test_import_summary_says_one_file_not_one_files(tmp_path):
    url = f"sqlite:///{tmp_path / 'ew.db'}"
    init_db(make_engine(url))
    result = CliRunner().invoke(cli, ["--db", url, "import", str(FIXTURE)])
    assert "imported 1 file, 3 records:" in result.stdout
    assert "1 error" in result.stdout and "1 errors" not in result.stdout
