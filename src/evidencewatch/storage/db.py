"""Engine, sessions and schema migrations.

The engine is made once per process at the edge; service functions receive
a ``Session`` and never open their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlmodel import Session

from evidencewatch.core.errors import ConfigError


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
                # WAL lets the web app read while a scan writes.
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    if url.startswith("postgresql"):
        return sa.create_engine(url, pool_pre_ping=True, **kwargs)
    raise ConfigError(
        f"database_url {url!r}: only sqlite:/// and postgresql+psycopg:// URLs are supported"
    )


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any exception."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    location = resources.files("evidencewatch.storage") / "migrations"
    config.set_main_option("script_location", str(location))
    config.attributes["engine"] = engine
    return config


def _migrate(engine: Engine, verb: str, revision: str) -> None:
    config = _alembic_config(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # Batch migrations rebuild tables (copy, drop, rename); with foreign keys on,
            # dropping a table that others point at fails. The pragma is ignored inside a
            # transaction, so it is set around it, and the result is checked before commit.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                getattr(command, verb)(config, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise ConfigError("the migration left rows whose foreign keys point nowhere")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def init_db(engine: Engine, revision: str = "head") -> None:
    """Create the schema, or upgrade it to ``revision``; safe to run again."""
    _migrate(engine, "upgrade", revision)


def downgrade_db(engine: Engine, revision: str) -> None:
    _migrate(engine, "downgrade", revision)


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()


def ensure_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is missing or behind the code."""
    current, head = schema_revision(engine), head_revision(engine)
    if current is None:
        raise ConfigError(
            f"the database at {engine.url.render_as_string(hide_password=True)} has no "
            "evidencewatch schema yet: run `evidencewatch init`"
        )
    if current != head:
        raise ConfigError(
            f"the database schema is at revision {current} but this version needs {head}: "
            "run `evidencewatch init` to upgrade it"
        )
