"""Engine, sessions and schema migrations.

The engine is made once per process at the edge; service functions receive
a ``Session`` and never open their own.

Alembic is imported only where a migration runs (``init_db``, ``downgrade_db``):
checking that the schema is current, which every command does, reads the
revision ids from the migration scripts' source and the database's
``alembic_version`` row directly, so commands start without loading Alembic.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlmodel import Session

# Imported to register their tables on SQLModel.metadata.
import evidencewatch.storage.routes
import evidencewatch.storage.signins
import evidencewatch.storage.summary
import evidencewatch.storage.votes  # noqa: F401
from evidencewatch.core.errors import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config

#: The driver errors that mean "this database cannot be used" (cannot be opened, reached,
#: read or written) rather than a bug in a statement: a missing folder, a read-only file,
#: a file that is not a database, a PostgreSQL server that is down or refuses us.
UNAVAILABLE_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError)


class DatabaseUnavailable(ConfigError):
    """The database cannot be opened, reached or written; names the URL (password masked)."""


def masked_url(url: str | URL) -> str:
    """``url`` with its password replaced by ``***``, for messages and logs."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        return "(an unreadable database URL)"
    if isinstance(url, str) and parsed.password is None:
        return url  # as the user wrote it: rendering would percent-encode "file:" URIs
    return parsed.render_as_string(hide_password=True)


def database_unavailable(url: str | URL, exc: BaseException) -> DatabaseUnavailable:
    """One line naming the database and why it cannot be used, from a driver error."""
    lines = [line.strip() for line in str(getattr(exc, "orig", None) or exc).splitlines()]
    cause = "; ".join(line for line in lines[:2] if line) or type(exc).__name__
    parsed = make_url(url)
    if parsed.password:
        cause = cause.replace(str(parsed.password), "***")
    return DatabaseUnavailable(
        f"the database {masked_url(url)} cannot be used: {cause}{_hint(parsed, cause)}"
    )


def _hint(url: URL, cause: str) -> str:
    """What usually lies behind a SQLite error message, said in terms of the file."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return ""
    path = Path(url.database.removeprefix("file:").split("?", 1)[0]).expanduser()
    lowered = cause.lower()
    if "unable to open" in lowered and not path.parent.is_dir():
        return f" (the folder {path.parent} does not exist)"
    if "unable to open" in lowered or "readonly" in lowered:
        return f" (is {path} or its folder read-only for this user?)"
    if "locked" in lowered:
        return " (another process kept it locked longer than the 30 s busy timeout)"
    return ""


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
    from alembic.config import Config

    config = Config()
    location = resources.files("evidencewatch.storage") / "migrations"
    config.set_main_option("script_location", str(location))
    config.attributes["engine"] = engine
    return config


def _migrate(engine: Engine, verb: str, revision: str) -> None:
    try:
        _run_migration(engine, verb, revision)
    except UNAVAILABLE_ERRORS as exc:
        raise database_unavailable(engine.url, exc) from exc


def _run_migration(engine: Engine, verb: str, revision: str) -> None:
    from alembic import command

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
    """Create the schema, or upgrade it to ``revision``; safe to run again.

    A database written by a newer evidencewatch is refused before anything runs:
    Alembic cannot find its revision, and downgrading it is not ours to decide.
    """
    current = reachable_revision(engine)
    if current is not None and current not in known_revisions(engine):
        problem = schema_problem(engine, current)
        raise ConfigError(problem or f"unknown schema revision {current}")
    _migrate(engine, "upgrade", revision)


def downgrade_db(engine: Engine, revision: str) -> None:
    _migrate(engine, "downgrade", revision)


def schema_revision(engine: Engine) -> str | None:
    """The database's Alembic revision (None: no schema yet); driver errors pass through."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(_VERSION_TABLE):
            return None
        rows = connection.execute(sa.text(f"SELECT version_num FROM {_VERSION_TABLE}")).all()
    if len(rows) > 1:
        raise ConfigError(f"the database has {len(rows)} schema revisions; expected one")
    return str(rows[0][0]) if rows else None


def reachable_revision(engine: Engine) -> str | None:
    """``schema_revision``, with a database that cannot be used as one DatabaseUnavailable."""
    try:
        return schema_revision(engine)
    except UNAVAILABLE_ERRORS as exc:
        raise database_unavailable(engine.url, exc) from exc


def head_revision(engine: Engine | None = None) -> str | None:
    """The newest revision among this version's migration scripts."""
    revisions = _script_revisions()
    heads = sorted(set(revisions) - {d for downs in revisions.values() for d in downs})
    if len(heads) > 1:
        raise ConfigError(f"the migration scripts have several heads: {', '.join(heads)}")
    return heads[0] if heads else None


def known_revisions(engine: Engine | None = None) -> set[str]:
    """Every revision this version's migration scripts know, read from the scripts themselves."""
    return set(_script_revisions())


_VERSION_TABLE = "alembic_version"


@cache
def _script_revisions() -> dict[str, tuple[str, ...]]:
    """revision -> its down revisions, read from the scripts' source without running them.

    Parsing a few small files costs about a millisecond; importing Alembic's script
    machinery to ask it the same costs a quarter of a second at every command's start.
    """
    versions = resources.files("evidencewatch.storage") / "migrations" / "versions"
    out: dict[str, tuple[str, ...]] = {}
    for entry in versions.iterdir():
        if entry.name.endswith(".py") and not entry.name.startswith("_"):
            values = _module_constants(entry.read_text(encoding="utf-8"))
            if isinstance(values.get("revision"), str):
                down = values.get("down_revision")
                downs = (down,) if isinstance(down, str) else tuple(down or ())
                out[str(values["revision"])] = tuple(str(d) for d in downs)
    return out


def _module_constants(source: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for node in ast.parse(source).body:
        target = value = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            values[target.id] = ast.literal_eval(value) if value is not None else None
    return values


def schema_problem(engine: Engine, current: str | None) -> str | None:
    """What is wrong with a database at revision ``current``, and what to do; None if current.

    A revision the scripts do not know can only come from a newer evidencewatch
    (revisions are never removed): upgrading the database cannot help, only
    upgrading evidencewatch can.
    """
    head = head_revision(engine)
    if current == head:
        return None
    url = masked_url(engine.url)
    if current is None:
        return f"the database at {url} has no evidencewatch schema yet: run `evidencewatch init`"
    if current not in known_revisions(engine):
        return (
            f"this database was written by a newer evidencewatch (schema {current}; this "
            f"version knows up to {head}): upgrade evidencewatch ({url} was left unchanged)"
        )
    return (
        f"the database schema is at revision {current} but this version needs {head}: "
        "run `evidencewatch init` to upgrade it"
    )


@dataclass(frozen=True, slots=True)
class SchemaCheck:
    """The schema as status pages report it: never an exception, always something to show."""

    current: str | None
    head: str | None
    newer: bool = False  # written by a newer evidencewatch: upgrade the code, not the database
    problem: str | None = None  # what is wrong and what to do; None when current
    unreachable: str | None = None  # why the database could not be read at all


def check_schema(engine: Engine) -> SchemaCheck:
    """The database's schema against this version's, for `status` and health checks."""
    head = head_revision(engine)
    try:
        current = schema_revision(engine)
    except sa.exc.SQLAlchemyError as exc:
        return SchemaCheck(None, head, unreachable=str(database_unavailable(engine.url, exc)))
    newer = current is not None and current not in known_revisions(engine)
    return SchemaCheck(current, head, newer, schema_problem(engine, current))


def ensure_current(engine: Engine) -> None:
    """Refuse to work on a database that won't open, or whose schema is missing, behind or newer."""
    problem = schema_problem(engine, reachable_revision(engine))
    if problem is not None:
        raise ConfigError(problem)
