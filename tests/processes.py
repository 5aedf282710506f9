"""Helpers for tests that run the real CLI in a subprocess against the fake
E-utilities server in the test process: records, environments, waits."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from evidencewatch.config import SPECS, load_settings
from evidencewatch.ingest.scan import ScanReport
from evidencewatch.ingest.windows import watermark
from evidencewatch.jobs.scans import scan_job
from evidencewatch.pubmed.client import EutilsClient
from evidencewatch.pubmed.query import build_queries
from evidencewatch.storage.models import Candidate, Paper, Scan
from evidencewatch.testing.fake_eutils import (
    FakeEutils,
    FakeRecord,
    Fault,
    query_phrases,
    synthetic_records,
)

SCAN_TEXT = "SLC7A5 overexpression confers resistance to doxorubicin in breast cancer cells."
N_RECORDS = 96
BATCH = 12


def today_utc() -> date:
    return datetime.now(UTC).date()


def recent_records(n: int = N_RECORDS, start_pmid: int = 96_000_001) -> list[FakeRecord]:
    """``n`` records that all match SLC7A5, created over the last ten days (inside a first scan)."""
    return synthetic_records(
        n,
        start_pmid=start_pmid,
        first_crdt=today_utc() - timedelta(days=10),
        per_day=max(1, n // 8),
        text=SCAN_TEXT,
    )


@contextmanager
def fake_pubmed(records: list[FakeRecord], watchlist) -> Iterator[FakeEutils]:
    """The fake server, knowing every phrase of the watchlist's queries as PubMed would."""
    phrases = [p for term in build_queries(watchlist) for p in query_phrases(term)]
    with FakeEutils(records, known_phrases=phrases) as fake:
        yield fake


def cli_env(db_url: str, fake: FakeEutils, **settings: str) -> dict[str, str]:
    """The environment of a CLI subprocess: this database and fake, nothing from ours."""
    names = {spec.env for spec in SPECS if spec.env} | {"EVIDENCEWATCH_CONFIG"}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update(
        EVIDENCEWATCH_DATABASE_URL=db_url,
        EVIDENCEWATCH_EUTILS_URL=fake.base_url,
        NCBI_EMAIL="tests@evidencewatch.invalid",
        NCBI_API_KEY="test-key",  # 10 requests/s instead of 3
        EVIDENCEWATCH_FETCH_BATCH_SIZE=str(BATCH),
        EVIDENCEWATCH_LOG_FORMAT="json",
    )
    env.update(settings)
    return env


def start_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "evidencewatch", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evidencewatch", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def scan_in_process(url: str, engine: Engine, fake: FakeEutils, **overrides: object) -> ScanReport:
    """A scan through jobs.scan_job (as the CLI runs it), in this process: no start-up cost."""
    settings = load_settings(
        env={},
        database_url=url,
        eutils_url=fake.base_url,
        ncbi_email="tests@evidencewatch.invalid",
        fetch_batch_size=BATCH,
        **overrides,
    )
    client = EutilsClient(
        base_url=fake.base_url,
        tool="evidencewatch-tests",
        email=settings.ncbi_email,
        requests_per_second=200,
    )
    with client:
        return scan_job(settings, engine=engine, client=client, show_progress=False)


@contextmanager
def captured_warnings(logger: str) -> Iterator[list[str]]:
    messages: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
    log = logging.getLogger(logger)
    log.addHandler(handler)
    try:
        yield messages
    finally:
        log.removeHandler(handler)


def paper_count(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Paper)).one()


def wait_until(condition: Callable[[], bool], timeout: float = 20, every: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s")
        time.sleep(every)


def wait_while_running(
    proc: subprocess.Popen[str], condition: Callable[[], bool], timeout: float = 20
) -> None:
    """Wait for ``condition``; fail at once, with its output, if ``proc`` ends first."""

    def done() -> bool:
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the process ended early ({proc.returncode}):\n{out}\n{err}")
        return condition()

    wait_until(done, timeout=timeout)


def stored(engine: Engine) -> tuple[list[int], list[tuple[int, str]], list[Scan]]:
    with Session(engine) as s:
        pmids = list(s.exec(select(Paper.pmid)).all())
        pairs = [(c.pmid, c.gene) for c in s.exec(select(Candidate)).all()]
        scans = list(s.exec(select(Scan).order_by(Scan.id)).all())
    return pmids, pairs, scans


def current_watermark(engine: Engine) -> date | None:
    with Session(engine) as s:
        return watermark(session=s)


def slow_first_batches(fake: FakeEutils, n: int = 3, seconds: float = 0.3) -> None:
    """The first ``n`` efetch answers take ``seconds`` each: time to interrupt the scan."""
    fake.fail_next("efetch", *[Fault.slow(seconds)] * n)


def assert_complete_batches_only(engine: Engine) -> None:
    """Papers and their candidates were committed together, batch by batch."""
    pmids, pairs, _ = stored(engine)
    assert len(pmids) % BATCH == 0, f"{len(pmids)} papers: a batch was half written"
    with_candidates = {pmid for pmid, _ in pairs}
    assert set(pmids) == with_candidates  # every synthetic paper matches SLC7A5


# --------------------------------------------------------------------------- tests
