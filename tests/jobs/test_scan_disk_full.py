"""A database that fills up mid-scan: the real cause is recorded, only what was committed
is counted, and the next scan (with room again) stores the rest exactly once.

SQLite answers SQLITE_FULL ("database or disk is full") once a database would grow
past ``PRAGMA max_page_count``, set here on every connection the engine opens: the
same error a full disk gives, without needing a small file system.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from evidencewatch.cli.main import cli
from evidencewatch.ingest.windows import Window, watermark
from evidencewatch.jobs.scanning import run_scan
from evidencewatch.pubmed.client import EutilsClient
from evidencewatch.pubmed.query import build_queries
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.storage.models import Paper, Scan
from processes import BATCH, N_RECORDS, fake_pubmed, recent_records, today_utc


def _pages(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA page_count").scalar_one())


def _window() -> Window:
    """The last twelve days: every record of ``recent_records`` was created in them."""
    return Window(today_utc() - timedelta(days=12), today_utc())


def _client(fake) -> EutilsClient:
    return EutilsClient(
        base_url=fake.base_url,
        tool="evidencewatch-tests",
        email="tests@evidencewatch.invalid",
        requests_per_second=200,
    )


def _scan(engine: Engine, fake, watchlist, matcher):
    with _client(fake) as client:
        return run_scan(
            engine=engine,
            client=client,
            watchlist=watchlist,
            matcher=matcher,
            window=_window(),
            batch_size=BATCH,
        )


def _new_db(tmp_path: Path, name: str) -> tuple[str, Engine]:
    url = f"sqlite:///{tmp_path / name}"
    engine = make_engine(url)
    init_db(engine)
    return url, engine


@contextmanager
def page_limit(path: Path, pages: int) -> Iterator[None]:
    """Every new SQLite connection to ``path`` may grow the file to ``pages`` pages only."""
    with pragma_on_connect(path, f"max_page_count = {pages}"):
        yield


@contextmanager
def pragma_on_connect(path: Path, pragma: str) -> Iterator[None]:
    def limit(dbapi_conn: Any, _record: Any) -> None:
        files = [row[2] for row in dbapi_conn.execute("PRAGMA database_list").fetchall()]
        if str(path) in files:
            dbapi_conn.execute(f"PRAGMA {pragma}")

    sa.event.listen(sa.pool.Pool, "connect", limit)
    try:
        yield
    finally:
        sa.event.remove(sa.pool.Pool, "connect", limit)


def _half_full_limit(tmp_path: Path, fake, watchlist, matcher) -> int:
    """A page limit that a full scan of the fake's records would pass about half-way."""
    _url, scratch = _new_db(tmp_path, "scratch.db")
    before = _pages(scratch)
    assert _scan(scratch, fake, watchlist, matcher).status == "succeeded"
    after = _pages(scratch)
    scratch.dispose()
    assert after - before > 8, "the scan must need enough pages to fail in the middle"
    return before + (after - before) // 2


def _stored(engine: Engine) -> list[int]:
    with Session(engine) as s:
        return list(s.exec(select(Paper.pmid)).all())


def test_a_database_full_mid_scan_records_the_cause_and_counts_only_what_was_committed(
    tmp_path, watchlist, matcher
):
    records = recent_records()
    with fake_pubmed(records, watchlist) as fake:
        limit = _half_full_limit(tmp_path, fake, watchlist, matcher)
        _url, engine = _new_db(tmp_path, "full.db")
        engine.dispose()  # the next connections are opened under the limit
        with page_limit(tmp_path / "full.db", limit):
            report = _scan(engine, fake, watchlist, matcher)
            engine.dispose()
        stored_when_full = _stored(engine)
        assert 0 < len(stored_when_full) < N_RECORDS  # it failed mid-way, not at once
        with Session(engine) as s:
            [row] = s.exec(select(Scan)).all()
            assert watermark(session=s) is None
        assert report.status == "failed"
        assert "database or disk is full" in report.error
        assert str(tmp_path / "full.db") in report.error  # names the database
        assert row.status == "failed" and row.error == report.error
        # (Whether the row needed mark_failed's smaller rewrite depends on where the page
        # limit falls, which the schema's indexes move: both paths record the same cause.)
        assert report.papers_new == row.papers_new == len(stored_when_full)
        assert len(stored_when_full) % BATCH == 0  # whole batches only

        # With room again, the next scan re-reads the window and stores the rest once.
        later = _scan(engine, fake, watchlist, matcher)
        expected = fake.matching_pmids(
            build_queries(watchlist), mindate=later.window.start, maxdate=later.window.end
        )
    assert later.status == "succeeded", later.error
    assert Counter(_stored(engine)) == Counter(expected)
    assert len(expected) == N_RECORDS
    assert later.papers_new == N_RECORDS - len(stored_when_full)


@pytest.mark.parametrize("as_json", [True, False])
def test_cli_scan_on_a_full_database_ends_with_the_failure_and_one_clear_line(
    tmp_path, watchlist, matcher, as_json
):
    records = recent_records()
    with fake_pubmed(records, watchlist) as fake:
        limit = _half_full_limit(tmp_path, fake, watchlist, matcher)
        url, engine = _new_db(tmp_path, "full.db")
        engine.dispose()
        args = ["--db", url, "scan", "--since", _window().start.isoformat()]
        with page_limit(tmp_path / "full.db", limit):
            result = CliRunner().invoke(
                cli,
                [*args, "--json"] if as_json else args,
                env={
                    "EVIDENCEWATCH_EUTILS_URL": fake.base_url,
                    "NCBI_EMAIL": "t@x.invalid",
                    "NCBI_API_KEY": "test-key",
                    "EVIDENCEWATCH_FETCH_BATCH_SIZE": str(BATCH),
                },
            )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    stored = len(_stored(engine))
    assert 0 < stored < N_RECORDS
    if as_json:
        out = json.loads(result.stdout.strip().splitlines()[-1])
        assert out["status"] == "failed"
        assert "database or disk is full" in out["error"]
        assert out["papers_new"] == stored
    else:
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "database or disk is full" in errors[0]
        assert f"{stored} new" in result.stdout


def test_cli_scan_json_ends_with_the_failure_when_the_database_refuses_the_first_write(
    tmp_path, watchlist
):
    url, engine = _new_db(tmp_path, "readonly.db")
    engine.dispose()
    with (
        fake_pubmed(recent_records(), watchlist) as fake,
        pragma_on_connect(tmp_path / "readonly.db", "query_only = ON"),
    ):
        result = CliRunner().invoke(
            cli,
            ["--db", url, "scan", "--json", "--since", _window().start.isoformat()],
            env={"EVIDENCEWATCH_EUTILS_URL": fake.base_url, "NCBI_EMAIL": "t@x.invalid"},
        )
    assert result.exit_code == 2, result.output  # the database cannot be used (README)
    assert "Traceback" not in result.output
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["status"] == "failed" and out["scan_id"] is None
    assert "readonly" in out["error"] and "readonly.db" in out["error"]
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: the database") and "readonly" in line
    assert _stored(engine) == []
