"""Shared fixtures: a fresh database per test (SQLite file, and PostgreSQL when
scripts/test.sh started one), settings that never read the environment, the
real watchlist and matcher, and the project's fake E-utilities server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from databases import _backends, make_test_database
from evidencewatch.config import Settings, load_settings
from evidencewatch.storage.db import init_db

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _reset_process_state() -> Iterator[None]:
    """Every test starts with the process-global state a fresh process has.

    The caches below are keyed by object identity or hold compiled tables; the
    scheduler's stop flag is set by signal handlers; the web app's fallback key is
    made once per process. A test that sets or fills one must not leak into the next.
    """
    _reset_globals()
    yield
    _reset_globals()


def _reset_globals() -> None:
    from evidencewatch import scheduler
    from evidencewatch.matching import cell_lines, extract
    from evidencewatch.matching.extraction import record_facts, tables
    from evidencewatch.ranking import tokens
    from evidencewatch.web import app
    from evidencewatch.web.routes import digests

    scheduler.STOP.clear()
    extract._GENE_CACHE.clear()
    tables._TABLE_CACHE.clear()
    record_facts._FACTS_CACHE.clear()
    cell_lines._cell_finder.clear()
    tokens._analyze_cached.cache_clear()
    app.process_secret_key.cache_clear()
    digests._default_env.cache_clear()


@pytest.fixture(params=_backends())
def db_url_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    url, engine = make_test_database(request.param, tmp_path)
    init_db(engine)
    yield url, engine
    engine.dispose()


@pytest.fixture
def engine(db_url_engine: tuple[str, Engine]) -> Engine:
    return db_url_engine[1]


@pytest.fixture
def settings(db_url_engine: tuple[str, Engine], tmp_path: Path) -> Settings:
    """Settings for one test: its own database, no environment, no config file."""
    return load_settings(
        env={},
        database_url=db_url_engine[0],
        digest_dir=str(tmp_path / "digests"),
        ncbi_email="tests@evidencewatch.invalid",
        secret_key="test-secret",
    )


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture(scope="session")
def watchlist():
    from evidencewatch.watch.seedfiles import load_watchlist

    return load_watchlist(REPO / "seed_evidence" / "watchlist.toml")


@pytest.fixture(scope="session")
def matcher(watchlist):
    from evidencewatch.matching.match import Matcher

    return Matcher.from_watchlist(watchlist)


@pytest.fixture
def fake_eutils() -> Iterator:
    from evidencewatch.testing.fake_eutils import FakeEutils

    with FakeEutils() as fake:
        yield fake


@pytest.fixture
def demo_records():
    from evidencewatch.demo.run import demo_records_xml
    from evidencewatch.testing.fake_eutils import records_from_xml

    return records_from_xml(demo_records_xml())
