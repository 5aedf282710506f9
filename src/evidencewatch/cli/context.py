"""What every command shares: the settings and engine, error handling, date options.

Nothing here loads SQLAlchemy or the storage layer at import time: ``--help`` and
commands that never touch the database start without them (see cli/main.py).
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, wraps
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from evidencewatch.config import Settings
from evidencewatch.core.errors import EvidenceWatchError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from sqlmodel import Session

F = TypeVar("F", bound=Callable[..., Any])


class UnknownActor(EvidenceWatchError):
    """``--as`` names no account, or a disabled one: refused, nothing done."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Actor:
    """Who a CLI decision is recorded as, with that account's rights, and who really ran it."""

    name: str
    role: str
    os_user: str


def os_user() -> str:
    """The operating-system account running this process (not $USER, which anyone can set)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # no pwd module (Windows), or a uid without a name
        return getpass.getuser()


def resolve_actor(*, session: Session, as_name: str | None) -> Actor:
    """The actor of a CLI decision.

    ``--as NAME`` must name an existing, enabled web account, and its role is
    what counts. Without ``--as`` the actor is the shell user (``$USER``): with
    their account's role when one of that name exists (refused if disabled), else
    as a curator.
    """
    from evidencewatch.core.vocabulary import Role
    from evidencewatch.review.accounts import get_user

    real = os_user()
    if as_name is not None:
        account = get_user(session=session, username=as_name.strip())
        if account is None:
            raise UnknownActor(
                f"--as {as_name}: no account of that name; decisions are made as an existing "
                "account (see `evidencewatch user list`)"
            )
    else:
        name = os.environ.get("USER") or getpass.getuser()
        account = get_user(session=session, username=name)
        if account is None:
            return Actor(name=name, role=Role.curator.value, os_user=real)
    if not account.active:
        raise UnknownActor(
            f"account {account.username} is disabled; it cannot decide "
            f"(`evidencewatch user enable {account.username}`)"
        )
    return Actor(name=account.username, role=account.role, os_user=real)


class AppContext:
    """What every command needs: the settings, and an engine made on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        from evidencewatch.storage.db import make_engine

        return make_engine(self.settings.database_url)

    def ready_engine(self) -> Engine:
        """The engine, after checking the schema is there and current."""
        from evidencewatch.storage.db import ensure_current

        ensure_current(self.engine)
        return self.engine

    def client(self) -> Any:
        from evidencewatch.jobs.clients import eutils_client

        if not self.settings.ncbi_email and "ncbi.nlm.nih.gov" in self.settings.eutils_url:
            click.echo(
                "warning: NCBI_EMAIL is not set; NCBI asks every client to send a contact "
                "address and may block anonymous heavy users.",
                err=True,
            )
        return eutils_client(self.settings)


pass_app = click.make_pass_decorator(AppContext)


def handle_errors(func: F) -> F:
    """Turn evidencewatch's own errors into one line on stderr and their exit code.

    A database that cannot be used (a missing folder, a read-only file, a
    PostgreSQL server that is down) may only show when a command first writes,
    deep inside a job; it is reported the same way, naming the database.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except EvidenceWatchError as exc:
            fail(exc)
        except Exception as exc:
            # A driver error can only come once the storage layer is loaded: importing it
            # here keeps it out of commands that never reach the database.
            if "sqlalchemy" not in sys.modules:
                raise
            from evidencewatch.storage.db import UNAVAILABLE_ERRORS, database_unavailable

            if not isinstance(exc, UNAVAILABLE_ERRORS):
                raise
            fail(database_unavailable(_database_url(), exc))

    return wrapper  # type: ignore[return-value]


def fail(exc: EvidenceWatchError) -> NoReturn:
    click.echo(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


def _database_url() -> str:
    ctx = click.get_current_context(silent=True)
    app = ctx.find_object(AppContext) if ctx is not None else None
    if app is None:
        return Settings().database_url
    return app.settings.database_url


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    for fmt in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise click.BadParameter(f"{value!r} is not a date like 2026-11-25")
