"""Test databases: a SQLite file, or a fresh schema on the PostgreSQL server that
scripts/test.sh started."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from evidencewatch.storage.db import make_engine

POSTGRES_URL = os.environ.get("EVIDENCEWATCH_TEST_POSTGRES_URL")


def _backends() -> list:
    return [
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(
                    not POSTGRES_URL,
                    reason="no PostgreSQL server: run the suite with `make test`, which starts one",
                ),
            ],
        ),
    ]


def make_test_database(backend: str, tmp_path: Path) -> tuple[str, Engine]:
    """A brand-new empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'evidencewatch.db'}"
        return url, make_engine(url)
    assert POSTGRES_URL
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    return url, make_engine(url)
